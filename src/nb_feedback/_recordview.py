"""Records handed out by iteration and ``dataset[i]``: views that read nothing until used.

Code written the way Argilla users write it walks every record and reads one or two things
(``for record in dataset: dataset.add_response(record.id, ...)``). Building a full
``FeedbackRecord`` per record (texts, metadata, suggestions and responses decoded) cost ~5 us
a record, most of it for values nobody read. A ``RecordView`` is made from its id alone (~0.3 us);
reading ``.id`` reads nothing else. Reading or setting anything else loads the record, as it is
at that moment, from the dataset, and the view then becomes that record: its class is
``FeedbackRecord`` from then on, with the loaded record's state, so it behaves exactly as a
record the dataset built (equality, copies, pickles, edits), whatever that class holds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyarrow as pa

from nb_feedback.records import FeedbackRecord

Loader = Callable[[str], FeedbackRecord]
"""Return the record with this id as it is now (the dataset's own reader)."""

_get = object.__getattribute__


class RecordView(FeedbackRecord):
    """A dataset's record that loads itself, and becomes a plain record, when first used."""

    def __getattribute__(self, name: str) -> Any:
        if name == "id":  # what a loop over the records reads: no load
            return _get(self, "__dict__")["id"]
        _become_record(self)
        return getattr(self, name)

    def __setattr__(self, name: str, value: Any) -> None:
        _become_record(self)
        setattr(self, name, value)

    def __delattr__(self, name: str) -> None:
        _become_record(self)
        delattr(self, name)


def _become_record(view: RecordView) -> None:
    state = _get(view, "__dict__")
    load: Loader | None = state.pop("_load", None)
    if load is None:  # a view made some other way (a copy taken mid-load): a plain record
        object.__setattr__(view, "__class__", FeedbackRecord)
        return
    record = load(state["id"])
    state.clear()
    state.update(_get(record, "__dict__"))
    object.__setattr__(view, "__class__", type(record))


def view(record_id: str, load: Loader) -> RecordView:
    """Return a view of the record ``record_id`` that calls ``load`` when first used."""
    out = RecordView.__new__(RecordView)
    state = _get(out, "__dict__")
    state["id"] = record_id
    state["_load"] = load
    return out


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
