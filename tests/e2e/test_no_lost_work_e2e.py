"""Nothing a labeler typed is lost, in a real JupyterLab and Notebook 7: Undo from inside the next
record's answer box gives back every answer of the record (and Redo gives it again), typing ahead
of the kernel at full speed puts every answer on its own record, and a kernel restart is said in
the widget's first line, in view, with the submit shown as not saved.

Records hold a 3,600-character prompt, as long prompts do: the widget is taller than the window.
``E2E_SHOW_TIMINGS=1`` prints what was measured (keys per record, time to the next record).
"""

from __future__ import annotations

import os
import time

import pytest

pytest.importorskip("playwright.sync_api", reason="needs the [dev] extra (playwright)")

from playwright.sync_api import Locator, expect

from .conftest import (
    CHROMIUM,
    HAVE_CHROMIUM,
    KERNEL_IDLE_JS,
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

N = 12
LONG = mixed_form_cell(
    "long",
    f'[{{"prompt": f"Prompt {{i}}. " + "A long prompt line. " * 180}} for i in range({N})]',
    'slow = long.annotate(user="e2e")\nslow',
)
RESTART_JS = "() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.restart()"
# A slow kernel (a big dataset, a loaded machine): each record window is sent 0.4 s late, so a
# fast typist runs past the records the view holds.
SLOW_WINDOWS_JS = """async () => {
  const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const code = "import time\\n_send = slow._send_window\\n" +
    "slow._send_window = lambda: (time.sleep(0.4), _send())[-1]";
  await kernel.requestExecute({code}).done;
  return true;
}"""
CHECKED_JS = "g => g.querySelector('input:checked')?.value ?? null"


def checked(root: Locator, name: str) -> str | None:
    return str(root.get_by_test_id(f"nbf-q-{name}").evaluate(CHECKED_JS) or "") or None


def wait_for_answers(folder, count: int, timeout: float = 30.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while True:
        got = answers(folder)
        if len(got) >= count or time.monotonic() > deadline:
            return got
        time.sleep(0.25)


@pytest.mark.parametrize("ui", UIS)
def test_undo_from_the_answer_box_type_ahead_and_a_dead_kernel_lose_nothing(
    open_notebook, ui: str
) -> None:
    nb: Opened = open_notebook(ui, cells=(LONG,))
    page, root = nb.page, nb.root(1)
    assert nb.folder is not None
    folder = nb.folder.with_name(nb.folder.name + "_long")
    position = root.get_by_test_id("nbf-position")
    expect(position).to_have_text("Record 1 of 12", timeout=60_000)
    measured: dict[str, float] = {}

    # one record, every question: text, Tab, a digit, Tab, a digit, Ctrl+Enter
    fill_mixed_form(page, root, "four", "4", "2")
    t0 = time.monotonic()
    page.keyboard.press("Control+Enter")
    expect(position).to_have_text("Record 2 of 12")
    measured["time to next record (s, with Playwright's round trip)"] = time.monotonic() - t0
    measured["keys per record beyond the text"] = 5
    expect(box(root)).to_be_focused()

    # Undo from inside the next record's answer box: the record comes back whole, as a draft
    undo = root.get_by_role("button", name="Undo", exact=True)
    expect(undo.locator("kbd")).to_have_text("Alt+Z")
    page.keyboard.press("Alt+z")
    expect(position).to_have_text("Record 1 of 12")
    expect(box(root)).to_have_value("four")
    expect(box(root)).to_be_focused()
    assert (checked(root, "quality"), checked(root, "topic")) == ("4", "code")
    expect(root.get_by_test_id("nbf-status")).to_have_text("draft")
    expect(root.get_by_test_id("nbf-saved")).to_have_text("Saved")
    full = {"answer": "four", "quality": 4, "topic": "code"}
    assert answers(folder) == {0: ("draft", full)}
    # leave and come back: still all there
    page.keyboard.press("Alt+ArrowRight")
    page.keyboard.press("Alt+ArrowLeft")
    expect(box(root)).to_have_value("four")
    assert (checked(root, "quality"), checked(root, "topic")) == ("4", "code")
    # Redo gives it again: submitted
    page.keyboard.press("Alt+Shift+Z")
    expect(root.get_by_test_id("nbf-status")).to_have_text("submitted")
    expect(root.get_by_test_id("nbf-saved")).to_have_text("Saved")
    assert answers(folder) == {0: ("submitted", full)}

    # type ahead of the kernel: ten records, as fast as the keyboard goes, no waiting, while
    # the kernel is busy (so the view runs past the records it holds, as a slow kernel makes it)
    page.keyboard.press("Alt+ArrowRight")
    expect(position).to_have_text("Record 2 of 12")
    expect(box(root)).to_be_focused()
    page.evaluate(SLOW_WINDOWS_JS)
    t0 = time.monotonic()
    for i in range(1, 11):
        page.keyboard.type(f"fast {i}")
        page.keyboard.press("Control+Enter")
    typed = time.monotonic() - t0
    # past the window: the keys wait for their record, and the view says so
    expect(root.get_by_test_id("nbf-loading")).to_contain_text("key(s) you typed are held")
    expect(position).to_have_text("Record 12 of 12", timeout=30_000)
    got = wait_for_answers(folder, 11)
    expected = {0: ("submitted", full)} | {
        i: ("submitted", {"answer": f"fast {i}"}) for i in range(1, 11)
    }
    assert got == expected
    expect(root.get_by_test_id("nbf-saved")).to_have_text("Saved")
    measured["type-ahead: ms per record (typing 7 keys + Ctrl+Enter)"] = 1000 * typed / 10

    # the kernel restarts: a submit is said not saved, at the top of the widget, in view
    box(root).click()
    page.keyboard.type("after the restart")
    page.evaluate(RESTART_JS)
    page.wait_for_function(KERNEL_IDLE_JS, timeout=60_000)
    box(root).click()
    page.keyboard.press("Control+Enter")
    alert = root.get_by_test_id("nbf-kernel-alert")
    expect(alert).to_contain_text("Re-run the cell to reconnect")
    expect(alert).to_be_in_viewport()
    assert root.evaluate("r => r.firstElementChild.dataset.testid") == "nbf-kernel-alert"
    expect(root.get_by_test_id("nbf-live")).not_to_contain_text("Submitted")
    expect(root.get_by_test_id("nbf-saved")).to_contain_text("Not saved")
    assert 11 not in answers(folder)
    if os.environ.get("E2E_SHOW_TIMINGS"):
        print(f"\n[{ui}] " + ", ".join(f"{k}: {v:.3g}" for k, v in measured.items()))
