"""Exports print nothing unless the call passes show_progress=True.

Each test starts from ``datasets``' own default (its progress bars on), as in a fresh notebook,
and captures what the export writes to stdout and stderr at the file-descriptor level.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import nb_feedback as rg
from nb_feedback.exports.datasets_bridge import export_sft

datasets = pytest.importorskip("datasets")


@pytest.fixture
def bars_on() -> Iterator[None]:
    """``datasets``' default in a fresh process: progress bars shown; restored after the test."""
    from datasets import utils

    was_disabled = utils.are_progress_bars_disabled()
    utils.enable_progress_bars()
    yield
    if was_disabled:
        utils.disable_progress_bars()


def _dataset() -> rg.FeedbackDataset:
    ds = rg.FeedbackDataset(
        fields=[rg.TextField(name="prompt"), rg.TextField(name="a"), rg.TextField(name="b")],
        questions=[
            rg.TextQuestion(name="answer"),
            rg.RankingQuestion(name="rank", values=["a", "b"]),
            rg.RatingQuestion(name="rating", values=[1, 2, 3, 4, 5]),
        ],
    )
    ds.add_records([{"prompt": f"p{i}", "a": f"x{i}", "b": f"y{i}"} for i in range(20)])
    for i, r in enumerate(ds):
        ranks = [{"value": "a", "rank": 1 + i % 2}, {"value": "b", "rank": 2 - i % 2}]
        values = {"answer": f"answer {i}", "rank": ranks, "rating": 1 + i % 5}
        ds.add_response(r.id, values, user="ann")
    return ds


def _sft_text(sample: dict[str, object]) -> str | None:
    answers = sample["answer"]
    assert isinstance(answers, list)
    return f"{sample['prompt']} {answers[0]['value']}" if answers else None


@pytest.mark.usefixtures("bars_on")
def test_every_export_prints_nothing_by_default(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    ds = _dataset()
    capfd.readouterr()
    splits = ds.to_sft(prompt="prompt", completion="answer")
    ds.to_preference(prompt="prompt", ranking="rank")
    ds.to_kto(prompt="prompt", completion="a", question="rating", threshold=3)
    ds.format_as("datasets")
    task = rg.TrainingTask.for_supervised_fine_tuning(formatting_func=_sft_text)
    ds.prepare_for_training("trl", task)
    ds.prepare_for_training("trl", task, train_size=0.8)
    written = export_sft(splits, tmp_path / "out", formats=("jsonl", "parquet", "disk"))
    assert sorted(written) == ["disk", "jsonl", "parquet"]
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")


@pytest.mark.usefixtures("bars_on")
def test_show_progress_true_shows_datasets_bars_and_the_switch_is_put_back(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    from datasets import utils

    splits = _dataset().to_sft(prompt="prompt", completion="answer")
    capfd.readouterr()
    utils.disable_progress_bars()  # the user's own choice: a call with show_progress=True
    export_sft(splits, tmp_path / "out", formats=("jsonl",), show_progress=True)
    _, err = capfd.readouterr()
    assert "Creating json from Arrow format" in err
    assert utils.are_progress_bars_disabled()  # ... shows bars for itself only
    utils.enable_progress_bars()
    export_sft(splits, tmp_path / "again", formats=("jsonl",))
    assert capfd.readouterr() == ("", "")
    assert not utils.are_progress_bars_disabled()  # the user's "on" outlives a quiet call
