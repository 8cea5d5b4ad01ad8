"""Records handed out by iteration and ``dataset[i]``: views that read nothing until used.

Code written the way Argilla users write it walks every record and reads one or two things
(``for record in dataset: dataset.add_response(record.id, ...)``). Building a full
``FeedbackRecord`` per record (texts, metadata, suggestions and responses decoded) cost ~5 us
a record, most of it for values nobody read. A ``RecordView`` is made from its id alone (~0.3 us)
and loads the record, as it is at that moment, the first time anything else is read.

A view is a ``FeedbackRecord`` (isinstance holds, attributes can be set as on any record), and
copying or pickling one gives a plain ``FeedbackRecord`` with its values.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pyarrow as pa

from nb_feedback.records import FeedbackRecord

Loader = Callable[[str], FeedbackRecord]
"""Return the record with this id as it is now (the dataset's own reader)."""

_FIELDS = tuple(f.name for f in dataclasses.fields(FeedbackRecord))
_LAZY = tuple(name for name in _FIELDS if name != "id")


class RecordView(FeedbackRecord):
    """A dataset's record that loads its values the first time one of them is read."""

    def _fill(self) -> None:
        state = self.__dict__
        load: Loader | None = state.pop("_load", None)
        if load is None:
            return
        record = load(state["id"])
        for name in _LAZY:  # a value set on the view before it loaded stays
            state.setdefault(name, getattr(record, name))

    def __reduce__(self) -> tuple[Any, ...]:
        # a copy or a pickle is a plain record: it must not carry the dataset along
        return (_plain_record, ({f: getattr(self, f) for f in _FIELDS},))

    def __repr__(self) -> str:
        # shown as what it is to users: a FeedbackRecord (the view is an implementation detail)
        return "FeedbackRecord(" + ", ".join(f"{f}={getattr(self, f)!r}" for f in _FIELDS) + ")"


def _lazy(name: str) -> property:
    def get(self: RecordView) -> Any:
        state = self.__dict__
        if name not in state:
            self._fill()
        return state[name]

    def put(self: RecordView, value: Any) -> None:
        self.__dict__[name] = value

    return property(get, put, doc=f"The record's {name} (read from the dataset on first use).")


for _name in _LAZY:  # data descriptors: they take precedence over the dataclass defaults
    setattr(RecordView, _name, _lazy(_name))


def view(record_id: str, load: Loader) -> RecordView:
    """Return a view of the record ``record_id`` that calls ``load`` when first read."""
    out = RecordView.__new__(RecordView)
    out.__dict__["id"] = record_id
    out.__dict__["_load"] = load
    return out


def _plain_record(values: dict[str, Any]) -> FeedbackRecord:
    return FeedbackRecord(**values)


class RowBlocks:
    """Rows of Arrow columns as Python values, converted a block of rows at a time.

    Reading records in order through this costs ~1 us a record where reading cell by cell
    costs ~1 us a cell; only the current block is held (a few MB at most).
    """

    def __init__(self, columns: dict[str, pa.Array | pa.ChunkedArray], block: int = 1024) -> None:
        self.columns = columns
        self._block = block
        self._start = -1
        self._rows: dict[str, list[Any]] = {}

    def row(self, position: int) -> dict[str, Any]:
        """Return ``{column: value}`` at ``position``."""
        start = position - position % self._block
        if start != self._start:
            self._rows = {
                c: a.slice(start, self._block).to_pylist() for c, a in self.columns.items()
            }
            self._start = start
        k = position - start
        return {c: values[k] for c, values in self._rows.items()}
