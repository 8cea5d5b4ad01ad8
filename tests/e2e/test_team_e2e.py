"""Team mode in a real JupyterLab: another process's answers reach an open view through news.

The notebook shows ``ds.annotate(user="ana")`` on a dataset that needs two answers per record.
While ana has typed half an answer, this test process (standing in for two other annotators'
kernels) submits the record on ana's screen twice. Within a few seconds the view, which asks
the kernel for news on a timer, says the record was completed by others and moves on; what ana
typed is on disk as her draft. The team line shows the new count.
"""

from __future__ import annotations

import textwrap
import time

import pytest

pytest.importorskip("playwright.sync_api", reason="needs the [dev] extra (playwright)")

from playwright.sync_api import Page, expect

from .conftest import (
    CHROMIUM,
    HAVE_CHROMIUM,
    KERNEL_IDLE_JS,
    TIMEOUT_MS,
    Jupyter,
    load,
    run_all_cells,
    write_notebook,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not HAVE_CHROMIUM, reason=f"no Chromium at {CHROMIUM} (set E2E_CHROMIUM)"),
]

CELL = textwrap.dedent(
    """\
    import nb_feedback as rg
    ds = rg.FeedbackDataset(
        fields=[rg.TextField(name="prompt", title="Prompt")],
        questions=[rg.TextQuestion(name="answer", title="Answer")],
        distribution=rg.TaskDistribution(min_submitted=2),
    )
    ds.add_records([{{"prompt": f"Prompt {{i}}"}} for i in range(5)])
    ds.save({folder!r}, overwrite=True)
    w = ds.annotate(user="ana")
    w"""
)


def test_others_completing_the_shown_record_move_the_view_on(jupyter: Jupyter, page: Page) -> None:
    name, folder = "team_news.ipynb", "team_news_data"
    write_notebook(jupyter.root, name, [CELL.format(folder=folder)])
    jupyter.start_session(name)
    page.goto(jupyter.url("lab", name))
    page.wait_for_function(KERNEL_IDLE_JS, timeout=TIMEOUT_MS)
    run_all_cells(page)
    root = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)").get_by_test_id("nbf-root")
    position = root.get_by_test_id("nbf-position")
    expect(position).to_have_text("Record 1 of 5", timeout=TIMEOUT_MS)
    expect(root.get_by_test_id("nbf-team")).to_have_text(
        "team: 0 of 5 records completed (2 answers each)"
    )
    others = load(jupyter.root / folder)
    shown = others.queue("ana")[0]  # the view walks ana's queue: its first record is on screen
    expect(root.get_by_test_id("nbf-field-prompt")).to_have_text(
        others[others.position_of(shown)].fields["prompt"]
    )
    box = root.get_by_role("textbox", name="Answer", exact=True)
    box.click()
    page.keyboard.type("half an ans")

    for user in ("bob", "cy"):  # two other annotators submit the record on ana's screen
        others.add_response(shown, {"answer": f"{user}'s answer"}, user=user)
    written = time.monotonic()
    notice = root.get_by_test_id("nbf-team-notice")
    expect(notice).to_have_text(
        "Record 1 was completed by other annotators; what you typed is kept as a draft",
        timeout=15_000,
    )
    delay = time.monotonic() - written
    expect(position).to_have_text("Record 2 of 5")
    expect(root.get_by_test_id("nbf-team")).to_contain_text("1 of 5 records completed")
    expect(root.get_by_test_id("nbf-saved")).to_have_text("Saved")
    back = load(jupyter.root / folder)
    draft = back.response_of(shown, "ana")
    assert draft is not None and draft.status == "draft"
    assert draft.plain_values() == {"answer": "half an ans"}
    print(f"\nnews reached the view {delay:.1f} s after the other process wrote")
    assert delay < 10
    jupyter.shutdown_sessions()
