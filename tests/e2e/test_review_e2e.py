"""The review view in JupyterLab and Notebook 7: every answer side by side, picked and edited by keys.

Two annotators' answers are written from code; the reviewer's view shows both with who wrote
them, Alt+2 takes the second one into the box to edit, Alt+1 takes the first as it is, and a
third record gets an answer of the reviewer's own. The test reads back from disk what the
reviewer stored and which answer each came from.
"""

from __future__ import annotations

import textwrap

import pytest

pytest.importorskip("playwright.sync_api", reason="needs the [dev] extra (playwright)")

from playwright.sync_api import Page, expect

from .conftest import (
    CHROMIUM,
    HAVE_CHROMIUM,
    KERNEL_IDLE_JS,
    TIMEOUT_MS,
    UIS,
    Jupyter,
    load,
    run_all_cells,
    write_notebook,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not HAVE_CHROMIUM, reason=f"no Chromium at {CHROMIUM} (set E2E_CHROMIUM)"),
]

PROMPTS = ["Name a prime number.", "What is 7 times 8?", "Say hi politely."]
ANSWERS = {
    "ana": ["Seven.", "56", "Hello there."],
    "bob": ["Nine.", "7 times 8 is 56.", "yo"],
}

CELL = textwrap.dedent(
    """\
    import nb_feedback as rg
    ds = rg.FeedbackDataset(
        fields=[rg.TextField(name="prompt", title="Prompt")],
        questions=[rg.TextQuestion(name="answer", title="Answer")],
        distribution=rg.TaskDistribution(min_submitted=2),
    )
    ds.add_records([{{"prompt": p}} for p in {prompts!r}])
    ds.save({folder!r}, overwrite=True)
    for user, texts in {answers!r}.items():
        for record, text in zip(ds, texts):
            ds.add_response(record.id, {{"answer": text}}, user=user)
    w = ds.annotate(user="rev", review=True)
    w"""
)


@pytest.mark.parametrize("ui", UIS)
def test_a_reviewer_picks_edits_and_writes_answers_by_keyboard(
    jupyter: Jupyter, page: Page, ui: str
) -> None:
    name, folder = f"review_keys_{ui}.ipynb", f"review_keys_{ui}_data"
    write_notebook(
        jupyter.root, name, [CELL.format(prompts=PROMPTS, answers=ANSWERS, folder=folder)]
    )
    jupyter.start_session(name)
    page.goto(jupyter.url(ui, name))
    page.wait_for_function(KERNEL_IDLE_JS, timeout=TIMEOUT_MS)
    run_all_cells(page)
    root = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)").get_by_test_id("nbf-root")
    position = root.get_by_test_id("nbf-position")
    expect(position).to_have_text("Record 1 of 3", timeout=TIMEOUT_MS)
    box = root.get_by_role("textbox", name="Answer", exact=True)

    # every annotator's answer, side by side, with who wrote it
    cards = root.get_by_test_id("nbf-review-answer")
    expect(cards).to_have_count(2)
    expect(root.get_by_role("region", name="Answer by ana")).to_contain_text("Seven.")
    expect(root.get_by_role("region", name="Answer by bob")).to_contain_text("Nine.")

    root.get_by_test_id("nbf-review-use-0").focus()  # into the view without a click
    page.keyboard.press("Alt+2")  # bob's answer into the box, to edit
    expect(box).to_have_value("Nine.")
    expect(box).to_be_focused()
    page.keyboard.press("Control+End")
    page.keyboard.type(" No: 9 = 3 x 3. Seven is.")
    page.keyboard.press("Control+Enter")

    expect(position).to_have_text("Record 2 of 3")
    expect(root.get_by_role("region", name="Answer by bob")).to_contain_text("7 times 8 is 56.")
    page.keyboard.press("Alt+1")  # ana's answer, as it is
    expect(box).to_have_value("56")
    page.keyboard.press("Control+Enter")

    expect(position).to_have_text("Record 3 of 3")
    expect(box).to_be_focused()
    page.keyboard.type("Hello! How can I help?")  # a new answer of the reviewer's own
    page.keyboard.press("Control+Enter")
    expect(root.get_by_test_id("nbf-saved")).to_have_text("Saved")
    # the keys never reached the notebook (Alt+digit, digits are cell shortcuts there)
    panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
    expect(panel.locator(".jp-Cell")).to_have_count(1)
    expect(panel.locator(".jp-CodeCell")).to_have_count(1)

    back = load(jupyter.root / folder)
    ids = [r.id for r in back]
    mine = {r.id: back.response_of(r.id, "rev") for r in back}
    assert [(m.status, m.plain_values()) for m in mine.values() if m is not None] == [
        ("submitted", {"answer": "Nine. No: 9 = 3 x 3. Seven is."}),
        ("submitted", {"answer": "56"}),
        ("submitted", {"answer": "Hello! How can I help?"}),
    ]
    notes = back.reviews().set_index("record_id")
    assert notes.loc[ids[0], "source"] == "bob" and bool(notes.loc[ids[0], "edited"])
    assert notes.loc[ids[1], "source"] == "ana" and not bool(notes.loc[ids[1], "edited"])
    assert notes.loc[ids[2], "source"] is None
    # the annotators' own answers are untouched
    assert back.response_of(ids[0], "bob").plain_values() == {"answer": "Nine."}  # type: ignore[union-attr]
    jupyter.shutdown_sessions()
