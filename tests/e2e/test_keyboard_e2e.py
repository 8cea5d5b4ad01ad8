"""The keyboard, discoverable and complete, in a real JupyterLab and Notebook 7: chords shown on
the buttons, the ``?`` list, number keys on a rating and a label, Alt+N to the next pending
record, the end of the queue, an out-of-range "Go to", and Escape back to the notebook."""

from __future__ import annotations

import pytest

pytest.importorskip("playwright.sync_api", reason="needs the [dev] extra (playwright)")

from playwright.sync_api import expect

from .conftest import (
    CHROMIUM,
    HAVE_CHROMIUM,
    UIS,
    Opened,
    answers,
    fill_mixed_form,
    mixed_form_cell,
)
from .conftest import answer_box as box

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not HAVE_CHROMIUM, reason=f"no Chromium at {CHROMIUM} (set E2E_CHROMIUM)"),
]

MIXED = mixed_form_cell(
    "mixed", '[{"prompt": f"Question {i}"} for i in range(6)]', 'mixed.annotate(user="e2e")'
)
IN_COMMAND_MODE_JS = "() => window.jupyterapp.shell.currentWidget.content.mode === 'command'"


@pytest.mark.parametrize("ui", UIS)
def test_a_keyboard_you_can_discover(open_notebook, ui: str) -> None:
    nb: Opened = open_notebook(ui, cells=(MIXED,), n_widgets=2)
    page, root = nb.page, nb.root(1)
    assert nb.folder is not None
    folder = nb.folder.with_name(nb.folder.name + "_mixed")
    position = root.get_by_test_id("nbf-position")

    submit = root.get_by_role("button", name="Submit", exact=True)
    expect(submit).to_have_attribute("aria-keyshortcuts", "Control+Enter Meta+Enter")
    expect(submit.locator("kbd")).to_have_text("Ctrl+Enter")
    expect(submit.locator("kbd")).to_be_visible()

    # one mixed-form record: text, Tab, a digit, Tab, a digit, Ctrl+Enter
    fill_mixed_form(page, root, "four", "4", "2")
    page.keyboard.press("Control+Enter")
    expect(position).to_have_text("Record 2 of 6")
    expect(box(root)).to_be_focused()
    expect(root.get_by_test_id("nbf-saved")).to_have_text("Saved")
    assert answers(folder) == {0: ("submitted", {"answer": "four", "quality": 4, "topic": "code"})}

    # ? lists the chords; Escape closes the list and gives the focus back
    keys = root.get_by_role("button", name="Keys", exact=True)
    keys.focus()
    page.keyboard.press("?")
    dialog = root.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Alt+N")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(keys).to_be_focused()

    # Go to a record that does not exist: said, and nothing moves
    jump = root.get_by_role("spinbutton", name="Jump to record")
    jump.fill("99")
    jump.press("Enter")
    expect(root.get_by_test_id("nbf-notice")).to_have_text(
        "There is no record 99: this filter has records 1 to 6."
    )
    expect(position).to_have_text("Record 2 of 6")

    # the last record: its answer, then the end of the queue and a jump to what is pending
    jump.fill("6")
    jump.press("Enter")
    expect(position).to_have_text("Record 6 of 6")
    box(root).click()
    page.keyboard.type("last")
    page.keyboard.press("Control+Enter")
    end = root.get_by_test_id("nbf-end")
    expect(end).to_contain_text("End of this filter: 4 record(s) still pending.")
    go = root.get_by_role("button", name="Go to the next pending record")
    expect(go).to_be_focused()
    page.keyboard.press("Enter")
    expect(position).to_have_text("Record 2 of 6")  # from the start: record 2 is pending
    expect(box(root)).to_be_focused()
    page.keyboard.press("Alt+n")  # and on to the next pending one
    expect(position).to_have_text("Record 3 of 6")
    expect(box(root)).to_be_focused()

    # Escape hands the focus to the notebook, in command mode
    page.keyboard.press("Escape")
    page.wait_for_function(IN_COMMAND_MODE_JS)
    assert root.evaluate("r => !r.contains(r.getRootNode().activeElement)")
    # and Tab from the cell comes back straight to the answer box (past the cell's own toolbar
    # buttons, not through the widget's guidelines or the record's text)
    inside = "r => r.contains(r.getRootNode().activeElement)"
    for _ in range(4):
        page.keyboard.press("Tab")
        if root.evaluate(inside):
            break
    expect(box(root)).to_be_focused()
    assert answers(folder) == {
        0: ("submitted", {"answer": "four", "quality": 4, "topic": "code"}),
        5: ("submitted", {"answer": "last"}),
    }
