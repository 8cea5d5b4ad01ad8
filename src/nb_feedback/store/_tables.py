"""The two pandas tables underneath a dataset, and the column names they use.

Internal columns start with '@', which no field or question name can hold, so a field called
"id" or "metadata" never collides with them.

The responses table holds one row per (record, user). Single answers go into a small dict of
pending rows (O(1) per answer) and are merged into the frame only when a bulk reader asks for it,
so answering costs the same at 100 records and at 1,000,000.

``_column`` reads these tables for the exporters: a column as one Arrow string array.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from operator import itemgetter
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from nb_feedback.base._arrowtext import from_texts, strings
from nb_feedback.store._changes import UNKNOWN

ID = "@id"
EXTERNAL_ID = "@external_id"
METADATA = "@metadata"  # the whole metadata dict as JSON text (or None)
SUGGESTIONS = "@suggestions"  # list of suggestion dicts as JSON text (or None)
META_PREFIX = "@meta:"  # one typed column per declared metadata property, for fast filters

VECTORS = "@vectors"  # {name: [floats]} as JSON text (or None)
RECORD_BASE_COLUMNS = (EXTERNAL_ID, METADATA, SUGGESTIONS, VECTORS)
"""The special columns of every record table, after ``@id`` and the fields."""

RESPONSE_SCHEMA = pa.schema(
    [
        ("record_id", pa.string()),
        ("user", pa.string()),
        ("status", pa.string()),
        ("values", pa.string()),  # the {question: value} dict as JSON text
        ("updated_at", pa.float64()),  # epoch seconds
        ("time_spent", pa.float64()),  # seconds, or null
        ("inserted_at", pa.float64()),  # when this user first answered this record
        ("provenance", pa.string()),  # what the labeler was shown (JSON text), or null
    ]
)
"""The one row type of responses: in memory, in the answer logs and in the parquet parts."""
RESPONSE_COLUMNS = list(RESPONSE_SCHEMA.names)
REQUIRED_RESPONSE_COLUMNS = ("record_id", "user", "status", "values")
"""The columns no stored response leaves empty (a log line also always carries updated_at)."""
COLUMN_AT = {c: i for i, c in enumerate(RESPONSE_COLUMNS)}
"""Each response column's place in a row tuple."""
_UPDATED, _INSERTED = COLUMN_AT["updated_at"], COLUMN_AT["inserted_at"]


def response_row(row: Mapping[str, Any]) -> tuple[Any, ...]:
    """Return a response given as a dict as a row tuple, in ``RESPONSE_COLUMNS`` order.

    A column left out (provenance, say) is None.
    """
    return tuple(map(row.get, RESPONSE_COLUMNS))


def row_dict(row: Sequence[Any]) -> dict[str, Any]:
    """Return a row tuple as a dict of the response columns (``response_row``'s inverse)."""
    return dict(zip(RESPONSE_COLUMNS, row, strict=True))


_RESPONSE_DTYPES = {"updated_at": "float64", "time_spent": "float64", "inserted_at": "float64"}


def record_columns(field_names: Sequence[str], meta_names: Sequence[str]) -> list[str]:
    """Return the columns of a record table, in order."""
    return [ID, *field_names, *RECORD_BASE_COLUMNS, *(meta_column(m) for m in meta_names)]


def frame_of_columns(columns: Sequence[list[Any]]) -> pd.DataFrame:
    """Build a responses frame from one list of values per column (RESPONSE_COLUMNS order).

    Text columns go through Arrow (pandas' own conversion of Python strings costs several
    times more); numbers through numpy, None becoming NaN.
    """
    out: dict[str, Any] = {}
    n = len(columns[0])
    for name, values in zip(RESPONSE_COLUMNS, columns, strict=True):
        nothing = values.count(None) == n  # a column nobody gave (time spent, provenance)
        if name in _RESPONSE_DTYPES:
            out[name] = np.full(n, np.nan) if nothing else np.array(values, dtype="float64")
        else:
            text = None if nothing or set(map(type, values)) != {str} else from_texts(values)
            if text is None:  # None in it, or nothing at all
                text = pa.array(values, type=pa.large_string())
            out[name] = pd.array(text, dtype="str")
    return pd.DataFrame(out)


def conform_responses(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` as a responses table: the row type's columns, in order, with its dtypes.

    A frame from storage format 1 has no ``inserted_at``: it is the ``updated_at`` then. Rows
    written without a ``provenance`` (answers from code one by one, older folders) have none.
    """
    if "provenance" not in frame.columns:
        frame = frame.assign(provenance=None)
    if "inserted_at" not in frame.columns:
        frame = frame.assign(inserted_at=frame.get("updated_at", np.nan))
    elif frame["inserted_at"].isna().any():
        frame = frame.assign(inserted_at=frame["inserted_at"].fillna(frame["updated_at"]))
    frame = frame[RESPONSE_COLUMNS]
    dtypes = {c: (_RESPONSE_DTYPES.get(c, "str")) for c in RESPONSE_COLUMNS}
    if all(str(frame[c].dtype) == str(pd.Series([], dtype=t).dtype) for c, t in dtypes.items()):
        return frame
    return frame.astype(dtypes)


def isin(values: pd.Series, allowed: Any) -> pd.Series:
    """Vectorised ``values.isin(allowed)`` for string columns (pandas' Arrow path loops in Python)."""
    arr, value_set = strings(values), strings(allowed)
    if len(value_set) > 4 * len(arr) + 1_000:
        # a few values against many allowed ones (log lines against 1,000,000 record ids):
        # hash the few and keep the allowed ones among them, not a table of all the allowed
        value_set = value_set.filter(pc.is_in(value_set, value_set=arr))
    mask = pc.is_in(arr, value_set=value_set)
    return pd.Series(mask.to_numpy(zero_copy_only=False), index=values.index, dtype=bool)


def meta_column(name: str) -> str:
    """Return the internal column holding metadata property ``name``."""
    return META_PREFIX + name


def empty_responses() -> pd.DataFrame:
    """Return a responses frame with no rows and the right dtypes.

    One frame built once and shared (~6 ms to build, and a refresh with no news asks for
    one): callers never change a frame in place, they make new ones.
    """
    global _EMPTY
    if _EMPTY is None:
        _EMPTY = conform_responses(pd.DataFrame({c: [] for c in RESPONSE_COLUMNS}))
    return _EMPTY


_EMPTY: pd.DataFrame | None = None


def latest_per_key(frame: pd.DataFrame) -> pd.DataFrame:
    """Keep the latest row per (record, user): a later answer replaces an earlier one.

    Times come from the hybrid clock (``_hlc``): one writer's later answer is always later.
    """
    if frame.empty:
        return frame.reset_index(drop=True)
    if frame["user"].nunique() == 1 and not frame["record_id"].duplicated().any():
        return frame.reset_index(drop=True)  # one row per key already (a bulk batch, say)
    ordered = frame.sort_values("updated_at", kind="stable")
    if ordered.duplicated(["record_id", "user", "updated_at"]).any():
        # two writers gave the same time (their clocks had read the same change): the larger
        # content wins, decided by the answers alone, the same in every process
        ordered = frame.sort_values(["updated_at", "status", "values"], kind="stable")
    if "inserted_at" in ordered.columns:  # a replaced answer keeps when it was first given
        first = ordered.groupby(["record_id", "user"], sort=False)["inserted_at"].transform("min")
        ordered = ordered.assign(inserted_at=first)
    return ordered.drop_duplicates(["record_id", "user"], keep="last").reset_index(drop=True)


class _Positions:
    """Rows of the consolidated frame per record id.

    One dict entry per record (the common case: a plain int), lists only for records answered
    by several users.
    """

    def __init__(self, first: dict[str, int], several: dict[str, list[int]]) -> None:
        self.first = first  # record id -> its (first) row: every answered record is a key
        self._several = several

    def get(self, record_id: str, default: tuple[()] = ()) -> Sequence[int]:
        rows = self._several.get(record_id)
        if rows is not None:
            return rows
        row = self.first.get(record_id)
        return default if row is None else (row,)


class ResponseTable:
    """Responses with O(1) single-answer updates and a consolidated frame for bulk readers."""

    def __init__(self, frame: pd.DataFrame | None = None) -> None:
        self._frame = empty_responses() if frame is None else frame.reset_index(drop=True)
        # Answers not yet in _frame, one list per column (RESPONSE_COLUMNS order), a later answer
        # of the same user to the same record written over the earlier one. Lists, not a tuple
        # per answer: appending makes no object the garbage collector tracks, and 25,000 tuples
        # kept made it run ~36 young collections and the full one they lead to (~60 ms here).
        self._held: list[list[Any]] = [[] for _ in RESPONSE_COLUMNS]
        # record id -> position in _held of its pending answer (one user: the common case), or
        # {user: position} for a record several users answered
        self._held_at: dict[str, int | dict[str, int]] = {}
        self._positions: _Positions | None = None  # record_id -> rows in _frame
        self._columns: dict[str, pa.Array] = {}
        self._counts: dict[str, Counter[str]] = {}  # user -> status counts, kept up to date

    def __len__(self) -> int:
        return len(self.frame())

    def _frame_positions(self) -> _Positions:
        # Built once per consolidation: a dict over the record ids (fast in CPython, unlike
        # pandas' groupby().indices), plus Arrow columns to read single rows without pandas.
        if self._positions is None:
            ids = self._frame["record_id"].tolist()
            first = dict(zip(ids, range(len(ids)), strict=True))
            several: dict[str, list[int]] = {}
            if len(first) < len(ids):  # a record answered by several users
                dup = self._frame["record_id"].duplicated(keep=False).to_numpy()
                for i in np.flatnonzero(dup):
                    several.setdefault(ids[i], []).append(int(i))
            self._positions = _Positions(first, several)
            self._columns = {
                c: pa.array(self._frame[c], from_pandas=True) for c in RESPONSE_COLUMNS
            }
        return self._positions

    def _row(self, i: int) -> dict[str, Any]:
        return {c: col[i].as_py() for c, col in self._columns.items()}

    def for_record(self, record_id: str) -> dict[str, dict[str, Any]]:
        """Return ``{user: row}`` for every response to ``record_id``."""
        out: dict[str, dict[str, Any]] = {}
        for i in self._frame_positions().get(record_id, ()):
            row = self._row(i)
            out[str(row["user"])] = row
        at = self._held_at.get(record_id)
        held = () if at is None else (at,) if isinstance(at, int) else tuple(at.values())
        for i in held:
            pending = self._held_row(i)
            out[pending[1]] = row_dict(pending)
        return out

    def _held_row(self, i: int) -> tuple[Any, ...]:
        return tuple(map(itemgetter(i), self._held))

    def _held_position(self, record_id: str, user: str) -> int | None:
        """Return where ``user``'s pending answer to ``record_id`` is in ``_held``, or None."""
        at = self._held_at.get(record_id)
        if at is None:
            return None
        if isinstance(at, int):
            return at if self._held[1][at] == user else None
        return at.get(user)

    def row_of(self, record_id: str, user: str) -> tuple[Any, ...] | None:
        """Return ``user``'s response to ``record_id`` as a row tuple, or None.

        The one lookup behind ``get`` and ``put``: an answer still pending shadows
        the frame's row for the same record and user (consolidation drops that row).
        """
        if record_id in self._held_at:
            i = self._held_position(record_id, user)
            if i is not None:
                return self._held_row(i)
        positions = self._positions if self._positions is not None else self._frame_positions()
        if record_id not in positions.first:
            return None
        for i in positions.get(record_id):
            if self._columns["user"][i].as_py() == user:
                return tuple(col[i].as_py() for col in self._columns.values())
        return None

    def get(self, record_id: str, user: str) -> dict[str, Any] | None:
        """Return the response of ``user`` to ``record_id``, or None."""
        row = self.row_of(record_id, user)
        return None if row is None else row_dict(row)

    def put(self, row: tuple[Any, ...], replaces: Any = UNKNOWN) -> dict[str, Any] | None:
        """Set one response (a row tuple), replacing the same user's earlier one; return that one.

        ``replaces`` is that earlier row (None: there is none) when the caller has just read it
        with ``row_of``; by default it is looked up here. The first answer's ``inserted_at`` is
        kept; a row without one is inserted at its ``updated_at``.
        """
        record_id, user = row[0], row[1]
        earlier = self.row_of(record_id, user) if replaces is UNKNOWN else replaces
        if earlier is not None and earlier[_INSERTED] is not None:
            row = (*row[:_INSERTED], earlier[_INSERTED], *row[_INSERTED + 1 :])
        elif row[_INSERTED] is None:
            row = (*row[:_INSERTED], row[_UPDATED], *row[_INSERTED + 1 :])
        at = self._held_at.get(record_id)
        i = None if at is None else self._held_position(record_id, user)
        if i is not None:  # the same user's pending answer: written over
            for column, value in zip(self._held, row, strict=True):
                column[i] = value
        else:
            i = len(self._held[0])
            # each value onto its column; map, not a zip loop: ~2x faster for one row
            any(map(list.append, self._held, row))
            if at is None:
                self._held_at[record_id] = i
            elif type(at) is int:  # a second user answers this record
                self._held_at[record_id] = {self._held[1][at]: at, user: i}
            else:
                at[user] = i  # type: ignore[index]
        counts = self._counts.get(user)
        if counts is not None:
            if earlier is not None:
                counts[earlier[2]] -= 1
            counts[row[2]] += 1
        return None if earlier is None else row_dict(earlier)

    def remove(self, record_id: str, user: str) -> None:
        """Delete the response of ``user`` to ``record_id`` (used by undo)."""
        self._consolidate()
        mask = (self._frame["record_id"] == record_id) & (self._frame["user"] == user)
        if mask.any():
            counts = self._counts.get(user)
            if counts is not None:
                for status in self._frame.loc[mask, "status"]:
                    counts[status] -= 1
            self._frame = self._frame[~mask].reset_index(drop=True)
            self._positions = None

    def drop_records(self, record_ids: Sequence[str]) -> None:
        """Delete every response to the records ``record_ids`` (they were deleted)."""
        self._consolidate()
        gone = isin(self._frame["record_id"], list(record_ids)).to_numpy()
        if gone.any():
            self._frame = self._frame[~gone].reset_index(drop=True)
            self._positions = None
            self._counts.clear()

    def put_frame(self, frame: pd.DataFrame) -> None:
        """Add many rows at once (records added with responses, or a reload)."""
        self._consolidate()
        if frame.empty:
            return
        new = conform_responses(frame)
        if self._frame.empty:
            self._frame = latest_per_key(new)
        elif not isin(new["record_id"], self._frame["record_id"]).any():
            # no record answered before: nothing to replace, so no sort and dedupe of it all
            self._frame = pd.concat([self._frame, latest_per_key(new)], ignore_index=True)
        else:
            self._frame = latest_per_key(pd.concat([self._frame, new], ignore_index=True))
        self._positions = None
        self._counts.clear()

    def frame(self) -> pd.DataFrame:
        """Return every response, one row per (record, user), as a DataFrame."""
        self._consolidate()
        return self._frame

    def status_counts(self, user: str) -> Counter[str]:
        """Return how many of ``user``'s responses are in each status."""
        counts = self._counts.get(user)
        if counts is None:
            frame = self.frame()
            statuses = frame.loc[frame["user"] == user, "status"]
            counts = Counter({str(k): int(v) for k, v in statuses.value_counts().items()})
            self._counts[user] = counts
        return counts

    def _consolidate(self) -> None:
        if not self._held_at:
            return
        drop: list[int] = []
        held, self._held = self._held, [[] for _ in RESPONSE_COLUMNS]
        self._held_at = {}
        if len(self._frame):  # the frame's rows these answers replace
            positions = self._frame_positions()
            users = self._frame["user"].to_numpy()
            for record_id, user in zip(held[0], held[1], strict=True):
                rows = positions.get(record_id)
                if rows:
                    drop.extend(int(i) for i in rows if users[i] == user)
        kept = self._frame.drop(index=drop) if drop else self._frame
        fresh = conform_responses(frame_of_columns(held))
        self._frame = (
            fresh if kept.empty else pd.concat([kept, fresh], ignore_index=True)
        ).reset_index(drop=True)
        self._positions = None
