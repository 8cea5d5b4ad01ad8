"""The widget in a real JupyterLab 4.6 and Notebook 7.6, driven through Debian's Chromium.

Every test proves what the kernel did, not only what the page shows: it reopens the dataset's
folder with ``FeedbackDataset.from_disk`` (the ack says "Saved" only once the answer is on disk,
DESIGN.md section 3) or runs a cell and reads what the kernel printed.
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Locator, Page, expect

from .conftest import HOSTILE_PROMPTS, UIS, Opened, answers

pytestmark = pytest.mark.e2e


def answer_box(root: Locator) -> Locator:
    # The question's title is its input's accessible name (DESIGN.md section 1).
    return root.get_by_role("textbox", name="Answer", exact=True)


def expect_saved(root: Locator) -> None:
    """Wait for the kernel's ack of every answer sent so far: the answers are on disk."""
    expect(root.get_by_test_id("nbf-saved")).to_have_text("Saved")


@pytest.mark.parametrize("ui", UIS)
def test_keyboard_only_annotation_reaches_disk(open_notebook, ui: str) -> None:
    nb: Opened = open_notebook(
        ui,
        cells=(
            "import json\n"
            "print('KERNEL', json.dumps({r.fields['prompt']: [x.values for x in r.responses]"
            " for r in ds if r.responses}))",
        ),
    )
    page, root = nb.page, nb.root()
    expect(root.get_by_test_id("nbf-memory-notice")).to_be_hidden()  # it has a folder

    answer_box(root).click()  # the only click: the rest is keyboard
    typed = ["a sea haiku", "recursion is a function calling itself", "2, 3 and 5"]
    for i, text in enumerate(typed):
        expect(root.get_by_test_id("nbf-position")).to_have_text(f"Record {i + 1} of 6")
        page.keyboard.type(text)
        page.keyboard.press("Control+Enter")
    # Ctrl+Enter advanced and put the focus into the next record's box
    expect(root.get_by_test_id("nbf-position")).to_have_text("Record 4 of 6")
    expect(answer_box(root)).to_be_focused()
    expect(answer_box(root)).to_have_value("")
    expect_saved(root)

    on_disk = answers(nb.folder)
    assert on_disk == {
        i: ("submitted", {"answer": text}) for i, text in enumerate(typed)
    }, on_disk

    # the live dataset in the kernel says the same
    out = nb.run_cell(1)
    expect(out).to_contain_text("KERNEL")
    printed = json.loads(out.inner_text().split("KERNEL", 1)[1])
    assert printed == {
        "Write a haiku about the sea.": [{"answer": typed[0]}],
        "Explain recursion to a child.": [{"answer": typed[1]}],
        "Name three prime numbers.": [{"answer": typed[2]}],
    }
    print(f"\n[{ui}] timings {nb.timings}")
