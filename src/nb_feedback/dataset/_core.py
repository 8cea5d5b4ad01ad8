"""The state of a dataset and its one change path: ``DatasetCore``, under ``FeedbackDataset``.

Every change is a typed change (``store._changes``) committed by ``_commit`` (written to the
folder first when there is one) and applied by ``_apply``, the one apply step, which also
takes in what other writers appended (``refresh``). Records are read from here.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self, Union, overload

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from nb_feedback.base._arrowtext import dumps, loads, strings
from nb_feedback.base.errors import ResponseError, StorageError
from nb_feedback.dataset._recordview import RowBlocks
from nb_feedback.dataset.schema_edits import metadata_columns
from nb_feedback.domain.chat import decode as decode_chat
from nb_feedback.domain.distribution import (
    TaskDistribution,
    check_distribution,
    record_status,
    record_statuses,
)
from nb_feedback.domain.records import (
    FeedbackRecord,
    Response,
    Suggestion,
)
from nb_feedback.domain.review import ReviewNotes
from nb_feedback.domain.schema import Schema
from nb_feedback.domain.validation import is_missing
from nb_feedback.store import _tables as T
from nb_feedback.store import persistence
from nb_feedback.store._changes import (
    AddRecords,
    Change,
    ChangeSchema,
    DeleteRecords,
    EditRecords,
    NoteReview,
    PatchRecords,
    PutResponse,
    PutResponses,
    RemoveResponse,
    UnifyAnswers,
    WithdrawReview,
)
from nb_feedback.store._hlc import CLOCK
from nb_feedback.store._patches import group_by_record, landed, patch_of

if TYPE_CHECKING:
    from datasets import Dataset


RecordsInput = Union[
    FeedbackRecord,
    Mapping[str, Any],
    Iterable["FeedbackRecord | Mapping[str, Any]"],
    pd.DataFrame,
    "Dataset",
]
"""What ``add_records`` takes: a record, a dict, a list of either, a DataFrame or a datasets.Dataset."""

Listener = Callable[[str, Sequence[str]], None]
"""Called as ``(kind, record_ids)`` after a change: kind is "responses" or "records"."""


_UPDATED_AT = T.COLUMN_AT["updated_at"]
"""Where a response row holds its time (a ``PutResponse`` is committed at it)."""

_FEW_ANSWERS = 256
"""Up to this many answers read from a folder are applied one by one (``_put_if_later``)."""

_ONE_SUBMITTED = TaskDistribution()
"""The default distribution (frozen, so one object serves every read)."""


class DatasetCore:
    """A dataset's tables, schema, folder and change path; the public face is ``FeedbackDataset``."""

    _replaced_submitted = 0

    """Submitted answers ``add_responses(replace_submitted=True)`` replaced in this session."""

    def _init(
        self, schema: Schema, records: pd.DataFrame | None, responses: pd.DataFrame | None
    ) -> None:
        self._schema = schema
        self._view: tuple[pd.DataFrame, np.ndarray] | None = None  # see _subset
        # a filter_by() result's response rows' record positions in its record source, found
        # when it was made (it is a snapshot: they stay right); None: found when asked
        self._response_rows_at: np.ndarray | None = None
        # record edits not yet folded into the frame: id -> {column: stored value}; an edit
        # costs O(1), and readers of the whole frame fold them in once (_records)
        self._edits: dict[str, dict[str, Any]] = {}
        self._deleted: set[str] = set()  # every id deleted (final: never added again)
        if records is None:
            columns = T.record_columns(schema.field_names, schema.metadata_names)
            records = pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})
        self._records = records.reset_index(drop=True)
        self._responses = T.ResponseTable(responses)
        # the ids in order and id -> position, built on first use (_ids_and_positions)
        self._id_positions: tuple[list[str], dict[str, int]] | None = None
        self._arrow: dict[str, pa.ChunkedArray | pa.Array] | None = None
        self._folder: Path | None = None
        self._writer: persistence.FolderWriter | None = None  # set once the dataset has a folder
        self._listeners: list[Listener] = []
        # compute_unified_responses, committed as UnifyAnswers: per question the values (read
        # form), and the time and stored form of the change applied (for checkpoints)
        self._unified: dict[str, dict[str, list[Any]]] = {}
        self._stored_unified: dict[str, tuple[float, dict[str, list[dict[str, Any]]]]] = {}
        self._read_only: str | None = None
        self._reader: persistence.FolderReader | None = None  # other writers' news, see refresh()
        self._legacy = False  # a format 1/2 folder: its first write turns it into format 3
        # answers read from the folder to records not seen yet (a sync service delivers a
        # record part late): kept, and applied once the record arrives
        self._held = T.empty_responses()
        # record edits read from the folder to records not seen yet, (time, writer, entry):
        # applied once the record arrives, by the same rule
        self._held_edits: list[tuple[float, str, tuple[Any, ...]]] = []
        # the time of the latest change applied per record-edit entry, schema, withdrawn answer
        self._edit_clocks: dict[tuple[str, str, str | None], tuple[float, str]] = {}
        self._schema_at = 0.0
        self._removed: dict[tuple[str, str], float] = {}
        self._last_saved = False  # see last_change_saved
        self._torn_seen: dict[str, int] = {}  # torn tails already reported by a checkpoint
        self._orders: dict[str, np.ndarray] = {}  # user -> record positions in their order
        self._review_notes: ReviewNotes | None = None  # read on first use

    # ----------------------------------------------------------------- schema
    @property
    def schema(self) -> Schema:
        """The fields, questions, metadata properties and guidelines."""
        return self._schema

    @property
    def distribution(self) -> TaskDistribution:
        """How many submitted responses complete a record (Argilla 2's ``TaskDistribution``).

        It can be changed while no record has a response; with a folder, the change is saved.
        A dataset given one is set up for a team: ``annotate()`` walks each annotator's queue.
        """
        return self._schema.distribution or _ONE_SUBMITTED  # read for every record built

    @distribution.setter
    def distribution(self, value: TaskDistribution) -> None:
        self._check_writable()
        new = check_distribution(value)
        answered = len(self._responses)
        if answered and new != self.distribution:
            raise StorageError(
                f"distribution: cannot change to {new!r}: {answered} response(s) exist; "
                "the distribution can change only before the first answer"
            )
        self._commit(ChangeSchema(dataclasses.replace(self._schema, distribution=new), {}))

    @property
    def folder(self) -> Path | None:
        """The folder every change is written to, or None for a dataset never saved."""
        return self._folder

    # ---------------------------------------------------------------- records
    @property
    def _records(self) -> pd.DataFrame:
        if self._view is not None:  # a filter_by() result, read for the first time
            base, positions = self._view
            self._records = base.take(positions).reset_index(drop=True)
        if self._edits:
            self._fold_edits()
        return self._records_table

    @_records.setter
    def _records(self, frame: pd.DataFrame) -> None:
        self._records_table = frame
        self._view = None
        self._response_rows_at = None  # positions in the frame this replaces

    def _fold_edits(self) -> None:
        frame, edits = self._records_table, self._edits
        self._edits = {}
        positions = self._ids_and_positions()[1]
        columns: dict[str, np.ndarray] = {}
        for record_id, changed in edits.items():
            at = positions[record_id]
            for column, value in changed.items():
                if column not in columns:
                    columns[column] = np.array(frame[column], dtype=object)
                columns[column][at] = value
        self._records_table = frame.assign(
            **{c: pd.Series(v, dtype=object) for c, v in columns.items()}
        )
        self._arrow = None

    def _record_source(self) -> tuple[pd.DataFrame, int]:
        """Return a frame holding this dataset's records, and how many records it has.

        A ``filter_by()`` result answers with the records it came from, not copied: its
        responses name the records it holds, and readers that look records up by id (to_sft)
        need no copy of the texts.
        """
        if self._view is not None:
            return self._view[0], len(self._view[1])
        return self._records, len(self._records)

    def __len__(self) -> int:
        view = self._view  # every answer asks for the length: no frame is built for it
        return len(view[1]) if view is not None else len(self._records_table)

    def __repr__(self) -> str:
        where = f"folder={str(self._folder)!r}" if self._folder else "in memory"
        return (
            f"FeedbackDataset(records={len(self)}, fields={self._schema.field_names}, "
            f"questions={self._schema.question_names}, {where})"
        )

    @overload
    def __getitem__(self, key: int) -> FeedbackRecord: ...

    @overload
    def __getitem__(self, key: slice) -> list[FeedbackRecord]: ...

    def __getitem__(self, key: int | slice) -> FeedbackRecord | list[FeedbackRecord]:
        """Return the record at ``key`` (a view: its values are read when first used)."""
        ids = self._ids_and_positions()[0]
        if isinstance(key, slice):
            return [
                FeedbackRecord.lazy(ids[i], self, self._load_record)
                for i in range(*key.indices(len(ids)))
            ]
        if isinstance(key, bool) or not isinstance(key, int):
            raise TypeError(f"dataset index must be an int or a slice, got {key!r}")
        n = len(ids)
        if not -n <= key < n:
            raise IndexError(f"record index {key} out of range for {n} records")
        return FeedbackRecord.lazy(ids[key], self, self._load_record)

    def __iter__(self) -> Iterator[FeedbackRecord]:
        # Views made from the ids alone; a record read in full converts its block of rows at a
        # time (RowBlocks), as a loop reads records in order.
        blocks: list[RowBlocks] = []

        def load(record_id: str) -> FeedbackRecord:
            cols = self._columns()
            if not blocks or blocks[0].columns is not cols:  # the records changed since
                blocks[:] = [RowBlocks(cols)]
            return self._record_from(blocks[0].row(self.position_of(record_id)))

        # the generator itself, not one that delegates to it: one frame resumed per record
        return FeedbackRecord.lazy_many(self._ids_and_positions()[0], self, load)

    @property
    def records(self) -> list[FeedbackRecord]:
        """Every record as a ``FeedbackRecord`` (built on each call; iterate for large data)."""
        return list(self)

    def record_at(self, position: int) -> FeedbackRecord:
        """Return the record at ``position``, bound to this dataset: edits to it stick."""
        return self._record_from({c: a[position].as_py() for c, a in self._columns().items()})

    def _load_record(self, record_id: str) -> FeedbackRecord:
        return self.record_at(self.position_of(record_id))

    def record_by_id(self, record_id: str) -> FeedbackRecord:
        """Return the record with id ``record_id``, or raise naming it."""
        return self._load_record(record_id)

    def _record_from(self, cells: Mapping[str, Any]) -> FeedbackRecord:
        """Build a record from one row of ``_columns()`` (the one place records are built)."""
        record_id = cells[T.ID]
        meta, sugg, vectors = cells[T.METADATA], cells[T.SUGGESTIONS], cells[T.VECTORS]
        edited = self._edits.get(record_id)
        if edited:  # edits not yet folded into the frame
            meta = edited.get(T.METADATA, meta)
            sugg = edited.get(T.SUGGESTIONS, sugg)
            vectors = edited.get(T.VECTORS, vectors)
        responses = self.responses_for(record_id)
        fields = {f: cells[f] for f in self._schema.field_names}
        for name in self._schema.chat_field_names:  # stored as JSON text (nb_feedback.domain.chat)
            fields[name] = decode_chat(fields[name])
        return FeedbackRecord(
            fields=fields,
            metadata=loads(meta) if meta is not None else {},
            suggestions=[Suggestion(**x) for x in loads(sugg)] if sugg is not None else [],
            responses=responses,
            external_id=cells[T.EXTERNAL_ID],
            id=record_id,
            status=record_status(responses, self.distribution.min_submitted),
            unified_responses=self._unified_of(record_id),
            vectors=_vectors(vectors),
        )._bind(self)

    def _columns(self) -> dict[str, pa.Array]:
        # Arrow views of the record columns (zero-copy for Arrow-backed strings), rebuilt
        # after add_records: reading a row through them costs ~1 us a cell, pandas' ~100 us.
        if self._arrow is None:
            frame = self._records
            names = [T.ID, *self._schema.field_names, *T.RECORD_BASE_COLUMNS]
            self._arrow = {c: strings(frame[c]) for c in names}
        return self._arrow

    def position_of(self, record_id: str) -> int:
        """Return the position of the record with id ``record_id``, or raise naming it."""
        if not isinstance(record_id, str):
            raise ResponseError(f"record id must be a string, got {record_id!r}")
        position = self._ids_and_positions()[1].get(record_id)
        if position is None:
            raise ResponseError(f"record {record_id!r}: no record with this id")
        return position

    def _span_fields(self, record_id: str, values: Mapping[str, Any]) -> dict[str, Any] | None:
        """Return the record's texts its span answers in ``values`` point into (None if none)."""
        spans = self._schema.span_questions
        if not spans or not any(name in values for name in spans):
            return None
        cols, position = self._columns(), self.position_of(record_id)
        return {q.field: cols[q.field][position].as_py() for q in spans.values()}

    def _ids_and_positions(self) -> tuple[list[str], dict[str, int]]:
        """Return the record ids in order and each one's position (built once per change).

        A plain dict: ~50 ns a lookup against ~1.5 us for pandas' Index.get_loc, and every
        answer looks its record up; the list gives ``dataset[i].id`` and iteration their ids.
        """
        if self._id_positions is None:
            ids = self._records[T.ID].tolist()
            self._id_positions = ids, dict(zip(ids, range(len(ids)), strict=True))
        return self._id_positions

    def _holds(self, record_id: str) -> bool:
        """Tell whether this dataset holds a record with id ``record_id``."""
        return record_id in self._ids_and_positions()[1]

    def _stored(self, record_id: str, column: str) -> Any:
        edited = self._edits.get(record_id)
        if edited is not None and column in edited:
            return edited[column]
        value = self._records_table[column].iloc[self.position_of(record_id)]
        return None if is_missing(value) else value

    def _check_turns(self, record_id: str, values: Mapping[str, Any], where: str) -> None:
        """Refuse a per-turn answer naming a turn that is not an assistant turn of the record."""
        from nb_feedback.domain.chat import turn_problem

        for name, field in self._schema.turn_questions.items():
            if name in values:
                cell = self._columns()[field][self.position_of(record_id)].as_py()
                problem = turn_problem(values[name], decode_chat(cell))
                if problem:
                    raise ResponseError(f"{where}, question {name!r}: {problem}")

    def claim_writer(self, user: str) -> None:
        """Take ``user``'s answer-log lock now, so that a clash with another process errors here."""
        if self._writer is not None:
            self._writer.claim(user)

    # ------------------------------------------------------------ the change path
    def _commit(self, change: Change, *, show_progress: bool | None = None) -> None:
        """Commit one change: refuse if read-only, append durably, apply in memory, tell views.

        Every write of the dataset goes through here (see ``_changes``); the change was checked
        against the schema by whoever built it. If the write fails (a full disk, say), it raises
        ``StorageError`` and nothing changed, on disk or in memory.
        """
        if self._read_only:
            self._check_writable()  # raises, saying why
        if type(change) is PutResponse:  # the commonest change: one answer, timed by its maker
            at = change.row[_UPDATED_AT]
        else:
            if isinstance(change, EditRecords):  # stored key by key (see _patches)
                change = patch_of(change, self._stored)
                if not change.entries:
                    return
            at = CLOCK.tick()
        writer, self._last_saved = "", False
        if self._writer is not None:
            if self._legacy:  # the first write to a format 1/2 folder: make it format 3 first
                persistence.upgrade_legacy(self._writer.folder, self._state(), self._writer)
                self._legacy = False
            self._writer.write(change, at, show_progress=show_progress)
            writer = self._writer.id
        self._last_saved = bool(writer)  # reached only once the write returned
        self._apply(change, at, writer)
        if self._listeners:
            self._notify(change.kind, change.record_ids())

    def _apply(self, change: Change, at: float, writer: str) -> list[str]:
        """Apply a change made at time ``at`` by ``writer`` to the in-memory tables.

        The one apply step, for this process's commits and for what other processes wrote
        (read from the folder on open and on ``refresh``). Of two changes of the same thing the
        later (time, writer) wins, so applying what was read in any order gives one state.
        Returns the ids of the records it changed.
        """
        if isinstance(change, PutResponse):
            self._responses.put(change.row, change.replaces)
            return [change.row[0]]
        if isinstance(change, PutResponses):  # only ever this process's (checked, latest)
            self._responses.put_frame(change.rows)
            return change.record_ids()
        if isinstance(change, RemoveResponse):
            key = (change.record_id, change.user)
            self._removed[key] = max(self._removed.get(key, 0.0), change.at)
            self._responses.remove(change.record_id, change.user)
            return [change.record_id]
        if isinstance(change, AddRecords):
            return self._add_records_frame(change)
        if isinstance(change, PatchRecords):
            return self._apply_patch(change, (at, writer))
        if isinstance(change, DeleteRecords):
            ids = [i for i in change.ids if self._holds(i)]
            self._deleted.update(change.ids)
            if self._held_edits:  # edits waiting for a record that is now gone
                gone = set(change.ids)
                self._held_edits = [h for h in self._held_edits if h[2][0] not in gone]
            if ids:
                frame = self._records
                keep = ~T.isin(frame[T.ID], ids).to_numpy()
                self._records = frame[keep].reset_index(drop=True)
                self._responses.drop_records(ids)
                self._id_positions = None
                self._arrow = None
            return ids
        if isinstance(change, NoteReview):
            self._reviews().keep(change.note, at)
            return [change.note.record_id]
        if isinstance(change, WithdrawReview):
            self._reviews().withdraw(change.record_id, change.reviewer, at)
            return [change.record_id]
        if isinstance(change, UnifyAnswers):
            return self._take_unified(change, at)
        assert isinstance(change, ChangeSchema)
        if at < self._schema_at or (
            at == self._schema_at and _tie(change.schema.to_dict()) < _tie(self._schema.to_dict())
        ):
            return []  # the later schema change wins; at one time (a tie), the larger content
        columns, drop = change.columns, change.drop
        if not columns and not drop:  # read from a folder: the typed columns it implies
            columns, drop = metadata_columns(self._schema, change.schema, self._records)
        frame = self._records.drop(columns=[c for c in drop if c in self._records])
        self._records = frame.assign(**columns)
        self._schema, self._schema_at = change.schema, at
        self._arrow = None
        return []

    def _add_records_frame(self, change: AddRecords) -> list[str]:
        records, responses = change.records, change.responses
        ids = records[T.ID]
        if len(self._records_table) or self._deleted:  # records read again, or deleted: skipped
            taken = T.isin(ids, self._records_table[T.ID]) if len(self._records_table) else None
            if self._deleted:
                gone = T.isin(ids, list(self._deleted))
                taken = gone if taken is None else taken | gone
            if taken is not None and taken.any():
                records = records[~taken.to_numpy()].reset_index(drop=True)
                if len(responses):
                    responses = responses[T.isin(responses["record_id"], records[T.ID]).to_numpy()]
        if records.empty:
            return []
        current = self._records
        self._records = (
            pd.concat([current, records], ignore_index=True)
            if len(current)
            else records.reset_index(drop=True)  # the first batch: nothing to concat
        )
        self._id_positions = None
        self._arrow = None
        if len(responses):
            self._responses.put_frame(responses)
        if len(self._held):  # answers that were waiting for these records
            waiting, self._held = self._held, T.empty_responses()
            self._take_answers(waiting)
        if self._held_edits:  # edits that were waiting for these records
            edits, self._held_edits = self._held_edits, []
            for at, writer, entry in edits:  # those still waiting are held again
                self._apply_patch(PatchRecords([entry]), (at, writer))
        ids_added: list[str] = records[T.ID].tolist()  # text, checked when the batch was read
        return ids_added

    def _apply_patch(self, patch: PatchRecords, clock: tuple[float, str]) -> list[str]:
        touched = []
        for record_id, entries in group_by_record(patch.entries).items():
            if not self._holds(record_id):
                if record_id not in self._deleted:  # not read yet: a synced folder delivers
                    # its part late; the edit waits for it
                    self._held_edits += [(clock[0], clock[1], tuple(e)) for e in entries]
                continue
            slot = self._edits.setdefault(record_id, {})
            for _, column, key, present, value in entries:
                held = self._edit_clocks.get((record_id, column, key))
                if held is not None and held >= clock:
                    continue  # a later edit of this entry is already in
                current = slot[column] if column in slot else self._stored(record_id, column)
                slot[column] = landed(current, key, present, value)
                self._edit_clocks[(record_id, column, key)] = clock
            touched.append(record_id)
        return touched

    def _take_answers(self, rows: pd.DataFrame) -> list[str]:
        """Apply answers (many at once, from a batch or a folder): the later answer wins."""
        if rows.empty:
            return []
        rows = T.conform_responses(rows)
        few = len(rows) <= _FEW_ANSWERS  # a look-up each, not a scan of every record id
        if self._deleted:  # answers to deleted records went with them
            ids = rows["record_id"]
            gone = ids.isin(self._deleted) if few else T.isin(ids, list(self._deleted))
            rows = rows[~gone.to_numpy()]
        known = (
            np.fromiter(map(self._holds, rows["record_id"]), dtype=bool, count=len(rows))
            if few
            else T.isin(rows["record_id"], self._records_table[T.ID]).to_numpy()
        )
        if not known.all():  # records not read yet (a late sync): kept until they arrive
            self._held = pd.concat([self._held, rows[~known]], ignore_index=True)
            rows = rows[known]
        if rows.empty:
            return []
        removal = (rows["status"] == persistence.REMOVED).to_numpy()
        touched: list[str] = []
        if self._removed or removal.any():
            rows = self._after_removals(rows, removal, touched)
        if len(rows) > _FEW_ANSWERS:
            self._responses.put_frame(rows)  # the later answer wins (latest_per_key)
            touched += rows["record_id"].tolist()
        elif len(rows):  # a few (another annotator's news): no re-sort of every answer held
            touched += self._put_if_later(rows)
        return list(dict.fromkeys(touched))

    def _put_if_later(self, rows: pd.DataFrame) -> list[str]:
        """Put each row unless the answer held for its (record, user) is later.

        The rule of ``_tables.latest_per_key``, one row at a time: later ``updated_at`` wins,
        a tie goes to the larger (status, values). Pinned to ``put_frame`` by
        ``test_store.py::test_few_answers_land_as_many_do``.
        """
        touched = []
        frame = rows.astype(object).where(rows.notna(), None)
        at = T.COLUMN_AT
        first = at["inserted_at"]
        for row in frame.itertuples(index=False, name=None):
            held = self._responses.row_of(row[0], row[1])
            if held is not None:
                new_key = (row[at["updated_at"]], row[at["status"]], row[at["values"]])
                old_key = (held[at["updated_at"]], held[at["status"]], held[at["values"]])
                # the answer kept is the later; when it was first given, the earliest of both
                since = min(
                    x for x in (held[first], row[first], row[at["updated_at"]]) if x is not None
                )
                if old_key >= new_key:
                    if held[first] is None or since < held[first]:
                        self._responses.put(held, (*held[:first], since, *held[first + 1 :]))
                    continue
                held = (*held[:first], since, *held[first + 1 :])  # put() keeps its first time
            self._responses.put(tuple(row), held)
            touched.append(row[0])
        return touched

    def _after_removals(
        self, rows: pd.DataFrame, removal: np.ndarray, touched: list[str]
    ) -> pd.DataFrame:
        """Apply withdrawals among ``rows``; return the answers not older than a withdrawal."""
        for record_id, user, at in rows.loc[
            removal, ["record_id", "user", "updated_at"]
        ].itertuples(index=False):
            current = self._responses.get(record_id, user)
            if current is None or float(current["updated_at"]) <= float(at):
                self._apply(RemoveResponse(record_id, user, float(at)), float(at), "")
                if current is not None:
                    touched.append(record_id)
            else:
                key = (record_id, user)
                self._removed[key] = max(self._removed.get(key, 0.0), float(at))
        rows = rows[~removal]
        if self._removed and len(rows):
            keys = zip(rows["record_id"].tolist(), rows["user"].tolist(), strict=True)
            times = rows["updated_at"].tolist()
            keep = [self._removed.get(k, -1.0) < t for k, t in zip(keys, times, strict=True)]
            rows = rows[np.asarray(keep, dtype=bool)]
        return rows

    def _writer_id(self) -> str | None:
        return None if self._writer is None else self._writer.id

    @property
    def last_change_saved(self) -> bool:
        """Whether the last change committed here is on disk (written and fsync'd)."""
        return self._last_saved

    def _reviews(self) -> ReviewNotes:
        if self._review_notes is None:
            self._review_notes = ReviewNotes()
        return self._review_notes

    def _record_statuses(self, responses: pd.DataFrame | None = None) -> np.ndarray:
        """Return "pending" / "completed" per record position."""
        if responses is None:
            responses = self._responses.frame()
        ids = self._columns()[T.ID]
        return record_statuses(ids, responses, self.distribution.min_submitted)

    def _response_positions(self) -> np.ndarray:
        """Return the position in the record source of each row of the response frame."""
        if self._response_rows_at is not None:
            return self._response_rows_at
        records, _ = self._record_source()
        return _positions_in(self._responses.frame()["record_id"], strings(records[T.ID]))

    def _record_positions(self, responses: pd.DataFrame) -> np.ndarray:
        """Return the position of each response's record (len(self) for none), in one hash pass."""
        return _positions_in(responses["record_id"], self._columns()[T.ID])

    def _subset(
        self, keep: np.ndarray, responses: pd.DataFrame, record_of: np.ndarray | None
    ) -> Self:
        if record_of is None:
            record_of = self._record_positions(responses)
        kept = np.append(keep, False)[record_of]
        # copy-on-write frames: a filter that keeps everything shares them, and no copy is made
        everything = bool(kept.all())
        # the records are copied only when first read (to_sft needs no copy)
        positions = None if keep.all() else np.flatnonzero(keep)
        out = self._read_only_view(
            responses if everything else responses[kept], positions, "filter_by()"
        )
        out._response_rows_at = record_of if everything else record_of[kept]
        return out

    def _read_only_view(
        self, responses: pd.DataFrame, positions: np.ndarray | None, made_by: str
    ) -> Self:
        """Return a read-only dataset of this one's records and ``responses``.

        ``positions`` picks the records and their order (None: all, as they are); the view
        shows the unified answers this dataset holds. ``made_by`` names it in the refusal of
        a write.
        """
        out = type(self).__new__(type(self))
        out._init(self._schema, self._records, responses)
        out._unified = self._unified
        if positions is not None:
            out._view = (self._records, positions)
        out._read_only = (
            f"this dataset is a {made_by} result; add answers to the dataset it came from"
        )
        return out

    @property
    def unified_responses(self) -> dict[str, dict[str, list[Any]]]:
        """Unified answers by question, then record id; see ``compute_unified_responses``."""
        return self._unified

    @property
    def replaced_submitted(self) -> int:
        """How many submitted answers ``add_responses(replace_submitted=True)`` replaced here."""
        return self._replaced_submitted

    def _take_unified(self, change: UnifyAnswers, at: float) -> list[str]:
        """Apply one question's unified answers, unless a later unification is held."""
        from nb_feedback.team.unification import UnifiedValueSchema

        held = self._stored_unified.get(change.question)
        if held is not None and (
            at < held[0] or (at == held[0] and _tie(dict(change.by_record)) < _tie(held[1]))
        ):
            return []  # the later unification wins; at one time (a tie), the larger content
        self._unified[change.question] = {
            record_id: [UnifiedValueSchema(v["value"], v["strategy"]) for v in values]
            for record_id, values in change.by_record.items()
        }
        self._stored_unified[change.question] = (at, dict(change.by_record))
        return change.record_ids()

    def _unified_of(self, record_id: str) -> dict[str, list[Any]]:
        return {q: ids[record_id] for q, ids in self._unified.items() if record_id in ids}

    def _check_writable(self) -> None:
        if self._read_only:
            raise StorageError(self._read_only)

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(kind, record_ids)`` after each change; returns the unsubscribe."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _notify(self, kind: str, record_ids: Sequence[str]) -> None:
        for listener in list(self._listeners):
            listener(kind, record_ids)

    def refresh(self) -> list[str]:
        """Take in what other processes wrote to this dataset's folder since last time.

        Only the new bytes of the other writers' files are read (a line still being written
        waits for the next call). Returns the ids of the records that changed; open views are
        told. A dataset with no folder has nothing to read.
        """
        if self._folder is None or self._read_only or self._reader is None:
            return []
        news = self._reader.read_new(skip_writer=self._writer_id())
        persistence.warn_skipped(self._folder, news.skipped)
        if self._reader.replaced and not self._legacy:
            self._read_only = (
                f"{self._folder}: another dataset was saved over this folder; "
                "open it again (FeedbackDataset.from_disk) to follow it"
            )
            warnings.warn(self._read_only, persistence.LoadWarning, stacklevel=2)
            return []
        if news.empty:
            return []
        touched = self._take_news(news, live=True)
        if touched and self._listeners:
            kind = (
                "responses" if all(c.kind == "responses" for _, _, c in news.changes) else "records"
            )
            self._notify(kind, touched)
        return touched

    def _take_news(self, news: persistence.News, *, live: bool = False) -> list[str]:
        """Apply what was read from the folder (already on disk: nothing is written).

        ``live``: news arriving while this process works; answers it wrote to records another
        process deleted meanwhile are dropped with the records, and a warning says so.
        """
        touched: list[str] = []
        ours = set(self._writer.users) if live and self._writer is not None else set()
        for at, writer, change in news.changes:  # in (time, writer) order
            if ours and isinstance(change, DeleteRecords):
                mine = self._responses.frame()
                mine = mine[mine["user"].isin(ours).to_numpy()]
                lost = int(T.isin(mine["record_id"], list(change.ids)).sum()) if len(mine) else 0
                if lost:
                    warnings.warn(
                        f"{self._folder}: another process deleted {len(change.ids)} record(s) "
                        f"(first: {change.ids[0]!r}); the {lost} answer(s) to them went with them",
                        persistence.LoadWarning,
                        stacklevel=4,
                    )
            touched += self._apply(change, at, writer)
        if not news.answers.empty:
            touched += self._take_answers(news.answers)
        return list(dict.fromkeys(touched))

    def _state(self) -> persistence.Checkpoint:
        """Return this dataset's whole state as a checkpoint of what it has read so far."""
        covers = dict(self._reader.offsets) if self._reader is not None else {}
        if self._writer is not None:  # everything this process wrote is applied
            covers[f"{self._writer.id}/{persistence.ANSWERS}"] = self._writer.answers.size
            covers[f"{self._writer.id}/{persistence.CHANGES}"] = self._writer.changes.size
        notes = self._reviews().clocked()
        responses = self._responses.frame()
        if len(self._held):  # answers still waiting for their records travel with the state
            responses = pd.concat([responses, self._held], ignore_index=True)
        return persistence.Checkpoint(
            at=CLOCK.tick(),
            writer="" if self._writer is None else self._writer.id,
            schema=self._schema,
            schema_at=self._schema_at,
            records=self._records,
            responses=responses,
            deleted=set(self._deleted),
            removed=dict(self._removed),
            edit_clocks=dict(self._edit_clocks),
            notes=notes,
            unified=dict(self._stored_unified),
            covers=covers,
            held=len(self._held),
            waiting={
                w: [x.decode("utf-8") for x in lines]
                for w, lines in (self._reader.waiting if self._reader else {}).items()
            },
            held_edits=list(self._held_edits),
            torn={**self._torn_seen, **(self._reader.partial if self._reader else {})},
        )

    def responses_for(self, record_id: str) -> list[Response]:
        """Return every response to a record."""
        return [_response(row) for row in self._responses.for_record(record_id).values()]


def _tie(value: Any) -> str:
    """Return the key that breaks a tie of two changes of one thing made at one time.

    Their content alone decides, as for answers: every process decides a tie alike, whatever
    order it read them in.
    """
    return dumps(value, "a change's content", StorageError)


def _vectors(text: str | None) -> dict[str, list[float]]:
    return loads(text) if text else {}


def _positions_in(record_ids: pd.Series, ids: pa.Array) -> np.ndarray:
    """Return where each of ``record_ids`` is in ``ids`` (``len(ids)`` for none), one hash pass."""
    found = pc.index_in(strings(record_ids), value_set=ids)
    return np.asarray(found.fill_null(len(ids)).to_numpy(), dtype=np.int64)


def _fresh(n: int, kind: type[Any]) -> list[Any]:
    # distinct objects: users may mutate one row's value (a literal is ~25% faster than kind())
    return [{} for _ in range(n)] if kind is dict else [[] for _ in range(n)]


def _decoded(column: pa.ChunkedArray | pa.Array, n: int, kind: type[Any]) -> list[Any]:
    """Decode a column of JSON texts, with ``kind()`` for missing ones (fast when all are)."""
    if column.null_count == n:
        return _fresh(n, kind)
    return [loads(t) if t else kind() for t in column.to_pylist()]


def _response(row: Mapping[str, Any]) -> Response:
    spent = row.get("time_spent")
    return Response(
        user=str(row["user"]),
        values=loads(row["values"]),
        status=str(row["status"]),
        updated_at=float(row["updated_at"]),
        time_spent=None if spent is None or spent != spent else float(spent),
    )
