"""The span editor in a real JupyterLab and Notebook 7: spans marked by keyboard (keys counted
per span), a suggestion accepted span by span, and a word marked with the mouse; each answer
read back from disk as a fresh process sees it."""

from __future__ import annotations

import os
import textwrap

import pytest

pytest.importorskip("playwright.sync_api", reason="needs the [dev] extra (playwright)")

from playwright.sync_api import Page, expect

from .conftest import CHROMIUM, HAVE_CHROMIUM, UIS, Opened, answers

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not HAVE_CHROMIUM, reason=f"no Chromium at {CHROMIUM} (set E2E_CHROMIUM)"),
]

TEXT = "Ada Lovelace met Charles Babbage in London."
SPANS = textwrap.dedent(
    f"""\
    ents = rg.FeedbackDataset(
        fields=[rg.TextField(name="text", title="Text")],
        questions=[rg.SpanQuestion(name="ents", title="Entities", field="text",
                                   labels={{"PER": "Person", "LOC": "Place"}})],
    )
    suggested = [rg.SpanValueSchema(0, 12, "PER"), rg.SpanValueSchema(36, 42, "LOC")]
    ents.add_records(
        [rg.FeedbackRecord(fields={{"text": {TEXT!r}}})]
        + [rg.FeedbackRecord(fields={{"text": {TEXT!r}}},
                             suggestions=[{{"question_name": "ents", "value": suggested}}])]
        + [rg.FeedbackRecord(fields={{"text": {TEXT!r}}}) for _ in range(4)]
    )
    ents.save(str(ds.folder) + "_spans")
    ents.annotate(user="e2e")"""
)


def _press(page: Page, *keys: str) -> int:
    for key in keys:
        page.keyboard.press(key)
    return len(keys)


@pytest.mark.parametrize("ui", UIS)
def test_spans_by_keyboard_suggestion_and_mouse(open_notebook, ui: str) -> None:
    nb: Opened = open_notebook(ui, cells=(SPANS,), n_widgets=2)
    page, root = nb.page, nb.root(1)
    assert nb.folder is not None
    folder = nb.folder.with_name(nb.folder.name + "_spans")
    position = root.get_by_test_id("nbf-position")
    editor = root.get_by_test_id("nbf-q-ents")
    spans_list = root.get_by_test_id("nbf-span-list-ents")

    # Record 1, by keyboard: each span's keys counted from the caret where the last one ended
    editor.focus()
    per_span = [
        _press(page, "Control+Shift+ArrowRight", "Control+Shift+ArrowRight", "1"),  # Ada Lovelace
        _press(
            page, "Control+ArrowRight", "Control+Shift+ArrowRight", "Control+Shift+ArrowRight", "1"
        ),
        _press(
            page, "Control+ArrowRight", "Control+ArrowRight", "2"
        ),  # London: the word at the caret
    ]
    expect(spans_list).to_contain_text("Person “Ada Lovelace”")
    expect(spans_list).to_contain_text("Person “Charles Babbage”")
    expect(spans_list).to_contain_text("Place “London”")
    expect(position).to_have_text("Record 1 of 6")  # Ctrl+arrows moved the caret, not the record
    page.keyboard.press("Control+Enter")
    expect(position).to_have_text("Record 2 of 6")
    expect(root.get_by_test_id("nbf-saved")).to_have_text("Saved")
    assert answers(folder)[0] == (
        "submitted",
        {
            "ents": [
                {"start": 0, "end": 12, "label": "PER"},
                {"start": 17, "end": 32, "label": "PER"},
                {"start": 36, "end": 42, "label": "LOC"},
            ]
        },
    )
    print(f"\n[{ui}] span editor: keys per span {per_span}, mean {sum(per_span) / 3:.2f}")
    assert per_span == [3, 4, 3]

    # Record 2: the model's spans are pre-filled; accept the first, reject the second
    expect(spans_list.locator(".nbf-span-suggested")).to_have_count(2)
    editor.focus()
    _press(page, "ArrowRight", "Enter")  # caret inside "Ada Lovelace": accepted
    expect(spans_list.locator(".nbf-span-suggested")).to_have_count(1)
    _press(page, "End", "ArrowLeft", "Delete")  # caret inside "London": removed
    expect(spans_list.locator("li")).to_have_count(1)
    page.keyboard.press("Control+Enter")
    expect(position).to_have_text("Record 3 of 6")
    expect(root.get_by_test_id("nbf-saved")).to_have_text("Saved")
    assert answers(folder)[1] == ("submitted", {"ents": [{"start": 0, "end": 12, "label": "PER"}]})

    # Record 3, by mouse: double-click "Babbage", click the Person label
    text = root.get_by_test_id("nbf-span-text-ents")
    box = text.evaluate(
        """el => {
          const node = el.querySelector('.nbf-span-run').firstChild;
          const at = node.textContent.indexOf('Babbage');
          const range = document.createRange();
          range.setStart(node, at + 2);
          range.setEnd(node, at + 3);
          const r = range.getBoundingClientRect();
          return {x: r.x + r.width / 2, y: r.y + r.height / 2};
        }"""
    )
    page.mouse.dblclick(box["x"], box["y"])
    root.get_by_test_id("nbf-span-label-ents-PER").click()
    expect(spans_list).to_contain_text("Person “Babbage”")
    page.keyboard.press("Control+Enter")
    expect(position).to_have_text("Record 4 of 6")
    expect(root.get_by_test_id("nbf-saved")).to_have_text("Saved")
    assert answers(folder)[2] == ("submitted", {"ents": [{"start": 25, "end": 32, "label": "PER"}]})


@pytest.mark.parametrize("ui", ["lab"])
def test_span_highlights_are_readable_in_light_and_dark(open_notebook, ui: str) -> None:
    from .test_look_e2e import assert_contrast, set_theme

    nb: Opened = open_notebook(ui, cells=(SPANS,), n_widgets=2)
    page, root = nb.page, nb.root(1)
    root.get_by_role("button", name="Next", exact=True).click()  # the model's spans, dashed
    editor = root.get_by_test_id("nbf-q-ents")
    expect(root.get_by_test_id("nbf-span-list-ents").locator("li")).to_have_count(2)
    editor.focus()
    _press(page, "Control+ArrowRight", "Control+Shift+ArrowRight")  # and a selection
    for theme in ("JupyterLab Light", "JupyterLab Dark"):
        set_theme(page, theme)
        expect(root).to_have_attribute("data-nbf-theme", "dark" if "Dark" in theme else "light")
        assert_contrast(root, theme)  # the whole widget, the span editor in it
        if shots := os.environ.get("E2E_SPAN_SHOTS"):
            editor.screenshot(path=f"{shots}/span-{theme.split()[-1].lower()}.png")
