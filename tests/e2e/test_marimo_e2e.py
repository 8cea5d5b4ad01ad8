"""The widget in a marimo app (``marimo run``, headless) in Chromium, keyboard only.

marimo hosts the widget as ``mo.ui.anywidget(w)`` in a shadow root and applies the kernel's trait
changes one at a time; this proves answers typed back to back all reach disk and that focus stays
in the answer box after every submit, and that a long record shown whole keeps its answers and
Submit in view while the page scrolls it past (scroll keys in its box move the box, not the page),
and that the span editor marks a span by keys and submits a text with no span as none.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import textwrap
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api", reason="needs the [dev] extra (playwright)")
pytest.importorskip("marimo", reason="needs the [dev] extra (marimo)")

from playwright.sync_api import Page, expect

from .conftest import CHROMIUM, HAVE_CHROMIUM, TIMEOUT_MS, _free_port, answers
from .test_look_e2e import LOW_CONTRAST_JS

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not HAVE_CHROMIUM, reason=f"no Chromium at {CHROMIUM} (set E2E_CHROMIUM)"),
]

N_RECORDS = 8
# The dataset the app annotates: built in a cell of its own, `ds` saved to `folder`.
DATASET = textwrap.dedent(
    """\
    ds = rg.FeedbackDataset(
        fields=[rg.TextField(name="prompt", title="Prompt")],
        questions=[rg.TextQuestion(name="answer", title="Answer")],
    )
    ds.add_records([{{"prompt": f"Prompt number {{i}}"}} for i in range({n})])
    ds.save({folder!r})"""
)
APP = textwrap.dedent(
    """\
    import marimo

    app = marimo.App()


    @app.cell
    def _():
        import marimo as mo

        import nb_feedback as rg

    {dataset}
        view = mo.ui.anywidget(ds.annotate(user="e2e"))
        view
        return


    if __name__ == "__main__":
        app.run()
    """
)


@pytest.fixture(params=["light"])
def marimo_app(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[str, Path]]:
    """A marimo app that annotates a new saved dataset, served by ``marimo run`` in the theme
    ``request.param`` (marimo's user config, in a config dir of its own)."""
    folder = tmp_path / "data"
    dataset = DATASET.format(n=N_RECORDS, folder=str(folder))
    with running_marimo(tmp_path, request.param, dataset) as url:
        yield url, folder


@contextlib.contextmanager
def running_marimo(tmp_path: Path, theme: str, dataset: str) -> Iterator[str]:
    """Serve a marimo app whose cell runs ``dataset`` (Python that builds ``ds``) and shows its
    widget, with ``marimo run`` in ``theme``; yields the app's URL."""
    config = tmp_path / "config"
    (config / "marimo").mkdir(parents=True)
    (config / "marimo" / "marimo.toml").write_text(f'[display]\ntheme = "{theme}"\n')
    app = tmp_path / "app.py"
    app.write_text(APP.format(dataset=textwrap.indent(dataset, "    ")))
    port = _free_port()
    log = (tmp_path / "marimo.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "marimo", "run", str(app), "--headless", "--no-token",
         "--host", "127.0.0.1", "--port", str(port), "--no-skew-protection", "--no-sandbox",
         "--no-check"],
        cwd=tmp_path, env={**os.environ, "TQDM_DISABLE": "1", "XDG_CONFIG_HOME": str(config)},
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"marimo exited early: {(tmp_path / 'marimo.log').read_text()}")
        try:
            urllib.request.urlopen(url, timeout=5).read()
            break
        except OSError:
            if time.monotonic() > deadline:
                proc.kill()
                raise
            time.sleep(0.25)
    try:
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_marimo_keyboard_only_answers_all_reach_disk_with_focus_kept(
    marimo_app: tuple[str, Path], page: Page
) -> None:
    url, folder = marimo_app
    page.goto(url)
    root = page.get_by_test_id("nbf-root")
    position = root.get_by_test_id("nbf-position")
    expect(position).to_have_text(f"Record 1 of {N_RECORDS}", timeout=TIMEOUT_MS)
    box = root.get_by_role("textbox", name="Answer", exact=True)
    box.click()  # the only click: the rest is keyboard
    typed = [f"answer {i} by keyboard" for i in range(6)]
    for i, text in enumerate(typed):
        expect(position).to_have_text(f"Record {i + 1} of {N_RECORDS}")
        expect(root.get_by_test_id("nbf-field-prompt")).to_have_text(f"Prompt number {i}")
        expect(box).to_be_focused()
        page.keyboard.type(text)
        page.keyboard.press("Control+Enter")
    expect(position).to_have_text(f"Record 7 of {N_RECORDS}")
    expect(root.get_by_test_id("nbf-field-prompt")).to_have_text("Prompt number 6")
    expect(root.get_by_test_id("nbf-saved")).to_have_text("Saved")
    expect(box).to_be_focused()
    expect(box).to_have_value("")
    assert answers(folder) == {i: ("submitted", {"answer": t}) for i, t in enumerate(typed)}


@pytest.mark.parametrize("marimo_app", ["dark"], indirect=True)
def test_marimo_dark_theme_is_followed_with_contrast(
    marimo_app: tuple[str, Path], page: Page
) -> None:
    url, _ = marimo_app
    page.goto(url)
    root = page.get_by_test_id("nbf-root")
    expect(root.get_by_test_id("nbf-position")).to_have_text(
        f"Record 1 of {N_RECORDS}", timeout=TIMEOUT_MS
    )
    expect(root).to_have_attribute("data-nbf-theme", "dark")
    background = root.evaluate("r => getComputedStyle(r).backgroundColor")
    assert background == "rgb(13, 17, 23)", background  # the dark palette's, not white
    result = root.evaluate(LOW_CONTRAST_JS)
    assert result["checked"] >= 15 and result["bad"] == [], result
    disabled = root.evaluate(LOW_CONTRAST_JS, True)  # Previous, Undo, Redo on the first record
    assert disabled["checked"] >= 2 and disabled["bad"] == [], disabled


@pytest.mark.skipif(
    not os.environ.get("NBF_SCREENSHOT_DIR"), reason="set NBF_SCREENSHOT_DIR for README pictures"
)
@pytest.mark.parametrize("marimo_app", ["dark"], indirect=True)
def test_marimo_screenshot(marimo_app: tuple[str, Path], page: Page) -> None:
    url, _ = marimo_app
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(url)
    root = page.get_by_test_id("nbf-root")
    expect(root.get_by_test_id("nbf-position")).to_have_text(
        f"Record 1 of {N_RECORDS}", timeout=TIMEOUT_MS
    )
    root.get_by_role("textbox", name="Answer", exact=True).click()
    page.keyboard.type("Typed in marimo, keyboard only.")
    page.keyboard.press("Control+Enter")
    expect(root.get_by_test_id("nbf-saved")).to_have_text("Saved")
    page.keyboard.type("The next answer, with the focus still in the box.")
    out = Path(os.environ["NBF_SCREENSHOT_DIR"]) / "widget-marimo-dark.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    root.screenshot(path=str(out))


LONG_DATASET = textwrap.dedent(
    """\
    ds = rg.FeedbackDataset(
        fields=[rg.TextField(name="prompt", title="Prompt")],
        questions=[rg.TextQuestion(name="answer", title="Answer")],
    )
    ds.add_records([{{"prompt": f"Prompt {{i}}. " + "A long prompt line. " * 180}}
                    for i in range(3)])
    ds.save({folder!r})"""
)


def test_marimo_long_record_keeps_its_answers_and_submit_in_view(
    tmp_path: Path, page: Page
) -> None:
    folder = tmp_path / "data"
    with running_marimo(tmp_path, "light", LONG_DATASET.format(folder=str(folder))) as url:
        page.set_viewport_size({"width": 1400, "height": 900})
        page.goto(url)
        root = page.get_by_test_id("nbf-root")
        expect(root.get_by_test_id("nbf-position")).to_have_text(
            "Record 1 of 3", timeout=TIMEOUT_MS
        )
        # scroll keys at the end of the prompt's box scroll the box, not marimo's page
        prompt = root.get_by_test_id("nbf-field-prompt")
        prompt.focus()
        top_before = (root.bounding_box() or {"y": 0.0})["y"]
        for key in ("End", "PageDown", "Space", "PageDown"):
            page.keyboard.press(key)
        expect(prompt).to_be_focused()
        assert prompt.evaluate("b => b.scrollTop") > 0
        moved = (root.bounding_box() or {"y": 0.0})["y"] - top_before
        assert moved == 0, f"the page moved by {moved} px"
        # "Show all", then the page scrolled down: the record goes by, Submit stays in view
        root.get_by_test_id("nbf-expand-prompt").click()
        submit = root.get_by_role("button", name="Submit", exact=True)
        answer = root.get_by_role("textbox", name="Answer", exact=True)
        measured = []
        for step in (300, 300):
            root.hover()
            page.mouse.wheel(0, step)
            page.wait_for_timeout(300)
            expect(submit).to_be_in_viewport()
            expect(answer).to_be_in_viewport()
            widget_top = (root.bounding_box() or {"y": 0.0})["y"]
            submit_top = (submit.bounding_box() or {"y": -1.0})["y"]
            measured.append(f"widget top {widget_top:.0f}px -> Submit top {submit_top:.0f}px")
        assert (root.bounding_box() or {"y": 0.0})["y"] < 0  # the record really went by
        answer.click()
        page.keyboard.type("seen whole")
        page.keyboard.press("Control+Enter")
        expect(root.get_by_test_id("nbf-saved")).to_have_text("Saved")
        assert answers(folder) == {0: ("submitted", {"answer": "seen whole"})}
        if os.environ.get("E2E_SHOW_TIMINGS"):
            print(f"\n[marimo] page moved by scroll keys: {moved}px; Submit's top: {measured}")


SPANS = textwrap.dedent(
    """\
    ds = rg.FeedbackDataset(
        fields=[rg.TextField(name="text", title="Text")],
        questions=[
            rg.SpanQuestion(
                name="ents", title="Names", field="text",
                labels={{"PER": "Person", "LOC": "Place"}},
                visible_labels=None,
            )
        ],
    )
    ds.add_records([{{"text": "Ada Lovelace met Charles Babbage in London."}},
                    {{"text": "Nothing to mark here."}}])
    ds.save({folder!r})"""
)


def test_marimo_span_editor_by_keyboard(tmp_path: Path, page: Page) -> None:
    """The span editor in marimo's shadow root: a span marked by keys, and a text with no span
    submitted as none (a required span question never blocks it)."""
    folder = tmp_path / "data"
    with running_marimo(tmp_path, "light", SPANS.format(folder=str(folder))) as url:
        page.goto(url)
        root = page.get_by_test_id("nbf-root")
        position = root.get_by_test_id("nbf-position")
        expect(position).to_have_text("Record 1 of 2", timeout=TIMEOUT_MS)
        editor = root.get_by_test_id("nbf-q-ents")
        editor.focus()
        for key in ("Control+Shift+ArrowRight", "Control+Shift+ArrowRight", "1"):
            page.keyboard.press(key)  # "Ada Lovelace", labelled Person: 3 keys
        expect(root.get_by_test_id("nbf-span-list-ents")).to_contain_text("Person “Ada Lovelace”")
        page.keyboard.press("Control+Enter")
        expect(position).to_have_text("Record 2 of 2")
        editor.focus()
        page.keyboard.press("Control+Enter")  # nothing marked: an answer of no span
        expect(root.get_by_test_id("nbf-end")).to_be_visible()
        expect(root.get_by_test_id("nbf-saved")).to_have_text("Saved")
    assert answers(folder) == {
        0: ("submitted", {"ents": [{"start": 0, "end": 12, "label": "PER"}]}),
        1: ("submitted", {"ents": []}),
    }
