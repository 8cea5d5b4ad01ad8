"""README pictures of the widget in JupyterLab, light and dark (run on demand, not in CI).

NBF_SCREENSHOT_DIR=docs .venv/bin/python -m pytest tests/e2e/test_screenshots.py
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api", reason="needs the [dev] extra (playwright)")

from playwright.sync_api import Page, expect

from .conftest import (
    CHROMIUM,
    HAVE_CHROMIUM,
    KERNEL_IDLE_JS,
    TIMEOUT_MS,
    Jupyter,
    run_all_cells,
    write_notebook,
)

OUT = os.environ.get("NBF_SCREENSHOT_DIR")
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not HAVE_CHROMIUM, reason=f"no Chromium at {CHROMIUM}"),
    pytest.mark.skipif(not OUT, reason="set NBF_SCREENSHOT_DIR to write the README pictures"),
]

DEMO = textwrap.dedent(
    """\
    import nb_feedback as rg
    from nb_feedback.samples import load_sample_prompts
    ds = rg.FeedbackDataset(
        fields=[rg.TextField(name="prompt", title="Prompt", use_markdown=True)],
        questions=[
            rg.TextQuestion(name="demonstration", title="Your answer"),
            rg.RatingQuestion(name="difficulty", title="How hard was it?", values=[1, 2, 3, 4, 5],
                              required=False),
        ],
        guidelines="Write the answer you would want a helpful assistant to give. "
                   "Press **Ctrl+Enter** to submit and move on.",
        metadata_properties=[rg.TermsMetadataProperty(name="topic")],
    )
    prompts = load_sample_prompts(40)
    ds.add_records(prompts)
    ds.save(FOLDER, overwrite=True)
    for r in ds[:7]:
        ds.add_response(r.id, {"demonstration": "An answer written earlier."}, user="labeler-1")
    ds.add_response(ds[7].id, {"demonstration": "Half-written"}, user="labeler-1",
                    status="draft")
    w = ds.annotate(user="labeler-1")
    w.position = 8
    w"""
)


@pytest.mark.parametrize("theme", ["JupyterLab Light", "JupyterLab Dark"])
def test_widget_screenshot(jupyter: Jupyter, page: Page, theme: str) -> None:
    name = f"shot_{theme.split()[-1].lower()}.ipynb"
    folder = f"shot_{theme.split()[-1].lower()}_data"
    write_notebook(jupyter.root, name, [f"FOLDER = {folder!r}\n" + DEMO])
    jupyter.start_session(name)
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(jupyter.url("lab", name))
    page.wait_for_function(KERNEL_IDLE_JS, timeout=TIMEOUT_MS)
    page.evaluate(
        "theme => window.jupyterapp.commands.execute('apputils:change-theme', {theme})", theme
    )
    # the menu is rebuilt while the theme loads: wait for it before Run All
    page.wait_for_function("t => document.body.dataset.jpThemeName === t", arg=theme)
    run_all_cells(page)
    root = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)").get_by_test_id("nbf-root")
    expect(root.get_by_test_id("nbf-position")).to_have_text("Record 9 of 40", timeout=TIMEOUT_MS)
    root.get_by_role("textbox", name="Your answer").click()
    page.keyboard.type("Start with the definition, then give one worked example.")
    out = Path(OUT or ".") / f"widget-{theme.split()[-1].lower()}.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    root.screenshot(path=str(out))
    jupyter.shutdown_sessions()
