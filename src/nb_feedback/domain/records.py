"""Records, responses and suggestions as users see them, and their Argilla v1 input forms."""

from __future__ import annotations

import math
import time
import uuid
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from operator import attrgetter
from typing import Any, TypeGuard

from nb_feedback.base.errors import ResponseError
from nb_feedback.domain._checks import is_unicode


class ResponseStatus(str, Enum):
    """The status of one annotator's response to one record."""

    submitted = "submitted"
    draft = "draft"
    discarded = "discarded"

    def __str__(self) -> str:
        return self.value


STATUSES: tuple[str, ...] = tuple(s.value for s in ResponseStatus)
"""The statuses a response can have (a record with none is "pending" for that annotator)."""


DEFAULT_USER = "annotator"
"""The annotator name a response without ``user_id`` is stored under (v1's docs write them so)."""


@dataclass(frozen=True)
class ValueSchema:
    """One answer inside a response, as Argilla v1 shapes it: ``response.values[q].value``."""

    value: Any

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"value": value}`` (v1's serialised form)."""
        return {"value": self.value}


class Response:
    """One annotator's answers to one record, shaped as Argilla v1's ``ResponseSchema``.

    ``values`` may be given plain (``{"q": "text"}``) or in v1's form (``{"q": {"value": ...}}``
    or ``{"q": ValueSchema(...)}``); it is always read as ``{question: ValueSchema}``.
    ``user`` is an alias of ``user_id``.

    Examples
    --------
    >>> r = Response(user_id="labeler-1", values={"demonstration": "Hi"})
    >>> r.values["demonstration"].value, r.status, r.user
    ('Hi', 'submitted', 'labeler-1')
    """

    __slots__ = (
        "_given",
        "_values",
        "inserted_at",
        "status",
        "time_spent",
        "updated_at",
        "user_id",
    )

    def __init__(
        self,
        user_id: str | None = None,
        values: Mapping[str, Any] | None = None,
        status: str = "submitted",
        updated_at: float | None = None,
        time_spent: float | None = None,
        inserted_at: float | None = None,
        *,
        user: str | None = None,
    ) -> None:
        self.user_id: str = user_id if user_id is not None else (user or DEFAULT_USER)
        # the answers as given (unwrapped); the ValueSchema form is made when first read: most
        # responses are made by add_response for a caller that never reads them (~2 us each)
        self._given: dict[str, Any] = unwrap_values(values) if values else {}
        self._values: dict[str, ValueSchema] | None = None
        self.status = str(status.value if isinstance(status, ResponseStatus) else status)
        self.updated_at = updated_at
        self.inserted_at = inserted_at if inserted_at is not None else updated_at
        self.time_spent = time_spent

    @classmethod
    def of_plain(
        cls,
        user_id: str,
        plain: dict[str, Any],
        status: str,
        updated_at: float,
        time_spent: float | None,
        inserted_at: float,
    ) -> Response:
        """Return a response of values already unwrapped (``add_response``'s, once checked)."""
        out = cls.__new__(cls)
        out.user_id, out._given, out._values, out.status = user_id, plain, None, status
        out.updated_at, out.time_spent, out.inserted_at = updated_at, time_spent, inserted_at
        return out

    @property
    def values(self) -> dict[str, ValueSchema]:
        """The answers as ``{question: ValueSchema}`` (v1's shape: ``values[q].value``)."""
        if self._values is None:
            from nb_feedback.domain.v1_compat import as_v1_value

            self._values = {
                name: v if isinstance(v, ValueSchema) else ValueSchema(as_v1_value(v))
                for name, v in self._given.items()
            }
        return self._values

    @values.setter
    def values(self, value: Mapping[str, Any]) -> None:
        self._given = unwrap_values(value)
        self._values = None

    @property
    def user(self) -> str:
        """The annotator's name (an alias of ``user_id``)."""
        return self.user_id

    def plain_values(self) -> dict[str, Any]:
        """Return the answers as ``{question: value}``."""
        # as given, not as read through `values` (which wraps rankings and spans in v1's objects)
        return {
            name: v.value if isinstance(v, ValueSchema) else v for name, v in self._given.items()
        }

    def to_dict(self) -> dict[str, Any]:
        """Return a plain dict (the form ``to_pandas`` shows): values as ``{question: value}``."""
        return {
            "user_id": self.user_id,
            "values": self.plain_values(),
            "status": self.status,
            "inserted_at": self.inserted_at,
            "updated_at": self.updated_at,
            "time_spent": self.time_spent,
        }

    def _shown_values(self) -> dict[str, Any]:
        # rankings and spans as v1 showed them: keys in its order ({"value", "rank"}, ...)
        return {name: _plain(v.value) for name, v in self.values.items()}

    def dict(self) -> dict[str, Any]:
        """Return Argilla v1's form: ``{"user_id", "values": {q: {"value": v}}, "status"}``."""
        values = {name: {"value": _plain(v.value)} for name, v in self.values.items()}
        return {"user_id": self.user_id, "values": values, "status": self.status}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Response):
            return NotImplemented
        return (self.user_id, self.values, self.status) == (
            other.user_id,
            other.values,
            other.status,
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"Response(user_id={self.user_id!r}, values={self._shown_values()!r}, "
            f"status={self.status!r})"
        )


@dataclass(frozen=True)
class Suggestion:
    """A model's proposed answer to one question, shown pre-filled to annotators.

    ``score`` is a number, or (multi-label and ranking questions, as in Argilla v1) one number
    per suggested label or ranked item.
    """

    question_name: str
    value: Any
    score: float | list[float] | None = None
    agent: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return a plain dict in Argilla v1's suggestion layout."""
        return {
            "question_name": self.question_name,
            "value": self.value,
            "score": self.score,
            "agent": self.agent,
        }


def ResponseSchema(
    user_id: Any = None,
    values: Mapping[str, Any] | Sequence[Any] | None = None,
    status: str = "submitted",
    **kwargs: Any,
) -> Response:
    """Build a response as Argilla v1's ``rg.ResponseSchema`` did, accepted by ``FeedbackRecord``.

    ``values`` is ``{question: value}`` (or ``{question: {"value": value}}``), or a list of
    ``question.response(value)``. A ``user_id`` that is a ``uuid.UUID`` is kept as its string.

    Examples
    --------
    >>> r = ResponseSchema(user_id="a", values={"q": {"value": "x"}}, status="draft")
    >>> r.status, r.values["q"].value
    ('draft', 'x')
    """
    from nb_feedback.domain.v1_compat import values_of

    where = "ResponseSchema"
    given = values_of(values) if values is not None else {}
    if not isinstance(given, Mapping):
        raise ResponseError(f"{where}: values must be a dict of answers, got {values!r}")
    user = None if user_id is None else check_user(user_id, where)
    return Response(
        user_id=user,
        values=given,
        status=check_status(status, where),
        updated_at=kwargs.get("updated_at") or time.time(),
        time_spent=check_time_spent(kwargs.get("time_spent"), where),
    )


def SuggestionSchema(
    question_name: str, value: Any, score: float | None = None, agent: str | None = None, **_: Any
) -> dict[str, Any]:
    """Build a suggestion in Argilla v1's form (``rg.SuggestionSchema``)."""
    return {"question_name": question_name, "value": value, "score": score, "agent": agent}


class _TrackedDict(dict[str, Any]):
    """A record's metadata: a dict whose changes are committed to the dataset it came from."""

    def __init__(self, data: Mapping[str, Any], on_change: Any) -> None:
        super().__init__(data)
        self._on_change = on_change

    def _changed(self, before: dict[str, Any]) -> None:
        try:
            self._on_change(dict(self))
        except BaseException:  # the dataset refused it: put the dict back as it was
            dict.clear(self)
            dict.update(self, before)
            raise

    def __setitem__(self, key: str, value: Any) -> None:
        before = dict(self)
        super().__setitem__(key, value)
        self._changed(before)

    def __delitem__(self, key: str) -> None:
        before = dict(self)
        super().__delitem__(key)
        self._changed(before)

    def update(self, *args: Any, **kwargs: Any) -> None:
        before = dict(self)
        super().update(*args, **kwargs)
        self._changed(before)

    def pop(self, key: str, *default: Any) -> Any:
        before = dict(self)
        out = super().pop(key, *default)
        if len(before) != len(self):
            self._changed(before)
        return out

    def setdefault(self, key: str, default: Any = None) -> Any:
        if key in self:
            return self[key]
        self[key] = default
        return default

    def clear(self) -> None:
        before = dict(self)
        super().clear()
        self._changed(before)


class FeedbackRecord:
    """One item to annotate: its fields, metadata, suggestions, responses and vectors.

    ``id`` is set when the record is added to a dataset and kept across save and load. A record
    read from a dataset (``dataset[i]``, iteration, ``dataset.records``) is bound to it: setting
    ``metadata[k]``, ``suggestions``, ``responses`` or ``vectors``, or calling ``update``, is
    committed to the dataset at once (durably, when it has a folder), as in Argilla v1. An edit
    that breaks the schema raises and changes nothing. ``status`` is "completed" once the
    record has as many submitted responses as the dataset's ``TaskDistribution(min_submitted=...)``
    asks for, else "pending".

    Examples
    --------
    >>> r = FeedbackRecord(fields={"prompt": "Name three primes."})
    >>> r.fields["prompt"]
    'Name three primes.'
    """

    # What a record holds when it was given only its fields: __init__ sets none of these then
    # (each attribute set costs ~30 ns, and Argilla-style code builds a record per row); the
    # record's own value, once set, shadows the class's. Each is None until given or read
    # (the properties make the empty dict or list then), and add_records tells a batch that
    # holds nothing but fields by one look at these (GIVEN_PARTS).
    id: str | None = None
    _dataset: Any = None  # set by the dataset that made this record
    _loader: Any = None  # set for a record read lazily (see ``lazy``)
    _fields: dict[str, Any] | None = None
    _field_name: Any = None  # as given: add_records names a field that is not a str
    _field_text: Any = None
    _external_id: str | None = None
    _status: str = "pending"
    _metadata: Any = None
    _suggestions: Any = None
    _responses: Any = None
    _vectors: Any = None
    _unified: Any = None  # Argilla v1's answers unified by compute_unified_responses

    def __init__(
        self,
        fields: Mapping[str, Any],
        metadata: Mapping[str, Any] | None = None,
        suggestions: Any = None,
        responses: Any = None,
        external_id: str | None = None,
        id: str | None = None,
        vectors: Mapping[str, Any] | None = None,
        status: str = "pending",
        unified_responses: Mapping[str, Any] | None = None,
    ) -> None:
        # no **kwargs: Python names an unknown argument itself, and builds no dict per record
        if type(fields) is dict and len(fields) == 1:
            # One field, the usual record: its name and text, and no dict until `fields` is
            # read. Each dict is one more object the garbage collector counts: with one per
            # record, a batch of 200,000 records built in a list ran 4 full collections
            # (0.3 s here) where 2 run now.
            for self._field_name, self._field_text in fields.items():
                pass
        else:
            self._fields = dict(fields)
        if id is not None:
            self.id = id
        if external_id is not None:
            self._external_id = external_id
        if type(status) is not str or status != "pending":  # kept as given, checked when added
            self._status = status
        # Kept as given (a record may be built wrong: add_records names what is wrong). The
        # `is None` tests come first: most records are built without these, and Mapping's
        # isinstance is an ABC check. Metadata is a plain dict until the record is bound to a
        # dataset (_bind): a tracked dict holds a method of its record, a reference cycle that
        # only the garbage collector frees, for every record a user builds. None of these is
        # made empty here: a list is an object the garbage collector tracks, and a batch of
        # 200,000 records built with two empty lists each made it run its full collections
        # ~8 times (4 s of 5.7 s here).
        if metadata is not None:
            self._metadata = dict(metadata) if isinstance(metadata, Mapping) else metadata
        if suggestions is not None:
            self._suggestions = (
                list(suggestions) if isinstance(suggestions, list | tuple) else suggestions
            )
        if responses is not None:
            self._responses = list(responses) if isinstance(responses, list | tuple) else responses
        if vectors is not None:
            self._vectors = dict(vectors) if isinstance(vectors, Mapping) else vectors
        if unified_responses is not None:
            self._unified = dict(unified_responses)

    @classmethod
    def lazy(cls, record_id: str, dataset: Any, load: Any) -> FeedbackRecord:
        """Return the record ``record_id`` of ``dataset``, read by ``load(id)`` on first use.

        Iteration hands these out: code written as Argilla users write it walks every record
        and reads one or two things (``record.id``), and building each record in full cost
        ~5 us, most of it for values nobody read. A lazy record costs ~0.5 us until read.
        """
        out = cls.__new__(cls)
        out.id, out._dataset, out._loader = record_id, dataset, load
        return out

    @classmethod
    def lazy_many(
        cls, record_ids: Iterable[str], dataset: Any, load: Any
    ) -> Iterator[FeedbackRecord]:
        """Yield ``lazy(record_id, dataset, load)`` for each id (iteration: ~0.2 us a record)."""
        new = cls.__new__
        for record_id in record_ids:
            out = new(cls)
            out.id, out._dataset, out._loader = record_id, dataset, load
            yield out

    def _fill(self) -> None:
        load = self._loader
        if load is None:
            return
        self._loader = None
        full = load(self.id)
        for name in _STATE:  # getattr: what `full` was not given is its class's default
            setattr(self, name, getattr(full, name))
        self._fields = full.fields
        metadata = full._metadata
        if isinstance(metadata, _TrackedDict):  # made for `full`, which nobody else holds
            metadata._on_change = self._metadata_changed
            self._metadata = metadata
        else:
            self._metadata = _TrackedDict(metadata or {}, self._metadata_changed)

    def _bind(self, dataset: Any) -> FeedbackRecord:
        self._dataset = dataset
        if not isinstance(self._metadata, _TrackedDict):
            metadata = self._metadata
            self._metadata = self._kept_metadata({} if metadata is None else metadata)
        return self

    def _kept_metadata(self, value: Any) -> Any:
        """Hold ``value`` as metadata: tracked (edits committed) once bound, else a plain dict."""
        if not isinstance(value, Mapping):
            return value  # add_records says what is wrong with it
        if self._dataset is None:
            return dict(value)
        return _TrackedDict(value, self._metadata_changed)

    def __reduce__(self) -> tuple[Any, ...]:
        # a copy or a pickle is a plain record: it must not carry the dataset along
        self._fill()
        values = {
            "fields": dict(self.fields),
            "metadata": dict(self.metadata),
            "suggestions": list(self.suggestions),
            "responses": list(self.responses),
            "external_id": self._external_id,
            "id": self.id,
            "vectors": dict(self.vectors),
            "status": self._status,
            "unified_responses": dict(self.unified_responses),
        }
        return (_plain_record, (values,))

    @property
    def fields(self) -> dict[str, Any]:
        """The record's field texts by field name."""
        if self._loader is not None:  # a lazy record, read on first use
            self._fill()
        if self._fields is None:  # one field, kept as its name and text (see __init__)
            self._fields = {self._field_name: self._field_text}
        return self._fields

    @fields.setter
    def fields(self, value: Mapping[str, Any]) -> None:
        self._fill()
        self._fields = dict(value)

    @property
    def external_id(self) -> str | None:
        """The id the record had where it came from, if any."""
        if self._loader is not None:  # a lazy record, read on first use
            self._fill()
        return self._external_id

    @external_id.setter
    def external_id(self, value: str | None) -> None:
        self._fill()
        self._external_id = value

    @property
    def status(self) -> str:
        """Return "completed" once the record has enough submitted responses, else "pending"."""
        if self._loader is not None:  # a lazy record, read on first use
            self._fill()
        return self._status

    @status.setter
    def status(self, value: str) -> None:
        self._fill()
        self._status = value

    @property
    def unified_responses(self) -> dict[str, Any]:
        """Answers unified by ``compute_unified_responses``: ``{question: [values]}``."""
        if self._loader is not None:  # a lazy record, read on first use
            self._fill()
        if self._unified is None:
            self._unified = {}
        return self._unified  # type: ignore[no-any-return]

    @unified_responses.setter
    def unified_responses(self, value: Mapping[str, Any] | None) -> None:
        self._fill()
        self._unified = dict(value or {})

    @property
    def _unified_responses(self) -> dict[str, Any]:
        # the name Argilla v1's own code and tests read
        return self.unified_responses

    def _edit(self, **changes: Any) -> None:
        if self._dataset is not None:
            self._dataset.update_records([{"id": self.id, **changes}])

    def _metadata_changed(self, metadata: dict[str, Any]) -> None:
        self._edit(metadata=metadata)

    @property
    def metadata(self) -> dict[str, Any]:
        """The record's metadata; item changes are committed to a bound record's dataset."""
        if self._loader is not None:  # a lazy record, read on first use
            self._fill()
        if self._metadata is None:
            self._metadata = self._kept_metadata({})
        return self._metadata  # type: ignore[no-any-return]

    @metadata.setter
    def metadata(self, value: Mapping[str, Any] | None) -> None:
        self._fill()
        # a record not read from a dataset takes any value: add_records checks it
        self._edit(metadata=value)
        self._metadata = self._kept_metadata({} if value is None else value)

    @property
    def suggestions(self) -> list[Any]:
        """Model suggestions (``Suggestion``s once read from a dataset)."""
        if self._loader is not None:  # a lazy record, read on first use
            self._fill()
        if self._suggestions is None:
            self._suggestions = []
        return self._suggestions  # type: ignore[no-any-return]

    @suggestions.setter
    def suggestions(self, value: Any) -> None:
        self._fill()
        self._edit(suggestions=value)
        if self._dataset is not None:
            self._suggestions = self._reread("suggestions")
        else:
            self._suggestions = [] if value is None else value

    @property
    def responses(self) -> list[Any]:
        """Annotators' responses (``Response``s once read from a dataset)."""
        if self._loader is not None:  # a lazy record, read on first use
            self._fill()
        if self._responses is None:
            self._responses = []
        return self._responses  # type: ignore[no-any-return]

    @responses.setter
    def responses(self, value: Any) -> None:
        self._fill()
        if self._dataset is not None:
            self._dataset.set_responses(self.id, list(value or []))
            self._responses = self._reread("responses")
        else:
            self._responses = [] if value is None else value

    @property
    def vectors(self) -> dict[str, list[float]]:
        """Named embeddings of the record (``VectorSettings`` declares them)."""
        if self._loader is not None:  # a lazy record, read on first use
            self._fill()
        if self._vectors is None:
            self._vectors = {}
        if self._dataset is not None and not isinstance(self._vectors, _TrackedDict):
            # bound: `record.vectors[name] = [...]` is committed, as metadata[k] = v is
            self._vectors = _TrackedDict(self._vectors, self._vectors_changed)
        return self._vectors  # type: ignore[no-any-return]

    @vectors.setter
    def vectors(self, value: Mapping[str, Any] | None) -> None:
        self._fill()
        self._edit(vectors=value)
        self._vectors = {} if value is None else dict(value)

    def _vectors_changed(self, vectors: dict[str, Any]) -> None:
        self._edit(vectors=vectors)

    def update(
        self,
        suggestions: Any = None,
        metadata: Mapping[str, Any] | None = None,
        vectors: Mapping[str, Any] | None = None,
    ) -> None:
        """Change suggestions, metadata and/or vectors together (v1's ``record.update``).

        Suggestions (the first argument, as in v1) replace those for the same questions, with a
        warning naming each question that had one; metadata given is merged into the record's;
        vectors given are merged.
        """
        self._fill()
        changes: dict[str, Any] = {}
        if metadata is not None:
            changes["metadata"] = {**self.metadata, **metadata}
        if suggestions is not None:
            items = (
                [suggestions]
                if isinstance(suggestions, Mapping | Suggestion)
                else list(suggestions)
            )
            new = {_question_of(s): s for s in items}
            kept = [s for s in self.suggestions if _question_of(s) not in new]
            replaced = sorted(
                {str(_question_of(s)) for s in self.suggestions} & set(map(str, new))
                | {str(q) for q in new if [_question_of(s) for s in items].count(q) > 1}
            )
            for name in replaced:  # v1 warned too: the earlier suggestion is gone
                warnings.warn(
                    f"A suggestion for question `{name}` has already been provided; the new one "
                    "replaces it",
                    UserWarning,
                    stacklevel=2,
                )
            changes["suggestions"] = [*kept, *new.values()]
        if vectors is not None:
            changes["vectors"] = {**self.vectors, **vectors}
        if not changes:
            return
        self._edit(**changes)
        if "metadata" in changes:
            self._metadata = self._kept_metadata(changes["metadata"])
        if "suggestions" in changes:
            self._suggestions = (
                changes["suggestions"] if self._dataset is None else self._reread("suggestions")
            )
        if "vectors" in changes:
            self._vectors = dict(changes["vectors"])

    def _reread(self, what: str) -> list[Any]:
        fresh = self._dataset.record_by_id(self.id)
        return list(getattr(fresh, what))

    def to_dict(self) -> dict[str, Any]:
        """Return the record as plain data (v1's layout)."""
        self._fill()
        return {
            "fields": dict(self.fields),
            "metadata": dict(self.metadata),
            "suggestions": [s.to_dict() if hasattr(s, "to_dict") else s for s in self.suggestions],
            "responses": [r.to_dict() if hasattr(r, "to_dict") else r for r in self.responses],
            "vectors": dict(self.vectors),
            "external_id": self._external_id,
            "id": self.id,
            "status": self._status,
            "unified_responses": dict(self.unified_responses),
        }

    def __eq__(self, other: object) -> bool:
        # Equal when they hold the same data. A record built by hand (no id yet) equals the
        # one it became in a dataset, as in Argilla v1: `dataset.records[0] == record`. An
        # optional field left out equals one given as None; answers compare as Response does
        # (user, values, status), not by when they were written.
        if not isinstance(other, FeedbackRecord):
            return NotImplemented
        if self.id is not None and other.id is not None and self.id != other.id:
            return False
        return self._compared() == other._compared()

    def _compared(self) -> tuple[Any, ...]:
        self._fill()
        where = f"record {self.id!r}"
        try:
            responses: list[Any] = [normalize_response(r, where).dict() for r in self.responses]
            suggestions: list[Any] = [
                s.to_dict() for s in normalize_suggestions(self.suggestions, where)
            ]
        except ResponseError:  # a record built wrong compares as given
            responses, suggestions = list(self.responses), list(self.suggestions)
        return (
            {k: v for k, v in self.fields.items() if v is not None},
            dict(self.metadata),
            suggestions,
            responses,
            dict(self.vectors),
            self._external_id,
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        self._fill()
        return (
            f"FeedbackRecord(id={self.id!r}, fields={self.fields!r}, metadata={dict(self.metadata)!r}, "
            f"suggestions={len(self.suggestions)}, responses={len(self.responses)})"
        )


GIVEN_PARTS = (
    "_metadata",
    "_suggestions",
    "_responses",
    "_external_id",
    "id",
    "_vectors",
)
"""The attributes that hold what a record was given besides its fields: metadata, suggestions,
responses, external_id, id and vectors. ``add_records`` reads a batch of records through them:
each is None when never given nor read (no empty dict or list is made for it). A record read
lazily (``FeedbackRecord.lazy``) holds them only once filled. Its fields are the dict
``_fields``, or, for a record of one field, None with that field's name and text in
``_field_name`` and ``_field_text``."""


FIELD_PARTS = ("_fields", "_field_name", "_field_text")
"""The attributes that hold a record's fields (see ``GIVEN_PARTS``)."""


def read_in_full(records: Sequence[FeedbackRecord]) -> None:
    """Read every lazy record of ``records`` in full, so that ``GIVEN_PARTS`` can be read."""
    if any(map(_LOADER, records)):
        for record in records:
            record._fill()


_LOADER = attrgetter("_loader")


def given_values(record: FeedbackRecord) -> dict[str, Any]:
    """Return what ``record`` was given, by key (fields, metadata, ..., vectors: GIVEN_PARTS).

    ``add_records``' row path reads a record through this, its column path through
    ``GIVEN_PARTS`` directly: both see None for what was never given nor read.
    """
    fields = record.fields  # reads a lazy record in full first
    return {"fields": fields, **{name.lstrip("_"): getattr(record, name) for name in GIVEN_PARTS}}


_STATE = (
    "_external_id",
    "_status",
    "_suggestions",
    "_responses",
    "_vectors",
    "_unified",
)


def _plain_record(values: dict[str, Any]) -> FeedbackRecord:
    return FeedbackRecord(**values)


def _question_of(suggestion: Any) -> Any:
    if isinstance(suggestion, Suggestion):
        return suggestion.question_name
    if isinstance(suggestion, Mapping):
        return suggestion.get("question_name")
    return None


def _plain(value: Any) -> Any:
    """Return rankings and spans as plain dicts (v1's objects are dict subclasses)."""
    if type(value) is list and value and isinstance(value[0], dict) and type(value[0]) is not dict:
        return [dict(v) for v in value]
    return value


def unwrap_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """Turn Argilla v1's ``{"q": {"value": v}}`` into ``{"q": v}``; plain values pass through."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        # the type tests first: isinstance(x, Mapping) is an ABC check (~0.3 us), on every answer
        if type(value) is ValueSchema:
            value = value.value
        elif (
            type(value) not in _NEVER_MAPPINGS
            and isinstance(value, Mapping)
            and set(value) == {"value"}
        ):
            value = value["value"]
        out[name] = value
    return out


_NEVER_MAPPINGS = frozenset({str, int, float, bool, list, tuple, type(None)})


def normalize_response(raw: Any, where: str) -> Response:
    """Accept a ``Response``, our dict form or Argilla v1's, and return a ``Response``.

    Only the shape is checked here; values are checked against the schema by the dataset.
    """
    if isinstance(raw, Response):
        return raw
    if hasattr(raw, "model_dump") or (hasattr(raw, "dict") and not isinstance(raw, Mapping)):
        raw = raw.model_dump() if hasattr(raw, "model_dump") else raw.dict()  # a pydantic model
    if not isinstance(raw, Mapping):
        raise ResponseError(f"{where}: expected a response dict, got {type(raw).__name__}")
    user = raw.get("user_id", raw.get("user"))
    user = check_user(DEFAULT_USER if user is None else user, where)
    values = raw.get("values")
    if not isinstance(values, Mapping):
        raise ResponseError(f"{where}: expected 'values' as a dict of answers, got {values!r}")
    status = check_status(raw.get("status", "submitted"), where)
    updated = raw.get("updated_at")
    if updated is not None and (
        isinstance(updated, bool) or not isinstance(updated, int | float) or not _finite(updated)
    ):
        raise ResponseError(f"{where}: updated_at must be epoch seconds, got {updated!r}")
    spent = check_time_spent(raw.get("time_spent"), where)
    return Response(
        user_id=user,
        values=unwrap_values(values),
        status=status,
        updated_at=float(updated) if updated is not None else time.time(),
        time_spent=spent,
    )


def check_user(user: object, where: str) -> str:
    """Return ``user`` (an annotator's name), or raise: a non-empty string that UTF-8 can store."""
    if type(user) is str and user in _GOOD_USERS:  # checked before: a team has a few names
        return user
    if isinstance(user, uuid.UUID):  # Argilla v1's user ids were UUIDs: kept as their string
        user = str(user)
    if not is_user_name(user):
        raise ResponseError(f"{where}: user must be a non-empty string, got {user!r}")
    if type(user) is str and len(_GOOD_USERS) < 1024:
        _GOOD_USERS.add(user)
    return user


_GOOD_USERS: set[str] = set()
"""Names ``check_user`` accepted (at most 1,024): an answer from code names its user each time."""


def is_user_name(user: object) -> TypeGuard[str]:
    """Tell whether ``user`` is a good annotator name: a non-empty string that UTF-8 can store.

    The one rule for names (``check_user`` raises with it; bulk paths test whole columns).
    """
    return isinstance(user, str) and bool(user.strip()) and is_unicode(user)


def is_status(status: object) -> bool:
    """Tell whether ``status`` is a response status, as a plain string (``STATUSES``)."""
    return isinstance(status, str) and status in STATUSES


def check_status(status: object, where: str) -> str:
    """Return ``status`` as a plain string, or raise naming the allowed ones."""
    value = status.value if isinstance(status, ResponseStatus) else status
    if not is_status(value):
        raise ResponseError(f"{where}: status must be one of {list(STATUSES)}, got {status!r}")
    return str(value)


def _finite(value: float) -> bool:
    """Return True for a finite number (an int too large for a float is not finite)."""
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def check_time_spent(value: object, where: str) -> float | None:
    """Return time spent in seconds (or None), rejecting negatives and non-numbers."""
    if value is None:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not _finite(value)
        or value < 0
    ):
        raise ResponseError(f"{where}: time_spent must be seconds >= 0, got {value!r}")
    return float(value)


def _is_number(x: object) -> bool:
    return not isinstance(x, bool) and isinstance(x, int | float) and _finite(x)


def normalize_suggestions(raw: Any, where: str) -> list[Suggestion]:
    """Accept a list of Argilla v1 suggestion dicts, or a ``{question: value}`` dict."""
    if raw is None:
        return []
    items: list[Any]
    if isinstance(raw, Mapping) and "question_name" not in raw:
        items = [{"question_name": q, "value": v} for q, v in raw.items()]
    elif isinstance(raw, Mapping | Suggestion):
        items = [raw]
    elif isinstance(raw, list | tuple):
        items = list(raw)
    else:
        raise ResponseError(f"{where}: suggestions must be a list of dicts, got {raw!r}")
    out = []
    for item in items:
        if isinstance(item, Suggestion):
            out.append(item)
            continue
        if not isinstance(item, Mapping) or "question_name" not in item or "value" not in item:
            raise ResponseError(
                f"{where}: each suggestion needs 'question_name' and 'value', got {item!r}"
            )
        score = item.get("score")
        if score is not None and not (
            _is_number(score)
            or (isinstance(score, list | tuple) and score and all(map(_is_number, score)))
        ):
            raise ResponseError(
                f"{where}: suggestion score must be a number or a list of numbers, got {score!r}"
            )
        if isinstance(score, tuple):
            score = list(score)
        agent = item.get("agent")
        if agent is not None and not isinstance(agent, str):
            raise ResponseError(f"{where}: suggestion agent must be a string, got {agent!r}")
        out.append(Suggestion(str(item["question_name"]), item["value"], score, agent))
    return out
