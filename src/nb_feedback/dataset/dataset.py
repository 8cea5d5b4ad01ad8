"""FeedbackDataset: the pandas-backed store of records and responses, and the one write path."""

from __future__ import annotations

import dataclasses
import time
import warnings
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence, Sized
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union, overload

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from nb_feedback.argilla import templates
from nb_feedback.base._arrowtext import dumps, loads, strings
from nb_feedback.base._gc import gc_paused
from nb_feedback.base._progress import progress
from nb_feedback.base.errors import RecordError, ResponseError, SchemaError, StorageError
from nb_feedback.dataset._recordview import RowBlocks
from nb_feedback.dataset.filters import MetadataFilter
from nb_feedback.dataset.schema_edits import metadata_columns
from nb_feedback.domain.chat import ChatField
from nb_feedback.domain.chat import decode as decode_chat
from nb_feedback.domain.distribution import (
    RECORD_STATUSES,
    TaskDistribution,
    check_distribution,
    record_status,
    record_statuses,
)
from nb_feedback.domain.metadata import MetadataProperty
from nb_feedback.domain.records import (
    DEFAULT_USER,
    STATUSES,
    FeedbackRecord,
    Response,
    Suggestion,
    check_status,
    check_time_spent,
    check_user,
    normalize_response,
    unwrap_values,
)
from nb_feedback.domain.review import ReviewNote, ReviewNotes, reviewed_answers
from nb_feedback.domain.schema import Question, Schema, TextField
from nb_feedback.domain.schema_binding import SettingsList, bind, plain
from nb_feedback.domain.validation import check_values, is_missing
from nb_feedback.domain.vectors import VectorSettings
from nb_feedback.store import _tables as T
from nb_feedback.store import persistence
from nb_feedback.store._answers import AnswersAdded, against_held, check_answer_frame
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
    WithdrawReview,
)
from nb_feedback.store._hlc import CLOCK
from nb_feedback.store._ingest import check_edits, check_frame, lone_surrogate_error, to_frame
from nb_feedback.store._patches import group_by_record, landed, patch_of
from nb_feedback.store.view import Tables
from nb_feedback.team.annotator_queue import queue_positions, user_order
from nb_feedback.team.team_progress import team_progress

if TYPE_CHECKING:
    from datasets import Dataset, DatasetDict

    from nb_feedback.exports.report import DatasetReport
    from nb_feedback.widget.feedback_widget import FeedbackWidget

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


_FEW_ANSWERS = 256
"""Up to this many answers read from a folder are applied one by one (``_put_if_later``)."""

_ONE_SUBMITTED = TaskDistribution()
"""The default distribution (frozen, so one object serves every read)."""


class FeedbackDataset:
    """Records to annotate, the questions to ask, and every answer given.

    Parameters
    ----------
    fields : list of TextField or ChatField
        What each record shows (at least one required).
    questions : list of questions
        What annotators answer (at least one required).
    guidelines : str, optional
        Markdown shown above the records in the widget.
    metadata_properties : list, optional
        Declared metadata, checked on add and usable in ``filter_by``.
    distribution : TaskDistribution, optional
        How many submitted responses complete a record (default ``min_submitted=1``).

    Examples
    --------
    >>> import nb_feedback as rg
    >>> ds = rg.FeedbackDataset(fields=[rg.TextField(name="prompt")],
    ...                         questions=[rg.TextQuestion(name="demonstration")])
    >>> ds.add_records([{"prompt": "Say hi."}])
    >>> r = ds.add_response(ds[0].id, {"demonstration": "Hi!"}, user="labeler-1")
    >>> len(ds.filter_by(response_status="submitted"))
    1
    """

    _replaced_submitted = 0
    """Submitted answers ``add_responses(replace_submitted=True)`` replaced in this session."""

    def __getattr__(self, name: str) -> Any:
        # only for names normal lookup did not find: Argilla v1's server methods say what to use
        from nb_feedback.argilla._v1_names import DATASET, missing

        raise missing("FeedbackDataset", name, DATASET)

    def __init__(
        self,
        *,
        fields: Sequence[TextField | ChatField],
        questions: Sequence[Question],
        guidelines: str | None = None,
        metadata_properties: Sequence[MetadataProperty] | None = None,
        distribution: TaskDistribution | None = None,
        allow_extra_metadata: bool = True,
        vectors_settings: Sequence[VectorSettings] | None = None,
    ) -> None:
        schema = Schema(
            fields,  # type: ignore[arg-type]
            questions,  # type: ignore[arg-type]
            tuple(metadata_properties or ()),
            guidelines,
            None if distribution is None else check_distribution(distribution),
            allow_extra_metadata,
            tuple(vectors_settings or ()),
        )
        self._init(schema, None, None)

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
        self._unified: dict[str, dict[str, list[Any]]] = {}  # compute_unified_responses
        self._read_only: str | None = None
        self._reader: persistence.FolderReader | None = None  # other writers' news, see refresh()
        self._legacy = False  # a format 1/2 folder: its first write turns it into format 3
        # answers read from the folder to records not seen yet (a sync service delivers a
        # record part late): kept, and applied once the record arrives
        self._held = T.empty_responses()
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
    def fields(self) -> list[TextField | ChatField]:
        """The dataset's fields (setting an attribute, as in Argilla v1, changes the dataset).

        The list itself cannot be changed (``fields.append``, ``pop``... raise): records are
        stored by field name, so a dataset's fields are set when it is made.
        """
        items = [bind(f, self._edit_schema_item) for f in self._schema.fields]
        return SettingsList(items, "fields")

    @property
    def questions(self) -> list[Question]:
        """The dataset's questions (setting an attribute, as in v1, changes the dataset).

        The list itself cannot be changed (``questions.append``, ``pop``... raise).
        """
        items = [bind(q, self._edit_schema_item) for q in self._schema.questions]
        return SettingsList(items, "questions")

    @property
    def guidelines(self) -> str | None:
        """The annotation guidelines (markdown)."""
        return self._schema.guidelines

    @property
    def metadata_properties(self) -> list[MetadataProperty]:
        """The declared metadata properties (setting an attribute changes the dataset, as in v1).

        Add and remove them with ``add_metadata_property`` and ``delete_metadata_properties``.
        """
        items = [bind(p, self._edit_metadata_property) for p in self._schema.metadata_properties]
        return SettingsList(items, "metadata_properties")

    def _edit_metadata_property(self, item: Any, attribute: str, value: Any) -> Any:
        new = dataclasses.replace(item, **{attribute: value})
        self.update_metadata_properties(new)
        return new

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

    def responses_for(self, record_id: str) -> list[Response]:
        """Return every response to a record."""
        return [_response(row) for row in self._responses.for_record(record_id).values()]

    def add_records(self, records: RecordsInput, *, show_progress: bool | None = None) -> None:
        """Add records: a record, a dict, a list of either, a DataFrame or a datasets.Dataset.

        The batch is checked as a whole first; one bad record adds none of it. With a folder,
        the batch is written there before this returns.
        """
        self._check_writable()
        rows = (
            len(records) if isinstance(records, Sized) and not isinstance(records, Mapping) else 0
        )
        # a bar over the steps, so that a large batch never looks frozen (argilla#3888)
        steps = progress(
            ["read", "check", "commit"],
            desc="add_records",
            rows=rows,
            enabled=show_progress,
            total=3,
        )
        try:
            next(steps)
            frame = to_frame(records, self._schema)
            if frame.empty:
                return
            next(steps)
            taken = pd.Index(self._records[T.ID])
            if self._deleted:  # a deleted id stays deleted: it cannot name a new record
                taken = taken.append(pd.Index(sorted(self._deleted), dtype=taken.dtype))
            new_records, new_responses = check_frame(frame, self._schema, taken)
        except UnicodeEncodeError:  # pandas' Arrow strings refuse a lone surrogate
            raise lone_surrogate_error(records, self._schema) from None
        next(steps)
        self._commit(AddRecords(new_records, new_responses))
        for _ in steps:  # close the bar
            pass

    def update_records(self, records: Any) -> None:
        """Change records' metadata, suggestions and/or vectors; all are checked first.

        ``records`` is a record or a list of them: ``FeedbackRecord``s read from this dataset
        (their metadata, suggestions and vectors are written back), or dicts with an ``id``
        and any of ``metadata``, ``suggestions`` and ``vectors`` (only what is given changes;
        a given ``metadata`` is the record's whole new metadata, keys left out are removed).
        An edit that breaks the schema raises naming the record and changes nothing.
        """
        items = [records] if isinstance(records, FeedbackRecord | Mapping) else list(records)
        ids: list[str] = []
        updates: dict[str, list[Any]] = {}
        given: list[set[str]] = []
        for i, item in enumerate(items):
            if isinstance(item, FeedbackRecord):
                record_id, changes = (
                    item.id,
                    {
                        "metadata": dict(item.metadata),
                        "suggestions": list(item.suggestions),
                        "vectors": dict(item.vectors),
                    },
                )
            elif isinstance(item, Mapping):
                record_id = item.get("id")
                changes = {k: v for k, v in item.items() if k != "id"}
                unknown = set(changes) - {"metadata", "suggestions", "vectors"}
                if unknown:
                    raise RecordError(
                        f"update_records: record {i}: unknown key {sorted(unknown)[0]!r}; "
                        "expected id, metadata, suggestions or vectors"
                    )
            else:
                raise RecordError(
                    f"update_records: record {i}: expected a FeedbackRecord or a dict, got {item!r:.80}"
                )
            if not isinstance(record_id, str):
                raise RecordError(f"update_records: record {i}: expected its id, got {record_id!r}")
            try:
                self.position_of(record_id)
            except ResponseError as exc:
                raise RecordError(f"update_records: {exc}") from None
            ids.append(record_id)
            given.append(set(changes))
            for key, value in changes.items():
                updates.setdefault("@" + key, [None] * len(items))[i] = value
        if not ids:
            return
        if len(set(ids)) != len(ids):
            raise RecordError("update_records: a record appears twice in one call")
        frame = pd.DataFrame({"@external_id": [None] * len(ids), **updates})
        try:
            columns = check_edits(frame, self._schema)
        except RecordError as exc:  # name the record by its id, not its place in this call
            message = str(exc).replace("no record of this batch was added", "no record was changed")
            raise RecordError(f"update_records: {message} (ids in order: {ids[:3]}...)") from None
        # a dict that gives only metadata leaves the other columns as they are
        keep = {T.METADATA: "metadata", T.SUGGESTIONS: "suggestions", T.VECTORS: "vectors"}
        for column, values in columns.items():
            key = keep.get(column, "metadata")  # @meta:<name> columns follow metadata
            for i, record_id in enumerate(ids):
                if key not in given[i]:
                    values[i] = self._stored(record_id, column)
        self._commit(EditRecords(ids, columns))

    def _stored(self, record_id: str, column: str) -> Any:
        edited = self._edits.get(record_id)
        if edited is not None and column in edited:
            return edited[column]
        value = self._records_table[column].iloc[self.position_of(record_id)]
        return None if is_missing(value) else value

    def delete_records(self, records: Any) -> None:
        """Delete records (``FeedbackRecord``s or ids) and every response to them."""
        items = [records] if isinstance(records, FeedbackRecord | str) else list(records)
        ids: list[Any] = [r.id if isinstance(r, FeedbackRecord) else r for r in items]
        for i, record_id in enumerate(ids):
            if not isinstance(record_id, str) or not self._holds(record_id):
                raise RecordError(
                    f"delete_records: record {i}: no record with id {record_id!r}; nothing was deleted"
                )
        if ids:
            self._commit(DeleteRecords(list(dict.fromkeys(ids))))

    # -------------------------------------------------------------- responses
    def add_response(
        self,
        record_id: str,
        values: Mapping[str, Any],
        *,
        user: str | None = None,
        status: str = "submitted",
        time_spent: float | None = None,
        shown: Mapping[str, Any] | None = None,
    ) -> Response:
        """Record ``user``'s answers to one record; a later answer replaces the earlier one.

        With a folder, the answer is on disk (flushed and synced) before this returns.
        Values may be plain (``{"q": "text"}``) or in Argilla v1's form (``{"q": {"value": ...}}``).
        ``user`` defaults to ``DEFAULT_USER`` ("annotator"). ``shown`` says what the labeler
        saw (``{question: {"suggestion", "agent", "order", "seed"}}``, as the widget sends it);
        the answer then keeps its provenance (see ``nb_feedback.domain.provenance``).
        """
        where = f"record {record_id!r}"
        if type(record_id) is not str or record_id not in self._ids_and_positions()[1]:
            self.position_of(record_id)  # raises naming what is wrong
        user = check_user(DEFAULT_USER if user is None else user, where)
        if status not in STATUSES or type(status) is not str:
            status = check_status(status, where)
        if type(values) is not dict and not isinstance(values, Mapping):  # dict: no ABC check
            raise ResponseError(f"{where}: values must be a dict of answers, got {values!r}")
        plain = unwrap_values(values)
        check_values(self._schema, plain, status, where, self._span_fields(record_id, plain))
        if self._schema.turn_questions:
            self._check_turns(record_id, plain, where)
        now = CLOCK.tick()  # later than every answer this process gave or read
        spent = None if time_spent is None else check_time_spent(time_spent, where)
        origin = None
        # the answer this one replaces: what it was shown, and when it was first given
        held = self._responses.row_of(record_id, user)
        at = T.COLUMN_AT
        earlier, first = (
            (None, None) if held is None else (held[at["provenance"]], held[at["inserted_at"]])
        )
        if shown is not None or isinstance(earlier, str):
            # what the widget (or a script) says the labeler saw, now or for the answer this
            # one replaces (a draft saved while editing a suggestion)
            from nb_feedback.domain.provenance import provenance

            before = loads(earlier) if isinstance(earlier, str) else None
            origin = provenance(self._schema, plain, shown, where, earlier=before)
        # a row of the response row type, in RESPONSE_COLUMNS order
        row = (
            record_id,
            user,
            status,
            dumps(plain, where),
            now,  # updated_at
            spent,
            now,  # inserted_at (put() keeps the first answer's)
            None if origin is None else dumps(origin, where),
        )
        self._commit(PutResponse(row, replaces=held))
        # put() keeps the first answer's inserted_at, as read above
        return Response.of_plain(user, plain, status, now, spent, now if first is None else first)

    def _check_turns(self, record_id: str, values: Mapping[str, Any], where: str) -> None:
        """Refuse a per-turn answer naming a turn that is not an assistant turn of the record."""
        from nb_feedback.domain.chat import turn_problem

        for name, field in self._schema.turn_questions.items():
            if name in values:
                cell = self._columns()[field][self.position_of(record_id)].as_py()
                problem = turn_problem(values[name], decode_chat(cell))
                if problem:
                    raise ResponseError(f"{where}, question {name!r}: {problem}")

    def add_responses(
        self,
        answers: Any,
        *,
        user: str | None = None,
        status: str = "submitted",
        show_progress: bool | None = None,
        replace_submitted: bool = False,
    ) -> AnswersAdded:
        """Record many answers at once; all are checked first, and one bad row adds none.

        ``answers`` is a DataFrame (or a list of dicts) with a ``record_id`` column and one
        column per answered question, plus optional ``user``, ``status`` and ``time_spent``
        columns that override the keyword defaults.

        An answer a user already submitted to a record is not replaced (a warning says how
        many were kept) unless ``replace_submitted=True``; ``report()`` counts the ones
        replaced. A row equal to the answer held changes nothing, so running the same cell
        again writes nothing. Returns the number of answers written, an ``int`` that also
        tells ``unchanged``, ``kept`` and ``replaced`` (``AnswersAdded``).

        Examples
        --------
        >>> import nb_feedback as rg, pandas as pd
        >>> ds = rg.FeedbackDataset(fields=[rg.TextField(name="prompt")],
        ...                         questions=[rg.TextQuestion(name="demonstration")])
        >>> ds.add_records([{"prompt": "a"}, {"prompt": "b"}])
        >>> ds.add_responses(pd.DataFrame({"record_id": [r.id for r in ds],
        ...                                "demonstration": ["A", "B"]}), user="bulk")
        2
        """
        self._check_writable()
        if isinstance(answers, pd.DataFrame):
            frame = answers
        else:  # object columns: a rating left out of some rows must stay an int, not become 3.0
            frame = pd.DataFrame(list(answers), dtype=object)
        rows = check_answer_frame(self, frame, user=user, status=status)
        rows, added = against_held(
            self._responses.frame(), rows, replace_submitted=replace_submitted
        )
        if rows.empty:
            return added
        self._commit(PutResponses(T.conform_responses(rows)), show_progress=show_progress)
        self._replaced_submitted += added.replaced
        return added

    def set_responses(self, record_id: str, responses: Sequence[Any]) -> None:
        """Make ``responses`` the record's responses (v1's ``record.responses = [...]``).

        Each is checked first (one per user); users who are not in the list lose theirs.
        """
        where = f"record {record_id!r}"
        self.position_of(record_id)
        checked = [normalize_response(r, f"{where}, response {j}") for j, r in enumerate(responses)]
        users = [r.user_id for r in checked]
        if len(set(users)) != len(users):
            raise ResponseError(f"{where}: a user has two responses in this list")
        for j, r in enumerate(checked):
            check_values(self._schema, r.plain_values(), r.status, f"{where}, response {j}")
        for r in checked:
            self.add_response(
                record_id,
                r.plain_values(),
                user=r.user_id,
                status=r.status,
                time_spent=r.time_spent,
            )
        for old in self.responses_for(record_id):
            if old.user_id not in users:
                self.remove_response(record_id, old.user_id)

    def response_of(self, record_id: str, user: str) -> Response | None:
        """Return ``user``'s response to the record ``record_id``, or None."""
        self.position_of(record_id)
        row = self._responses.get(record_id, user)
        return None if row is None else _response(row)

    def remove_response(self, record_id: str, user: str) -> None:
        """Withdraw ``user``'s response to ``record_id`` (durably, when the dataset has a folder)."""
        self.position_of(record_id)
        if self._responses.get(record_id, user) is not None:
            self._commit(RemoveResponse(record_id, user, CLOCK.tick()))

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
        if isinstance(change, EditRecords):  # stored key by key (see _patches)
            change = patch_of(change, self._stored)
            if not change.entries:
                return
        at = (
            change.row[T.COLUMN_AT["updated_at"]]
            if isinstance(change, PutResponse)
            else CLOCK.tick()
        )
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
        assert isinstance(change, ChangeSchema)
        if at < self._schema_at:
            return []  # a schema change older than the one held: the later one wins
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
        return [str(i) for i in records[T.ID].tolist()]

    def _apply_patch(self, patch: PatchRecords, clock: tuple[float, str]) -> list[str]:
        touched = []
        for record_id, entries in group_by_record(patch.entries).items():
            if not self._holds(record_id):
                continue  # deleted, or not read yet: its part brings the latest values
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

    def status_counts(self, user: str) -> dict[str, int]:
        """Return ``user``'s records per status: pending, draft, submitted, discarded, total."""
        counts = self._responses.status_counts(user)
        out = {s: int(counts.get(s, 0)) for s in STATUSES}
        out["pending"] = len(self) - sum(out.values())
        out["total"] = len(self)
        return out

    def user_statuses(self, user: str) -> pd.Series:
        """Return ``user``'s status per record position ("pending" where unanswered)."""
        frame = self._responses.frame()
        mine = frame.loc[frame["user"] == user, ["record_id", "status"]]
        by_id = pd.Series(mine["status"].to_numpy(), index=mine["record_id"].to_numpy())
        # object first: with no answer by ``user`` the mapped column is all-NaN float64
        out = self._records[T.ID].map(by_id).astype(object)
        return out.where(out.notna(), "pending")

    # ------------------------------------------------------------------- team
    def queue(self, user: str) -> list[str]:
        """Return the ids of the records ``user`` should do next, in the order the widget shows.

        Pending records (see ``TaskDistribution``) that ``user`` has not submitted or
        discarded, in an order seeded by the user's name: the same in every process, and
        different for every annotator, so people working at once rarely collide. A saved
        dataset first takes in what other processes wrote to its folder (``refresh()``).
        """
        self.refresh()
        positions = self.queue_positions(user)
        ids: list[str] = (
            self._columns()[T.ID].take(pa.array(positions, type=pa.int64())).to_pylist()
        )
        return ids

    def queue_positions(self, user: str) -> np.ndarray:
        """Return the record positions of ``queue(user)``."""
        check_user(user, "queue")
        ids = self._columns()[T.ID]
        cached = self._orders.get(user)
        if cached is None or len(cached) != len(ids):  # records were added: a new order
            cached = self._orders[user] = user_order(ids, user)
        need = self.distribution.min_submitted
        return queue_positions(ids, self._responses.frame(), user, need, cached)

    def progress(self, with_users_distribution: bool = False) -> dict[str, Any]:
        """Return the team's progress in Argilla 2's shape; see ``nb_feedback.team.team_progress``.

        Examples
        --------
        >>> import nb_feedback as rg
        >>> ds = rg.FeedbackDataset(fields=[rg.TextField(name="prompt")],
        ...                         questions=[rg.TextQuestion(name="demonstration")])
        >>> ds.add_records([{"prompt": "a"}, {"prompt": "b"}])
        >>> _ = ds.add_response(ds[0].id, {"demonstration": "A"}, user="ana")
        >>> ds.progress()
        {'total': 2, 'completed': 1, 'pending': 1}
        """
        self.refresh()  # a saved dataset counts what the others wrote to its folder too
        return team_progress(
            self._columns()[T.ID],
            self._responses.frame(),
            self.distribution.min_submitted,
            with_users_distribution=with_users_distribution,
        )

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

    def _writer_id(self) -> str | None:
        return None if self._writer is None else self._writer.id

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
            covers=covers,
            held=len(self._held),
            torn={**self._torn_seen, **(self._reader.partial if self._reader else {})},
        )

    def add_review(
        self,
        record_id: str,
        values: Mapping[str, Any],
        *,
        reviewer: str,
        source: str | None = None,
        status: str = "submitted",
        time_spent: float | None = None,
    ) -> Response:
        """Store a reviewer's answer as ``reviewer``'s response, noting the answer it came from.

        ``source`` names the annotator whose answer the reviewer picked (and maybe edited),
        or None for an answer written anew. ``reviews()`` lists the notes; ``to_sft`` and the
        training tasks prefer reviewed answers with ``multiple="reviewed"``.
        """
        where = f"record {record_id!r}"
        picked = None
        if source is not None:
            picked = self.response_of(record_id, source)
            if picked is None or source == reviewer:
                raise ResponseError(
                    f"{where}: source {source!r} has no answer to this record to review "
                    "(expected another annotator's name, or None for a new answer)"
                )
        response = self.add_response(
            record_id, values, user=reviewer, status=status, time_spent=time_spent
        )
        edited = picked is None or picked.values != response.values
        note = ReviewNote(record_id, reviewer, source, edited, time.time())  # shown as when
        self._commit(NoteReview(note))
        return response

    def review_note(self, record_id: str, reviewer: str) -> ReviewNote | None:
        """Return ``reviewer``'s note on ``record_id`` (which answer their review came from)."""
        return self._reviews().get(record_id, reviewer)

    def restore_review_note(self, record_id: str, reviewer: str, note: ReviewNote | None) -> None:
        """Put back a reviewer's earlier note on a record, or withdraw it (None): an undo."""
        if note is not None:
            self._commit(NoteReview(note))
        elif self._reviews().get(record_id, reviewer) is not None:
            self._commit(WithdrawReview(record_id, reviewer))

    @property
    def last_change_saved(self) -> bool:
        """Whether the last change committed here is on disk (written and fsync'd)."""
        return self._last_saved

    def reviews(self) -> pd.DataFrame:
        """Return one row per reviewed record and reviewer: record_id, reviewer, source, edited, at."""
        return self._reviews().frame()

    def reviewed(self) -> FeedbackDataset:
        """Return a read-only dataset in which each reviewed record keeps only its review.

        Records a reviewer answered (``add_review``, the review view) keep only the reviewers'
        answers; the others keep every answer. Every export then prefers reviewed answers:
        ``ds.reviewed().prepare_for_training(...)``, ``ds.reviewed().to_preference(...)``.
        """
        responses = self._responses.frame()
        keep = reviewed_answers(responses, self.reviews())
        everything = np.ones(len(self._records), dtype=bool)
        return self._subset(everything, responses if keep.all() else responses[keep], None)

    def _reviews(self) -> ReviewNotes:
        if self._review_notes is None:
            self._review_notes = ReviewNotes()
        return self._review_notes

    # ---------------------------------------------------------------- queries
    def filter_by(
        self,
        *,
        response_status: str | Sequence[str] | None = None,
        metadata_filters: MetadataFilter | Sequence[MetadataFilter] | None = None,
        user: str | None = None,
        record_status: str | Sequence[str] | None = None,
    ) -> FeedbackDataset:
        """Return a read-only dataset of the matching records (it really filters).

        ``response_status`` is a status or a list of them, "pending" meaning no response;
        a record matches when at least one response (by ``user``, if given) has that status.
        ``record_status`` ("pending" or "completed", or a list) keeps records by their status
        under the dataset's ``TaskDistribution``.
        The result is a snapshot: later changes to this dataset do not show in it. It copies
        no record text until its records are read one by one (``to_sft`` reads none).
        """
        n = len(self._records)
        keep = np.ones(n, dtype=bool)
        responses = self._responses.frame()
        record_of = None
        if response_status is not None:
            wanted = (
                [response_status] if isinstance(response_status, str) else list(response_status)
            )
            bad = [s for s in wanted if str(s) not in (*STATUSES, "pending")]
            if bad or not wanted:
                raise ResponseError(
                    f"filter_by: response_status must be among "
                    f"{[*STATUSES, 'pending']}, got {response_status!r}"
                )
            wanted = [str(s) for s in wanted]
            record_of = self._record_positions(responses)
            by_user = np.ones(len(responses), dtype=bool)
            if user is not None:
                by_user = (responses["user"] == user).to_numpy(dtype=bool)
            hit = by_user & T.isin(responses["status"], wanted).to_numpy()
            status_mask = np.zeros(n + 1, dtype=bool)  # the extra slot: no record
            status_mask[record_of[hit]] = True
            if "pending" in wanted:
                answered = np.zeros(n + 1, dtype=bool)
                answered[record_of[by_user]] = True
                status_mask |= ~answered
            keep &= status_mask[:n]
        if record_status is not None:
            wanted = [record_status] if isinstance(record_status, str) else list(record_status)
            if not wanted or any(str(s) not in RECORD_STATUSES for s in wanted):
                raise ResponseError(
                    f"filter_by: record_status must be among {list(RECORD_STATUSES)}, "
                    f"got {record_status!r}"
                )
            statuses = self._record_statuses(responses)
            keep &= np.isin(statuses, [str(s) for s in wanted])
        if metadata_filters is not None:
            filters = (
                metadata_filters if isinstance(metadata_filters, Sequence) else [metadata_filters]
            )
            for f in filters:
                keep &= f.mask(self._records, self._schema).fillna(False).to_numpy(dtype=bool)
        return self._subset(keep, responses, record_of)

    def record_statuses(self) -> np.ndarray:
        """Return each record's status, "pending" or "completed", by position (one pass)."""
        return self._record_statuses()

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
    ) -> FeedbackDataset:
        out = FeedbackDataset.__new__(FeedbackDataset)
        if record_of is None:
            record_of = self._record_positions(responses)
        kept = np.append(keep, False)[record_of]
        # copy-on-write frames: a filter that keeps everything shares them, and no copy is made
        everything = bool(kept.all())
        out._init(self._schema, self._records, responses if everything else responses[kept])
        out._response_rows_at = record_of if everything else record_of[kept]
        if not keep.all():
            # the records are copied only when first read (to_sft needs no copy)
            out._view = (self._records, np.flatnonzero(keep))
        out._read_only = (
            "this dataset is a filter_by() result; add answers to the dataset it came from"
        )
        return out

    def to_pandas(self) -> pd.DataFrame:
        """Return one row per record: id, fields, metadata, suggestions, responses, external_id, status.

        ``responses`` holds a list of ``{user, values, status, updated_at, time_spent}`` dicts;
        ``status`` is the record's status, "pending" or "completed" (see ``TaskDistribution``).
        """
        with gc_paused():
            return self._to_pandas()

    def _to_pandas(self) -> pd.DataFrame:
        frame = self._responses.frame()
        grouped: dict[str, list[dict[str, Any]]] = {}
        if len(frame):
            cols = {c: frame[c].tolist() for c in T.RESPONSE_COLUMNS}
            for k, record_id in enumerate(cols["record_id"]):
                spent = cols["time_spent"][k]
                grouped.setdefault(record_id, []).append(
                    {
                        "user": cols["user"][k],
                        "values": loads(cols["values"][k]),
                        "status": cols["status"][k],
                        "updated_at": cols["updated_at"][k],
                        "time_spent": None if spent != spent else spent,  # NaN -> None
                    }
                )
        if self._edits:  # record edits not folded yet: the cached columns lack them
            self._fold_edits()
        arrow = self._columns()
        n = len(self._records)
        # .array: Arrow-backed text stays as it is (to_numpy would make a Python str per cell)
        out = pd.DataFrame({"id": self._records[T.ID].array})
        for name in self._schema.field_names:
            out[name] = self._records[name].array
        for name in self._schema.chat_field_names:  # conversations as lists, not JSON text
            out[name] = pd.Series(map(decode_chat, out[name]), dtype=object)
        out["metadata"] = _decoded(arrow[T.METADATA], n, dict)
        out["suggestions"] = _decoded(arrow[T.SUGGESTIONS], n, list)
        out["responses"] = [grouped.get(i, []) for i in out["id"]] if grouped else _fresh(n, list)
        external = arrow[T.EXTERNAL_ID]
        out["external_id"] = (
            np.full(n, None, dtype=object)
            if external.null_count == n
            else pd.Series(external.to_pylist(), dtype=object)
        )
        out["status"] = self._record_statuses(frame)
        return out

    def responses_frame(self) -> pd.DataFrame:
        """Return one row per (record, user): record_id, user, status, values (dict), times.

        ``provenance`` is what the labeler was shown and how the answer relates to it (a dict,
        see ``nb_feedback.domain.provenance``), or None.
        """
        frame = self._responses.frame().copy()
        frame["values"] = [loads(v) for v in frame["values"]]
        frame["provenance"] = [
            None if not isinstance(v, str) else loads(v) for v in frame["provenance"]
        ]
        return frame

    def tables(self) -> Tables:
        """Return a read-only look at the record and response tables (for exporters, reports).

        The tables are the dataset's own, not copies: read them, never change them.
        """
        return Tables(self)

    # ----------------------------------------------------------------- export
    def format_as(self, format: str) -> Any:
        """Return the dataset in Argilla v1's ``format_as("datasets")`` column layout."""
        from nb_feedback.argilla.argilla_format import format_as

        return format_as(self, format)

    def to_sft(
        self,
        prompt: str | None = None,
        completion: str | None = None,
        format: str = "prompt_completion",
        test_size: float | int = 0.2,
        seed: int = 0,
        *,
        multiple: str = "latest",
        min_length: int = 1,
        dedupe: bool = True,
        stratify_by: str | None = None,
        include: Sequence[str] = (),
        prompt_template: str | None = None,
        template: str | None = None,
        system_prompt: str | None = None,
        show_progress: bool | None = None,
    ) -> DatasetDict:
        """Build SFT train/test splits from submitted answers; see ``nb_feedback.exports.sft.to_sft``."""
        from nb_feedback.exports import sft

        return sft.to_sft(
            self,
            prompt,
            completion,
            format,
            test_size,
            seed,
            multiple=multiple,
            min_length=min_length,
            dedupe=dedupe,
            stratify_by=stratify_by,
            include=include,
            prompt_template=sft.PROMPT_TEMPLATE if prompt_template is None else prompt_template,
            template=sft.TEXT_TEMPLATE if template is None else template,
            system_prompt=system_prompt,
            show_progress=show_progress,
        )

    def suggest(self, fn: Callable[[list[Any]], Sequence[Any]], **kwargs: Any) -> Any:
        """Fill suggestions for a question from any callable, batch by batch; see ``nb_feedback.exports.suggest``."""
        from nb_feedback.exports.suggest import suggest

        return suggest(self, fn, write=self.update_records, **kwargs)

    def to_preference(
        self,
        prompt: str | None = None,
        ranking: str | None = None,
        format: str = "standard",
        pairs: str = "best_vs_rest",
        test_size: float | int = 0.2,
        seed: int = 0,
        *,
        edits: str | None = None,
        include: Sequence[str] = (),
    ) -> DatasetDict:
        """Build preference pairs for TRL from rankings; see ``nb_feedback.exports.preference``."""
        from nb_feedback.exports.preference import to_preference

        return to_preference(
            self, prompt, ranking, format, pairs, test_size, seed, edits=edits, include=include
        )

    def to_kto(
        self,
        prompt: str | None = None,
        completion: str | None = None,
        question: str | None = None,
        *,
        threshold: int | None = None,
        desirable: Collection[str] | None = None,
        format: str = "standard",
        test_size: float | int = 0.2,
        seed: int = 0,
        include: Sequence[str] = (),
    ) -> DatasetDict:
        """Build TRL's unpaired KTO splits from ratings or labels; see ``nb_feedback.exports.preference``."""
        from nb_feedback.exports.preference import to_kto

        return to_kto(
            self,
            prompt,
            completion,
            question,
            threshold=threshold,
            desirable=desirable,
            format=format,
            test_size=test_size,
            seed=seed,
            include=include,
        )

    def report(self, **to_sft_options: Any) -> DatasetReport:
        """Return a report to look at before training; see ``nb_feedback.exports.report.report``.

        It shows answers per status and annotator, lengths, duplicate prompts, time spent,
        and what ``to_sft`` would keep and drop, and why.
        """
        from nb_feedback.exports.report import report

        return report(self, **to_sft_options)

    def to_argilla(
        self, client: Any, *, name: str, workspace: str | None = None, **kwargs: Any
    ) -> Any:
        """Push this dataset to an Argilla 2 server; see ``nb_feedback.argilla.to_argilla``."""
        from nb_feedback.argilla.to_argilla import to_argilla

        return to_argilla(self, client, name=name, workspace=workspace, **kwargs)

    @classmethod
    def from_argilla(cls, client: Any, name: str, workspace: str | None = None) -> FeedbackDataset:
        """Read dataset ``name`` back from an Argilla 2 server.

        Parameters
        ----------
        client : argilla.Argilla
            A connected client (``rg.Argilla(api_url=..., api_key=...)``).
        name : str
            The dataset's name on the server.
        workspace : str, optional
            Its workspace (the client's default workspace if None).

        Returns
        -------
        FeedbackDataset
            A new in-memory dataset: fields, questions, metadata, vectors, guidelines and the
            task distribution from the server's settings; records by their Argilla ids, with
            suggestions and every annotator's answer (ranks and bare discards kept), each
            under the user's name. See ``nb_feedback.argilla.from_argilla``.
        """
        from nb_feedback.argilla.from_argilla import from_argilla

        return from_argilla(cls, client, name, workspace)

    def to_hub(
        self,
        repo_id: str | None = None,
        *,
        local_dir: str | Path | None = None,
        layout: str = "argilla",
        with_records: bool = True,
        token: str | None = None,
        private: bool = False,
    ) -> Path | str:
        """Write this dataset in an Argilla Hub layout: a local folder, or a Hub dataset repo.

        Parameters
        ----------
        repo_id : str, optional
            The Hub dataset repo (``"user/name"``) to upload to; ignored for the upload when
            ``local_dir`` is given (it then only names the dataset in the card).
        local_dir : str or Path, optional
            Write the files into this new or empty folder and upload nothing.
        layout : {"argilla", "argilla-server", "argilla-v1"}
            Argilla 2's SDK layout (what ``rg.Dataset.to_hub`` writes), the Argilla 2 server's
            Hub export, or Argilla v1's ``push_to_huggingface`` layout.
        with_records : bool
            False writes the settings and card only.
        token : str, optional
            A Hugging Face token (else the one ``hf auth login`` saved).
        private : bool
            Create the repo private.

        Returns
        -------
        Path or str
            The folder written, or the repo id uploaded to.

        Annotators become Argilla 2 user ids (a UUID made from each name, the same every
        time); the names are kept in ``.argilla/nb_feedback.json``. See ``nb_feedback.argilla.hub``.
        """
        from nb_feedback.argilla.hub import to_hub

        return to_hub(
            self,
            repo_id,
            local_dir=local_dir,
            layout=layout,
            with_records=with_records,
            token=token,
            private=private,
        )

    @classmethod
    def from_hub(
        cls,
        repo_id: str | None = None,
        *,
        local_dir: str | Path | None = None,
        split: str = "train",
        questions: Sequence[Question] | None = None,
        token: str | None = None,
    ) -> FeedbackDataset:
        """Read a dataset from a Hub dataset repo or a local folder, in any Argilla layout.

        Parameters
        ----------
        repo_id : str, optional
            The Hub dataset repo to download (through ``huggingface_hub``).
        local_dir : str or Path, optional
            Read this folder instead; the Hub is not contacted.
        split : str
            The split to read (``data/<split>-*.parquet``).
        questions : list, optional
            For a plain ``datasets`` folder only (no Argilla settings): the questions to ask;
            a column named like a question gives its suggestions. Other columns become text
            fields (strings) and metadata (numbers).
        token : str, optional
            A Hugging Face token for private repos.

        Returns
        -------
        FeedbackDataset
            A new in-memory dataset (``save`` it to give it a folder).

        The layout is found from the files: ``.argilla/settings.json`` (Argilla 2's SDK layout
        or its server's export), ``argilla.yaml`` (Argilla v1), else a plain folder. A column
        that cannot be placed is named in an error, or kept as extra metadata with a warning.
        """
        from nb_feedback.argilla.hub import from_hub

        return from_hub(
            cls, repo_id, local_dir=local_dir, split=split, questions=questions, token=token
        )

    def prepare_for_training(
        self,
        framework: Any = "trl",
        task: Any = None,
        train_size: float | None = 1,
        test_size: float | None = None,
        seed: int | None = None,
        lang: str | None = None,
    ) -> Dataset | DatasetDict | Any:
        """Argilla v1's ``prepare_for_training``: the task's training data, for ``framework``.

        One ``datasets.Dataset`` when ``train_size`` is 1 (v1's default), else train and test
        splits; see ``nb_feedback.argilla.training.prepare_for_training``.
        """
        from nb_feedback.argilla.training import prepare_for_training

        return prepare_for_training(self, framework, task, train_size, test_size, seed, lang)

    # -------------------------------------- Argilla v1's task templates (templates)
    for_text_classification = classmethod(templates.text_classification)
    for_question_answering = classmethod(templates.question_answering)
    for_summarization = classmethod(templates.summarization)
    for_translation = classmethod(templates.translation)
    for_sentence_similarity = classmethod(templates.sentence_similarity)
    for_natural_language_inference = classmethod(templates.natural_language_inference)
    for_supervised_fine_tuning = classmethod(templates.supervised_fine_tuning)
    for_preference_modeling = classmethod(templates.preference_modeling)
    for_proximal_policy_optimization = classmethod(templates.proximal_policy_optimization)
    for_direct_preference_optimization = classmethod(templates.direct_preference_optimization)
    for_retrieval_augmented_generation = classmethod(templates.retrieval_augmented_generation)
    for_multi_modal_classification = classmethod(templates.multi_modal_classification)
    for_multi_modal_transcription = classmethod(templates.multi_modal_transcription)

    # ----------------------------------------------------- Argilla v1's schema API
    # ------------------------------------ Argilla v1's schema edits (schema_edits)
    def _metadata_now(self) -> tuple[list[dict[str, Any]], list[str]]:
        records = list(self)  # record views: edits made since the records were added show
        return [dict(r.metadata or {}) for r in records], [str(r.id) for r in records]

    def add_metadata_property(self, metadata_property: MetadataProperty) -> MetadataProperty:
        """Declare a metadata property; every record's value is checked against it first."""
        from nb_feedback.dataset.schema_edits import add_metadata_property

        schema, column = add_metadata_property(
            self._schema, metadata_property, *self._metadata_now()
        )
        self._commit(ChangeSchema(schema, {T.meta_column(metadata_property.name): column}))
        return metadata_property

    def update_metadata_properties(
        self, metadata_properties: MetadataProperty | Sequence[MetadataProperty]
    ) -> None:
        """Replace properties by name (same kind; new title, values or bounds), checked first."""
        from nb_feedback.dataset.schema_edits import update_metadata_properties

        given = (
            [metadata_properties]
            if not isinstance(metadata_properties, Sequence)
            else list(metadata_properties)
        )
        schema, columns = update_metadata_properties(
            self._schema, [plain(p) for p in given], *self._metadata_now()
        )
        self._commit(ChangeSchema(schema, {T.meta_column(n): c for n, c in columns.items()}))

    def delete_metadata_properties(self, metadata_properties: str | Sequence[str]) -> Any:
        """Remove properties by name (records keep their values); return what was removed."""
        from nb_feedback.dataset.schema_edits import delete_metadata_properties

        schema, deleted = delete_metadata_properties(self._schema, metadata_properties)
        drop = [T.meta_column(p.name) for p in deleted]
        self._commit(ChangeSchema(schema, {}, drop))
        return deleted[0] if len(deleted) == 1 else deleted

    def add_vector_settings(self, vector_settings: VectorSettings) -> VectorSettings:
        """Declare a vector records may carry from now on."""
        from nb_feedback.dataset.schema_edits import add_vector_settings

        self._commit(ChangeSchema(add_vector_settings(self._schema, vector_settings), {}))
        return vector_settings

    def delete_vectors_settings(self, vectors_settings: str | Sequence[str]) -> Any:
        """Remove vector settings by name (records keep their vectors); return what went."""
        from nb_feedback.dataset.schema_edits import delete_vectors_settings

        schema, deleted = delete_vectors_settings(self._schema, vectors_settings)
        self._commit(ChangeSchema(schema, {}))
        return deleted[0] if len(deleted) == 1 else deleted

    @property
    def vectors_settings(self) -> list[VectorSettings]:
        """The declared vectors (setting an attribute changes the dataset, as in v1)."""
        items = [bind(v, self._edit_vector_settings) for v in self._schema.vectors_settings]
        return SettingsList(items, "vectors_settings")

    def _edit_vector_settings(self, item: Any, attribute: str, value: Any) -> Any:
        new = dataclasses.replace(item, **{attribute: value})
        self.update_vectors_settings(new)
        return new

    def update_vectors_settings(
        self, vectors_settings: VectorSettings | Sequence[VectorSettings]
    ) -> None:
        """Replace vector settings by name (a new title; new dimensions while no record has one)."""
        given = (
            [vectors_settings]
            if isinstance(vectors_settings, VectorSettings)
            else list(vectors_settings)
        )
        by_name = {v.name: v for v in self._schema.vectors_settings}
        new: dict[str, VectorSettings] = {}
        for v in given:
            if not isinstance(v, VectorSettings):
                raise SchemaError(f"update_vectors_settings: expected VectorSettings, got {v!r}")
            v = plain(v)
            old = by_name.get(v.name)
            if old is None:
                raise SchemaError(
                    f"update_vectors_settings: no vector settings {v.name!r}; expected one of "
                    f"{sorted(by_name)}"
                )
            if v.dimensions != old.dimensions and any(v.name in r.vectors for r in self):
                raise SchemaError(
                    f"update_vectors_settings: {v.name!r} cannot change from {old.dimensions} "
                    f"to {v.dimensions} dimensions: records already hold such vectors"
                )
            new[v.name] = v
        kept = tuple(new.get(v.name, v) for v in self._schema.vectors_settings)
        self._check_writable()
        self._commit(ChangeSchema(dataclasses.replace(self._schema, vectors_settings=kept), {}))

    def vector_settings_by_name(self, name: str) -> VectorSettings | None:
        """Return the vector settings called ``name``, or None (Argilla v1)."""
        return next((v for v in self._schema.vectors_settings if v.name == name), None)

    @property
    def allow_extra_metadata(self) -> bool:
        """Whether records may carry metadata keys no property declares (Argilla v1)."""
        return self._schema.allow_extra_metadata

    def field_by_name(self, name: str) -> TextField | ChatField | None:
        """Return the field called ``name``, or None (Argilla v1)."""
        found = self._schema.field(name)
        return None if found is None else bind(found, self._edit_schema_item)

    def question_by_name(self, name: str) -> Question | None:
        """Return the question called ``name``, or None (Argilla v1)."""
        found = self._schema.question(name)
        return None if found is None else bind(found, self._edit_schema_item)

    def _edit_schema_item(self, item: Any, attribute: str, value: Any) -> Any:
        """Commit one attribute of a field or question (``schema_binding``); return the new one."""
        from nb_feedback.dataset.schema_edits import edit_item

        self._check_writable()
        stored: list[tuple[str, str, Any]] = []
        if isinstance(item, TextField | ChatField):
            stored = [(str(r.id), "text", r.fields.get(item.name)) for r in self]
        else:
            frame = self._responses.frame()
            for record_id, values in zip(frame["record_id"], frame["values"], strict=True):
                answers = loads(values) if isinstance(values, str) else values
                if item.name in answers:
                    stored.append((str(record_id), "answer", answers[item.name]))
            for r in self:
                for s in r.suggestions:
                    if s.question_name == item.name:
                        stored.append((str(r.id), "suggestion", s.value))
        schema, new = edit_item(self._schema, item, attribute, value, stored)
        self._commit(ChangeSchema(schema, {}))
        return new

    def metadata_property_by_name(self, name: str) -> MetadataProperty | None:
        """Return the metadata property called ``name``, or None (Argilla v1)."""
        return self._schema.metadata_property(name)

    @property
    def unified_responses(self) -> dict[str, dict[str, list[Any]]]:
        """Unified answers by question, then record id; see ``compute_unified_responses``."""
        return self._unified

    @property
    def replaced_submitted(self) -> int:
        """How many submitted answers ``add_responses(replace_submitted=True)`` replaced here."""
        return self._replaced_submitted

    def _unified_of(self, record_id: str) -> dict[str, list[Any]]:
        return {q: ids[record_id] for q, ids in self._unified.items() if record_id in ids}

    def compute_unified_responses(self, question: Any, strategy: Any = None) -> FeedbackDataset:
        """Unify a question's submitted answers; see ``nb_feedback.team.unification``."""
        from nb_feedback.team.unification import compute_unified_responses

        compute_unified_responses(self, question, strategy)
        return self

    def compute_agreement_metrics(self, *args: Any, **kwargs: Any) -> Any:
        """Krippendorff's alpha of one question; see ``nb_feedback.team.metrics``."""
        from nb_feedback.team.metrics import compute_agreement_metrics

        return compute_agreement_metrics(self, *args, **kwargs)

    def compute_model_metrics(self, *args: Any, **kwargs: Any) -> Any:
        """Answers against suggestions; see ``nb_feedback.team.metrics``."""
        from nb_feedback.team.metrics import compute_model_metrics

        return compute_model_metrics(self, *args, **kwargs)

    def sort_by(self, sort: Any = None, order: str = "asc") -> FeedbackDataset:
        """Return a read-only dataset of the same records, sorted; see ``nb_feedback.dataset.sorting``."""
        from nb_feedback.dataset.sorting import sort_positions

        positions = sort_positions(self, sort, order)
        out = FeedbackDataset.__new__(FeedbackDataset)
        out._init(self._schema, self._records, self._responses.frame())
        out._view = (self._records, positions)
        out._read_only = (
            "this dataset is a sort_by() result; add answers to the dataset it came from"
        )
        return out

    def find_similar_records(self, *args: Any, **kwargs: Any) -> Any:
        """Return the records nearest a vector; see ``nb_feedback.domain.vectors``."""
        from nb_feedback.dataset.similar_records import find_similar_records

        return find_similar_records(self, *args, **kwargs)

    # ------------------------------------------------------------ persistence
    def save(
        self,
        path: str | Path | None = None,
        *,
        overwrite: bool = False,
        show_progress: bool | None = None,
    ) -> Path:
        """Write the dataset to ``path``; every later change is then written there as it happens.

        With no path (or its own folder), a saved dataset writes a checkpoint: what it has read
        of the folder (everything other processes wrote, read first) in one snapshot, so that
        opening the folder reads little. It removes nothing anyone else wrote, and every change
        was already on disk. ``overwrite=True`` replaces another dataset at ``path`` (refused
        while another process is writing it); its files are left, no longer read.
        """
        if path is None:
            if self._folder is None:
                raise StorageError("save: this dataset has no folder yet; pass a path")
            path = self._folder
        folder = Path(path).expanduser().resolve()
        self._check_writable()
        if self._folder is not None and folder == self._folder:
            assert self._writer is not None
            self.refresh()  # fold in everything written so far, then cover it
            if self._legacy:  # a format 1/2 folder: the checkpoint and the new manifest
                persistence.upgrade_legacy(folder, self._state(), self._writer)
                self._legacy = False
            else:
                self._writer.write_checkpoint(self._state(), show_progress=show_progress)
            return folder
        writer = persistence.FolderWriter(folder)
        state = self._state()
        state.writer, state.covers = writer.id, {}
        persistence.save_new_folder(
            folder, state, writer, overwrite=overwrite, show_progress=show_progress
        )
        self.close()
        self._folder, self._writer, self._legacy = folder, writer, False
        self._reader = persistence.FolderReader(folder, state.covers)
        return folder

    @staticmethod
    def check_folder(path: str | Path) -> Any:
        """Report what a dataset folder holds and any damage, reading only (``nb_feedback check``).

        Returns a ``folder_check.FolderReport``: ``.ok``, counts, and one line per damage found;
        ``print`` it. ``nb_feedback repair FOLDER`` salvages a damaged folder beside it.
        """
        from nb_feedback.dataset.folder_check import check_folder

        return check_folder(path)

    @classmethod
    def from_disk(cls, path: str | Path, *, show_progress: bool | None = None) -> FeedbackDataset:
        """Open a saved dataset; later changes are written back to the same folder.

        Damaged parts of the folder (a torn line, a bad line, a missing part) are skipped with
        a ``LoadWarning`` that names each file and counts what was skipped; a folder that
        cannot be read at all raises ``StorageError`` saying why.
        """
        folder = Path(path).expanduser().resolve()
        for attempt in range(8):  # a checkpoint can be replaced while we read it: read again
            try:
                return cls._open(folder, show_progress)
            except FileNotFoundError as exc:
                if attempt == 7 or not persistence.is_dataset_folder(folder):
                    raise StorageError(
                        f"{folder}: a file went missing while reading ({exc})"
                    ) from None
        raise AssertionError("unreachable")

    @classmethod
    def _open(cls, folder: Path, show_progress: bool | None) -> FeedbackDataset:
        if not folder.is_dir():
            raise StorageError(f"{folder}: no such folder")
        manifest = persistence.read_manifest(folder)
        out = cls.__new__(cls)
        if manifest["format_version"] < persistence.FORMAT_VERSION:
            from nb_feedback.store import _legacy

            loaded = _legacy.load_folder(folder, manifest, show_progress=show_progress)
            out._init(loaded.schema, loaded.records, loaded.snapshot)
            # the old changes log through the one apply step, its lines' order as their times
            # (all earlier than any change made from now on)
            for k, change in enumerate(loaded.changes, start=1):
                if isinstance(change, EditRecords):
                    known = [i for i in change.ids if out._holds(i)]
                    if len(known) < len(change.ids):  # edits of records deleted since
                        keep = [n for n, i in enumerate(change.ids) if out._holds(i)]
                        columns = {c: [v[n] for n in keep] for c, v in change.columns.items()}
                        change = EditRecords(known, columns)
                    change = patch_of(change, out._stored)
                out._apply(change, float(k), "")
            out._take_answers(loaded.answers)
            if len(out._held):
                loaded.skipped.append(f"{len(out._held)} answer(s) to unknown records")
                out._held = T.empty_responses()
            persistence.warn_skipped(folder, loaded.skipped, stacklevel=4)
            for note in _legacy.read_review_notes(folder):
                out._reviews().keep(note, note.at)
            out._legacy = True
            out._folder, out._writer = folder, persistence.FolderWriter(folder)
            out._reader = persistence.FolderReader(folder)
            out._take_news(out._reader.read_new())  # nothing, unless a format-3 writer began
            return out
        return cls._from_checkpoints(folder)

    @classmethod
    def _from_checkpoints(cls, folder: Path) -> FeedbackDataset:
        """Open a format-3 folder from its latest checkpoint and the lines it does not cover."""
        out = cls.__new__(cls)
        base, skipped = persistence.latest_checkpoint(folder)
        if base is None:
            raise StorageError(
                f"{folder}: no readable checkpoint ({'; '.join(skipped) or 'none found'}); "
                "the folder is damaged: `nb_feedback repair` salvages what it can"
            )
        _check_records(folder, base)
        # a checkpoint's responses are one per (record, user) already: they are the table as
        # is, but for answers that were waiting for their records (kept aside again)
        responses, held = base.responses, base.held
        out._init(
            base.schema, base.records, responses[: len(responses) - held] if held else responses
        )
        out._schema_at = base.schema_at
        out._deleted, out._removed = set(base.deleted), dict(base.removed)
        out._edit_clocks = dict(base.edit_clocks)
        out._torn_seen = dict(base.torn)
        for (record_id, reviewer), (at, note) in base.notes.items():
            if note is None:
                out._reviews().withdraw(record_id, reviewer, at)
            else:
                out._reviews().keep(note, at)
        if held:
            out._held = responses[len(responses) - held :].reset_index(drop=True)
        CLOCK.observe(base.at)
        out._folder, out._writer = folder, persistence.FolderWriter(folder)
        out._reader = persistence.FolderReader(folder, base.covers)
        news = out._reader.read_new()
        out._take_news(news)
        damage = skipped + news.skipped + persistence.torn_tails(out._reader, base.torn)
        damage += persistence.missing_covered(folder, base.covers)
        persistence.warn_skipped(folder, damage, stacklevel=4)
        if len(out._held):
            warnings.warn(
                f"{folder}: {len(out._held)} answer(s) name records this folder does not hold "
                "(yet: a synced folder may deliver them later); they are kept aside",
                persistence.LoadWarning,
                stacklevel=4,
            )
        return out

    def close(self) -> None:
        """Release this dataset's annotator locks (they are also released at process exit)."""
        if self._writer is not None:
            self._writer.close()

    def _check_writable(self) -> None:
        if self._read_only:
            raise StorageError(self._read_only)

    # ----------------------------------------------------------------- views
    def annotate(self, user: str = "annotator", **kwargs: Any) -> FeedbackWidget:
        """Return the annotation widget for ``user`` (display it, or leave it last in a cell).

        ``review=True`` opens a reviewer's view (every other annotator's answer side by side,
        see ``add_review``); ``queue=True``/``False`` walks ``queue(user)`` or the dataset's
        order (the default: the queue for a dataset given a ``TaskDistribution``, and for a
        reviewer).
        """
        from nb_feedback.widget.feedback_widget import FeedbackWidget

        return FeedbackWidget(self, user=user, **kwargs)

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(kind, record_ids)`` after each change; returns the unsubscribe."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _notify(self, kind: str, record_ids: Sequence[str]) -> None:
        for listener in list(self._listeners):
            listener(kind, record_ids)


def _check_records(folder: Path, base: persistence.Checkpoint) -> None:
    """Refuse a checkpoint whose records lack a column the schema needs, naming it."""
    needed = [T.ID, *base.schema.field_names]
    missing = [c for c in needed if c not in base.records.columns]
    if missing:
        raise StorageError(
            f"{folder}: the checkpoint of writer {base.writer} lacks column {missing[0]!r}; "
            "the folder is damaged: `nb_feedback repair` salvages what it can"
        )
    if T.VECTORS not in base.records.columns:
        base.records[T.VECTORS] = None


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
