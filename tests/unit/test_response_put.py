"""ResponseTable.put and cells() take shortcuts to the earlier answer; get() is the plain path.

On generated sequences of answers, removals and consolidations (the frame read in between),
what put() returns as the replaced answer, and cells(), are what get() says.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from nb_feedback._tables import ResponseTable

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
            previous = table.put(_row(record_id, user, status, float(at)))
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
                assert table.cells(r, u, columns) == expected
