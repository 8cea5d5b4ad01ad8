"""The concept mapping between a ``Schema`` and Argilla 2's ``.argilla/settings.json``.

Argilla 2 writes its settings as the SDK's ``Settings.serialize()`` (the SDK's ``to_hub``) or as
the server's own schemas (the server's Hub export); both give each field, question and metadata
property a ``settings`` dict whose ``type`` names its kind, so one reader serves both.

Each question kind is one row of ``QUESTION_KINDS``: its Argilla type, how its options are
written and read, and how its answers and suggestions are shaped in the records' columns. A new
question kind is one more row; nothing else here changes.

Argilla 2 keeps annotators as user ids (UUIDs). ``user_uuid`` maps a name to a UUID that is the
same in every process (a name that already is a UUID stays itself), and the names travel beside
the layout in ``.argilla/nb_feedback.json``, so that a round trip gives the same annotators back.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import pyarrow as pa

from nb_feedback.base.errors import FeedbackError, HubError
from nb_feedback.domain.chat import ChatField
from nb_feedback.domain.distribution import TaskDistribution
from nb_feedback.domain.metadata import (
    FloatMetadataProperty,
    IntegerMetadataProperty,
    MetadataProperty,
    TermsMetadataProperty,
)
from nb_feedback.domain.schema import (
    LabelQuestion,
    MultiLabelQuestion,
    Question,
    RankingQuestion,
    RatingQuestion,
    Schema,
    TextField,
    TextQuestion,
)
from nb_feedback.domain.spans import SpanQuestion
from nb_feedback.domain.vectors import VectorSettings

# The namespace of the names-to-UUID rule. Changing it would give every annotator new ids on
# the next export, so it is fixed for good.
USER_NAMESPACE = uuid.UUID("6f1c2a4e-8b0d-5e3a-9c77-2d4f8a1b3e60")


def user_uuid(name: str) -> str:
    """Return the Argilla 2 user id of annotator ``name``: the same in every process.

    A name that already is a UUID (an annotator read from an Argilla export) stays itself.

    Examples
    --------
    >>> user_uuid("labeler-1") == user_uuid("labeler-1")
    True
    >>> user_uuid("0b0c6a4e-0000-4000-8000-000000000001")
    '0b0c6a4e-0000-4000-8000-000000000001'
    """
    try:
        return str(uuid.UUID(name))
    except (ValueError, AttributeError, TypeError):
        return str(uuid.uuid5(USER_NAMESPACE, name))


def _identity(question: Any, value: Any) -> Any:
    return value


def ranking_items(question: Any, value: Any) -> list[dict[str, Any]]:
    """Read a ranking as ``[{"value", "rank"}]``, from that form or an ordered list of values.

    Argilla 2's SDK holds a ranking as the values in order (best first) and the server as
    ``[{"value", "rank"}]``, the rank sometimes missing; an item without a rank takes its place.
    """
    if not isinstance(value, list):
        return value  # type: ignore[no-any-return]  # the question's check names what is wrong
    out = []
    for i, item in enumerate(value):
        if isinstance(item, Mapping):
            rank = item.get("rank")
            out.append({"value": item.get("value"), "rank": i + 1 if rank is None else rank})
        else:
            out.append({"value": item, "rank": i + 1})
    return out


def ranking_values(question: Any, value: Any) -> list[str]:
    """Return a ranking as the SDK's ordered list of values (ties keep the question's order)."""
    items = ranking_items(question, value)
    listed = {v: i for i, v in enumerate(question.values)}
    return [
        str(item["value"])
        for item in sorted(items, key=lambda it: (it["rank"], listed.get(it["value"], 0)))
    ]


def _options(mapping: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"text": text, "value": value} for value, text in mapping.items()]


def _read_options(where: str, settings: Mapping[str, Any]) -> dict[str, str]:
    options = settings.get("options")
    if not isinstance(options, list) or not all(isinstance(o, Mapping) for o in options):
        raise HubError(f"{where}: expected 'options' as a list of {{'value', 'text'}}")
    return {str(o["value"]): str(o.get("text") or o["value"]) for o in options}


RANKING_ITEM = pa.struct([("value", pa.string()), ("rank", pa.int64())])
TEXT = pa.string()  # one shared instance: Arrow types are immutable


@dataclass(frozen=True)
class QuestionKind:
    """One question kind: its Argilla 2 type, options, and the shape of its values in columns.

    ``answer_type`` / ``suggestion_type`` are the Arrow types of one answer and one suggestion
    in the records' columns; ``response_out`` / ``suggestion_out`` shape an answer or a
    suggestion for a layout (``"argilla"`` or ``"argilla-server"``); ``value_in`` reads either
    layout's form back.
    """

    cls: type[Any]
    argilla_type: str
    settings_of: Callable[[Any], dict[str, Any]]
    build: Callable[[dict[str, Any], Mapping[str, Any], str], Any]
    answer_type: pa.DataType = TEXT
    suggestion_type: pa.DataType | None = None  # None: as answer_type
    response_out: Callable[[Any, Any], Any] = _identity
    suggestion_out: Callable[[Any, Any, str], Any] = lambda q, v, layout: v
    value_in: Callable[[Any, Any], Any] = _identity


@dataclass(frozen=True)
class FieldKind:
    """One field kind: its Argilla 2 type, its settings and the Arrow type of its column."""

    cls: type[Any]
    argilla_type: str
    arrow_type: pa.DataType
    settings_of: Callable[[Any], dict[str, Any]]
    build: Callable[[dict[str, Any], Mapping[str, Any]], Any]


def _ranking_suggestion_out(question: Any, value: Any, layout: str) -> Any:
    # The values in order, in both layouts: the server's export holds [{"value", "rank"}],
    # which Argilla 2's SDK turns into the text of each dict on reading; this form it reads.
    return ranking_values(question, value)


SPAN_ITEM = pa.struct(
    [("start", pa.int64()), ("end", pa.int64()), ("label", pa.string()), ("score", pa.float64())]
)


def span_items(question: Any, value: Any) -> Any:
    """Read spans as ``[{"start", "end", "label"}]``, each with its ``score`` when it has one.

    Argilla 2 holds a span as ``{start, end, label}``; nb_feedback's layouts add the span's
    score (null when none), which Argilla's readers pass over.
    """
    if not isinstance(value, list):
        return value  # the question's check names what is wrong
    out = []
    for item in value:
        if not isinstance(item, Mapping):
            out.append(item)
            continue
        span = {k: item.get(k) for k in ("start", "end", "label")}
        if item.get("score") is not None:
            span["score"] = item["score"]
        out.append(span)
    return out


def spans_in(value: Any, score: Any) -> tuple[Any, Any]:
    """Read a span suggestion as nb_feedback holds it: one score per span inside each span.

    Argilla 2 scores a span suggestion's spans in a list beside it (``score``); a list as long
    as the spans moves into them. A single score, or spans scored already, stay as they are.
    """
    value = span_items(None, value)
    if (
        isinstance(value, list)
        and isinstance(score, list)
        and len(score) == len(value)
        and all(isinstance(i, Mapping) and "score" not in i for i in value)
    ):
        return [{**i, "score": x} for i, x in zip(value, score, strict=True)], None
    return value, score


def _span_out(question: Any, value: Any) -> Any:
    if not isinstance(value, list):
        return value
    return [
        {"start": i["start"], "end": i["end"], "label": i["label"], "score": i.get("score")}
        for i in value
    ]


def _span_question(common: dict[str, Any], s: Mapping[str, Any], where: str) -> SpanQuestion:
    labels = _read_options(where, s)
    visible = s.get("visible_options")
    if len(labels) < 3 or (visible is not None and not 3 <= visible <= len(labels)):
        visible = None  # Argilla shows every label then; nb_feedback's rule says the same
    field = s.get("field")
    if not isinstance(field, str):
        raise HubError(f"{where}: a span question names its text field in 'field'")
    return SpanQuestion(
        **common,
        field=field,
        labels=labels,
        allow_overlapping=bool(s.get("allow_overlapping", False)),
        visible_labels=visible,
    )


QUESTION_KINDS: dict[str, QuestionKind] = {
    "text": QuestionKind(
        TextQuestion,
        "text",
        lambda q: {"type": "text", "use_markdown": q.use_markdown},
        lambda common, s, where: TextQuestion(
            **common, use_markdown=bool(s.get("use_markdown", False))
        ),
    ),
    "rating": QuestionKind(
        RatingQuestion,
        "rating",
        lambda q: {"type": "rating", "options": [{"value": v} for v in q.values]},
        lambda common, s, where: RatingQuestion(
            **common, values=[int(o["value"]) for o in s.get("options") or []]
        ),
        answer_type=pa.int64(),
    ),
    "label_selection": QuestionKind(
        LabelQuestion,
        "label_selection",
        lambda q: {
            "type": "label_selection",
            "options": _options(q.labels),
            "visible_options": q.visible_labels,
        },
        lambda common, s, where: LabelQuestion(
            **common, labels=_read_options(where, s), visible_labels=s.get("visible_options")
        ),
    ),
    "multi_label_selection": QuestionKind(
        MultiLabelQuestion,
        "multi_label_selection",
        lambda q: {
            "type": "multi_label_selection",
            "options": _options(q.labels),
            "visible_options": q.visible_labels,
            "options_order": q.labels_order,
        },
        lambda common, s, where: MultiLabelQuestion(
            **common,
            labels=_read_options(where, s),
            visible_labels=s.get("visible_options"),
            labels_order=s.get("options_order") or "natural",
        ),
        answer_type=pa.list_(pa.string()),
        value_in=lambda q, v: list(v) if isinstance(v, list | tuple) else v,
    ),
    "ranking": QuestionKind(
        RankingQuestion,
        "ranking",
        lambda q: {"type": "ranking", "options": _options(q.values)},
        # Argilla (v1 and v2 alike) accepts tied ranks on every ranking question
        lambda common, s, where: RankingQuestion(
            **common, values=_read_options(where, s), ties=True
        ),
        answer_type=pa.list_(RANKING_ITEM),
        suggestion_type=pa.list_(pa.string()),  # the values in order: _ranking_suggestion_out
        response_out=ranking_items,
        suggestion_out=_ranking_suggestion_out,
        value_in=ranking_items,
    ),
    "span": QuestionKind(
        SpanQuestion,
        "span",
        lambda q: {
            "type": "span",
            "field": q.field,
            "options": [{"value": o.value, "text": o.text} for o in q.labels],
            "visible_options": q.visible_labels,
            "allow_overlapping": q.allow_overlapping,
        },
        _span_question,
        answer_type=pa.list_(SPAN_ITEM),
        response_out=_span_out,
        suggestion_out=lambda q, v, layout: _span_out(q, v),
        value_in=span_items,
    ),
}


MESSAGE = pa.struct([("role", pa.string()), ("content", pa.string())])

FIELD_KINDS: dict[str, FieldKind] = {
    "text": FieldKind(
        TextField,
        "text",
        pa.string(),
        lambda f: {"type": "text", "use_markdown": f.use_markdown},
        lambda common, s: TextField(**common, use_markdown=bool(s.get("use_markdown", False))),
    ),
    # a conversation: the same list of {role, content} messages on both sides
    "chat": FieldKind(
        ChatField,
        "chat",
        pa.list_(MESSAGE),
        lambda f: {"type": "chat", "use_markdown": f.use_markdown},
        lambda common, s: ChatField(**common, use_markdown=bool(s.get("use_markdown", True))),
    ),
}


def field_kind_of(field: Any) -> FieldKind:
    """Return the mapping row of ``field``."""
    for kind in FIELD_KINDS.values():
        if type(field) is kind.cls:
            return kind
    raise HubError(f"field {field.name!r}: Argilla 2 has no counterpart for {type(field).__name__}")


def kind_of(question: Question) -> QuestionKind:
    """Return the mapping row of ``question`` (the most derived class listed wins)."""
    if getattr(question, "turns_of", None) is not None:
        raise HubError(
            f"question {question.name!r} is asked of each turn of a conversation; Argilla 2 "
            "asks questions of whole records only"
        )
    for kind in QUESTION_KINDS.values():
        if type(question) is kind.cls:
            return kind
    for kind in QUESTION_KINDS.values():
        if isinstance(question, kind.cls):
            return kind
    raise HubError(
        f"question {question.name!r}: Argilla 2 has no counterpart for {type(question).__name__}"
    )


def _common(kind: str, item: Any) -> dict[str, Any]:
    """Return the keys every Argilla 2 setting carries (null until it is on a server)."""
    return {"id": None, "inserted_at": None, "updated_at": None, "name": item.name, "type": kind}


def _metadata_settings(p: MetadataProperty) -> dict[str, Any]:
    if isinstance(p, TermsMetadataProperty):
        return {"type": "terms", "values": None if p.values is None else list(p.values)}
    if isinstance(p, IntegerMetadataProperty | FloatMetadataProperty):
        return {"type": p.kind, "min": p.min, "max": p.max}
    raise HubError(f"metadata property {p.name!r}: Argilla 2 has no counterpart")


def settings_json(schema: Schema) -> dict[str, Any]:
    """Return ``schema`` as Argilla 2's ``settings.json`` (the SDK's ``Settings.serialize()``)."""
    questions = []
    for q in schema.questions:
        kind = kind_of(q)
        questions.append(
            {
                **_common(kind.argilla_type, q),
                "settings": kind.settings_of(q),
                "title": q.label,
                "description": q.description,
                "required": q.required,
                "dataset_id": None,
            }
        )
    fields = [
        {
            **_common(field_kind_of(f).argilla_type, f),
            "settings": field_kind_of(f).settings_of(f),
            "title": f.label,
            "required": f.required,
            "description": None,
            "dataset_id": None,
        }
        for f in schema.fields
    ]
    metadata = []
    for p in schema.metadata_properties:
        entry = _common(p.kind, p)
        del entry["type"]  # the SDK gives metadata its type inside "settings" only
        metadata.append(
            {
                **entry,
                "settings": {
                    "visible_for_annotators": p.visible_for_annotators,
                    **_metadata_settings(p),
                },
                "title": p.title or p.name,
                "visible_for_annotators": p.visible_for_annotators,
                "dataset_id": None,
            }
        )
    vectors = []
    for v in schema.vectors_settings:
        entry = _common("", v)
        del entry["type"]
        vectors.append(
            {**entry, "title": v.title or v.name, "dimensions": v.dimensions, "dataset_id": None}
        )
    min_submitted = schema.distribution.min_submitted if schema.distribution else 1
    return {
        "guidelines": schema.guidelines,
        "questions": questions,
        "fields": fields,
        "vectors": vectors,
        "metadata": metadata,
        "allow_extra_metadata": schema.allow_extra_metadata,
        "distribution": {"strategy": "overlap", "min_submitted": min_submitted},
        "mapping": None,
    }


def _type_of(item: Mapping[str, Any]) -> Any:
    settings = item.get("settings")
    if isinstance(settings, Mapping) and settings.get("type") is not None:
        return settings.get("type")
    return item.get("type")


def _entries(data: Mapping[str, Any], key: str, file: str) -> list[Mapping[str, Any]]:
    items = data.get(key) or []
    if not isinstance(items, list) or not all(isinstance(i, Mapping) for i in items):
        raise HubError(f"{file}: expected {key!r} as a list of objects, got {items!r:.80}")
    for i, item in enumerate(items):
        if not isinstance(item.get("name"), str):
            raise HubError(f"{file}: {key}[{i}] has no 'name'")
    return items


def schema_from_settings(data: Any, file: str) -> Schema:
    """Read Argilla 2's ``settings.json`` (either the SDK's form or the server's) as a Schema.

    ``file`` names the file in errors. A question, field or metadata type nb_feedback lacks is
    refused, naming it.
    """
    try:
        return _schema_from_settings(data, file)
    except HubError:
        raise
    except (FeedbackError, KeyError, TypeError, ValueError) as exc:
        raise HubError(f"{file}: malformed settings ({exc})") from None


R = TypeVar("R")


def _row_of(entry: Any, kinds: Mapping[str, R], what: str, readable: str, file: str) -> R:
    """Return the row of ``kinds`` for a settings entry's type, or raise naming what is read."""
    kind = _type_of(entry)
    row = kinds.get(kind) if isinstance(kind, str) else None
    if row is None:
        raise HubError(
            f"{file}: {what} {entry['name']!r} is of type {kind!r}; nb_feedback reads {readable}"
        )
    return row


def _read_common(entry: Mapping[str, Any]) -> dict[str, Any]:
    """Return what every field and question entry of Argilla's settings names alike."""
    return {
        "name": entry["name"],
        "title": entry.get("title"),
        "required": bool(entry.get("required", True)),
    }


def _schema_from_settings(data: Any, file: str) -> Schema:
    if not isinstance(data, Mapping):
        raise HubError(f"{file}: expected a JSON object, got {type(data).__name__}")
    fields = []
    for f in _entries(data, "fields", file):
        field_row = _row_of(f, FIELD_KINDS, "field", f"{sorted(FIELD_KINDS)} fields", file)
        fields.append(field_row.build(_read_common(f), f.get("settings") or {}))
    questions = []
    for q in _entries(data, "questions", file):
        row = _row_of(q, QUESTION_KINDS, "question", f"{sorted(QUESTION_KINDS)}", file)
        qcommon = {
            **_read_common(q),
            "description": q.get("description"),
        }
        questions.append(
            row.build(qcommon, q.get("settings") or {}, f"{file}: question {q['name']!r}")
        )
    props: list[MetadataProperty] = []
    for p in _entries(data, "metadata", file):
        settings = p.get("settings") or {}
        kind = _type_of(p)
        visible = p.get("visible_for_annotators", settings.get("visible_for_annotators", True))
        common = {"name": p["name"], "title": p.get("title"), "visible_for_annotators": visible}
        if kind == "terms":
            props.append(TermsMetadataProperty(**common, values=settings.get("values")))
        elif kind == "integer":
            props.append(
                IntegerMetadataProperty(**common, min=settings.get("min"), max=settings.get("max"))
            )
        elif kind == "float":
            props.append(
                FloatMetadataProperty(**common, min=settings.get("min"), max=settings.get("max"))
            )
        else:
            raise HubError(
                f"{file}: metadata property {p['name']!r} is of type {kind!r}; nb_feedback reads "
                "'terms', 'integer' and 'float'"
            )
    vectors = [
        VectorSettings(name=v["name"], dimensions=int(v["dimensions"]), title=v.get("title"))
        for v in _entries(data, "vectors", file)
    ]
    distribution = data.get("distribution")
    min_submitted = 1
    if isinstance(distribution, Mapping):
        if distribution.get("strategy", "overlap") != "overlap":
            raise HubError(
                f"{file}: distribution strategy {distribution.get('strategy')!r}; "
                "nb_feedback knows 'overlap'"
            )
        min_submitted = int(distribution.get("min_submitted") or 1)
    allow = data.get("allow_extra_metadata")
    return Schema(
        tuple(fields),
        tuple(questions),
        tuple(props),
        data.get("guidelines"),
        # 1 is every dataset's default: kept as "not set", as a dataset made without one has it
        None if min_submitted == 1 else TaskDistribution(min_submitted=min_submitted),
        True if allow is None else bool(allow),
        tuple(vectors),
    )
