"""FeedbackDataset: the pandas-backed store of records and responses, and the one write path."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence, Sized
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

import pandas as pd

from nb_feedback.argilla._v1_names import DATASET as V1_SERVER_NAMES
from nb_feedback.argilla._v1_names import missing
from nb_feedback.base._arrowtext import dumps, loads
from nb_feedback.base._progress import progress
from nb_feedback.base.errors import RecordError, ResponseError
from nb_feedback.domain.chat import ChatField
from nb_feedback.domain.distribution import (
    TaskDistribution,
    check_distribution,
)
from nb_feedback.domain.metadata import MetadataProperty
from nb_feedback.domain.records import (
    DEFAULT_USER,
    FeedbackRecord,
    Response,
    check_status,
    check_time_spent,
    check_user,
    is_status,
    normalize_response,
    unwrap_values,
)
from nb_feedback.domain.review import ReviewNote
from nb_feedback.domain.schema import Question, Schema, TextField
from nb_feedback.domain.validation import check_values
from nb_feedback.domain.vectors import VectorSettings
from nb_feedback.store import _tables as T
from nb_feedback.store._answers import AnswersAdded, against_held, check_answer_frame
from nb_feedback.store._changes import (
    AddRecords,
    DeleteRecords,
    EditRecords,
    NoteReview,
    PutResponse,
    PutResponses,
    RemoveResponse,
    WithdrawReview,
)
from nb_feedback.store._hlc import CLOCK
from nb_feedback.store._ingest import check_edits, check_frame, lone_surrogate_error, to_frame

if TYPE_CHECKING:
    from datasets import DatasetDict

    from nb_feedback.exports.report import DatasetReport
    from nb_feedback.widget.feedback_widget import FeedbackWidget
from nb_feedback.dataset._core import RecordsInput, _response
from nb_feedback.dataset.folder import FolderMixin
from nb_feedback.dataset.queries import QueryMixin
from nb_feedback.dataset.v1_schema import V1SchemaMixin

_PROVENANCE, _INSERTED_AT = T.COLUMN_AT["provenance"], T.COLUMN_AT["inserted_at"]
"""Where a response row holds what its labeler was shown, and when it was first given."""


class _V1ServerName:
    """An Argilla v1 server method (``push_to_argilla``, ``pull``): reading it says what to use.

    A descriptor per name rather than ``__getattr__`` on the dataset: a class with
    ``__getattr__`` sends every attribute read of its instances down CPython's slow path
    (~15 ns more each, and an answer from code reads ~20), not only the missing ones.
    """

    def __init__(self, name: str) -> None:
        self._name = name

    def __get__(self, obj: object, owner: type | None = None) -> Any:
        raise missing("FeedbackDataset", self._name, V1_SERVER_NAMES)


class FeedbackDataset(FolderMixin, QueryMixin, V1SchemaMixin):
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
        if type(status) is not str or not is_status(status):
            status = check_status(status, where)
        if type(values) is not dict and not isinstance(values, Mapping):  # dict: no ABC check
            raise ResponseError(f"{where}: values must be a dict of answers, got {values!r}")
        plain = unwrap_values(values)
        schema = self._schema
        spans = self._span_fields(record_id, plain) if schema.span_questions else None
        check_values(schema, plain, status, where, spans)
        if schema.turn_questions:
            self._check_turns(record_id, plain, where)
        now = CLOCK.tick()  # later than every answer this process gave or read
        spent = None if time_spent is None else check_time_spent(time_spent, where)
        origin = None
        # the answer this one replaces: what it was shown, and when it was first given
        held = self._responses.row_of(record_id, user)
        if held is None:  # the first answer of this user to this record
            earlier = first = None
        else:
            earlier, first = held[_PROVENANCE], held[_INSERTED_AT]
        if shown is not None or (earlier is not None and isinstance(earlier, str)):
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
        tells ``unchanged``, ``kept`` and ``replaced`` (``AnswersAdded``). These answers are
        marked as added in bulk: ``to_sft`` ranks a person's answer to the same prompt above
        them (``to_sft(prefer_people=False)`` ranks by time alone).

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

    # ----------------------------------------------------------------- export
    # ------------------------------------------- features (see dataset.forwards)
    # Each forward's signature and docstring are its feature function's (forwards.lend).
    def format_as(self, *args: Any, **kwargs: Any) -> Any:
        """Return the dataset in Argilla v1's ``format_as("datasets")`` column layout."""
        from nb_feedback.argilla.argilla_format import format_as

        return format_as(self, *args, **kwargs)

    def to_sft(self, *args: Any, **kwargs: Any) -> DatasetDict:
        """Build SFT train/test splits from the submitted answers."""
        from nb_feedback.exports.sft import to_sft

        return to_sft(self, *args, **kwargs)

    def suggest(self, *args: Any, **kwargs: Any) -> Any:
        """Fill a question's suggestions from any callable, batch by batch."""
        from nb_feedback.exports.suggest import suggest

        return suggest(self, *args, write=self.update_records, **kwargs)

    def to_preference(self, *args: Any, **kwargs: Any) -> DatasetDict:
        """Build preference pairs for TRL from rankings."""
        from nb_feedback.exports.preference import to_preference

        return to_preference(self, *args, **kwargs)

    def to_kto(self, *args: Any, **kwargs: Any) -> DatasetDict:
        """Build TRL's unpaired KTO splits from ratings or labels."""
        from nb_feedback.exports.preference import to_kto

        return to_kto(self, *args, **kwargs)

    def report(self, *args: Any, **kwargs: Any) -> DatasetReport:
        """Return a report to look at before training."""
        from nb_feedback.exports.report import report

        return report(self, *args, **kwargs)

    def to_argilla(self, *args: Any, **kwargs: Any) -> Any:
        """Push this dataset to an Argilla 2 server."""
        from nb_feedback.argilla.to_argilla import to_argilla

        return to_argilla(self, *args, **kwargs)

    @classmethod
    def from_argilla(cls, *args: Any, **kwargs: Any) -> FeedbackDataset:
        """Read a dataset back from an Argilla 2 server."""
        from nb_feedback.argilla.from_argilla import from_argilla

        return from_argilla(cls, *args, **kwargs)

    def to_hub(self, *args: Any, **kwargs: Any) -> Path | str:
        """Write this dataset in an Argilla Hub layout: a local folder, or a Hub dataset repo."""
        from nb_feedback.argilla.hub import to_hub

        return to_hub(self, *args, **kwargs)

    @classmethod
    def from_hub(cls, *args: Any, **kwargs: Any) -> FeedbackDataset:
        """Read a dataset from a Hub dataset repo or a local folder, in any Argilla layout."""
        from nb_feedback.argilla.hub import from_hub

        return from_hub(cls, *args, **kwargs)

    def prepare_for_training(self, *args: Any, **kwargs: Any) -> Any:
        """Argilla v1's ``prepare_for_training``: the task's training data."""
        from nb_feedback.argilla.training import prepare_for_training

        return prepare_for_training(self, *args, **kwargs)

    def compute_agreement_metrics(self, *args: Any, **kwargs: Any) -> Any:
        """Krippendorff's alpha of one question."""
        from nb_feedback.team.metrics import compute_agreement_metrics

        return compute_agreement_metrics(self, *args, **kwargs)

    def compute_model_metrics(self, *args: Any, **kwargs: Any) -> Any:
        """Answers against suggestions, per annotator or unified."""
        from nb_feedback.team.metrics import compute_model_metrics

        return compute_model_metrics(self, *args, **kwargs)

    def find_similar_records(self, *args: Any, **kwargs: Any) -> Any:
        """Return the records whose vector is nearest a query."""
        from nb_feedback.dataset.similar_records import find_similar_records

        return find_similar_records(self, *args, **kwargs)

    def compute_unified_responses(self, question: Any, strategy: Any = None) -> Self:
        """Unify a question's submitted answers with ``strategy`` and keep them (saved).

        Parameters
        ----------
        question : str or question, or a ``*QuestionUnification``
            The question (or its name), or v1's unification object (question and strategy).
        strategy : str or strategy enum, optional
            Default: majority (labels, rankings), mean (ratings), disagreement (texts).

        Returns
        -------
        FeedbackDataset
            This dataset, as in Argilla v1; ``unified_responses[question]`` and each record's
            ``unified_responses`` now hold the unified answers. The unification is a change
            like any other: with a folder it is saved, and a later one replaces it.
        """
        from nb_feedback.team.unification import unification_change

        self._commit(unification_change(self, question, strategy))
        return self

    def sort_by(self, sort: Any = None, order: str = "asc") -> FeedbackDataset:
        """Return a read-only dataset of the same records, sorted; see ``nb_feedback.dataset.sorting``."""
        from nb_feedback.dataset.sorting import sort_positions

        positions = sort_positions(self, sort, order)
        return self._read_only_view(self._responses.frame(), positions, "sort_by()")

    def annotate(self, user: str = "annotator", **kwargs: Any) -> FeedbackWidget:
        """Return the annotation widget for ``user`` (display it, or leave it last in a cell).

        ``review=True`` opens a reviewer's view (every other annotator's answer side by side,
        see ``add_review``); ``queue=True``/``False`` walks ``queue(user)`` or the dataset's
        order (the default: the queue for a dataset given a ``TaskDistribution``, and for a
        reviewer).
        """
        from nb_feedback.widget.feedback_widget import FeedbackWidget

        return FeedbackWidget(self, user=user, **kwargs)


for _name in V1_SERVER_NAMES:
    setattr(FeedbackDataset, _name, _V1ServerName(_name))
