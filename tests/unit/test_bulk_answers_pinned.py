"""``add_responses`` (column-wise checks, Arrow-built JSON) against ``add_response`` one by one.

The bulk path checks users, statuses, texts and times column by column and encodes the common
batch in Arrow; the plain path checks each answer alone. On generated batches both must store
the same responses, or both refuse (and then neither stores anything).
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import nb_feedback as rg

PIECES = [
    "\n",
    "\r\n",
    "\t",
    '"',
    "\\",
    "\u2028",
    "\U0001f600",
    "\u05e9",
    "e\u0301",
    " ",
    "a",
    "\x00",
]
texts = st.one_of(
    st.lists(st.sampled_from(PIECES), min_size=0, max_size=5).map("".join),
    st.none(),
    st.just(float("nan")),
    st.integers(0, 3),
)
users = st.one_of(st.sampled_from(["ann", "bob", " ", ""]), st.none(), st.just(7))
statuses = st.one_of(st.sampled_from(["submitted", "draft", "discarded", "nope"]), st.none())
ratings = st.one_of(st.none(), st.sampled_from([1, 2, 3, 9, "2"]))
spent = st.one_of(st.none(), st.sampled_from([0.0, 1.5, -1.0, float("nan"), float("inf")]))


def _dataset(n: int) -> rg.FeedbackDataset:
    ds = rg.FeedbackDataset(
        fields=[rg.TextField(name="prompt")],
        questions=[
            rg.TextQuestion(name="demonstration"),
            rg.RatingQuestion(name="quality", values=[1, 2, 3], required=False),
        ],
    )
    ds.add_records([{"prompt": f"p{i}"} for i in range(n)])
    return ds


def _stored(ds: rg.FeedbackDataset) -> list[tuple[Any, ...]]:
    frame = ds.responses_frame()
    return sorted(
        (
            r.record_id,
            r.user,
            r.status,
            sorted(r.values.items()),
            None if r.time_spent != r.time_spent else r.time_spent,
        )
        for r in frame.itertuples()
    )


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 4), texts, ratings, users, statuses, spent), min_size=1, max_size=6
    ),
    st.booleans(),
    st.booleans(),
)
def test_bulk_answers_store_what_one_by_one_stores(
    rows: list[tuple[Any, ...]], with_rating: bool, with_extras: bool
) -> None:
    bulk, plain = _dataset(5), _dataset(5)
    ids = [r.id for r in bulk]
    columns: dict[str, list[Any]] = {
        "record_id": [ids[i] for i, *_ in rows],
        "demonstration": [t for _, t, *_ in rows],
    }
    if with_rating:
        columns["quality"] = [q for _, _, q, *_ in rows]
    if with_extras:
        columns["user"] = [u for *_, u, _, _ in rows]
        columns["status"] = [s for *_, s, _ in rows]
        columns["time_spent"] = [t for *_, t in rows]
    frame = pd.DataFrame(columns, dtype=object)
    bulk_error = plain_error = None
    try:
        bulk.add_responses(frame, user="ann", status="submitted")
    except rg.ResponseError as exc:
        bulk_error = exc
    # the plain path: one add_response per row, all checked before any is kept
    plain_ids = [r.id for r in plain]
    calls = []
    for k, (i, text, rating, user, status, time_spent) in enumerate(rows):
        values: dict[str, Any] = {}
        if not _missing(text):
            values["demonstration"] = text
        if with_rating and not _missing(rating):
            values["quality"] = rating
        kwargs = {
            "user": "ann" if not with_extras or _missing(user) else user,
            "status": "submitted" if not with_extras or _missing(status) else status,
            "time_spent": None if not with_extras or _missing(time_spent) else time_spent,
        }
        calls.append((plain_ids[i], values, kwargs, k))
    keys = [(rid, kw["user"]) for rid, _, kw, _ in calls]
    probe = _dataset(5)
    probe_ids = [r.id for r in probe]
    try:
        if len(set(keys)) != len(keys):
            raise rg.ResponseError("an answer twice in one batch")
        for rid, values, kwargs, _ in calls:  # every answer checked on a scratch copy first
            probe.add_response(probe_ids[plain_ids.index(rid)], values, **kwargs)
    except rg.ResponseError as exc:
        plain_error = exc
    if plain_error is None:
        for rid, values, kwargs, _ in calls:
            plain.add_response(rid, values, **kwargs)
    assert (bulk_error is None) == (plain_error is None), (bulk_error, plain_error)
    if bulk_error is not None:
        assert len(bulk.responses_frame()) == 0  # a refused batch adds nothing
        return
    position = {rid: k for k, rid in enumerate(ids)}
    plain_position = {rid: k for k, rid in enumerate(plain_ids)}
    got = [(position[r[0]], *r[1:]) for r in _stored(bulk)]
    want = [(plain_position[r[0]], *r[1:]) for r in _stored(plain)]
    assert sorted(got) == sorted(want)
