"""Span questions: mark parts of a field's text and give each a label (Argilla v1's ``SpanQuestion``).

An answer is a list of spans, each ``{"start", "end", "label", "score"}`` with ``start`` and
``end`` character offsets into the field's text (``end`` excluded, as in Python slices). It is
stored as the answer JSON like every other value. ``SpanValueSchema`` builds one span; it is a
dict, so it is stored, compared and exported as one, and reads as v1's object too
(``span.start``). ``SpanQuestion.check_value`` checks the shape, the labels and the overlaps;
the offsets are checked against the record's text by ``span_text_problem``, which the answer and
suggestion checks call with the record's fields.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any, ClassVar

from nb_feedback.base.errors import SchemaError
from nb_feedback.domain._checks import (
    _check_bool,
    check_name,
    checked_arguments,
    is_unicode,
    short_repr,
)
from nb_feedback.domain.schema import _QUESTIONS, _Question

DEFAULT_VISIBLE_LABELS = 20
"""Labels shown before "more" when ``visible_labels`` is not given (Argilla v1's default)."""


@dataclass(frozen=True)
class SpanLabelOption:
    """One label of a span question: the stored ``value``, the ``text`` shown, a ``description``."""

    value: str
    text: str | None = None
    description: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.value, str) or not self.value.strip() or not is_unicode(self.value):
            raise SchemaError(f"span label: value must be a non-empty string, got {self.value!r}")
        if self.text is None:
            object.__setattr__(self, "text", self.value)


class SpanValueSchema(dict[str, Any]):
    """One marked span: ``start`` and ``end`` offsets into the field's text, its ``label``, a ``score``.

    A dict (stored and compared as one) that also reads as attributes, as in Argilla v1.

    Examples
    --------
    >>> s = SpanValueSchema(start=0, end=5, label="name")
    >>> s.end, s == {"start": 0, "end": 5, "label": "name", "score": None}
    (5, True)
    """

    def __init__(self, start: int, end: int, label: str, score: float | None = None) -> None:
        for name, offset in (("start", start), ("end", end)):
            if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
                raise SchemaError(f"span: {name} must be an integer >= 0, got {offset!r}")
        if end <= start:
            raise SchemaError(
                f"span: the end of the span must be greater than the start, got start={start}, "
                f"end={end}"
            )
        if not isinstance(label, str) or not label:
            raise SchemaError(f"span: label must be a non-empty string, got {label!r}")
        if score is not None and (isinstance(score, bool) or not isinstance(score, int | float)):
            raise SchemaError(f"span: score must be a number or None, got {score!r}")
        super().__init__(start=start, end=end, label=label, score=score)

    @property
    def start(self) -> int:
        """The first character of the span."""
        return int(self["start"])

    @property
    def end(self) -> int:
        """The character just after the span."""
        return int(self["end"])

    @property
    def label(self) -> str:
        """The span's label."""
        return str(self["label"])

    @property
    def score(self) -> float | None:
        """The model's confidence, for a suggested span (or None)."""
        score: float | None = self.get("score")
        return score


def _span_labels(owner: str, labels: object) -> dict[str, str]:
    """Return ``{value: text}``; integer labels become strings, as v1 made them."""
    if isinstance(labels, Mapping):
        pairs = [(str(k) if isinstance(k, int) else k, v) for k, v in labels.items()]
    elif isinstance(labels, Iterable) and not isinstance(labels, str | bytes):
        pairs = []
        for item in labels:
            if isinstance(item, SpanLabelOption):
                pairs.append((item.value, item.text or item.value))
            elif isinstance(item, Mapping) and "value" in item:  # the schema.json form
                pairs.append((item["value"], item.get("text") or item["value"]))
            elif isinstance(item, int) and not isinstance(item, bool):
                pairs.append((str(item), str(item)))
            else:
                pairs.append((item, item))
    else:
        raise SchemaError(f"{owner}: labels must be a list or a dict, got {labels!r}")
    if not pairs:
        raise SchemaError(f"{owner}: at least one label must be provided, got none")
    out: dict[str, str] = {}
    for value, text in pairs:
        if not isinstance(value, str) or not value.strip() or not isinstance(text, str):
            raise SchemaError(f"{owner}: each label must be a non-empty string, got {value!r}")
        if value in out:
            raise SchemaError(f"{owner}: label {value!r} appears twice (duplicated items)")
        out[value] = text
    return out


@dataclass(frozen=True)
class SpanQuestion(_Question):
    """Mark parts of one field's text and label each (names, claims, errors).

    ``field`` names the text field the spans point into. ``labels`` is a list of strings (or
    ``SpanLabelOption``), or a dict mapping each stored value to the text shown. Spans may
    overlap only when ``allow_overlapping`` is True. ``visible_labels`` (at least 3, default 20)
    is how many labels show before "more", as in Argilla v1.

    Examples
    --------
    >>> q = SpanQuestion(name="entities", field="text", labels=["PER", "ORG", "LOC"])
    >>> q.check_value([{"start": 0, "end": 4, "label": "PER"}]) is None
    True
    >>> q.check_value([{"start": 0, "end": 4, "label": "PER"}, {"start": 2, "end": 6, "label": "ORG"}])
    'spans 0 and 1 overlap (0-4 and 2-6): this question does not allow overlapping spans'
    """

    field: str = ""
    labels: Sequence[Any] | Mapping[str, str] = ()
    allow_overlapping: bool = False
    visible_labels: int | None = DEFAULT_VISIBLE_LABELS
    kind: ClassVar[str] = "span_question"
    _label_texts: dict[str, str] = dataclass_field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        owner = f"question {self.name!r}"
        check_name(f"{owner}: field", self.field)
        _check_bool(owner, "allow_overlapping", self.allow_overlapping)
        labels = _span_labels(owner, self.labels)
        object.__setattr__(self, "labels", [SpanLabelOption(v, t) for v, t in labels.items()])
        object.__setattr__(self, "_label_texts", labels)
        object.__setattr__(self, "visible_labels", self._visible(len(labels)))

    def _visible(self, count: int) -> int | None:
        visible = self.visible_labels
        if visible is None:
            return None
        if isinstance(visible, bool) or not isinstance(visible, int) or visible < 3:
            raise SchemaError(
                f"question {self.name!r}: visible_labels must be an integer >= 3 or None "
                f"(greater than or equal to 3), got {visible!r}"
            )
        if count < 3:
            warnings.warn(
                f"question {self.name!r}: since `labels` has less than 3 labels, "
                "`visible_labels` will be set to `None` (all labels shown)",
                UserWarning,
                stacklevel=4,
            )
            return None
        if visible > count:
            warnings.warn(
                f"question {self.name!r}: `visible_labels={visible}` is greater than the total "
                f"number of labels ({count}), so it will be set to `{count}`",
                UserWarning,
                stacklevel=4,
            )
            return count
        return visible

    @property
    def label_values(self) -> list[str]:
        """The stored values of the labels, in order."""
        return list(self._label_texts)

    def _extra(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "labels": [{"value": v, "text": t} for v, t in self._label_texts.items()],
            "allow_overlapping": self.allow_overlapping,
            "visible_labels": self.visible_labels,
        }

    def check_value(self, value: object) -> str | None:
        """Say what is wrong with ``value`` as a list of spans, or return None.

        The offsets are checked against the field's text by ``span_text_problem``.
        """
        if not isinstance(value, list):
            return f"expected a list of spans {{'start', 'end', 'label'}}, got {short_repr(value)}"
        spans = []
        for i, span in enumerate(value):
            problem = _span_problem(span, self._label_texts)
            if problem:
                return f"span {i}: {problem}"
            spans.append((span["start"], span["end"], i))
        if not self.allow_overlapping:
            spans.sort()
            for (s1, e1, i1), (s2, e2, i2) in itertools.pairwise(spans):
                if s2 < e1:
                    a, b = sorted((i1, i2))
                    return (
                        f"spans {a} and {b} overlap ({s1}-{e1} and {s2}-{e2}): this question "
                        "does not allow overlapping spans"
                    )
        return None


def _span_problem(span: object, labels: Mapping[str, str]) -> str | None:
    if not isinstance(span, Mapping) or not {"start", "end", "label"} <= set(span):
        return f"expected {{'start', 'end', 'label'}} (and an optional 'score'), got {short_repr(span)}"
    if not set(span) <= {"start", "end", "label", "score"}:
        extra = sorted(set(span) - {"start", "end", "label", "score"})
        return f"unexpected keys {extra}: a span holds 'start', 'end', 'label' and 'score'"
    start, end, label, score = span["start"], span["end"], span["label"], span.get("score")
    for name, offset in (("start", start), ("end", end)):
        if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
            return f"{name} must be an integer >= 0, got {short_repr(offset)}"
    if end <= start:
        return f"end ({end}) must be greater than start ({start})"
    if label not in labels:
        return f"label {short_repr(label)} is not one of {list(labels)}"
    if score is not None and (isinstance(score, bool) or not isinstance(score, int | float)):
        return f"score must be a number or None, got {short_repr(score)}"
    return None


def span_text_problem(
    question: SpanQuestion, value: object, fields: Mapping[str, Any]
) -> str | None:
    """Say which span of ``value`` does not fit the record's text of ``question.field``, or None."""
    if not isinstance(value, list):
        return None  # check_value names what is wrong with the shape
    text = fields.get(question.field)
    length = len(text) if isinstance(text, str) else 0
    for i, span in enumerate(value):
        if isinstance(span, Mapping) and isinstance(span.get("end"), int) and span["end"] > length:
            return (
                f"span {i} ends at {span['end']}, past the end of field {question.field!r} "
                f"({length} characters)"
            )
    return None


def as_span_values(value: object) -> object:
    """Return a list of spans as ``SpanValueSchema`` (v1's objects), anything else unchanged."""
    if (
        isinstance(value, list)
        and value
        and all(isinstance(s, Mapping) and {"start", "end", "label"} <= set(s) for s in value)
    ):
        try:
            return [
                s
                if isinstance(s, SpanValueSchema)
                else SpanValueSchema(s["start"], s["end"], s["label"], s.get("score"))
                for s in value
            ]
        except SchemaError:
            return value
    return value


checked_arguments(SpanQuestion)
checked_arguments(SpanLabelOption)
_QUESTIONS[SpanQuestion.kind] = SpanQuestion
