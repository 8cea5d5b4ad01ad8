"""Records, responses and suggestions as users see them, and their Argilla v1 input forms."""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from nb_feedback._checks import is_unicode
from nb_feedback._protocol import STATUSES
from nb_feedback.errors import ResponseError


class ResponseStatus(str, Enum):
    """The status of one annotator's response to one record."""

    submitted = "submitted"
    draft = "draft"
    discarded = "discarded"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Response:
    """One annotator's answers to one record.

    Examples
    --------
    >>> Response(user="labeler-1", values={"demonstration": "Hi"}).status
    'submitted'
    """

    user: str
    values: dict[str, Any]
    status: str = "submitted"
    updated_at: float | None = None
    time_spent: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return a plain dict (the form ``to_pandas`` shows)."""
        return {
            "user": self.user,
            "values": self.values,
            "status": self.status,
            "updated_at": self.updated_at,
            "time_spent": self.time_spent,
        }


@dataclass(frozen=True)
class Suggestion:
    """A model's proposed answer to one question, shown pre-filled to annotators."""

    question_name: str
    value: Any
    score: float | None = None
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
    user_id: str | None = None,
    values: Mapping[str, Any] | None = None,
    status: str = "submitted",
    **kwargs: Any,
) -> dict[str, Any]:
    """Build a response in Argilla v1's form (``rg.ResponseSchema``), accepted by ``FeedbackRecord``.

    Examples
    --------
    >>> ResponseSchema(user_id="a", values={"q": {"value": "x"}})["status"]
    'submitted'
    """
    return {"user_id": user_id, "values": dict(values or {}), "status": str(status), **kwargs}


def SuggestionSchema(
    question_name: str, value: Any, score: float | None = None, agent: str | None = None, **_: Any
) -> dict[str, Any]:
    """Build a suggestion in Argilla v1's form (``rg.SuggestionSchema``)."""
    return {"question_name": question_name, "value": value, "score": score, "agent": agent}


@dataclass
class FeedbackRecord:
    """One item to annotate: its fields, metadata, suggestions and responses.

    ``id`` is set when the record is added to a dataset and kept across save and load.
    ``status`` is "completed" once the record has as many submitted responses as the dataset's
    ``TaskDistribution(min_submitted=...)`` asks for, else "pending".

    Examples
    --------
    >>> r = FeedbackRecord(fields={"prompt": "Name three primes."})
    >>> r.fields["prompt"]
    'Name three primes.'
    """

    fields: dict[str, Any]
    metadata: dict[str, Any] | None = None
    suggestions: Any = None
    responses: Any = None
    external_id: str | None = None
    id: str | None = None
    status: str = "pending"
    unified_responses: dict[str, Any] | None = None
    vectors: dict[str, list[float]] | None = None

    def __post_init__(self) -> None:
        self.metadata = dict(self.metadata) if self.metadata is not None else {}
        self.suggestions = list(self.suggestions) if self.suggestions is not None else []
        self.responses = list(self.responses) if self.responses is not None else []
        # Argilla v1's answers unified by compute_unified_responses: {question: [values]}
        self.unified_responses = dict(self.unified_responses or {})
        self.vectors = dict(self.vectors) if self.vectors is not None else {}


def unwrap_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """Turn Argilla v1's ``{"q": {"value": v}}`` into ``{"q": v}``; plain values pass through."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        # the type test first: isinstance(x, Mapping) is an ABC check (~0.3 us), on every answer
        if (
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
    if not isinstance(raw, Mapping):
        raise ResponseError(f"{where}: expected a response dict, got {type(raw).__name__}")
    user = raw.get("user", raw.get("user_id"))
    if not isinstance(user, str) or not user.strip() or not is_unicode(user):
        raise ResponseError(f"{where}: expected 'user' (a non-empty string), got {user!r}")
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
        user=user,
        values=unwrap_values(values),
        status=status,
        updated_at=float(updated) if updated is not None else time.time(),
        time_spent=spent,
    )


def check_status(status: object, where: str) -> str:
    """Return ``status`` as a plain string, or raise naming the allowed ones."""
    value = status.value if isinstance(status, ResponseStatus) else status
    if value not in STATUSES:
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
        if score is not None and (isinstance(score, bool) or not isinstance(score, int | float)):
            raise ResponseError(f"{where}: suggestion score must be a number, got {score!r}")
        agent = item.get("agent")
        if agent is not None and not isinstance(agent, str):
            raise ResponseError(f"{where}: suggestion agent must be a string, got {agent!r}")
        out.append(Suggestion(str(item["question_name"]), item["value"], score, agent))
    return out
