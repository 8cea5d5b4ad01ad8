"""One question's answers and suggestions, record by record: what unification and metrics read.

Records are keyed by their id (never by their field text), so two records whose prompts are
equal stay two units of annotation.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nb_feedback.base.errors import FeedbackError
from nb_feedback.domain.schema import (
    LabelQuestion,
    MultiLabelQuestion,
    Question,
    RankingQuestion,
    RatingQuestion,
    TextQuestion,
    question_named,
)

if TYPE_CHECKING:
    from nb_feedback.store.view import DatasetView


@dataclass(frozen=True)
class Answer:
    """One annotator's answer to one question of one record."""

    record_id: str
    user: str
    status: str
    value: Any


def question_kind(question: Question) -> str:
    """Return "label", "multi_label", "rating", "ranking", "span" or "text" (multi-label first)."""
    if isinstance(question, MultiLabelQuestion):
        return "multi_label"
    if isinstance(question, LabelQuestion):
        return "label"
    if isinstance(question, RatingQuestion):
        return "rating"
    if isinstance(question, RankingQuestion):
        return "ranking"
    if question.kind == "span_question":
        return "span"
    assert isinstance(question, TextQuestion)
    return "text"


def resolve_question(ds: DatasetView, question: Any, where: str) -> Question:
    """Return the dataset's question named by ``question`` (a name or a question object)."""
    found = question_named(ds.schema, question, where, FeedbackError)
    if found.turns_of is not None:  # its answers are {"<turn>": value}, not one value
        raise FeedbackError(
            f"{where}: question {found.name!r} is asked of each assistant turn of "
            f"{found.turns_of!r}; unification and metrics take questions asked of the whole "
            "record (read per-turn answers with to_kto or to_preference)"
        )
    return found


def answers(
    ds: DatasetView, question: Question, statuses: Sequence[str] | None = None
) -> list[Answer]:
    """Return every answer to ``question`` (in record order, then by user), optionally by status.

    A response that leaves the question out (a draft, a discarded record) gives no answer.
    """
    frame = ds.responses_frame()
    wanted = None if statuses is None else {str(s) for s in statuses}
    order = {record.id: i for i, record in enumerate(ds.records)}
    out = []
    columns = [frame[c].tolist() for c in ("record_id", "user", "status", "values")]
    for record_id, user, status, values in zip(*columns, strict=True):
        if wanted is not None and status not in wanted:
            continue
        value = values.get(question.name) if isinstance(values, Mapping) else None
        if value is None or value == []:
            continue
        out.append(Answer(str(record_id), str(user), str(status), value))
    out.sort(key=lambda a: (order.get(a.record_id, len(order)), a.user))
    return out


def suggestions(ds: DatasetView, question: Question) -> dict[str, Any]:
    """Return ``{record_id: suggested value}`` for the records with a suggestion to ``question``."""
    frame = ds.to_pandas()  # one pass over the stored suggestions, no record loaded one by one
    out: dict[str, Any] = {}
    for record_id, items in zip(frame["id"], frame["suggestions"], strict=True):
        for suggestion in items or []:
            if suggestion.get("question_name") == question.name:
                out.setdefault(str(record_id), suggestion.get("value"))
    return out


def ranking_by_item(question: RankingQuestion, value: Any) -> tuple[int, ...]:
    """Return the ranks of a ranking answer listed by the question's items, not as given.

    Argilla v1 compared rankings in the order their items happened to be listed; two equal
    rankings listed in different orders then looked different.
    """
    items = list(question.values)
    if isinstance(value, Mapping) and "rank" in value and "value" in value:
        pairs = dict(zip(value["value"], value["rank"], strict=True))  # format_as layout
    else:
        pairs = {item["value"]: item["rank"] for item in value}
    return tuple(int(pairs[item]) for item in items)


def comparable(question: Question, kind: str, value: Any) -> Hashable:
    """Return an answer in the form two answers are compared in (agreement, metrics, disputes).

    A label set becomes a frozenset, a ranking its ranks by item (``ranking_by_item``).
    """
    if kind == "multi_label":
        return frozenset(value)
    if kind == "ranking":
        assert isinstance(question, RankingQuestion)
        return ranking_by_item(question, value)
    return value  # type: ignore[no-any-return]
