import pytest
from playwright.sync_api import expect
from .conftest import UIS, Opened
from .test_no_lost_work_e2e import LONG

PROBE = """r => {
  const out = [];
  let n = r.querySelector('.nbf-questions');
  while (n && n !== document.documentElement) {
    const cs = getComputedStyle(n);
    if (cs.overflowX !== 'visible' || cs.overflowY !== 'visible' || cs.position === 'sticky' || cs.contain !== 'none' || cs.transform !== 'none')
      out.push(`${n.tagName}.${String(n.className).slice(0,60)} ox=${cs.overflowX} oy=${cs.overflowY} pos=${cs.position} contain=${cs.contain} tf=${cs.transform} sh=${n.scrollHeight} ch=${n.clientHeight}`);
    n = n.parentElement;
  }
  return out.join('\\n');
}"""

@pytest.mark.parametrize("ui", UIS)
def test_probe(open_notebook, ui):
    nb: Opened = open_notebook(ui, cells=(LONG,))
    page, root = nb.page, nb.root(1)
    expect(root.get_by_test_id("nbf-position")).to_have_text("Record 1 of 12", timeout=60_000)
    root.get_by_test_id("nbf-expand-prompt").click()
    print("\n", ui, "\n", root.evaluate(PROBE))
    root.get_by_role("textbox", name="Answer", exact=True).click()
    page.mouse.wheel(0, 1500)
    page.wait_for_timeout(500)
    sub = root.get_by_role("button", name="Submit", exact=True)
    print("submit box", sub.bounding_box(), page.viewport_size)
