"""Answers added in bulk from code never outrank a person's answer in to_sft unless asked.

The lifecycle of the complaint: a labeler submits 40 answers in the widget, then a cell adding a
model's answers as submitted for all 100 records is run again. ``to_sft`` must keep the 40 human
answers (and the model's for the other 60), ``report()`` must say how many model answers it
left out for that, and the rule must survive saving and reopening.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import nb_feedback as rg

datasets = pytest.importorskip("datasets")

N, LABELED = 100, 40


def _dataset(folder: Path | None = None) -> rg.FeedbackDataset:
    ds = rg.FeedbackDataset(
        fields=[rg.TextField(name="prompt")], questions=[rg.TextQuestion(name="demonstration")]
    )
    ds.add_records([{"prompt": f"Question {i}?"} for i in range(N)])
    if folder is not None:
        ds.save(folder)
    return ds


def _submit_in_widget(ds: rg.FeedbackDataset, user: str, ids: list[str]) -> None:
    """Answer as the view does: one message per record to the widget's handler."""
    widget = ds.annotate(user=user)
    sent: list[dict[str, Any]] = []
    widget.send = lambda msg, buffers=None: sent.append(msg)  # type: ignore[method-assign]
    for k, record_id in enumerate(ids):
        message = {
            "type": "answer",
            "request_id": f"r{k}",
            "record_id": record_id,
            "values": {"demonstration": f"{user} wrote {record_id}"},
            "status": "submitted",
            "time_spent": 2.0,
        }
        widget._on_message(widget, message, [])
        assert sent[-1]["type"] == "ack", sent[-1]


def _model_cell(ds: rg.FeedbackDataset) -> Any:
    """The cell a notebook re-runs: a model's answers to every record, as submitted."""
    ids = ds.to_pandas()["id"]
    drafts = [f"model draft for {i}" for i in ids]
    return ds.add_responses(
        pd.DataFrame({"record_id": ids, "demonstration": drafts}),
        user="model-v1",
        status="submitted",
    )


def _kept(ds: rg.FeedbackDataset, **options: Any) -> dict[str, str]:
    """record id -> the user whose answer to_sft kept."""
    options.setdefault("test_size", 0.2)
    splits = ds.to_sft(include=["record_id", "user"], **options)
    rows = [*splits["train"], *splits["test"]]
    kept = {r["record_id"]: r["user"] for r in rows}
    assert len(kept) == len(rows)  # one answer per record
    return kept


def test_a_rerun_model_cell_keeps_the_labelers_answers(tmp_path: Path) -> None:
    ds = _dataset(tmp_path / "ds")
    ids = [r.id for r in ds]
    labeled = ids[:LABELED]
    _submit_in_widget(ds, "ana", labeled)
    assert _model_cell(ds) == N  # later than every human answer
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a re-run writes nothing, and says nothing
        again = _model_cell(ds)
    assert (again, again.unchanged) == (0, N)

    kept = _kept(ds)
    assert len(kept) == N
    assert {r for r, u in kept.items() if u == "ana"} == set(labeled)
    assert {r for r, u in kept.items() if u == "model-v1"} == set(ids[LABELED:])

    report = ds.report()
    (reason,) = [r for r in report.summary["sft"]["dropped"] if "bulk" in r]
    assert report.summary["sft"]["dropped"][reason] == LABELED
    assert report.summary["sft"]["kept"] == N
    text = str(report)
    assert f"dropped {LABELED}: added in bulk from code" in text, text

    # asked explicitly: every answer ranks by time alone, and the model's later answers win
    assert set(_kept(ds, prefer_people=False).values()) == {"model-v1"}
    assert ds.report(prefer_people=False).summary["sft"]["dropped"] == {
        "another answer to the same record kept (multiple='latest')": LABELED
    }

    # the rule is stored with the answers: a reopened folder, in this process, agrees
    ds.close()
    back = rg.FeedbackDataset.from_disk(tmp_path / "ds", show_progress=False)
    assert _kept(back) == kept
    frame = back.responses_frame()
    model = frame[frame["user"] == "model-v1"]
    assert model["provenance"].tolist() == [{"@bulk": {"via": "add_responses"}}] * N
    assert frame[frame["user"] == "ana"]["provenance"].isna().all()


def test_first_and_reviewed_rank_people_above_bulk_too() -> None:
    ds = _dataset()
    ids = [r.id for r in ds]
    _model_cell(ds)  # the model first: older than any person's answer
    _submit_in_widget(ds, "ana", ids[:LABELED])
    kept = _kept(ds, multiple="first")
    assert {r for r, u in kept.items() if u == "ana"} == set(ids[:LABELED])
    plan = ds.report(multiple="first").summary["sft"]["dropped"]
    assert [n for r, n in plan.items() if "bulk" in r and "older" in r] == [LABELED]
    # a review still ranks above everyone: the reviewer took the model's answer
    ds.add_review(ids[0], {"demonstration": "model draft, checked"}, reviewer="rev")
    assert _kept(ds, multiple="reviewed")[ids[0]] == "rev"
    assert _kept(ds, multiple="reviewed")[ids[1]] == "ana"
    # "all" keeps every distinct answer, bulk or not
    splits = ds.to_sft(multiple="all", test_size=0.2)
    assert splits.num_rows["train"] + splits.num_rows["test"] == N + LABELED + 1


def test_answers_carried_by_add_records_are_bulk_and_dedupe_keeps_the_person() -> None:
    ds = _dataset()
    ids = [r.id for r in ds]
    ds.add_response(ids[0], {"demonstration": "a person's answer"}, user="ana")
    # a re-run cell adds the same prompts again, with a model's answers attached
    ds.add_records(
        [
            rg.FeedbackRecord(
                fields={"prompt": f"Question {i}?"},
                responses=[
                    {
                        "user_id": "model-v1",
                        "values": {"demonstration": {"value": f"model {i}"}},
                        "status": "submitted",
                    }
                ],
            )
            for i in range(N)
        ]
    )
    kept = _kept(ds)  # dedupe: one answer per prompt
    assert len(kept) == N
    assert kept[ids[0]] == "ana"
    assert sorted(kept.values()).count("model-v1") == N - 1


def test_a_person_editing_a_bulk_answer_makes_it_theirs() -> None:
    ds = _dataset()
    ids = [r.id for r in ds]
    ds.add_responses(
        [{"record_id": i, "demonstration": "draft"} for i in ids[:2]], user="ana", status="draft"
    )
    _submit_in_widget(ds, "ana", ids[:1])  # ana corrects and submits the first one
    ds.add_responses(
        [{"record_id": i, "demonstration": "model"} for i in (ids[0], ids[2])], user="model-v1"
    )
    frame = ds.responses_frame().set_index(["record_id", "user"])
    assert frame.loc[(ids[0], "ana"), "provenance"] is None
    assert frame.loc[(ids[1], "ana"), "provenance"] == {"@bulk": {"via": "add_responses"}}
    assert _kept(ds, test_size=1)[ids[0]] == "ana"
