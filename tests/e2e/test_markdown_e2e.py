"""Markdown keeps its structure in every host, measured in JupyterLab, Notebook 7 and marimo:
headings larger than the text (marimo's CSS reset makes them body size), numbered lists with
their numbers and bullet lists with bullets (the reset removes both), a single line break soft
(one paragraph, no ``<br>``), and a long code line scrolling sideways inside the field instead of
running past its right edge. In marimo's light theme, disabled buttons keep a 4.5:1 contrast.

``E2E_SHOW_TIMINGS=1`` prints what was measured in each host.
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("playwright.sync_api", reason="needs the [dev] extra (playwright)")

from playwright.sync_api import Locator, Page, expect

from .conftest import CHROMIUM, HAVE_CHROMIUM, TIMEOUT_MS, UIS, Opened
from .test_look_e2e import LOW_CONTRAST_JS

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not HAVE_CHROMIUM, reason=f"no Chromium at {CHROMIUM} (set E2E_CHROMIUM)"),
]

LONG_LINE = "result = compute(" + ", ".join(f"argument_{i}" for i in range(40)) + ")"
DOC = (
    "# A title\n\n## A section\n\n"
    "The first line of a paragraph\nwrapped onto a second line.\n\n"
    "1. first step\n2. second step\n3. third step\n\n"
    "- an apple\n- a pear\n\n"
    f"```python\n{LONG_LINE}\n```\n"
)
DATASET = textwrap.dedent(
    f"""\
    md = rg.FeedbackDataset(
        fields=[rg.TextField(name="doc", title="Doc", use_markdown=True)],
        questions=[rg.TextQuestion(name="answer", title="Answer")],
    )
    md.add_records([{{"doc": {DOC!r}}}])"""
)

# What the rendered field looks like, from the browser's computed styles and boxes.
MEASURE_JS = """field => {
  const q = s => field.querySelector(s);
  const css = e => getComputedStyle(e);
  const size = e => parseFloat(css(e).fontSize);
  const para = [...field.querySelectorAll('p')].find(p => p.textContent.includes('first line'));
  const pre = q('pre');
  const root = field.closest('.nbf-root');
  const before = pre.scrollLeft;
  pre.scrollLeft = 10000;
  const scrolled = pre.scrollLeft - before;
  pre.scrollLeft = 0;
  return {
    h1: size(q('h1')), h2: size(q('h2')), p: size(para),
    h1Weight: Number(css(q('h1')).fontWeight),
    ol: css(q('ol')).listStyleType, olPad: parseFloat(css(q('ol')).paddingInlineStart),
    olItem: css(q('ol > li')).display, olItems: field.querySelectorAll('ol > li').length,
    ul: css(q('ul')).listStyleType, ulItem: css(q('ul > li')).display,
    brs: para.querySelectorAll('br').length, paraText: para.textContent,
    preOverflowX: css(pre).overflowX, preScrollWidth: pre.scrollWidth,
    preClientWidth: pre.clientWidth, scrolled,
    preRight: pre.getBoundingClientRect().right, fieldRight: field.getBoundingClientRect().right,
    rootRight: root.getBoundingClientRect().right,
  };
}"""


def measure(field: Locator) -> dict[str, Any]:
    expect(field.locator("pre")).to_be_visible()
    return dict(field.evaluate(MEASURE_JS))


def assert_structure(m: dict[str, Any], where: str) -> None:
    if os.environ.get("E2E_SHOW_TIMINGS"):
        print(f"\n[{where}] {m}")
    assert m["h1"] >= 1.4 * m["p"] and m["h2"] > 1.15 * m["p"], (where, m)  # headings stand out
    assert m["h1Weight"] >= 600, (where, m)
    assert m["ol"] == "decimal" and m["olItem"] == "list-item" and m["olItems"] == 3, (where, m)
    assert m["olPad"] >= 16, (where, m)  # room for the numbers, which sit outside the text
    assert m["ul"] == "disc" and m["ulItem"] == "list-item", (where, m)
    # one paragraph: the single line break is soft
    assert m["brs"] == 0, (where, m)
    assert " ".join(m["paraText"].split()) == (
        "The first line of a paragraph wrapped onto a second line."
    ), (where, m)
    # the code block scrolls sideways and ends inside the field
    assert m["preOverflowX"] in ("auto", "scroll"), (where, m)
    assert m["preScrollWidth"] > m["preClientWidth"] + 50, (where, m)
    assert m["scrolled"] > 50, (where, m)
    assert m["preRight"] <= m["fieldRight"] + 1 and m["preRight"] <= m["rootRight"], (where, m)


@pytest.mark.parametrize("ui", UIS)
def test_markdown_keeps_its_structure_in_jupyter(open_notebook, ui: str) -> None:
    nb: Opened = open_notebook(ui, cells=(DATASET + "\nmd.annotate(user='e2e')",), saved=False)
    root = nb.root(1)
    expect(root.get_by_test_id("nbf-position")).to_have_text("Record 1 of 1", timeout=TIMEOUT_MS)
    assert_structure(measure(root.get_by_test_id("nbf-field-doc")), ui)


def test_markdown_keeps_its_structure_in_marimo(tmp_path: Path, page: Page) -> None:
    from .test_marimo_e2e import running_marimo

    dataset = DATASET.replace("md = ", "ds = ").replace("md.add_records", "ds.add_records")
    with running_marimo(tmp_path, "light", dataset) as url:
        page.goto(url)
        root = page.get_by_test_id("nbf-root")
        expect(root.get_by_test_id("nbf-position")).to_have_text(
            "Record 1 of 1", timeout=TIMEOUT_MS
        )
        assert_structure(measure(root.get_by_test_id("nbf-field-doc")), "marimo")
        # marimo's light theme: disabled Previous and Next (one record) stay readable
        disabled = root.evaluate(LOW_CONTRAST_JS, True)
        assert disabled["checked"] >= 2 and disabled["bad"] == [], disabled
