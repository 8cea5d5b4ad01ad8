"""The keyboard flow around a long record, in a real JupyterLab and Notebook 7: scroll keys on the
prompt's box scroll the box, never the notebook; after "Show all" the answers and Submit stay in
view while the notebook scrolls the record past; a click on the cell's prompt takes the focus out
of the widget; a re-run opens at the first pending record; a four-reply ranking is one Tab stop
and refuses a tie.

``E2E_SHOW_TIMINGS=1`` prints what was measured (where Submit sits, how far the notebook moved).
"""

from __future__ import annotations

import os
import textwrap

import pytest

pytest.importorskip("playwright.sync_api", reason="needs the [dev] extra (playwright)")

from playwright.sync_api import expect

from .conftest import CHROMIUM, HAVE_CHROMIUM, UIS, Opened, answers
from .test_no_lost_work_e2e import LONG, box

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not HAVE_CHROMIUM, reason=f"no Chromium at {CHROMIUM} (set E2E_CHROMIUM)"),
]

REOPEN = "long.annotate(user='e2e')"
RANKED = textwrap.dedent(
    """\
    ranked = rg.FeedbackDataset(
        fields=[rg.TextField(name="prompt")] + [rg.TextField(name=f"r{i}") for i in range(4)],
        questions=[rg.RankingQuestion(name="order", title="Order",
                                      values=[f"r{i}" for i in range(4)])],
    )
    ranked.add_records([{"prompt": "Q", **{f"r{i}": f"reply {i}" for i in range(4)}}])
    ranked.annotate(user="e2e")"""
)
# The notebook's own scrolling box (Lab and Notebook 7 alike).
SCROLLER_TOP = "() => document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) "
SCROLLER_TOP += ".jp-WindowedPanel-outer').scrollTop"
SCROLL_BY = """(r, dy) => {
  const s = r.closest('.jp-WindowedPanel-outer');
  s.scrollTop = s.scrollTop + r.getBoundingClientRect().top - s.getBoundingClientRect().top + dy;
  return s.scrollTop;
}"""


@pytest.mark.parametrize("ui", UIS)
def test_a_long_record_keeps_its_keys_and_its_answers_in_view(open_notebook, ui: str) -> None:
    nb: Opened = open_notebook(ui, cells=(LONG, REOPEN, RANKED))
    page, root = nb.page, nb.root(1)
    assert nb.folder is not None
    folder = nb.folder.with_name(nb.folder.name + "_long")
    expect(root.get_by_test_id("nbf-position")).to_have_text("Record 1 of 12", timeout=60_000)
    measured: dict[str, float] = {}

    # scroll keys on the prompt's box: the box scrolls, the notebook stays where it is
    prompt = root.get_by_test_id("nbf-field-prompt")
    prompt.focus()
    before = page.evaluate(SCROLLER_TOP)
    for key in ("End", "PageDown", "Space", "PageDown"):
        page.keyboard.press(key)
    expect(prompt).to_be_focused()
    assert prompt.evaluate("b => b.scrollTop") > 0
    measured["notebook moved by scroll keys at the box's end (px)"] = (
        page.evaluate(SCROLLER_TOP) - before
    )
    assert page.evaluate(SCROLLER_TOP) == before

    # "Show all": the notebook scrolls the long record past, the answers and Submit stay in view
    root.get_by_test_id("nbf-expand-prompt").click()
    submit = root.get_by_role("button", name="Submit", exact=True)
    for dy in (300, 600):  # the record is ~900 px tall once shown whole
        root.evaluate(SCROLL_BY, dy)
        expect(submit).to_be_in_viewport()
        expect(box(root)).to_be_in_viewport()
        measured[f"Submit's top with the widget's top {dy}px above view (px)"] = (
            submit.bounding_box() or {"y": -1.0}
        )["y"]

    # two records answered, then the cell re-run: the new view opens at the first pending one
    box(root).click()
    page.keyboard.type("one")
    page.keyboard.press("Control+Enter")
    page.keyboard.type("two")
    page.keyboard.press("Control+Enter")
    expect(root.get_by_test_id("nbf-saved")).to_have_text("Saved")
    assert sorted(answers(folder)) == [0, 1]
    # a click on the cell's prompt area takes the focus out of the widget (Shift+Enter there
    # must run the cell, not type a newline into an answer)
    box(root).click()
    nb.panel.locator(".jp-Cell").nth(1).locator(".jp-InputPrompt").click()
    assert root.evaluate("r => !r.contains(r.getRootNode().activeElement)")
    nb.run_cell(2)
    expect(nb.root(2).get_by_test_id("nbf-position")).to_have_text("Record 3 of 12")

    # four replies to rank: one Tab stop, number keys rank, a tie is refused
    ranked = nb.root(3)
    first = ranked.get_by_test_id("nbf-candidate-1")
    first.focus()
    for key in ("2", "2"):
        page.keyboard.press(key)
    expect(ranked.get_by_test_id("nbf-tie-refused")).to_contain_text("Rank 2 is already")
    for key in ("1", "3", "4"):
        page.keyboard.press(key)
    page.keyboard.press("Tab")  # out of the ranking in one stop, on to Submit
    expect(ranked.get_by_role("button", name="Submit", exact=True)).to_be_focused()
    if os.environ.get("E2E_SHOW_TIMINGS"):
        print(f"\n[{ui}] " + ", ".join(f"{k}: {v:.0f}" for k, v in measured.items()))
