"""ResponseTable.put and row_of() take shortcuts to the earlier answer; get() is the plain path.

On generated sequences of answers, removals and consolidations (the frame read in between),
what put() returns as the replaced answer, and the cells of row_of(), are what get() says.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from nb_feedback.store._changes import UNKNOWN
from nb_feedback.store._tables import (
    COLUMN_AT,
    RESPONSE_COLUMNS,
    ResponseTable,
    conform_responses,
    frame_of_columns,
    response_row,
)

STEPS = st.lists(
    st.tuples(
        st.sampled_from(["put", "put", "put", "remove", "consolidate"]),
        st.sampled_from(["r1", "r2", "r3"]),
        st.sampled_from(["ann", "bob"]),
        st.sampled_from(["submitted", "draft", "discarded"]),
    ),
    max_size=20,
)


def _row(record_id: str, user: str, status: str, at: float) -> dict[str, Any]:
    return {
        "record_id": record_id,
        "user": user,
        "status": status,
        "values": '{"q":"a"}',
        "updated_at": at,
        "time_spent": None,
        "inserted_at": at,
        "provenance": '{"shown":"a"}' if int(at) % 2 else None,
    }


@settings(max_examples=60, deadline=None)
@given(STEPS)
def test_put_replaces_what_get_finds(steps: list[tuple[str, str, str, str]]) -> None:
    table = ResponseTable()
    for at, (what, record_id, user, status) in enumerate(steps):
        before = table.get(record_id, user)
        if what == "put":
            row = response_row(_row(record_id, user, status, float(at)))
            # the earlier row looked up by put() itself, or handed over as add_response does
            replaces = table.row_of(record_id, user) if at % 2 else UNKNOWN
            previous = table.put(row, replaces)
            assert previous == before
            first = before["inserted_at"] if before is not None else float(at)
            assert table.get(record_id, user)["inserted_at"] == first  # type: ignore[index]
        elif what == "remove":
            table.remove(record_id, user)
        else:
            table.frame()  # the pending answers join the frame
        for r in ("r1", "r2", "r3"):
            for u in ("ann", "bob"):
                row = table.get(r, u)
                columns = ("inserted_at", "status", "provenance")
                expected = None if row is None else tuple(row[c] for c in columns)
                held = table.row_of(r, u)  # the row tuple add_response reads cells from
                assert (None if held is None else tuple(held[COLUMN_AT[c]] for c in columns)) == (
                    expected
                )


TEXT = st.text(max_size=5) | st.sampled_from(['{"q":"a\\nb"}', "\u2028", "\U0001f600", ""])
ROWS = st.lists(
    st.tuples(
        TEXT,
        TEXT,
        st.sampled_from(["submitted", "draft", "discarded"]),
        TEXT,
        st.floats(allow_nan=False, allow_infinity=False),
        st.none() | st.floats(min_value=0, allow_infinity=False),
        st.floats(allow_nan=False, allow_infinity=False),
        st.none() | TEXT,
    ),
    max_size=8,
)


@settings(max_examples=100, deadline=None)
@given(ROWS)
def test_rows_become_the_frame_pandas_would_build(rows: list[tuple[Any, ...]]) -> None:
    # consolidation builds its frame column by column (frame_of_columns); pandas' row-wise
    # constructor is the plain path
    plain = conform_responses(pd.DataFrame(rows, columns=RESPONSE_COLUMNS))
    pd.testing.assert_frame_equal(
        conform_responses(
            frame_of_columns(
                [list(c) for c in zip(*rows, strict=True)]
                if rows
                else [[] for _ in RESPONSE_COLUMNS]
            )
        ),
        plain,
    )
