"""The widget in a real JupyterLab 4.6 and Notebook 7.6, driven through Debian's Chromium.

Every test proves what the kernel did, not only what the page shows: it reopens the dataset's
folder with ``FeedbackDataset.from_disk`` (the ack says "Saved" only once the answer is on disk)
or runs a cell and reads what the kernel printed.
"""

from __future__ import annotations

import json

import pytest

pytest.importorskip("playwright.sync_api", reason="needs the [dev] extra (playwright)")

from playwright.sync_api import Locator, Page, expect

from .conftest import CHROMIUM, HAVE_CHROMIUM, HOSTILE_PROMPTS, UIS, Opened, answers, load

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not HAVE_CHROMIUM, reason=f"no Chromium at {CHROMIUM} (set E2E_CHROMIUM)"),
]


def answer_box(root: Locator) -> Locator:
    # The question's title is its input's accessible name (the README promises it).
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
            "print('KERNEL', json.dumps({r.fields['prompt']: [x.plain_values() for x in r.responses]"
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
    assert on_disk == {i: ("submitted", {"answer": text}) for i, text in enumerate(typed)}, on_disk
    # time spent on each record travels with the answer
    spent = [r.time_spent for rec in load(nb.folder)[:3] for r in rec.responses]
    assert len(spent) == 3 and all(t is not None and t >= 0 for t in spent), spent

    # the live dataset in the kernel says the same
    out = nb.run_cell(1)
    expect(out).to_contain_text("KERNEL")
    printed = json.loads(out.inner_text().split("KERNEL", 1)[1])
    assert printed == {
        "Write a haiku about the sea.": [{"answer": typed[0]}],
        "Explain recursion to a child.": [{"answer": typed[1]}],
        "Name three prime numbers.": [{"answer": typed[2]}],
    }


# ------------------------------------------------------------------ 2. hostile records
NOTHING_RAN_JS = """root => {
  const bad = [];
  for (const el of [root, ...root.querySelectorAll('*')]) {
    const tag = el.tagName.toLowerCase();
    if (['script', 'iframe', 'object', 'embed'].includes(tag)) bad.push('<' + tag + '>');
    for (const a of el.attributes) {
      if (a.name.toLowerCase().startsWith('on')) bad.push(tag + '[' + a.name + ']');
      if (['href', 'src', 'action', 'formaction', 'xlink:href'].includes(a.name.toLowerCase())
          && /^\\s*javascript:/i.test(a.value)) bad.push(tag + '[' + a.name + '=' + a.value + ']');
    }
  }
  return {bad, pwned: window.__pwned === undefined ? null : String(window.__pwned)};
}"""
IMAGES_SETTLED_JS = "root => [...root.querySelectorAll('img')].every(i => i.complete)"


def assert_nothing_ran(page: Page, root: Locator) -> None:
    # a broken <img> fires onerror once it is complete: wait for that, not for a fixed time
    page.wait_for_function(IMAGES_SETTLED_JS, arg=root.element_handle())
    result = root.evaluate(NOTHING_RAN_JS)
    assert result == {"bad": [], "pwned": None}, result


# Rendering is the widget's own code, the same DOM in both hosts: one UI is enough.
@pytest.mark.parametrize("ui", ["lab"])
def test_hostile_records_render_as_text_and_run_nothing(open_notebook, ui: str) -> None:
    nb: Opened = open_notebook(ui)
    page, root = nb.page, nb.root()
    assert_nothing_ran(page, root)  # the guidelines carry a javascript: link and an onerror too
    for _ in range(3):
        root.get_by_role("button", name="Next", exact=True).click()
    for i, (kind, raw) in enumerate(HOSTILE_PROMPTS.items()):
        expect(root.get_by_test_id("nbf-position")).to_have_text(f"Record {4 + i} of 6")
        prompt = root.get_by_test_id("nbf-field-prompt")
        # a plain field shows the markup itself, as text, and makes no element of it
        expect(prompt).to_have_text(raw)
        assert prompt.evaluate("e => e.children.length") == 0, kind
        context = root.get_by_test_id("nbf-field-context")
        expect(context).to_be_visible()
        if kind == "script":
            expect(context.locator("strong")).to_have_text("bold")  # markdown is rendered
        if kind == "img":
            expect(context.locator("b")).to_have_text("raw bold")  # harmless HTML is kept
        assert_nothing_ran(page, root)
        for link in context.locator("a").all():  # click whatever is left of the links
            link.click()
        assert_nothing_ran(page, root)
        if i < 2:
            root.get_by_role("button", name="Next", exact=True).click()

    # hostile text typed as an answer goes to the kernel literally and comes back as text
    payload = HOSTILE_PROMPTS["img"]
    box = answer_box(root)
    box.click()
    page.keyboard.type(payload)
    root.get_by_role("button", name="Submit", exact=True).click()
    expect_saved(root)
    assert answers(nb.folder) == {5: ("submitted", {"answer": payload})}
    root.get_by_role("button", name="Previous", exact=True).click()
    root.get_by_role("button", name="Next", exact=True).click()
    expect(root.get_by_test_id("nbf-status")).to_have_text("submitted")
    expect(answer_box(root)).to_have_value(payload)
    assert_nothing_ran(page, root)
    assert page.evaluate("document.querySelectorAll('img[onerror]').length") == 0


# ------------------------------------------------------------------ 3. notebook shortcuts
COMMAND_MODE_KEYS = ["a", "b", "m", "r", "1", "d", "d"]


@pytest.mark.parametrize("ui", UIS)
def test_keys_on_a_button_leave_the_notebook_alone(open_notebook, ui: str) -> None:
    nb: Opened = open_notebook(ui, cells=("print('second cell')",))
    page, root = nb.page, nb.root()
    before = nb.cells()
    assert [c["type"] for c in before] == ["code", "code"]

    nxt = root.get_by_role("button", name="Next", exact=True)
    prev = root.get_by_role("button", name="Previous", exact=True)
    nxt.click()  # a click focuses the button, as a mouse user would leave it
    expect(root.get_by_test_id("nbf-position")).to_have_text("Record 2 of 6")
    expect(nxt).to_be_focused()
    for key in COMMAND_MODE_KEYS:
        page.keyboard.press(key)
    expect(nxt).to_be_focused()
    assert nb.cells() == before, "a key pressed on the Next button changed the notebook"

    prev.focus()
    expect(prev).to_be_focused()
    # (Escape is left out: it hands the focus to the notebook on purpose, see test_keyboard_e2e)
    for key in [*COMMAND_MODE_KEYS, "Tab", "Shift+Tab", *COMMAND_MODE_KEYS]:
        page.keyboard.press(key)
        assert nb.cells() == before, f"{key!r} on the Previous button changed the notebook"
    for name in ("Submit", "Discard"):
        button = root.get_by_role("button", name=name, exact=True)
        button.focus()
        for key in COMMAND_MODE_KEYS:
            page.keyboard.press(key)
        assert nb.cells() == before, f"a key on the {name} button changed the notebook"
    expect(root.get_by_test_id("nbf-position")).to_have_text("Record 2 of 6")

    # barrier: comm messages are ordered, so once this answer is saved, any answer those
    # keys might have sent (d = discard?) would be on disk too
    answer_box(root).click()
    page.keyboard.type("barrier")
    page.keyboard.press("Control+Enter")
    expect_saved(root)
    assert answers(nb.folder) == {1: ("submitted", {"answer": "barrier"})}
    assert nb.cells() == before


# ------------------------------------------------------------------ 4. typing right after Ctrl+Enter
@pytest.mark.parametrize("ui", UIS)
def test_text_typed_right_after_ctrl_enter_lands_in_the_next_record(open_notebook, ui: str) -> None:
    nb: Opened = open_notebook(ui)
    page, root = nb.page, nb.root()
    answer_box(root).click()
    page.keyboard.type("first")
    page.keyboard.press("Control+Enter")
    # no wait of any kind: the keys go to whatever has focus now, as a fast labeler's would
    page.keyboard.type("second answer")
    page.keyboard.press("Control+Enter")
    expect(root.get_by_test_id("nbf-position")).to_have_text("Record 3 of 6")
    expect(answer_box(root)).to_be_focused()
    expect(answer_box(root)).to_have_value("")
    expect_saved(root)
    assert answers(nb.folder) == {
        0: ("submitted", {"answer": "first"}),
        1: ("submitted", {"answer": "second answer"}),
    }


# ------------------------------------------------------------------ 5. two views in step
# The views sync through the kernel's traits and messages, not through the host: one UI.
@pytest.mark.parametrize("ui", ["notebook7"])
def test_two_views_of_one_widget_stay_in_step(open_notebook, ui: str) -> None:
    nb: Opened = open_notebook(ui, cells=("w",), n_widgets=2)
    page, v1, v2 = nb.page, nb.root(0), nb.root(1)

    answer_box(v1).click()
    page.keyboard.type("from view one")
    v1.get_by_role("button", name="Submit", exact=True).click()
    expect_saved(v1)
    # view two hears of it from the kernel (it never saw the click)
    expect(v2.get_by_test_id("nbf-counts")).to_contain_text("submitted 1")
    expect(v2.get_by_test_id("nbf-position")).to_have_text("Record 2 of 6")
    v2.get_by_role("button", name="Previous", exact=True).click()
    expect(v2.get_by_test_id("nbf-position")).to_have_text("Record 1 of 6")
    expect(v2.get_by_test_id("nbf-status")).to_have_text("submitted")
    expect(answer_box(v2)).to_have_value("from view one")

    # and back: discard in view two, view one (which submitted it) shows it discarded
    v2.get_by_role("button", name="Discard", exact=True).click()
    expect_saved(v2)
    expect(v1.get_by_test_id("nbf-counts")).to_contain_text("submitted 0 · discarded 1")
    v1.get_by_role("button", name="Previous", exact=True).click()
    expect(v1.get_by_test_id("nbf-position")).to_have_text("Record 1 of 6")
    expect(v1.get_by_test_id("nbf-status")).to_have_text("discarded")
    assert answers(nb.folder) == {0: ("discarded", {"answer": "from view one"})}


# ------------------------------------------------------------------ 6. reload
@pytest.mark.parametrize("ui", UIS)
def test_page_reload_restores_the_view_from_the_kernel(open_notebook, ui: str) -> None:
    nb: Opened = open_notebook(ui)
    page, root = nb.page, nb.root()
    answer_box(root).click()
    page.keyboard.type("before reload")
    page.keyboard.press("Control+Enter")
    expect_saved(root)
    nb.save_notebook()  # the output (the widget's view) must be in the file to come back

    page.reload()
    nb.page.wait_for_function(
        "() => !!(window.jupyterapp && window.jupyterapp.shell.currentWidget)"
    )
    root = nb.root()
    # not re-run: the same widget, rebuilt from its traits in the running kernel
    expect(root.get_by_test_id("nbf-position")).to_have_text("Record 2 of 6")
    expect(root.get_by_test_id("nbf-counts")).to_contain_text("submitted 1")
    root.get_by_role("button", name="Previous", exact=True).click()
    expect(root.get_by_test_id("nbf-status")).to_have_text("submitted")
    expect(answer_box(root)).to_have_value("before reload")

    # the restored view is live: an answer from it reaches the same kernel and folder
    root.get_by_role("button", name="Next", exact=True).click()
    answer_box(root).click()
    page.keyboard.type("after reload")
    page.keyboard.press("Control+Enter")
    expect_saved(root)
    assert answers(nb.folder) == {
        0: ("submitted", {"answer": "before reload"}),
        1: ("submitted", {"answer": "after reload"}),
    }


# ------------------------------------------------------------------ 7. in memory only
@pytest.mark.parametrize("ui", ["notebook7"])
def test_unsaved_dataset_shows_the_memory_notice(open_notebook, ui: str) -> None:
    nb: Opened = open_notebook(
        ui,
        saved=False,
        cells=("print('KERNEL', len(ds.filter_by(response_status='submitted')), ds.folder)",),
    )
    page, root = nb.page, nb.root()
    notice = root.get_by_test_id("nbf-memory-notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("memory only")
    answer_box(root).click()
    page.keyboard.type("kept in memory")
    page.keyboard.press("Control+Enter")
    # the kernel's ack says where the answer went
    expect(root.get_by_test_id("nbf-saved")).to_have_text("Saved in memory only")
    expect(notice).to_be_visible()
    expect(nb.run_cell(1)).to_contain_text("KERNEL 1 None")
