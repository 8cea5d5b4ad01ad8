"""What the widget claims about saving is true, in a real JupyterLab and Notebook 7: an edit of
a submitted answer reaches disk, a busy kernel shows "queued", and a kernel restart is said at
once while the unsent answer is kept and sent by the next view of the dataset."""

from __future__ import annotations

import pytest

pytest.importorskip("playwright.sync_api", reason="needs the [dev] extra (playwright)")

from playwright.sync_api import Locator, expect

from .conftest import CHROMIUM, HAVE_CHROMIUM, KERNEL_IDLE_JS, TIMEOUT_MS, UIS, Opened, answers

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not HAVE_CHROMIUM, reason=f"no Chromium at {CHROMIUM} (set E2E_CHROMIUM)"),
]

RESTART_JS = "() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.restart()"


def answer_box(root: Locator) -> Locator:
    return root.get_by_role("textbox", name="Answer", exact=True)


@pytest.mark.parametrize("ui", UIS)
def test_an_edit_of_a_submitted_answer_is_submitted_on_leaving(open_notebook, ui: str) -> None:
    nb: Opened = open_notebook(ui)
    page, root = nb.page, nb.root()
    answer_box(root).click()
    page.keyboard.type("first version")
    page.keyboard.press("Control+Enter")
    expect(root.get_by_test_id("nbf-saved")).to_have_text("Saved")
    page.keyboard.press("Alt+ArrowLeft")
    expect(root.get_by_test_id("nbf-status")).to_have_text("submitted")
    expect(answer_box(root)).to_have_value("first version")
    page.keyboard.press("Control+a")
    page.keyboard.type("second version")
    page.keyboard.press("Alt+ArrowRight")  # leave without Ctrl+Enter
    expect(root.get_by_test_id("nbf-notice")).to_have_text("Your edit of record 1 was submitted.")
    expect(root.get_by_test_id("nbf-saved")).to_have_text("Saved")
    assert answers(nb.folder) == {0: ("submitted", {"answer": "second version"})}
    page.keyboard.press("Alt+ArrowLeft")
    expect(root.get_by_test_id("nbf-status")).to_have_text("submitted")
    expect(answer_box(root)).to_have_value("second version")


@pytest.mark.parametrize("ui", ["lab"])
def test_a_busy_kernel_shows_queued_then_saved(open_notebook, ui: str) -> None:
    nb: Opened = open_notebook(ui, cells=("import time; time.sleep(9); print('slept')",))
    page, root = nb.page, nb.root()
    out = nb.run_cell(1)  # the kernel is now busy for 9 s
    answer_box(root).click()
    page.keyboard.type("while busy")
    page.keyboard.press("Control+Enter")
    saved = root.get_by_test_id("nbf-saved")
    expect(saved).to_contain_text("Queued: the kernel is busy")
    expect(root.get_by_test_id("nbf-kernel-alert")).to_be_hidden()
    expect(out).to_contain_text("slept", timeout=TIMEOUT_MS)
    expect(saved).to_have_text("Saved")
    assert answers(nb.folder) == {0: ("submitted", {"answer": "while busy"})}


@pytest.mark.parametrize("ui", UIS)
def test_a_kernel_restart_is_said_at_once_and_the_next_view_sends_what_was_kept(
    open_notebook, ui: str
) -> None:
    # does nothing on Run All; after the restart it reopens the dataset as a user would
    reopen = (
        "if 'ds' not in globals():\n"
        "    import glob\n"
        "    import nb_feedback as rg\n"
        "    ds = rg.FeedbackDataset.from_disk(glob.glob('*kernel_restart*_data')[0])\n"
        "    display(ds.annotate(user='e2e'))"
    )
    nb: Opened = open_notebook(ui, cells=(reopen,))
    page, old = nb.page, nb.root(0)
    answer_box(old).click()
    page.keyboard.type("saved before")
    page.keyboard.press("Control+Enter")
    expect(old.get_by_test_id("nbf-saved")).to_have_text("Saved")

    page.evaluate(RESTART_JS)
    alert = old.get_by_test_id("nbf-kernel-alert")
    expect(alert).to_contain_text("Re-run the cell to reconnect", timeout=5_000)
    page.wait_for_function(KERNEL_IDLE_JS, timeout=TIMEOUT_MS)
    # typed after the restart: not sent into nothing, kept, and said so
    answer_box(old).click()
    page.keyboard.type("typed after the restart")
    page.keyboard.press("Control+Enter")
    expect(alert).to_contain_text("1 unsent answer(s) kept in this browser")
    expect(old.get_by_test_id("nbf-saved")).to_have_text("Not saved: 1 answer(s) kept in this page")
    assert answers(nb.folder) == {0: ("submitted", {"answer": "saved before"})}

    # re-running a cell that opens the same dataset sends it
    nb.run_cell(1)
    new = nb.root(1)
    expect(new.get_by_test_id("nbf-live")).to_have_text(
        "The 1 answer(s) an earlier view kept were sent", timeout=TIMEOUT_MS
    )
    expect(new.get_by_test_id("nbf-saved")).to_have_text("Saved")
    expect(new.get_by_test_id("nbf-notice")).to_be_hidden()  # "Sending 1 answer(s)…" is gone
    assert answers(nb.folder) == {
        0: ("submitted", {"answer": "saved before"}),
        1: ("submitted", {"answer": "typed after the restart"}),
    }
