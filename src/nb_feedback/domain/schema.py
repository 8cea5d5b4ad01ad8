"""Fields and questions, and the ``Schema`` that holds them with the metadata properties.

Each field and question is a frozen dataclass checked when built, with ``to_dict``/``from_dict``
for ``schema.json`` and ``check_value`` that validates one answer and says what was expected.
The metadata properties live in ``metadata``, the shared name and text checks in ``_checks``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, cast

from nb_feedback.base.errors import SchemaError, SchemaTypeError
from nb_feedback.domain._checks import (
    _check_bool,
    check_name,
    check_optional_str,
    checked_arguments,
    is_unicode,
    short_repr,
    text_problem,
)
from nb_feedback.domain.chat import ChatField, per_turn_check
from nb_feedback.domain.distribution import TaskDistribution, check_distribution
from nb_feedback.domain.field_base import FieldBase, Titled
from nb_feedback.domain.metadata import _METADATA, MetadataProperty
from nb_feedback.domain.schema_binding import plain
from nb_feedback.domain.vectors import VectorSettings


@dataclass(frozen=True)
class TextField(FieldBase):
    """A text shown to annotators, such as the prompt.

    Examples
    --------
    >>> TextField(name="prompt", title="Prompt").required
    True
    """

    use_markdown: bool = False
    kind: ClassVar[str] = "text_field"


@dataclass(frozen=True)
class _Question(Titled):
    name: str
    title: str | None = None
    description: str | None = None
    required: bool = True
    # a ChatField's name: the question is asked of each assistant turn of that conversation,
    # and its answer is {"<turn index>": value} (see nb_feedback.domain.chat); keyword-only, so the
    # positional order of every question's arguments stays Argilla's
    turns_of: str | None = field(default=None, kw_only=True)
    kind: ClassVar[str] = ""

    def __post_init__(self) -> None:
        check_name("question", self.name)
        owner = f"question {self.name!r}"
        check_optional_str(owner, "title", self.title)
        check_optional_str(owner, "description", self.description)
        _check_bool(owner, "required", self.required)
        check_optional_str(owner, "turns_of", self.turns_of)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form stored in ``schema.json`` and sent to the widget."""
        return {
            **self._head(),
            "description": self.description,
            "required": self.required,
            **self._extra(),
            # only when set: the schema of a dataset without conversations reads as before
            **({"turns_of": self.turns_of} if self.turns_of is not None else {}),
        }

    def _extra(self) -> dict[str, Any]:
        return {}

    def check_value(self, value: object) -> str | None:
        """Say what is wrong with ``value`` as an answer, or return None when it is valid."""
        raise NotImplementedError

    def response(self, value: Any) -> Any:
        """Return an answer to this question for ``ResponseSchema(values=[...])`` (v1's helper).

        The value is checked now, so a wrong one is named where it is written.
        """
        from nb_feedback.domain.v1_compat import QuestionValue

        return QuestionValue.checked(self, value)

    def suggestion(self, value: Any, score: Any = None, agent: str | None = None, **_: Any) -> Any:
        """Return a suggestion for this question (v1's ``question.suggestion(value, ...)``)."""
        from nb_feedback.domain.records import Suggestion
        from nb_feedback.domain.v1_compat import QuestionValue

        checked = QuestionValue.checked(self, value)
        return Suggestion(self.name, checked.value, score, agent)


@dataclass(frozen=True)
class TextQuestion(_Question):
    """A free-text answer, such as a demonstration.

    Examples
    --------
    >>> TextQuestion(name="demonstration").check_value("  ")
    'expected non-empty text, got empty or whitespace-only text'
    """

    use_markdown: bool = False
    kind: ClassVar[str] = "text_question"

    def __post_init__(self) -> None:
        super().__post_init__()
        _check_bool(f"question {self.name!r}", "use_markdown", self.use_markdown)

    def _extra(self) -> dict[str, Any]:
        return {"use_markdown": self.use_markdown}

    # what is wrong with a value as a text answer, or None: the one text rule, called directly
    check_value = staticmethod(text_problem)


@dataclass(frozen=True)
class RatingQuestion(_Question):
    """A rating on a fixed integer scale.

    Examples
    --------
    >>> RatingQuestion(name="quality", values=[1, 2, 3, 4, 5]).check_value(6)
    'expected one of [1, 2, 3, 4, 5], got 6'
    """

    values: Sequence[int] = field(default_factory=lambda: [1, 2, 3, 4, 5])
    kind: ClassVar[str] = "rating_question"

    def __post_init__(self) -> None:
        super().__post_init__()
        values = list(self.values) if isinstance(self.values, Iterable) else None
        if values:  # Argilla v1 read "1" as 1
            values = [
                int(v) if isinstance(v, str) and v.strip().lstrip("-").isdigit() else v
                for v in values
            ]
        if (
            not values
            or len(values) < 2
            or any(isinstance(v, bool) or not isinstance(v, int) for v in values)
            or len(set(values)) != len(values)
        ):
            raise SchemaError(
                f"question {self.name!r}: values must be at least 2 distinct integers, "
                f"got {self.values!r}"
            )
        if not all(0 <= v <= 10 for v in values):  # v1's scale: values from 0 to 10
            raise SchemaError(
                f"question {self.name!r}: values must be between 0 and 10 (greater than or "
                f"equal to 0, less than or equal to 10), got {self.values!r}"
            )
        object.__setattr__(self, "values", tuple(values))

    def _extra(self) -> dict[str, Any]:
        return {"values": list(self.values)}

    def check_value(self, value: object) -> str | None:
        """Say what is wrong with ``value`` as a rating, or return None."""
        if isinstance(value, bool) or not isinstance(value, int) or value not in self.values:
            return f"expected one of {list(self.values)}, got {short_repr(value)}"
        return None


def _labels_map(owner: str, labels: object) -> dict[str, str]:
    if isinstance(labels, Mapping):
        pairs = list(labels.items())
    elif isinstance(labels, Iterable) and not isinstance(labels, str | bytes):
        # Argilla v1 made integer labels strings: labels=list(range(5)) gives "0".."4"
        pairs = [
            (str(label), str(label)) if type(label) is int else (label, label) for label in labels
        ]
    else:
        raise SchemaError(f"{owner}: labels must be a list of strings or a dict, got {labels!r}")
    if len(pairs) < 2:
        raise SchemaError(f"{owner}: labels must hold at least 2 labels, got {len(pairs)}")
    seen: dict[str, str] = {}
    for value, text in pairs:
        if (
            not isinstance(value, str)
            or not value.strip()
            or not isinstance(text, str)
            or not is_unicode(value + text)
        ):
            raise SchemaError(f"{owner}: each label must be a non-empty string, got {value!r}")
        if value in seen:
            raise SchemaError(f"{owner}: label {value!r} appears twice")
        seen[value] = text
    return seen


@dataclass(frozen=True)
class LabelQuestion(_Question):
    """Pick exactly one label.

    ``labels`` is a list of strings, or a dict mapping each stored value to the text shown.

    Examples
    --------
    >>> LabelQuestion(name="topic", labels=["code", "math"]).check_value("code") is None
    True
    """

    labels: Sequence[str] | Mapping[str, str] = ()
    visible_labels: int | None = None
    kind: ClassVar[str] = "label_question"

    def __post_init__(self) -> None:
        super().__post_init__()
        owner = f"question {self.name!r}"
        object.__setattr__(self, "labels", _labels_map(owner, self.labels))
        if self.visible_labels is not None and (
            isinstance(self.visible_labels, bool)
            or not isinstance(self.visible_labels, int)
            or self.visible_labels < 1
        ):
            raise SchemaError(f"{owner}: visible_labels must be a positive int or None")

    def _label_map(self) -> dict[str, str]:
        return cast(dict[str, str], self.labels)  # normalised to a dict in __post_init__

    @property
    def label_values(self) -> list[str]:
        """The stored values of the labels, in order."""
        return list(self._label_map())

    def _extra(self) -> dict[str, Any]:
        return {
            "labels": [{"value": v, "text": t} for v, t in self._label_map().items()],
            "visible_labels": self.visible_labels,
        }

    def check_value(self, value: object) -> str | None:
        """Say what is wrong with ``value`` as a label, or return None."""
        if not isinstance(value, str) or value not in self._label_map():
            return f"expected one of {self.label_values}, got {short_repr(value)}"
        return None


@dataclass(frozen=True)
class MultiLabelQuestion(LabelQuestion):
    """Pick one or more labels.

    Examples
    --------
    >>> q = MultiLabelQuestion(name="tags", labels=["a", "b", "c"])
    >>> q.check_value(["a", "c"]) is None
    True
    """

    labels_order: str = "natural"
    kind: ClassVar[str] = "multi_label_question"

    def __post_init__(self) -> None:
        super().__post_init__()
        order = getattr(self.labels_order, "value", self.labels_order)
        if order not in ("natural", "suggestion"):
            raise SchemaError(
                f"question {self.name!r}: labels_order must be 'natural' or 'suggestion', "
                f"got {self.labels_order!r}"
            )
        object.__setattr__(self, "labels_order", order)

    def _extra(self) -> dict[str, Any]:
        # Argilla v1's option; "suggestion" lists suggested labels first in its UI
        return {**super()._extra(), "labels_order": self.labels_order}

    def check_value(self, value: object) -> str | None:
        """Say what is wrong with ``value`` as a list of labels, or return None."""
        if (
            not isinstance(value, list)
            or not value
            or any(not isinstance(v, str) or v not in self._label_map() for v in value)
            or len(set(value)) != len(value)
        ):
            return (
                f"expected a non-empty list of distinct labels from {self.label_values}, "
                f"got {short_repr(value)}"
            )
        return None


@dataclass(frozen=True)
class RankingQuestion(_Question):
    """Order a fixed set of options; the answer is ``[{"value": v, "rank": r}, ...]``, 1 = best.

    Two options may share a rank (a tie) only with ``ties=True``; by default each option has a
    rank of its own. (Argilla v1 and v2 accept ties on every ranking question.)

    Examples
    --------
    >>> q = RankingQuestion(name="best", values=["reply-1", "reply-2"])
    >>> q.check_value([{"value": "reply-1", "rank": 1}, {"value": "reply-2", "rank": 2}]) is None
    True
    >>> print(q.check_value([{"value": "reply-1", "rank": 1}, {"value": "reply-2", "rank": 1}]))
    ... # doctest: +ELLIPSIS
    'reply-1' and 'reply-2' share rank 1: this question allows no ties (...ties=True))
    """

    values: Sequence[str] | Mapping[str, str] = ()
    ties: bool = False
    kind: ClassVar[str] = "ranking_question"

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "values", _labels_map(f"question {self.name!r}", self.values))
        _check_bool(f"question {self.name!r}", "ties", self.ties)

    def _value_map(self) -> dict[str, str]:
        return cast(dict[str, str], self.values)  # normalised to a dict in __post_init__

    def _extra(self) -> dict[str, Any]:
        # a schema stored before `ties` existed has no key, and reads as ties=False
        return {
            "values": [{"value": v, "text": t} for v, t in self._value_map().items()],
            "ties": self.ties,
        }

    def check_value(self, value: object) -> str | None:
        """Say what is wrong with ``value`` as a ranking, or return None."""
        options = list(self._value_map())
        expected = (
            f"expected a list of {{'value', 'rank'}} covering each of {options} once "
            "with ranks from 1"
        )
        if not isinstance(value, list) or len(value) != len(options):
            return f"{expected}, got {short_repr(value)}"
        seen = set()
        for item in value:
            if (
                not isinstance(item, dict)
                or set(item) != {"value", "rank"}
                or item["value"] not in options
                or isinstance(item["rank"], bool)
                or not isinstance(item["rank"], int)
                or not 1 <= item["rank"] <= len(options)
            ):
                return f"{expected}, got {short_repr(value)}"
            seen.add(item["value"])
        if len(seen) != len(options):
            return f"{expected}, got {short_repr(value)}"
        if not self.ties:
            holder: dict[int, object] = {}
            for item in value:
                if item["rank"] in holder:
                    return (
                        f"{holder[item['rank']]!r} and {item['value']!r} share rank "
                        f"{item['rank']}: this question allows no ties (give each its own rank, "
                        "or ask with RankingQuestion(..., ties=True))"
                    )
                holder[item["rank"]] = item["value"]
        return None


Question = TextQuestion | RatingQuestion | LabelQuestion | MultiLabelQuestion | RankingQuestion

for _cls in (
    TextField,
    TextQuestion,
    RatingQuestion,
    LabelQuestion,
    MultiLabelQuestion,
    RankingQuestion,
):
    checked_arguments(_cls)

_QUESTIONS: dict[str, type[Any]] = {
    c.kind: c
    for c in (TextQuestion, RatingQuestion, LabelQuestion, MultiLabelQuestion, RankingQuestion)
}


def _from_dict(registry: Mapping[str, type[Any]], data: Mapping[str, Any]) -> Any:
    kind = data.get("kind")
    cls = registry.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise SchemaError(f"unknown kind {kind!r}: expected one of {sorted(registry)}")
    kwargs = dict(data)
    kwargs.pop("kind")
    if cls in (LabelQuestion, MultiLabelQuestion):
        kwargs["labels"] = {d["value"]: d["text"] for d in kwargs["labels"]}
    if cls is RankingQuestion:
        kwargs["values"] = {d["value"]: d["text"] for d in kwargs["values"]}
    try:
        return cls(**kwargs)
    except TypeError as exc:
        raise SchemaError(f"{kind} {data.get('name')!r}: {exc}") from None


@dataclass(frozen=True)
class Schema:
    """The dataset's fields, questions, metadata properties and guidelines, checked together."""

    fields: tuple[TextField | ChatField, ...]
    questions: tuple[Question, ...]
    metadata_properties: tuple[MetadataProperty, ...] = ()
    guidelines: str | None = None
    distribution: TaskDistribution | None = None
    allow_extra_metadata: bool = True  # Argilla v1: undeclared metadata keys are accepted
    vectors_settings: tuple[VectorSettings, ...] = ()

    def __post_init__(self) -> None:
        _check_bool("dataset", "allow_extra_metadata", self.allow_extra_metadata)
        vectors = self._as_tuple("vectors_settings", self.vectors_settings, (VectorSettings,))
        if len({v.name for v in vectors}) != len(vectors):
            raise SchemaError("vectors_settings: each name must be unique")
        object.__setattr__(self, "vectors_settings", vectors)
        if self.distribution is not None:  # None: not set up for a team (min_submitted=1)
            object.__setattr__(self, "distribution", check_distribution(self.distribution))
        # plain copies: a dataset's bound fields and questions edit that dataset, not this one
        fields_ = tuple(map(plain, self._as_tuple("fields", self.fields, (TextField, ChatField))))
        questions = tuple(
            map(plain, self._as_tuple("questions", self.questions, tuple(_QUESTIONS.values())))
        )
        props = self._as_tuple(
            "metadata_properties", self.metadata_properties, tuple(_METADATA.values())
        )
        if not fields_:
            raise SchemaError("fields: expected at least one TextField or ChatField, got none")
        if not questions:
            raise SchemaError("questions: expected at least one question, got none")
        names: dict[str, str] = {}
        for kind, items in (("field", fields_), ("question", questions)):
            for item in items:
                if item.name in names:
                    raise SchemaError(
                        f"{kind} name {item.name!r} is already used by a {names[item.name]}: "
                        "names must be unique across fields and questions"
                    )
                names[item.name] = kind
        texts = [f.name for f in fields_ if isinstance(f, TextField)]
        for q in questions:  # a span question points into one of the dataset's text fields
            target = getattr(q, "field", None)
            if q.kind == "span_question" and target not in texts:
                raise SchemaError(
                    f"question {q.name!r}: field {target!r} is not one of the dataset's text "
                    f"fields {texts}"
                )
        if not any(f.required for f in fields_):
            raise SchemaError("fields: expected at least one required field, got none")
        if not any(q.required for q in questions):
            raise SchemaError("questions: expected at least one required question, got none")
        chats = [f.name for f in fields_ if isinstance(f, ChatField)]
        for q in questions:
            if q.turns_of is not None and (
                q.turns_of not in chats or q.kind in ("ranking_question", "span_question")
            ):
                raise SchemaError(
                    f"question {q.name!r}: turns_of={q.turns_of!r} must name a ChatField "
                    f"(chat fields: {chats}) and the question must be a text, rating, label or "
                    "multi-label question"
                )
        if len({p.name for p in props}) != len(props):
            raise SchemaError("metadata_properties: each name must be unique")
        if self.guidelines is not None and not isinstance(self.guidelines, str):
            raise SchemaTypeError(
                f"dataset: guidelines must be a string or None, got {self.guidelines!r}"
            )
        check_optional_str("dataset", "guidelines", self.guidelines)
        if self.guidelines is not None and not self.guidelines.strip():
            raise SchemaError("dataset: guidelines must be non-empty text or None, got empty text")
        object.__setattr__(self, "fields", fields_)
        object.__setattr__(self, "questions", questions)
        object.__setattr__(self, "metadata_properties", props)
        # name lookups happen on every answer: keep them O(1)
        object.__setattr__(self, "_by_name", {i.name: i for i in (*fields_, *questions)})
        object.__setattr__(self, "_questions", {q.name: q for q in questions})
        object.__setattr__(self, "_chats", tuple(chats))
        object.__setattr__(self, "_required", tuple(q.name for q in questions if q.required))
        object.__setattr__(
            self,
            "_checks",
            {
                q.name: q.check_value if q.turns_of is None else per_turn_check(q.check_value)
                for q in questions
            },
        )
        object.__setattr__(
            self, "_spans", {q.name: q for q in questions if q.kind == "span_question"}
        )
        object.__setattr__(
            self, "_turns", {q.name: q.turns_of for q in questions if q.turns_of is not None}
        )

    @staticmethod
    def _as_tuple(what: str, items: object, types: tuple[type, ...]) -> tuple[Any, ...]:
        if isinstance(items, types):
            items = [items]
        if not isinstance(items, Iterable) or isinstance(items, str | bytes | Mapping):
            raise SchemaTypeError(f"{what}: expected a list, got {type(items).__name__}")
        out = tuple(items)
        for i, item in enumerate(out):
            if not isinstance(item, types):
                names = ", ".join(t.__name__ for t in types)
                raise SchemaTypeError(f"{what}[{i}]: expected one of {names}, got {item!r}")
        return out

    @property
    def field_names(self) -> list[str]:
        """Names of the fields, in order."""
        return [f.name for f in self.fields]

    @property
    def question_names(self) -> list[str]:
        """Names of the questions, in order."""
        return [q.name for q in self.questions]

    @property
    def metadata_names(self) -> list[str]:
        """Names of the declared metadata properties, in order."""
        return [p.name for p in self.metadata_properties]

    def field(self, name: str) -> TextField | ChatField | None:
        """Return the field called ``name``, or None."""
        item = self._by_name.get(name)  # type: ignore[attr-defined]
        return item if isinstance(item, TextField | ChatField) else None

    @property
    def chat_field_names(self) -> tuple[str, ...]:
        """Names of the fields holding conversations (``ChatField``), in order."""
        return self._chats  # type: ignore[attr-defined, no-any-return]

    @property
    def turn_questions(self) -> dict[str, str]:
        """``{question name: chat field name}`` for the questions asked of each assistant turn."""
        return self._turns  # type: ignore[attr-defined, no-any-return]

    def question(self, name: str) -> Question | None:
        """Return the question called ``name``, or None."""
        return self._questions.get(name)  # type: ignore[attr-defined, no-any-return]

    @property
    def value_checks(self) -> dict[str, Callable[[object], str | None]]:
        """Each question's ``check_value``, by question name (an answer is checked by name)."""
        return self._checks  # type: ignore[attr-defined, no-any-return]

    @property
    def span_questions(self) -> dict[str, Any]:
        """The span questions by name (their answers are also checked against a field's text)."""
        return self._spans  # type: ignore[attr-defined, no-any-return]

    @property
    def required_question_names(self) -> tuple[str, ...]:
        """Names of the questions a submitted response must answer, in order."""
        return self._required  # type: ignore[attr-defined, no-any-return]

    def metadata_property(self, name: str) -> MetadataProperty | None:
        """Return the metadata property called ``name``, or None."""
        return next((p for p in self.metadata_properties if p.name == name), None)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form stored in ``schema.json`` and sent to the widget."""
        return {
            "fields": [f.to_dict() for f in self.fields],
            "questions": [q.to_dict() for q in self.questions],
            "metadata_properties": [p.to_dict() for p in self.metadata_properties],
            "guidelines": self.guidelines,
            "distribution": None if self.distribution is None else self.distribution.to_dict(),
            "allow_extra_metadata": self.allow_extra_metadata,
            "vectors_settings": [v.to_dict() for v in self.vectors_settings],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Schema:
        """Rebuild a schema from ``to_dict`` output."""
        try:
            fields_ = [
                (ChatField if d.get("kind") == ChatField.kind else TextField)(
                    **{k: v for k, v in d.items() if k != "kind"}
                )
                for d in data["fields"]
            ]
            questions = [_from_dict(_QUESTIONS, d) for d in data["questions"]]
            props = [_from_dict(_METADATA, d) for d in data.get("metadata_properties", [])]
            vectors = [VectorSettings(**d) for d in data.get("vectors_settings", [])]
        except (KeyError, TypeError, AttributeError) as exc:
            raise SchemaError(f"schema: malformed ({exc!r})") from None
        given = data.get("distribution")
        distribution = None if given is None else TaskDistribution.from_dict(given)
        return cls(
            tuple(fields_),
            tuple(questions),
            tuple(props),
            data.get("guidelines"),
            distribution,
            bool(data.get("allow_extra_metadata", True)),  # absent before it existed: v1's default
            tuple(vectors),
        )


def question_named(
    schema: Schema, item: Any, where: str, error: type[Exception] = SchemaError
) -> Question:
    """Return the schema's question given by name or as an object, or raise ``error``."""
    name = item if isinstance(item, str) else getattr(item, "name", None)
    found = schema.question(name) if isinstance(name, str) else None
    if found is None:
        shown = name if name is not None else item
        raise error(
            f"{where}: no question {shown!r} in the dataset; expected one of "
            f"{schema.question_names}"
        )
    return found
