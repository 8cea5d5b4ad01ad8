"""dataset.suggest: suggestions from any callable, batch by batch, resumable."""

from __future__ import annotations

from pathlib import Path

import pytest

import nb_feedback as rg
from nb_feedback.exports.suggest import agent_name


def prompts(n: int) -> rg.FeedbackDataset:
    ds = rg.FeedbackDataset(
        fields=[rg.TextField(name="prompt")],
        questions=[
            rg.TextQuestion(name="answer"),
            rg.LabelQuestion(name="topic", labels=["math", "other"], required=False),
        ],
    )
    ds.add_records([{"prompt": f"p{i}"} for i in range(n)])
    return ds


def suggestions(ds: rg.FeedbackDataset, question: str) -> list[tuple[object, object, object]]:
    out = []
    for r in ds:
        s = next((s for s in r.suggestions if s.question_name == question), None)
        out.append(None if s is None else (s.value, s.score, s.agent))
    return out


def test_batches_values_scores_and_agent(tmp_path: Path) -> None:
    ds = prompts(5)
    ds.save(tmp_path / "ds")
    calls: list[list[str]] = []

    def shout(texts: list[str]) -> list[tuple[str, float]]:
        calls.append(texts)
        return [(t.upper(), 0.5) for t in texts]

    result = ds.suggest(shout, question="answer", batch_size=2, show_progress=False)
    assert (result.added, result.skipped, result.failed) == (5, 0, [])
    assert calls == [["p0", "p1"], ["p2", "p3"], ["p4"]]
    expected = [(f"P{i}", 0.5, "shout") for i in range(5)]
    assert suggestions(ds, "answer") == expected
    # to_pandas (which the exporters read) shows them too
    by_frame = [
        [(s["value"], s["score"], s["agent"]) for s in x] for x in ds.to_pandas()["suggestions"]
    ]
    assert by_frame == [[e] for e in expected]
    # durable: a reopened dataset has them
    assert suggestions(rg.FeedbackDataset.from_disk(tmp_path / "ds"), "answer") == expected


def test_pipeline_shaped_outputs_and_other_questions_kept() -> None:
    ds = prompts(3)
    ds.suggest(lambda xs: [f"A{x}" for x in xs], question="answer", agent="a", show_progress=False)

    def classifier(texts: list[str]) -> list[list[dict[str, object]]]:
        return [[{"label": "math" if t == "p1" else "other", "score": 0.9}] for t in texts]

    ds.suggest(classifier, question="topic", agent="clf", show_progress=False)
    assert suggestions(ds, "topic") == [
        ("other", 0.9, "clf"),
        ("math", 0.9, "clf"),
        ("other", 0.9, "clf"),
    ]
    assert suggestions(ds, "answer") == [("Ap0", None, "a"), ("Ap1", None, "a"), ("Ap2", None, "a")]


def test_a_failing_batch_is_reported_and_a_rerun_resumes() -> None:
    ds = prompts(6)
    ids = [r.id for r in ds]

    def flaky(texts: list[str]) -> list[str]:
        if "p2" in texts:
            raise RuntimeError("rate limited")
        return [t + "!" for t in texts]

    with pytest.warns(UserWarning, match="1 batch\\(es\\) failed"):
        result = ds.suggest(flaky, question="answer", batch_size=2, show_progress=False)
    assert result.added == 4
    assert result.failed_ids == ids[2:4]
    assert "rate limited" in repr(result.failed[0].error)
    assert suggestions(ds, "answer")[2:4] == [None, None]

    seen: list[str] = []

    def steady(texts: list[str]) -> list[str]:
        seen.extend(texts)
        return [t + "?" for t in texts]

    again = ds.suggest(steady, question="answer", batch_size=2, show_progress=False)
    assert (again.added, again.skipped, again.failed) == (2, 4, [])
    assert seen == ["p2", "p3"]
    assert [s[0] for s in suggestions(ds, "answer")] == ["p0!", "p1!", "p2?", "p3?", "p4!", "p5!"]


def test_an_invalid_value_fails_its_batch_naming_the_record() -> None:
    ds = prompts(2)
    with pytest.warns(UserWarning, match="failed"):
        result = ds.suggest(lambda xs: ["math", "geometry"], question="topic", show_progress=False)
    assert result.added == 0
    message = str(result.failed[0].error)
    assert repr(ds[1].id) in message and "'topic'" in message and "geometry" in message
    assert suggestions(ds, "topic") == [None, None]  # the batch wrote nothing
    with pytest.warns(UserWarning):
        short = ds.suggest(lambda xs: ["x"], question="answer", show_progress=False)
    assert "1 outputs for 2 inputs" in str(short.failed[0].error)


def test_bad_arguments_and_agent_names() -> None:
    ds = prompts(1)
    with pytest.raises(rg.ResponseError, match="question='nope'"):
        ds.suggest(lambda xs: xs, question="nope")
    with pytest.raises(ValueError, match="batch_size"):
        ds.suggest(lambda xs: xs, question="answer", batch_size=0)

    def my_model(xs: list[str]) -> list[str]:
        return xs

    assert agent_name(my_model) == "my_model"
