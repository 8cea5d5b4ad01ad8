"""Small things that cost a labeler, measured in JupyterLab and Notebook 7: the ``?`` list of keys
floats over the record instead of pushing it down; every radio option (the whole label) is a hit
target of at least 24 x 24 px; disabled buttons keep a text contrast of at least 4.5:1 in the
light and the dark theme (marimo's dark theme: test_marimo_e2e.py).

``E2E_SHOW_TIMINGS=1`` prints what was measured.
"""

from __future__ import annotations

import os

import pytest

pytest.importorskip("playwright.sync_api", reason="needs the [dev] extra (playwright)")

from playwright.sync_api import expect

from .conftest import CHROMIUM, HAVE_CHROMIUM, UIS, Opened
from .test_keyboard_e2e import MIXED
from .test_look_e2e import LOW_CONTRAST_JS, set_theme

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not HAVE_CHROMIUM, reason=f"no Chromium at {CHROMIUM} (set E2E_CHROMIUM)"),
]

TOP_JS = "e => e.getBoundingClientRect().top"
# Every option label of the radio groups: its box, as the pointer sees it.
TARGETS_JS = """root => [...root.querySelectorAll('[role=radiogroup] label')].map(l => {
  const r = l.getBoundingClientRect();
  return {text: l.textContent.trim(), width: r.width, height: r.height};
})"""


@pytest.mark.parametrize("ui", UIS)
def test_keys_list_floats_targets_are_big_and_disabled_buttons_readable(
    open_notebook, ui: str
) -> None:
    nb: Opened = open_notebook(ui, cells=(MIXED,), n_widgets=2)
    page, root = nb.page, nb.root(1)
    measured: dict[str, object] = {}

    # the ? list: the record does not move when it opens, and the list is on screen
    prompt = root.get_by_test_id("nbf-field-prompt")
    root.evaluate("r => r.scrollIntoView({block: 'start'})")
    before = prompt.evaluate(TOP_JS)
    keys = root.get_by_role("button", name="Keys", exact=True)
    keys.focus()
    page.keyboard.press("?")
    dialog = root.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    expect(dialog).to_be_in_viewport()
    after = prompt.evaluate(TOP_JS)
    measured["record moved by"] = after - before
    assert abs(after - before) < 1, (before, after)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(keys).to_be_focused()
    assert abs(prompt.evaluate(TOP_JS) - before) < 1

    # radio options: the label around each is the hit target, at least 24 x 24 px
    targets = root.evaluate(TARGETS_JS)
    assert len(targets) == 8, targets  # five ratings, three labels
    smallest = min(min(t["width"], t["height"]) for t in targets)
    measured["smallest radio target"] = smallest
    assert smallest >= 24, targets
    # and a click at the edge of a label picks its option
    label = root.locator("[role=radiogroup] label", has_text="code")
    box = label.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] - 2, box["y"] + box["height"] - 2)
    expect(root.get_by_role("radio", name="code")).to_be_checked()

    # disabled buttons (Previous on the first record, Undo and Redo with nothing to undo)
    for theme in ("JupyterLab Light", "JupyterLab Dark"):
        set_theme(page, theme)
        expect(root).to_have_attribute("data-nbf-theme", "dark" if "Dark" in theme else "light")
        result = root.evaluate(LOW_CONTRAST_JS, True)
        measured[theme] = result
        assert result["checked"] >= 2 and result["bad"] == [], (theme, result)
    if os.environ.get("E2E_SHOW_TIMINGS"):
        print(f"\n[{ui}] {measured}")
