"""The comparison view in JupyterLab and Notebook 7: keyboard only, the right winner on disk.

The kernel shuffles each record's candidates per annotator; the test reads that order the way
the kernel makes it (``nb_feedback.domain.comparisons.display``), presses the key of the position the
better reply is shown at, and checks the answer on disk names the better reply, whichever side
it was shown on. Also writes the README picture when ``NBF_SCREENSHOT_DIR`` is set.
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api", reason="needs the [dev] extra (playwright)")

from playwright.sync_api import Page, expect

from .conftest import (
    CELLS_JS,
    CHROMIUM,
    HAVE_CHROMIUM,
    KERNEL_IDLE_JS,
    TIMEOUT_MS,
    UIS,
    Jupyter,
    load,
    run_all_cells,
    write_notebook,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not HAVE_CHROMIUM, reason=f"no Chromium at {CHROMIUM} (set E2E_CHROMIUM)"),
]

PAIRS = [
    ("What is 7 times 8?", "7 times 8 is 56.", "7 times 8 is 54."),
    ("Capital of France?", "It is Lyon.", "The capital of France is Paris."),
    ("Spell 'cat' backwards.", "tac", "tac"),  # the same reply twice: a tie
    ("Name a prime number.", "Nine.", "Seven is prime."),
]
BETTER = ["reply_a", "reply_b", None, "reply_b"]  # None: tie

CELL = textwrap.dedent(
    """\
    import nb_feedback as rg
    ds = rg.FeedbackDataset(
        fields=[rg.TextField(name="prompt", title="Prompt"),
                rg.TextField(name="reply_a", title="Reply A"),
                rg.TextField(name="reply_b", title="Reply B")],
        questions=[rg.RankingQuestion(name="better", title="Which reply is better?",
                                      values=["reply_a", "reply_b"], ties=True)],
        guidelines="Pick the reply that is correct and helpful; **0** when they are as good.",
    )
    ds.add_records([rg.FeedbackRecord(id=i, fields={{"prompt": p, "reply_a": a, "reply_b": b}})
                    for i, (p, a, b) in zip({ids!r}, {pairs!r})])
    ds.save({folder!r}, overwrite=True)
    w = ds.annotate(user="e2e")
    w"""
)


def record_ids() -> list[str]:
    """Ids whose shuffles show reply_a first, then reply_b first, and so on (both sides used)."""
    from nb_feedback.domain.comparisons import shown_order, shuffle_seed

    ids = []
    for i in range(len(PAIRS)):
        first = "reply_a" if i % 2 == 0 else "reply_b"
        k = 0
        while True:
            rid = f"cmp-{i}-{k}"
            seed = shuffle_seed(rid, "e2e\x1fbetter")
            if shown_order(["reply_a", "reply_b"], seed)[0] == first:
                ids.append(rid)
                break
            k += 1
    return ids


def open_comparison(
    jupyter: Jupyter, page: Page, stem: str, ui: str = "lab"
) -> tuple[Path, object]:
    name, folder = f"{stem}.ipynb", f"{stem}_data"
    write_notebook(jupyter.root, name, [CELL.format(ids=record_ids(), pairs=PAIRS, folder=folder)])
    jupyter.start_session(name)
    page.goto(jupyter.url(ui, name))
    page.wait_for_function(KERNEL_IDLE_JS, timeout=TIMEOUT_MS)
    run_all_cells(page)
    root = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)").get_by_test_id("nbf-root")
    expect(root.get_by_test_id("nbf-position")).to_have_text(
        f"Record 1 of {len(PAIRS)}", timeout=TIMEOUT_MS
    )
    return jupyter.root / folder, root


@pytest.mark.parametrize("ui", UIS)
def test_a_comparison_answered_by_keyboard_lands_with_the_right_winner(
    jupyter: Jupyter, page: Page, ui: str
) -> None:
    from nb_feedback.domain.comparisons import display

    folder, root = open_comparison(jupyter, page, f"comparison_keys_{ui}", ui)
    ds = load(folder)  # saved by the first cell: its ids and schema
    orders = [display(ds.schema, rec.id, "e2e")["better"]["order"] for rec in ds]
    # the better reply is shown first on some records and second on others
    assert [o[0] for o in orders] == ["reply_a", "reply_b", "reply_a", "reply_b"]

    root.get_by_test_id("nbf-pick-1").focus()  # into the view without a click: keys only
    for i, (order, better) in enumerate(zip(orders, BETTER, strict=True)):
        expect(root.get_by_test_id("nbf-position")).to_have_text(f"Record {i + 1} of 4")
        # the candidates are shown in the kernel's order
        expect(root.get_by_test_id("nbf-candidate-1")).to_contain_text(
            PAIRS[i][1 if order[0] == "reply_a" else 2]
        )
        key = "0" if better is None else str(order.index(better) + 1)
        page.keyboard.press(key)
        page.keyboard.press("Control+Enter")
    expect(root.get_by_test_id("nbf-saved")).to_have_text("Saved")
    # the digit keys never reached the notebook (in command mode they make headings)
    assert [c["type"] for c in page.evaluate(CELLS_JS)] == ["code"]

    back = load(folder)
    for i, (rec, better) in enumerate(zip(back, BETTER, strict=True)):
        (response,) = [r for r in rec.responses if r.user == "e2e"]
        assert response.status == "submitted", i
        ranks = {item["value"]: item["rank"] for item in response.plain_values()["better"]}
        if better is None:
            assert ranks == {"reply_a": 1, "reply_b": 1}, i
        else:
            worse = "reply_b" if better == "reply_a" else "reply_a"
            assert ranks == {better: 1, worse: 2}, i
    # the order shown and its seed are stored with each answer (its provenance)
    frame = back.responses_frame().set_index("record_id")
    for rec in back:
        shown = display(back.schema, rec.id, "e2e")["better"]
        assert frame.loc[rec.id, "provenance"] == {"better": shown}, rec.id
    # and the preference export sees the winners (the tie gives no pair)
    rows = back.to_preference(test_size=1)
    pairs = sorted((*rows["train"], *rows["test"]), key=lambda r: r["prompt"])
    assert [(r["prompt"], r["chosen"]) for r in pairs] == [
        ("Capital of France?", "The capital of France is Paris."),
        ("Name a prime number.", "Seven is prime."),
        ("What is 7 times 8?", "7 times 8 is 56."),
    ]
    jupyter.shutdown_sessions()


@pytest.mark.skipif(
    not os.environ.get("NBF_SCREENSHOT_DIR"), reason="set NBF_SCREENSHOT_DIR for README pictures"
)
def test_comparison_screenshot(jupyter: Jupyter, page: Page) -> None:
    page.set_viewport_size({"width": 1100, "height": 900})
    _, root = open_comparison(jupyter, page, "comparison_shot")
    root.get_by_test_id("nbf-pick-1").focus()
    page.keyboard.press("1")  # 56 is right
    out = Path(os.environ["NBF_SCREENSHOT_DIR"]) / "comparison.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    root.screenshot(path=str(out))  # type: ignore[attr-defined]
    jupyter.shutdown_sessions()
