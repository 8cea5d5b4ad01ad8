"""Names and shapes Argilla v1 code uses that nb_feedback has no other use for.

``RankingValueSchema`` (one ranked item, read as ``item.value`` and ``item.rank``), the enums v1
code compares against (``QuestionTypes``, ``FieldTypes``, ``MetadataPropertyTypes``,
``LabelsOrder``), ``QuestionValue`` (what ``question.response(value)`` returns, for
``ResponseSchema(values=[...])``) and ``generate_pydantic_schema_for_metadata`` (a class that
checks a metadata dict against the properties, as v1's helper made one).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from nb_feedback.base.errors import RecordError, ResponseError, SchemaError


class QuestionTypes(str, Enum):
    """The kinds of question (v1's enum; ``question.type`` compares equal to one)."""

    text = "text"
    rating = "rating"
    label_selection = "label_selection"
    multi_label_selection = "multi_label_selection"
    ranking = "ranking"
    span = "span"


class FieldTypes(str, Enum):
    """The kinds of field (v1's enum)."""

    text = "text"


class MetadataPropertyTypes(str, Enum):
    """The kinds of metadata property (v1's enum)."""

    terms = "terms"
    integer = "integer"
    float = "float"


class LabelsOrder(str, Enum):
    """How a multi-label question lists its labels: as given, or the suggested ones first."""

    natural = "natural"
    suggestion = "suggestion"


class RankingValueSchema(dict[str, Any]):
    """One ranked item, ``{"value": item, "rank": r}`` (1 = best), read as attributes too.

    A dict, so it is stored, compared and exported as one.

    Examples
    --------
    >>> item = RankingValueSchema(value="reply-1", rank=1)
    >>> item.rank, item == {"value": "reply-1", "rank": 1}
    (1, True)
    """

    def __init__(self, value: str, rank: int | None = None) -> None:
        if not isinstance(value, str):
            raise SchemaError(
                f"ranking item: value must be a string (str type expected), got {value!r}"
            )
        if rank is not None and (isinstance(rank, bool) or not isinstance(rank, int)):
            raise SchemaError(
                f"ranking item {value!r}: rank must be an integer (a valid integer), got {rank!r}"
            )
        if rank is not None and rank < 1:
            raise SchemaError(
                f"ranking item {value!r}: rank must be greater than or equal to 1, got {rank}"
            )
        super().__init__(value=value, rank=rank)

    @property
    def value(self) -> str:
        """The ranked item."""
        return str(self["value"])

    @property
    def rank(self) -> int | None:
        """Its rank, 1 = best (or None)."""
        rank: int | None = self.get("rank")
        return rank


def as_v1_value(value: Any) -> Any:
    """Return a ranking or a list of spans as v1's objects (``item.rank``, ``span.start``).

    Anything else is returned unchanged. The objects are dicts, equal to the plain ones.
    """
    if type(value) is not list or not value or not isinstance(value[0], Mapping):
        return value
    if all(isinstance(v, Mapping) and set(v) == {"value", "rank"} for v in value):
        try:
            return [
                v if isinstance(v, RankingValueSchema) else RankingValueSchema(**v) for v in value
            ]
        except SchemaError:
            return value
    from nb_feedback.domain.spans import as_span_values

    return as_span_values(value)


@dataclass(frozen=True)
class QuestionValue:
    """One question's answer, as ``question.response(value)`` returns it (v1's helper).

    ``ResponseSchema(values=[q1.response("..."), q2.response(3)])`` reads a list of these.
    """

    question_name: str
    value: Any

    @classmethod
    def checked(cls, question: Any, value: Any) -> QuestionValue:
        """Check ``value`` against ``question`` and return it, or raise naming what is wrong."""
        plain = (
            [dict(v) if isinstance(v, Mapping) else v for v in value]
            if type(value) is list
            else value
        )
        problem = question.check_value(plain)
        if problem:
            raise ResponseError(f"question {question.name!r}: {problem}")
        return cls(question.name, plain)


def values_of(values: Any) -> Any:
    """Turn a list of ``QuestionValue`` into ``{question: value}``; anything else passes."""
    if isinstance(values, list | tuple) and all(isinstance(v, QuestionValue) for v in values):
        return {v.question_name: v.value for v in values}
    return values


def generate_pydantic_schema_for_metadata(
    metadata_properties: Iterable[Any],
    name: str = "MetadataSchema",
    allow_extra_metadata: bool = True,
) -> type:
    """Return a class whose instances are metadata dicts checked against ``metadata_properties``.

    Argilla v1 built a pydantic model; this builds a ``dict`` subclass that raises
    ``RecordError`` (a ``ValueError``) naming the property and what it expects.

    Examples
    --------
    >>> from nb_feedback import IntegerMetadataProperty
    >>> Metadata = generate_pydantic_schema_for_metadata([IntegerMetadataProperty(name="n", min=0, max=9)])
    >>> Metadata(n=3)
    {'n': 3}
    """
    props = {p.name: p for p in metadata_properties}

    def __init__(self: dict[str, Any], **values: Any) -> None:
        for key, value in values.items():
            prop = props.get(key)
            if prop is None:
                if not allow_extra_metadata:
                    raise RecordError(
                        f"metadata {key!r}: not a declared metadata property {sorted(props)} "
                        "(extra fields not permitted)"
                    )
                continue
            problem = prop.check_value(value)
            if problem:
                raise RecordError(f"metadata {key!r}: {problem}")
        dict.__init__(self, values)

    return type(name, (dict,), {"__init__": __init__, "dict": lambda self: dict(self)})
