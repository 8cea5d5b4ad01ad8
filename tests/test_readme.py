"""The README's code runs as written (with answers filled in where a person would type them)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text("utf-8"), flags=re.S)


def test_the_flow_and_the_bulk_example_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make, show, train, bulk = python_blocks()[:4]
    # the flow is three cells: the widget is the last expression of its own cell
    assert show.strip().splitlines()[-1].startswith("dataset.annotate(")
    assert "from_disk(FOLDER)" in make and "add_responses(" in bulk
    flow = make + show + train
    # Where the README's reader writes demonstrations in the widget, this test writes them
    # through the same write path.
    labelling = (
        "for record in dataset[:30]:\n"
        "    dataset.add_response(record.id, {'demonstration': 'An answer.'}, user='labeler-1')\n"
    )
    flow = flow.replace("submitted = ", labelling + "submitted = ", 1)
    monkeypatch.chdir(tmp_path)
    scope: dict[str, object] = {}
    exec(compile(flow, "README flow", "exec"), scope)
    splits = scope["splits"]
    assert splits["train"].num_rows + splits["test"].num_rows == 30
    assert len(scope["submitted"]) == 30
    exec(compile(bulk, "README bulk", "exec"), scope)
    dataset = scope["dataset"]
    assert dataset.status_counts("model-v1")["draft"] == 100
    assert (tmp_path / "prompts.nbf").is_dir()
    # the notebook run again: the first cell reopens the folder, with every answer in it
    dataset.close()  # type: ignore[attr-defined]
    again: dict[str, object] = {}
    exec(compile(make, "README first cell, again", "exec"), again)
    reopened = again["dataset"]
    assert reopened.status_counts("labeler-1")["submitted"] == 30  # type: ignore[attr-defined]
    assert reopened.status_counts("model-v1")["draft"] == 100  # type: ignore[attr-defined]


def test_the_flow_before_any_answer_says_why_there_is_nothing_to_train_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make, show, train = python_blocks()[:3]
    monkeypatch.chdir(tmp_path)
    scope: dict[str, object] = {}
    exec(compile(make + show, "README cells 1-2", "exec"), scope)
    import nb_feedback as rg

    with pytest.raises(rg.ExportError, match="submitted"):
        exec(compile(train, "README cell 3", "exec"), scope)


def test_the_team_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (team,) = [b for b in python_blocks() if "TaskDistribution" in b]
    # where the others answer in their own notebooks, this test answers from code
    others = (
        "for record in dataset:\n"
        "    for user, ok in (('bob', 'yes'), ('cy', 'no')):\n"
        "        dataset.add_response(record.id, {'demonstration': 'A.', 'ok': ok}, user=user)\n"
    )
    assert "mine.refresh()" in team
    team = team.replace("mine.refresh()", others + "mine.refresh()", 1)
    monkeypatch.chdir(tmp_path)
    scope: dict[str, object] = {}
    exec(compile(team, "README team", "exec"), scope)
    mine = scope["mine"]
    assert mine.distribution.min_submitted == 2  # type: ignore[attr-defined]
    assert mine.progress() == {"total": 3, "completed": 3, "pending": 0}  # type: ignore[attr-defined]
    assert mine.queue("ana") == []  # type: ignore[attr-defined]


def test_the_repository_cites_nothing_outside_itself() -> None:
    """Docs, code and tests stand alone: no design notes or folders outside the repository."""
    import subprocess

    root = Path(__file__).resolve().parents[1]
    files = subprocess.run(
        ["git", "ls-files"], cwd=root, capture_output=True, text=True, check=True
    ).stdout.split()
    outside = ("DESIGN" + ".md", "../" + "shared", "STYLE" + ".md")
    cited = [
        f
        for f in files
        if not f.endswith((".png", ".parquet", ".lock"))
        and any(o in (root / f).read_text("utf-8", errors="replace") for o in outside)
    ]
    assert cited == []


def test_the_comparison_flow_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import nb_feedback

    (block,) = [b for b in python_blocks() if "to_preference(edits=" in b]
    # Where the README's reader compares in the widget, this test answers through the same
    # write path: reply_a is right; half the drafts are edited.
    labelling = (
        "for i, record in enumerate(dataset):\n"
        "    draft = record.suggestions[0].value\n"
        "    dataset.add_response(record.id, {'better': [{'value': 'reply_a', 'rank': 1},\n"
        "                         {'value': 'reply_b', 'rank': 2}],\n"
        "                         'answer': draft if i % 2 else draft + ' = ' + record.fields['reply_a']},\n"
        "                         user='labeler-1', shown={'answer': {'suggestion': draft}})\n"
    )
    block = block.replace("pairs = ", labelling + "pairs = ", 1)
    monkeypatch.chdir(tmp_path)
    scope: dict[str, object] = {"rg": nb_feedback}
    exec(compile(block, "README comparison", "exec"), scope)
    pairs = scope["pairs"]
    rows = [*pairs["train"], *pairs["test"]]
    assert len(rows) == 50 + 25  # a pair per ranking, and one per edited draft
    assert {(r["prompt"], r["chosen"], r["rejected"]) for r in rows if r["prompt"] == "2 + 2?"} == {
        ("2 + 2?", "4", "5"),
        ("2 + 2?", "The sum is 2 + 2? = 4", "The sum is 2 + 2?"),  # an edited draft
    }
    agents = scope["dataset"].report().summary["suggestions"]["by_annotator"]["labeler-1"]
    assert (agents["accepted"], agents["edited"]) == (25, 25)


def test_the_conversations_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import nb_feedback

    is_conversational = pytest.importorskip("trl.data_utils").is_conversational
    (block,) = [b for b in python_blocks() if "ChatField" in b]
    monkeypatch.chdir(tmp_path)
    scope: dict[str, object] = {"rg": nb_feedback}
    exec(compile(block, "README conversations", "exec"), scope)
    rows = {
        name: [*scope[name]["train"], *scope[name]["test"]]  # type: ignore[index]
        for name in ("sft", "completions", "pairs", "kto")
    }
    assert all(is_conversational(r) for name in rows for r in rows[name])
    fix = {"17 * 23?": "391", "12 * 12?": "144"}
    wrong = {"17 * 23?": "381", "12 * 12?": "124"}
    for row in rows["sft"]:
        first = row["messages"][1]["content"]
        assert row["messages"][0] == {"role": "system", "content": "Be precise."}
        assert [m["role"] for m in row["messages"]] == [
            "system",
            "user",
            "assistant",
            "user",
            "assistant",
        ]
        assert row["messages"][-1]["content"].endswith(f"= {fix[first]}.")
    for row in rows["completions"]:
        assert len(row["prompt"]) == 3 and row["completion"][0]["role"] == "assistant"
    for row in rows["pairs"]:  # the conversation up to the corrected turn
        first = row["prompt"][0]["content"]
        assert len(row["prompt"]) == 1
        assert row["chosen"] == [{"role": "assistant", "content": fix[first]}]
        assert row["rejected"] == [{"role": "assistant", "content": wrong[first]}]
    # both turns corrected (and rated low): the original undesirable, the correction desirable
    got = sorted((r["completion"][0]["content"], r["label"]) for r in rows["kto"])
    assert got == [("124", False), ("144", True), ("381", False), ("391", True)]
