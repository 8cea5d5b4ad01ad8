"""Rankings by keyboard in JupyterLab and Notebook 7, with ties only where the question allows
them: a two-reply comparison without ties has no Tie pick and its key 0 says why nothing was
picked; a four-reply comparison with ``ties=True`` takes a shared rank; a plain four-option
ranking list is one Tab stop whose digits place the focused item. What lands on disk is read
back from the folder.

``E2E_SHOW_TIMINGS=1`` prints the Tab stops counted between the rankings and Submit.
"""

from __future__ import annotations

import os
import textwrap

import pytest

pytest.importorskip("playwright.sync_api", reason="needs the [dev] extra (playwright)")

from playwright.sync_api import Locator, Page, expect

from .conftest import CHROMIUM, HAVE_CHROMIUM, UIS, Opened, answers

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not HAVE_CHROMIUM, reason=f"no Chromium at {CHROMIUM} (set E2E_CHROMIUM)"),
]

PAIR = textwrap.dedent(
    """\
    pair = rg.FeedbackDataset(
        fields=[rg.TextField(name="prompt"), rg.TextField(name="r_a"), rg.TextField(name="r_b")],
        questions=[rg.RankingQuestion(name="better", title="Better", values=["r_a", "r_b"])],
    )
    pair.add_records([{"prompt": "Q", "r_a": "reply a", "r_b": "reply b"}])
    pair.save(str(ds.folder) + "_pair")
    pair.annotate(user="e2e")"""
)
FOUR = textwrap.dedent(
    """\
    four = rg.FeedbackDataset(
        fields=[rg.TextField(name="prompt")] + [rg.TextField(name=f"r{i}") for i in range(4)],
        questions=[
            rg.RankingQuestion(name="order", title="Order", values=[f"r{i}" for i in range(4)],
                               ties=True),
            rg.RankingQuestion(name="plain", title="Plain", values=["w", "x", "y", "z"]),
        ],
    )
    four.add_records([{"prompt": "Q", **{f"r{i}": f"reply {i}" for i in range(4)}}])
    four.save(str(ds.folder) + "_four")
    four.annotate(user="e2e")"""
)


def tabs_to(page: Page, target: Locator, limit: int = 30) -> int:
    """Press Tab until ``target`` has the focus; return how many presses it took."""
    for n in range(1, limit + 1):
        page.keyboard.press("Tab")
        if target.evaluate("e => e.getRootNode().activeElement === e"):
            return n
    raise AssertionError(f"{target} not reached in {limit} Tab presses")


@pytest.mark.parametrize("ui", UIS)
def test_rankings_refuse_ties_unless_allowed_in_few_keys(open_notebook, ui: str) -> None:
    nb: Opened = open_notebook(ui, cells=(PAIR, FOUR), n_widgets=1)
    page = nb.page
    assert nb.folder is not None
    pair, four = nb.root(1), nb.root(2)
    for root in (pair, four):
        expect(root.get_by_test_id("nbf-position")).to_have_text("Record 1 of 1")

    # two replies, no ties: no Tie pick; key 0 says why nothing was picked; 1 picks
    expect(pair.get_by_test_id("nbf-pick-tie")).to_have_count(0)
    pair.get_by_test_id("nbf-pick-1").focus()
    page.keyboard.press("0")
    refused = pair.get_by_test_id("nbf-tie-refused")
    expect(refused).to_be_visible()
    expect(refused).to_contain_text("This question allows no ties")
    expect(pair.get_by_test_id("nbf-pick-1")).to_have_attribute("aria-checked", "false")
    page.keyboard.press("1")
    expect(refused).to_be_hidden()
    page.keyboard.press("Control+Enter")
    expect(pair.get_by_test_id("nbf-saved")).to_have_text("Saved")
    got = answers(nb.folder.with_name(nb.folder.name + "_pair"))
    assert got[0][0] == "submitted"
    assert sorted(item["rank"] for item in got[0][1]["better"]) == [1, 2]

    # four replies with ties allowed: "1 1 2 3" gives the first two shown a shared first place
    four.get_by_test_id("nbf-candidate-1").focus()
    for key in "1123":
        page.keyboard.press(key)
    expect(four.get_by_test_id("nbf-tie-refused")).to_be_hidden()
    # one Tab stop to the plain list, whose digits place the focused item; one more to Submit
    plain = four.get_by_test_id("nbf-q-plain")
    first = plain.locator("li").first
    stops_to_list = tabs_to(page, first)
    page.keyboard.press("4")  # "w" to the last place
    expect(plain.locator("li").last).to_have_attribute("data-value", "w")
    submit = four.get_by_role("button", name="Submit", exact=True)
    stops_to_submit = tabs_to(page, submit)
    if os.environ.get("E2E_SHOW_TIMINGS"):
        print(f"\n[{ui}] Tab stops: comparison -> list {stops_to_list}, list -> Submit "
              f"{stops_to_submit}")  # fmt: skip
    assert (stops_to_list, stops_to_submit) == (1, 1)
    page.keyboard.press("Enter")
    expect(four.get_by_test_id("nbf-saved")).to_have_text("Saved")
    values = answers(nb.folder.with_name(nb.folder.name + "_four"))[0][1]
    assert sorted(item["rank"] for item in values["order"]) == [1, 1, 2, 3]
    assert values["plain"] == [
        {"value": v, "rank": r} for v, r in (("x", 1), ("y", 2), ("z", 3), ("w", 4))
    ]
