"""The typed changes a dataset goes through, all committed by ``FeedbackDataset._commit``.

Every write, whoever makes it (the widget, ``add_response``, ``add_responses``, ``add_records``,
a record edit, ``delete_records``, a schema edit, an undo), is built as one of these values,
already checked against the schema by the function that builds it, then committed in one order:

1. refuse if the dataset is read-only;
2. append it durably to the dataset's folder, when it has one (``persistence.FolderWriter``:
   flushed and fsync'd before it returns, or nothing written and ``StorageError`` raised);
3. apply it to the in-memory tables;
4. tell open views which records changed.

A change is plain data: the same value is what goes to disk and what is applied in memory, so
what a reopened dataset reads back is what the live one holds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    import pandas as pd

    from nb_feedback.domain.review import ReviewNote
    from nb_feedback.domain.schema import Schema


UNKNOWN: Any = type("Unknown", (), {"__repr__": lambda self: "UNKNOWN"})()
"""A ``PutResponse.replaces`` not looked up."""


@dataclass(frozen=True, slots=True)
class AddRecords:
    """New records (a frame in the record table's columns) with the responses they carried."""

    records: pd.DataFrame
    responses: pd.DataFrame
    kind: ClassVar[str] = "records"

    def record_ids(self) -> list[str]:
        """Return the ids of the records this change touches."""
        return [str(i) for i in self.records["@id"].tolist()]


@dataclass(slots=True)
class PutResponse:
    """One annotator's response to one record (a row of the response row type).

    ``row`` holds the values in ``RESPONSE_COLUMNS`` order; ``response_row`` makes one from a dict.
    Not frozen, unlike the other changes: a frozen dataclass sets each attribute through
    ``object.__setattr__`` (~0.7 us against ~0.3 us), and one is made for every answer given
    from code. Nothing changes one once made; ``row`` is a tuple.
    """

    row: tuple[Any, ...]
    replaces: Any = UNKNOWN
    """The row this answer replaces (None: the first answer), as the maker of the change found
    it just before; ``UNKNOWN`` when not looked up (the apply step then looks it up)."""
    kind: ClassVar[str] = "responses"

    def record_ids(self) -> list[str]:
        """Return the ids of the records this change touches."""
        return [self.row[0]]


@dataclass(frozen=True, slots=True)
class PutResponses:
    """Many responses at once (a frame of the response row type, one row per record and user)."""

    rows: pd.DataFrame
    kind: ClassVar[str] = "responses"

    def record_ids(self) -> list[str]:
        """Return the ids of the records this change touches."""
        return [str(i) for i in self.rows["record_id"].tolist()]


@dataclass(frozen=True, slots=True)
class RemoveResponse:
    """Withdraw one annotator's response to one record (an undo of a first answer, say)."""

    record_id: str
    user: str
    at: float
    kind: ClassVar[str] = "responses"

    def record_ids(self) -> list[str]:
        """Return the ids of the records this change touches."""
        return [self.record_id]


@dataclass(frozen=True, slots=True)
class EditRecords:
    """New values of some record columns (internal names, stored form) for some records.

    ``columns`` maps a column (``@metadata``, ``@suggestions``, ``@vectors``, ``@meta:<name>``)
    to one value per id in ``ids``.
    """

    ids: Sequence[str]
    columns: dict[str, list[Any]]
    kind: ClassVar[str] = "records"

    def record_ids(self) -> list[str]:
        """Return the ids of the records this change touches."""
        return list(self.ids)


@dataclass(frozen=True, slots=True)
class DeleteRecords:
    """Remove records, and every response to them."""

    ids: Sequence[str]
    kind: ClassVar[str] = "records"

    def record_ids(self) -> list[str]:
        """Return the ids of the records this change touches."""
        return list(self.ids)


@dataclass(frozen=True, slots=True)
class ChangeSchema:
    """A new schema: metadata properties, vector settings or the task distribution changed.

    ``columns`` gives the record columns the new schema needs (a new metadata property's typed
    column), one value per record in table order; ``drop`` the columns it no longer has.
    """

    schema: Schema
    columns: dict[str, list[Any]]
    drop: Sequence[str] = ()
    kind: ClassVar[str] = "schema"

    def record_ids(self) -> list[str]:
        """Return no ids: a schema change touches no record in particular."""
        return []


@dataclass(frozen=True, slots=True)
class NoteReview:
    """Which annotator's answer a reviewer's answer came from (committed after that answer)."""

    note: ReviewNote
    kind: ClassVar[str] = "responses"

    def record_ids(self) -> list[str]:
        """Return the ids of the records this change touches."""
        return [self.note.record_id]


@dataclass(frozen=True, slots=True)
class PatchRecords:
    """Record edits as the folder stores them: one entry per (record, column, key) changed.

    ``entries`` holds ``(record_id, column, key, present, value)``: ``key`` is a metadata key or
    a vector name for the dict-valued columns (``@metadata``, ``@vectors``), None for a column
    set whole (``@suggestions``, ``@meta:<name>``); ``present`` False removes that key. Edits
    are kept per key so that two processes changing different metadata keys of one record both
    survive; of two changes to the same key, the later time wins (see ``persistence``).
    """

    entries: Sequence[tuple[str, str, str | None, bool, Any]]
    kind: ClassVar[str] = "records"

    def record_ids(self) -> list[str]:
        """Return the ids of the records this change touches."""
        return list(dict.fromkeys(e[0] for e in self.entries))


@dataclass(frozen=True, slots=True)
class WithdrawReview:
    """Take back a reviewer's note on a record (the undo of a review)."""

    record_id: str
    reviewer: str
    kind: ClassVar[str] = "responses"

    def record_ids(self) -> list[str]:
        """Return the ids of the records this change touches."""
        return [self.record_id]


@dataclass(frozen=True, slots=True)
class UnifyAnswers:
    """One question's unified answers (``compute_unified_responses``), replacing earlier ones.

    ``by_record`` maps a record id to its unified values, each ``{"value", "strategy"}``.
    """

    question: str
    by_record: Mapping[str, list[dict[str, Any]]]
    kind: ClassVar[str] = "responses"

    def record_ids(self) -> list[str]:
        """Return the ids of the records this change touches."""
        return list(self.by_record)


Change = (
    AddRecords
    | PutResponse
    | PutResponses
    | RemoveResponse
    | EditRecords
    | PatchRecords
    | DeleteRecords
    | ChangeSchema
    | NoteReview
    | WithdrawReview
    | UnifyAnswers
)
"""Everything that can change a dataset."""

Stamped = tuple[float, str, Change]
"""A change read from a folder: its time, the writer that made it, the change."""
