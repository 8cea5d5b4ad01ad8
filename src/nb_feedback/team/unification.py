"""Argilla v1's ``compute_unified_responses``: one answer per record from several annotators.

Strategies, as in v1: labels and multi-labels by ``majority`` or ``disagreement`` (every
submitted answer kept); ratings and rankings by ``mean``, ``majority``, ``max`` or ``min``.
Only submitted responses count. The result is stored as the dataset's unified answers
(``dataset.unified_responses[question][record_id]``, also ``record.unified_responses``) and is
what the training tasks read.

Where v1 was wrong this module is right, on purpose:

- A tie is broken by the question's own option order (the first label, the lowest rating, the
  earliest-listed ranking), not at random, so two runs give the same answers.
- The rating ``mean`` is the scale value nearest the mean (a half rounds up), an int; v1
  truncated it (a mean of 2.9 gave 2) and returned it as a string.
- A multi-label ``majority`` with no label chosen by more than half of the annotators gives the
  most chosen labels (all of them when tied); v1 picked one label at random.
- Ranking ``max``/``min`` take each item's worst/best rank over the annotators; v1 compared
  whole rank lists as tuples in their listing order.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any

from nb_feedback.base.errors import FeedbackError
from nb_feedback.domain.records import normalize_response
from nb_feedback.domain.schema import (
    LabelQuestion,
    MultiLabelQuestion,
    Question,
    RankingQuestion,
    RatingQuestion,
    TextQuestion,
)
from nb_feedback.store._changes import UnifyAnswers
from nb_feedback.team.answers_by_question import (
    Answer,
    answers,
    question_kind,
    ranking_by_item,
    resolve_question,
)

if TYPE_CHECKING:
    from nb_feedback.store.view import DatasetView


class _UnifiesRecords:
    """The strategy method every v1 strategy enum has (one body for all five)."""

    def compute_unified_responses(self, records: Any, question: Any) -> Any:
        """Unify ``question``'s submitted answers on each of ``records`` (v1's strategy method).

        Sets ``record.unified_responses[question.name]``; returns ``records``.
        """
        return unify_records(self, records, question)


class RatingQuestionStrategy(_UnifiesRecords, str, Enum):
    """How to unify ratings: mean, majority, max or min."""

    MEAN = "mean"
    MAJORITY = "majority"
    MAX = "max"
    MIN = "min"


class RankingQuestionStrategy(_UnifiesRecords, str, Enum):
    """How to unify rankings: mean, majority, max or min (per item)."""

    MEAN = "mean"
    MAJORITY = "majority"
    MAX = "max"
    MIN = "min"


class LabelQuestionStrategy(_UnifiesRecords, str, Enum):
    """How to unify labels: majority or disagreement (majority_weighted is v1's, unbuilt)."""

    MAJORITY = "majority"
    MAJORITY_WEIGHTED = "majority_weighted"
    DISAGREEMENT = "disagreement"


class MultiLabelQuestionStrategy(_UnifiesRecords, str, Enum):
    """How to unify label sets: majority or disagreement."""

    MAJORITY = "majority"
    MAJORITY_WEIGHTED = "majority_weighted"
    DISAGREEMENT = "disagreement"


class TextQuestionStrategy(_UnifiesRecords, str, Enum):
    """Texts are not merged: ``disagreement`` keeps every submitted text."""

    DISAGREEMENT = "disagreement"


_STRATEGIES: dict[str, type[Enum]] = {
    "label": LabelQuestionStrategy,
    "multi_label": MultiLabelQuestionStrategy,
    "rating": RatingQuestionStrategy,
    "ranking": RankingQuestionStrategy,
    "text": TextQuestionStrategy,
}
_DEFAULT = {"label": "majority", "multi_label": "majority", "rating": "mean"}
_DEFAULT |= {"ranking": "majority", "text": "disagreement"}


@dataclass(frozen=True)
class UnifiedValueSchema:
    """One unified answer: ``value`` and the ``strategy`` that made it."""

    value: Any
    strategy: str


@dataclass(frozen=True)
class _Unification:
    """A question with the strategy to unify its answers (v1's ``*QuestionUnification``)."""

    question: Question
    strategy: Any = None

    def __post_init__(self) -> None:
        kind = question_kind(self.question)
        object.__setattr__(self, "strategy", strategy_for(self.question, self.strategy))
        expected = _UNIFICATION_KIND[type(self).__name__]
        if kind not in expected:
            raise FeedbackError(
                f"{type(self).__name__}: question {self.question.name!r} is a "
                f"{type(self.question).__name__}; expected a {' or '.join(expected)} question"
            )


_UNIFICATION_KIND = {
    "LabelQuestionUnification": ("label", "multi_label"),
    "MultiLabelQuestionUnification": ("multi_label",),
    "RatingQuestionUnification": ("rating",),
    "RankingQuestionUnification": ("ranking",),
}


class LabelQuestionUnification(_Unification):
    """A label question and its strategy (default majority)."""


class MultiLabelQuestionUnification(_Unification):
    """A multi-label question and its strategy (default majority)."""


class RatingQuestionUnification(_Unification):
    """A rating question and its strategy (default mean)."""


class RankingQuestionUnification(_Unification):
    """A ranking question and its strategy (default majority)."""


def strategy_for(question: Question, strategy: Any) -> Enum:
    """Return ``strategy`` (a name, an enum member, or None for the default) for ``question``."""
    kind = question_kind(question)
    if kind not in _STRATEGIES:  # span answers: v1 had no strategy for them either
        raise NotImplementedError(
            f"compute_unified_responses: no strategy unifies a {type(question).__name__} "
            f"({question.name!r}); read its answers from responses_frame() or format_as()"
        )
    enum = _STRATEGIES[kind]
    name = _DEFAULT[kind] if not strategy else getattr(strategy, "value", strategy)
    try:
        return enum(name)
    except ValueError:
        raise FeedbackError(
            f"compute_unified_responses: strategy {name!r} does not apply to "
            f"{type(question).__name__} {question.name!r}; expected one of "
            f"{[m.value for m in enum]}"
        ) from None


def unification_for(question: Question, strategy: Any = None) -> _Unification:
    """Wrap a question with its strategy in the matching ``*QuestionUnification``."""
    kind = question_kind(question)
    cls = {
        "label": LabelQuestionUnification,
        "multi_label": MultiLabelQuestionUnification,
        "rating": RatingQuestionUnification,
        "ranking": RankingQuestionUnification,
    }.get(kind)
    if cls is None:
        raise FeedbackError(
            f"question {question.name!r} is a {type(question).__name__}: it has no label to unify"
        )
    return cls(question, strategy)


# ------------------------------------------------------------- strategies
def _first_by_order(tied: list[Any], order: list[Any]) -> Any:
    rank = {v: i for i, v in enumerate(order)}
    return min(tied, key=lambda v: (rank.get(v, len(rank)), repr(v)))


def _label_majority(question: LabelQuestion, values: list[Any]) -> Any:
    counts = Counter(values)
    top = max(counts.values())
    return _first_by_order([v for v, c in counts.items() if c == top], question.label_values)


def _multi_label_majority(question: MultiLabelQuestion, values: list[Any]) -> list[str]:
    counts = Counter(label for value in values for label in value)
    need = len(values) // 2 + 1
    chosen = {v for v, c in counts.items() if c >= need}
    if not chosen:
        top = max(counts.values())
        chosen = {v for v, c in counts.items() if c == top}
    return [v for v in question.label_values if v in chosen]


def _nearest_on_scale(scale: list[int], x: float) -> int:
    # a half rounds up: 2.5 on a 1..5 scale is 3
    return min(scale, key=lambda v: (abs(v - x), -v))


def _rating(question: RatingQuestion, strategy: str, values: list[int]) -> int:
    scale = sorted(question.values)
    if strategy == "mean":
        return _nearest_on_scale(scale, math.fsum(values) / len(values))
    if strategy == "max":
        return max(values)
    if strategy == "min":
        return min(values)
    counts = Counter(values)
    top = max(counts.values())
    return min(v for v, c in counts.items() if c == top)


def _ranking(question: RankingQuestion, strategy: str, values: list[Any]) -> list[dict[str, Any]]:
    items = list(question.values)
    ranks = [ranking_by_item(question, v) for v in values]
    if strategy == "majority":
        counts = Counter(ranks)
        top = max(counts.values())
        chosen = next(r for r in ranks if counts[r] == top)  # the earliest of the tied
    else:
        per_item = list(zip(*ranks, strict=True))
        if strategy == "mean":
            chosen = tuple(
                _nearest_on_scale(list(range(1, len(items) + 1)), math.fsum(r) / len(r))
                for r in per_item
            )
        elif strategy == "max":
            chosen = tuple(max(r) for r in per_item)
        else:
            chosen = tuple(min(r) for r in per_item)
    pairs = sorted(zip(chosen, items, strict=True), key=lambda p: p[0])
    return [{"value": item, "rank": int(rank)} for rank, item in pairs]


def _unified(question: Question, strategy: str, found: list[Answer]) -> list[Any]:
    values = [a.value for a in found]
    if strategy == "disagreement":
        return values
    if strategy == "majority_weighted":
        raise NotImplementedError(
            "compute_unified_responses: 'majority_weighted' is not available (Argilla v1 never "
            "built it either); use 'majority' or 'disagreement'"
        )
    if isinstance(question, MultiLabelQuestion):
        return [_multi_label_majority(question, values)]
    if isinstance(question, LabelQuestion):
        return [_label_majority(question, values)]
    if isinstance(question, RatingQuestion):
        return [_rating(question, strategy, values)]
    assert isinstance(question, RankingQuestion)
    return [_ranking(question, strategy, values)]


def _ranking_of_given(strategy: str, values: list[Any]) -> list[dict[str, Any]]:
    """Unify rankings that need not cover every option, items in the order first given."""
    items = list(dict.fromkeys(item["value"] for value in values for item in value))
    ranks = [{item["value"]: int(item["rank"]) for item in value} for value in values]
    if strategy == "majority":
        counts = Counter(tuple(sorted(r.items())) for r in ranks)
        top = max(counts.values())
        chosen = next(r for r in ranks if counts[tuple(sorted(r.items()))] == top)
    else:
        pick = {"max": max, "min": min}.get(strategy)
        chosen = {}
        for item in items:
            got = [r[item] for r in ranks if item in r]
            if pick is not None:
                chosen[item] = pick(got)
            else:
                scale = list(range(1, max(len(items), max(got)) + 1))
                chosen[item] = _nearest_on_scale(scale, math.fsum(got) / len(got))
    return [{"value": item, "rank": chosen[item]} for item in items if item in chosen]


def _unified_given(question: Question, strategy: str, values: list[Any]) -> list[Any]:
    """``_unified`` for answers read off records that may not be in a dataset (not checked)."""
    if isinstance(question, RatingQuestion):
        as_text = all(isinstance(v, str) for v in values)
        numbers = [int(v) if isinstance(v, str) else v for v in values]
        found = [Answer("", "", "submitted", v) for v in numbers]
        out = _unified(question, strategy, found)
        return [str(v) for v in out] if as_text else out
    if isinstance(question, RankingQuestion) and strategy != "disagreement":
        options = set(question.values)
        if any({item["value"] for item in v} != options for v in values):
            return [_ranking_of_given(strategy, values)]
    found = [Answer("", "", "submitted", v) for v in values]
    return _unified(question, strategy, found)


def unify_records(strategy: Any, records: Any, question: Any) -> Any:
    """Unify ``question``'s submitted answers on each record of ``records``, in place."""
    if isinstance(question, str):
        raise FeedbackError(
            "compute_unified_responses(records, question): give the question object, not its name "
            f"{question!r} (records alone do not know their dataset's questions)"
        )
    chosen = strategy_for(question, strategy).value
    for record in records:
        given = [normalize_response(r, f"response {j}") for j, r in enumerate(record.responses)]
        values = [
            r.values[question.name].value
            for r in given
            if r.status == "submitted" and question.name in r.values
        ]
        values = [_plain_value(v) for v in values]
        if values:
            record.unified_responses[question.name] = [
                UnifiedValueSchema(v, str(chosen)) for v in _unified_given(question, chosen, values)
            ]
    return records


def _plain_value(value: Any) -> Any:
    return (
        [dict(v) for v in value]
        if isinstance(value, list) and value and isinstance(value[0], dict)
        else value
    )


def unify(
    ds: DatasetView, question: Any, strategy: Any = None
) -> dict[str, list[UnifiedValueSchema]]:
    """Return ``{record_id: [UnifiedValueSchema, ...]}`` for the records with submitted answers.

    Every strategy but ``disagreement`` gives one value per record.
    """
    found = resolve_question(ds, question, "compute_unified_responses")
    chosen = strategy_for(found, strategy).value
    by_record: dict[str, list[Answer]] = {}
    for a in answers(ds, found, statuses=["submitted"]):
        by_record.setdefault(a.record_id, []).append(a)
    if isinstance(found, TextQuestion) and chosen != "disagreement":
        raise AssertionError(chosen)  # strategy_for allows only disagreement for texts
    return {
        record_id: [UnifiedValueSchema(v, str(chosen)) for v in _unified(found, chosen, group)]
        for record_id, group in by_record.items()
    }


def unification_change(ds: DatasetView, question: Any, strategy: Any = None) -> UnifyAnswers:
    """Return the change that keeps ``question``'s unified answers (the dataset commits it).

    ``question`` may be v1's ``*QuestionUnification`` (a question and its strategy).
    """
    if isinstance(question, _Unification):
        question, strategy = question.question, question.strategy
    found = resolve_question(ds, question, "compute_unified_responses")
    unified = unify(ds, found, strategy)
    return UnifyAnswers(
        found.name,
        {
            record_id: [{"value": u.value, "strategy": u.strategy} for u in values]
            for record_id, values in unified.items()
        },
    )
