"""How the widget looks in a real JupyterLab: every visible text (buttons included) has a
contrast of at least 4.5:1 against what is behind it, in the light and the dark theme (switched
while the widget is shown); and on a wide panel a long prompt sits beside the answer, whose box
and Submit button stay in view."""

from __future__ import annotations

import textwrap

import pytest

pytest.importorskip("playwright.sync_api", reason="needs the [dev] extra (playwright)")

from playwright.sync_api import Locator, Page, expect

from .conftest import CHROMIUM, HAVE_CHROMIUM, Opened

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not HAVE_CHROMIUM, reason=f"no Chromium at {CHROMIUM} (set E2E_CHROMIUM)"),
]

# Text nodes whose colour against their effective background is under 4.5:1 (disabled controls
# are exempt, as WCAG says; with `disabled` true only they are checked, held to the same 4.5:1).
# Alpha in colours is blended as the browser paints it.
LOW_CONTRAST_JS = """(root, disabled) => {
  const parse = s => {
    const m = s.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const blend = (top, bottom) =>
    [0, 1, 2].map(i => top[i] * top[3] + bottom[i] * (1 - top[3])).concat([1]);
  const up = n => n.parentElement || (n.getRootNode().host || null);
  // opacity fades an element's text and background alike (how disabled buttons used to look)
  const opacity = el => {
    let o = 1;
    for (let n = el; n; n = up(n)) o *= Number(getComputedStyle(n).opacity);
    return o;
  };
  const bgOf = el => {
    const stack = [];
    for (let n = el; n; n = up(n)) {
      const c = parse(getComputedStyle(n).backgroundColor);
      if (c) c[3] *= opacity(n);
      if (c && c[3] > 0) { stack.push(c); if (c[3] >= 1) break; }
    }
    let acc = [255, 255, 255, 1];
    for (let i = stack.length - 1; i >= 0; i--) acc = blend(stack[i], acc);
    return acc;
  };
  const lum = c => {
    const f = v => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  };
  const ratio = (a, b) => {
    const [x, y] = [lum(a), lum(b)].sort((m, n) => n - m);
    return (x + 0.05) / (y + 0.05);
  };
  const bad = [];
  let checked = 0;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const t = walker.currentNode;
    if (!t.textContent.trim()) continue;
    const el = t.parentElement;
    if (el.closest('[hidden], .nbf-sr-only, option')) continue;
    if (!!el.closest('button:disabled') !== !!disabled) continue;
    if (!el.getClientRects().length || getComputedStyle(el).visibility === 'hidden') continue;
    const bg = bgOf(el);
    const color = parse(getComputedStyle(el).color);
    color[3] *= opacity(el);
    const fg = blend(color, bg);
    const r = ratio(fg, bg);
    checked += 1;
    if (r < 4.5) bad.push(`${el.tagName}.${el.className} "${t.textContent.trim().slice(0, 30)}": ${r.toFixed(2)}`);
  }
  return {bad, checked};
}"""

ANSWERS = (
    "ds.add_response(ds[0].id, {'answer': 'done'}, user='e2e')\n"
    "ds.add_response(ds[1].id, {'answer': 'half'}, user='e2e', status='draft')"
)


def set_theme(page: Page, theme: str) -> None:
    page.evaluate(
        "theme => window.jupyterapp.commands.execute('apputils:change-theme', {theme})", theme
    )
    page.wait_for_function("t => document.body.dataset.jpThemeName === t", arg=theme)


def assert_contrast(root: Locator, where: str) -> None:
    result = root.evaluate(LOW_CONTRAST_JS)
    assert result["checked"] > 30, result  # the widget's text was really looked at
    assert result["bad"] == [], f"{where}: {result['bad']}"


@pytest.mark.parametrize("ui", ["lab"])
def test_text_and_buttons_have_contrast_in_light_and_dark(open_notebook, ui: str) -> None:
    nb: Opened = open_notebook(ui, cells=(ANSWERS,))
    page, root = nb.page, nb.root()
    expect(root.get_by_test_id("nbf-counts")).to_contain_text("draft 1 · submitted 1")
    expect(root.get_by_test_id("nbf-status")).to_have_text("submitted")
    root.get_by_role("button", name="Keys", exact=True).click()  # the overlay's text too
    root.locator("summary", has_text="Guidelines").click()
    for theme in ("JupyterLab Light", "JupyterLab Dark"):
        set_theme(page, theme)
        want = "dark" if "Dark" in theme else "light"
        expect(root).to_have_attribute("data-nbf-theme", want)
        assert_contrast(root, theme)
        root.get_by_role("button", name="Next", exact=True).click()  # a draft badge
        expect(root.get_by_test_id("nbf-status")).to_have_text("draft")
        assert_contrast(root, f"{theme}, draft")
        root.get_by_role("button", name="Previous", exact=True).click()


LONG = textwrap.dedent(
    """\
    long = rg.FeedbackDataset(
        fields=[rg.TextField(name="prompt", title="Prompt", use_markdown=True)],
        questions=[rg.TextQuestion(name="answer", title="Answer")],
    )
    para = "A paragraph of a long prompt that goes on for a while, as real ones do. " * 6
    long.add_records([{"prompt": "\\n\\n".join([para] * 20) + "\\n\\n| a | b |\\n|---|---|\\n| 1 | 2 |"}])
    long.annotate(user="e2e")"""
)


@pytest.mark.parametrize("ui", ["lab"])
def test_a_long_prompt_sits_beside_the_answer_which_stays_in_view(open_notebook, ui: str) -> None:
    nb: Opened = open_notebook(ui, cells=(LONG,))
    page = nb.page
    page.set_viewport_size({"width": 1400, "height": 900})
    root = nb.root(1)
    prompt = root.get_by_test_id("nbf-field-prompt")
    expect(prompt).to_be_visible()
    assert len(prompt.inner_text()) > 8000
    root.evaluate("r => r.scrollIntoView({block: 'start'})")
    box = root.get_by_role("textbox", name="Answer", exact=True)
    submit = root.get_by_role("button", name="Submit", exact=True)
    p, b, s = prompt.bounding_box(), box.bounding_box(), submit.bounding_box()
    assert p and b and s
    assert b["x"] > p["x"] + p["width"] - 1, (p, b)  # side by side
    assert s["y"] + s["height"] <= 900, s  # Submit above the fold
    n = root.get_by_role("button", name="Next", exact=True).bounding_box()
    assert n and n["y"] + n["height"] <= 900, n  # and the pager too
    # the long prompt says it continues, and the keyboard scrolls it
    toggle = root.get_by_test_id("nbf-expand-prompt")
    expect(toggle).to_contain_text("Show all")
    prompt.focus()
    page.keyboard.press("PageDown")
    page.wait_for_function("e => e.scrollTop > 0", arg=prompt.element_handle())
    toggle.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(toggle).to_have_text("Show less")
    expect(root.get_by_test_id("nbf-field-prompt").locator("table td").first).to_have_text("1")
    # narrow: stacked
    page.set_viewport_size({"width": 700, "height": 900})
    page.wait_for_function(
        "([a, b]) => b.getBoundingClientRect().top > a.getBoundingClientRect().bottom - 1",
        arg=[prompt.element_handle(), box.element_handle()],
    )
