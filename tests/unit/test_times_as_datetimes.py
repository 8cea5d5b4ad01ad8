"""Times users read in DataFrames are UTC datetimes; the stored form stays epoch seconds."""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd

import nb_feedback as rg


def _answered(folder: Path | None = None) -> rg.FeedbackDataset:
    ds = rg.FeedbackDataset(
        fields=[rg.TextField(name="prompt")], questions=[rg.TextQuestion(name="answer")]
    )
    ds.add_records([{"prompt": "p0"}, {"prompt": "p1"}])
    if folder is not None:
        ds.save(folder)
    first, second = (r.id for r in ds)
    ds.add_response(first, {"answer": "ann's"}, user="ann")
    ds.add_response(first, {"answer": "ann's, again"}, user="ann")  # a later answer, same row
    ds.add_responses([{"record_id": second, "answer": "bulk"}], user="model")
    ds.add_review(first, {"answer": "reviewed"}, reviewer="rev", source="ann")
    return ds


def _is_utc(column: pd.Series) -> bool:
    return isinstance(column.dtype, pd.DatetimeTZDtype) and str(column.dtype.tz) == "UTC"


def test_reviews_at_is_a_utc_datetime() -> None:
    before = pd.Timestamp(time.time() - 1, unit="s", tz="UTC")
    reviews = _answered().reviews()
    assert _is_utc(reviews["at"])
    (at,) = reviews["at"].tolist()
    assert before <= at <= pd.Timestamp.now(tz="UTC")


def test_responses_frame_times_are_utc_datetimes_and_the_stored_form_is_unchanged(
    tmp_path: Path,
) -> None:
    ds = _answered(tmp_path / "ds")
    frame = ds.responses_frame().set_index(["record_id", "user"])
    assert _is_utc(frame["updated_at"]) and _is_utc(frame["inserted_at"])
    raw = ds.tables().responses.set_index(["record_id", "user"])
    assert raw["updated_at"].dtype == "float64" and raw["inserted_at"].dtype == "float64"
    for key, row in raw.iterrows():  # the same instants, to the microsecond
        shown = frame.loc[key]
        assert abs(shown["updated_at"].timestamp() - row["updated_at"]) < 1e-6
        assert abs(shown["inserted_at"].timestamp() - row["inserted_at"]) < 1e-6
    ann = frame.loc[(ds[0].id, "ann")]
    assert ann["inserted_at"] < ann["updated_at"]  # answered twice: the first time is kept
    ds.close()
    back = rg.FeedbackDataset.from_disk(tmp_path / "ds", show_progress=False)
    again = back.responses_frame().set_index(["record_id", "user"])
    pd.testing.assert_frame_equal(
        again.sort_index()[["updated_at", "inserted_at"]],
        frame.sort_index()[["updated_at", "inserted_at"]],
    )
    assert _is_utc(back.reviews()["at"])


def test_sorting_by_updated_at_still_reads_the_stored_times() -> None:
    ds = _answered()
    ordered = ds.sort_by([rg.SortBy(field="updated_at", order="desc")])
    assert [r.fields["prompt"] for r in ordered] == ["p0", "p1"]  # p0 reviewed last
