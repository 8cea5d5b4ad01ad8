"""Argilla v1's annotation metrics: agreement between annotators, and answers against suggestions.

``AgreementMetric`` computes Krippendorff's alpha (the ``krippendorff`` package) with v1's
distance per question kind: nominal for labels, MASI for multi-label sets, squared interval for
ratings, and the Kendall distance for rankings. ``ModelMetric`` (per annotator) and
``UnifiedModelMetric`` (unified answers) score responses against suggestions with scikit-learn
and scipy, and return v1's result objects.

Where v1 was wrong this module is right, on purpose:

- A unit of agreement is a record (by id). v1 keyed units by the field text, so records with
  equal prompts were pooled into one unit.
- Rankings are compared item by item. v1 compared rank lists in the order items were listed.
- Precision, recall and f1 on a two-label question are macro-averaged over both labels; v1 chose
  the "positive" label at random on every call, so the number changed between runs.
- ``pearson-r`` on labels maps both sides with one label order (the question's); v1 numbered
  responses and suggestions separately, so equal labels could get different numbers.
- The multi-label confusion matrix covers every label and names its rows and columns right; v1
  kept only the first two labels and swapped "true" and "false".
- ``ndcg-score`` treats rank 1 as the most relevant item; v1 used the rank number as relevance,
  which rewards putting the worst item first.
- Unified metrics use the strategy asked for (``compute_model_metrics(strategy=...)``), or the
  answers ``compute_unified_responses`` stored; v1 unified again by majority either way.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, cast

import numpy as np
import pandas as pd

from nb_feedback.base.errors import FeedbackError
from nb_feedback.domain.schema import LabelQuestion, Question, RatingQuestion
from nb_feedback.team.answers_by_question import (
    answers,
    comparable,
    question_kind,
    resolve_question,
    suggestions,
)

if TYPE_CHECKING:
    from nb_feedback.store.view import DatasetView


@dataclass(frozen=True)
class AgreementMetricResult:
    """One agreement metric: ``metric_name``, ``count`` (answers used) and ``result``."""

    metric_name: str
    count: int
    result: float


@dataclass(frozen=True)
class ModelMetricResult:
    """One model metric: ``metric_name``, ``count`` (answers used) and ``result``.

    ``result`` is a float, or a DataFrame (confusion matrix), or a dict of DataFrames (one
    confusion matrix per label of a multi-label question).
    """

    metric_name: str
    count: int
    result: Any


# ------------------------------------------------------------------ distances
def masi_distance(a: frozenset[str], b: frozenset[str]) -> float:
    """MASI distance of two label sets (Passonneau 2006), as NLTK and Argilla v1 define it."""
    inter, union = len(a & b), len(a | b)
    if union == 0:
        return 0.0
    if a == b:
        m = 1.0
    elif inter == min(len(a), len(b)):
        m = 0.67
    elif inter > 0:
        m = 0.33
    else:
        m = 0.0
    return 1.0 - inter / union * m


def kendall_distance(a: Sequence[int], b: Sequence[int]) -> float:
    """Normalised Kendall distance of two rankings given as ranks per item (0 equal, 1 reversed).

    A pair ordered one way in ``a`` and the other in ``b`` counts 1; a pair tied in exactly one
    of them counts 1/2. Without ties this is ``(1 - tau) / 2``, v1's distance.
    """
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    n = len(x)
    if n < 2:
        return 0.0
    i, j = np.triu_indices(n, k=1)
    sx, sy = np.sign(x[i] - x[j]), np.sign(y[i] - y[j])
    discordant = np.sum(sx * sy < 0) + 0.5 * np.sum((sx == 0) != (sy == 0))
    return float(discordant / len(i))


def _distance_matrix(kind: str, domain: list[Any]) -> np.ndarray:
    n = len(domain)
    d = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            if kind == "label":
                d[i, j] = float(domain[i] != domain[j])
            elif kind == "multi_label":
                d[i, j] = masi_distance(domain[i], domain[j])
            elif kind == "rating":
                d[i, j] = float(domain[i] - domain[j]) ** 2
            else:
                d[i, j] = kendall_distance(domain[i], domain[j])
    return d


def need_metrics(module: str) -> Any:
    """Import ``module`` (of the metrics extra), or raise one error naming the extra."""
    try:
        return importlib.import_module(module)
    except ImportError:
        top = module.split(".")[0]
        raise ModuleNotFoundError(
            f"agreement and model metrics need {top!r}, part of the metrics extra: "
            "pip install 'nb_feedback[metrics]' (krippendorff, scikit-learn, scipy)",
            name=top,
        ) from None


def krippendorff_alpha(units: Mapping[str, Mapping[str, Any]], kind: str) -> float:
    """Krippendorff's alpha of ``{unit: {annotator: value}}`` with the distance of ``kind``.

    Values are coded as indices into the sorted set of distinct values, and the distance is
    looked up in a matrix over those values, so any hashable answer (a label set, a ranking)
    works with the ``krippendorff`` package.
    """
    krippendorff = need_metrics("krippendorff")

    distinct = sorted({v for per in units.values() for v in per.values()}, key=repr)
    if not distinct:
        raise FeedbackError("agreement: no answers to compare")
    code = {v: i for i, v in enumerate(distinct)}
    users = sorted({u for per in units.values() for u in per})
    data = np.full((len(users), len(units)), np.nan)
    row = {u: i for i, u in enumerate(users)}
    for col, per in enumerate(units.values()):
        for user, value in per.items():
            data[row[user], col] = code[value]
    matrix = _distance_matrix(kind, distinct)

    def distance(
        v1: np.ndarray, v2: np.ndarray, i1: np.ndarray, i2: np.ndarray, n_v: np.ndarray, **_: Any
    ) -> np.ndarray:
        # the package passes the value domain's codes; i1/i2 index them
        return np.asarray(matrix[v1.astype(int), v2.astype(int)])

    if len(distinct) == 1:
        return 1.0  # everyone gave the same answer: perfect agreement (the formula is 0/0)
    if data.shape[1] * len(distinct) ** 2 > _DENSE_LIMIT:
        # the package builds a units x values x values array: 20,000 records with 160
        # distinct label sets would take ~4 GB and a minute and a half
        return alpha_from_pairs(data, matrix)
    return float(
        krippendorff.alpha(
            reliability_data=data,
            value_domain=np.arange(len(distinct)),
            level_of_measurement=cast(Any, distance),
        )
    )


_DENSE_LIMIT = 20_000_000


def alpha_from_pairs(data: np.ndarray, distances: np.ndarray) -> float:
    """Krippendorff's alpha from the pairs of values within each unit, without a dense array.

    ``data`` is annotators x units of value codes (NaN where missing); ``distances`` the value
    distance matrix (zero on its diagonal). The same formula as the ``krippendorff`` package
    (``tests/unit/test_metrics.py`` pins the two on generated data): coincidences
    ``o[c, k] = sum over units of pairs (c, k) / (m_u - 1)``, then
    ``alpha = 1 - (n - 1) * sum(o * d) / sum(n_c * n_k * d)``.
    """
    codes = data.T  # units x annotators
    present = ~np.isnan(codes)
    m = present.sum(axis=1)
    v = len(distances)
    o = np.zeros((v, v))
    annotators = codes.shape[1]
    for i in range(annotators):
        for j in range(annotators):
            if i == j:
                continue
            both = present[:, i] & present[:, j] & (m > 1)
            np.add.at(
                o,
                (codes[both, i].astype(int), codes[both, j].astype(int)),
                1.0 / (m[both] - 1),
            )
    n_v = o.sum(axis=1)
    n = n_v.sum()
    expected = float(n_v @ distances @ n_v)
    if expected == 0:
        return 1.0
    return float(1.0 - (n - 1) * float((o * distances).sum()) / expected)


# ------------------------------------------------------------------- common
def _selected(
    ds: DatasetView,
    filter_by: Mapping[str, Any] | None,
    sort_by: Any,
    max_records: int | None,
) -> tuple[DatasetView, set[str] | None]:
    """Apply v1's ``filter_by``/``sort_by``/``max_records`` options; return the ids kept."""
    if filter_by:
        ds = ds.filter_by(**filter_by)
    if sort_by:
        ds = ds.sort_by(sort_by)
    if max_records is None:
        return ds, None
    return ds, {str(r.id) for r in ds[: int(max_records)]}


def _metric_names(
    names: str | Sequence[str] | None, allowed: Sequence[str], where: str
) -> list[str]:
    if names is None:
        return list(allowed)
    wanted = [names] if isinstance(names, str) else list(names)
    bad = [n for n in wanted if n not in allowed]
    if bad or not wanted:
        raise FeedbackError(
            f"{where}: metric {bad[0] if bad else names!r} is not available for this question; "
            f"expected one of {list(allowed)}"
        )
    return wanted


class _MetricBase:
    """What v1's metric classes share: the question, its kind, and the metrics it allows."""

    _allowed: ClassVar[Mapping[str, Sequence[str]]] = {}

    def __init__(self, dataset: DatasetView, question_name: Any) -> None:
        where = type(self).__name__
        self._dataset = dataset
        self._question = resolve_question(dataset, question_name, where)
        self._question_name = self._question.name
        self._kind = question_kind(self._question)
        if self._kind not in self._allowed:
            raise NotImplementedError(
                f"{where}: no metrics for {type(self._question).__name__} "
                f"(question {self._question.name!r}); supported: "
                f"{', '.join(sorted(self._allowed))} questions"
            )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(question_name={self._question_name})"

    @property
    def allowed_metrics(self) -> list[str]:
        """The metrics this question allows."""
        return list(self._allowed[self._kind])


# ---------------------------------------------------------------- agreement
class AgreementMetric(_MetricBase):
    """Inter-annotator agreement on one question (Argilla v1's ``AgreementMetric``).

    Examples
    --------
    >>> import nb_feedback as rg
    >>> ds = rg.FeedbackDataset(fields=[rg.TextField(name="text")],
    ...                         questions=[rg.LabelQuestion(name="label", labels=["a", "b"])])
    >>> ds.add_records([{"text": "x"}, {"text": "y"}])
    >>> for user, labels in (("u1", "ab"), ("u2", "ab")):
    ...     for record, label in zip(ds, labels):
    ...         _ = ds.add_response(record.id, {"label": label}, user=user)
    >>> AgreementMetric(ds, "label").compute("alpha").result
    1.0
    """

    _allowed: ClassVar[Mapping[str, Sequence[str]]] = {
        k: ["alpha"] for k in ("label", "multi_label", "rating", "ranking")
    }

    def __init__(
        self,
        dataset: DatasetView,
        question_name: Any,
        field_name: str | Sequence[str] | None = None,
        filter_by: Mapping[str, Any] | None = None,
        sort_by: Any = None,
        max_records: int | None = None,
    ) -> None:
        super().__init__(dataset, question_name)
        # v1 named units by this field's text; units here are records, so it is not needed
        self._field_name = field_name
        self._filter_by, self._sort_by, self._max_records = filter_by, sort_by, max_records

    def compute(
        self, metric_names: str | Sequence[str] | None = "alpha"
    ) -> AgreementMetricResult | list[AgreementMetricResult]:
        """Return the metric (one name) or a list of them (a list of names)."""
        names = _metric_names(metric_names, self.allowed_metrics, "AgreementMetric")
        ds, kept = _selected(self._dataset, self._filter_by, self._sort_by, self._max_records)
        units: dict[str, dict[str, Any]] = {}
        count = 0
        for a in answers(ds, self._question):
            if kept is not None and a.record_id not in kept:
                continue
            units.setdefault(a.record_id, {})[a.user] = comparable(
                self._question, self._kind, a.value
            )
            count += 1
        if not units:
            raise FeedbackError(
                f"AgreementMetric: question {self._question_name!r} has no answers to compare"
            )
        results = [
            AgreementMetricResult(name, count, krippendorff_alpha(units, self._kind))
            for name in names
        ]
        # one name gives one result, also as a list of one (v1 did so: compute(["alpha"]))
        return results[0] if len(results) == 1 else results


# -------------------------------------------------------------------- model
def _label_order(question: Question, values: Sequence[Any]) -> list[Any]:
    """Return the question's own option order, then any other value seen (sorted)."""
    known: list[Any] = []
    if isinstance(question, LabelQuestion):
        known = list(question.label_values)
    elif isinstance(question, RatingQuestion):
        known = list(question.values)
    seen = set(values)
    return [v for v in known if v in seen] + sorted(seen - set(known), key=repr)


def _classification(name: str, question: Question, truth: list[Any], pred: list[Any]) -> Any:
    sk = need_metrics("sklearn.metrics")

    if name == "accuracy":
        return float(sk.accuracy_score(truth, pred))
    labels = _label_order(question, [*truth, *pred])
    if name == "confusion-matrix":
        matrix = sk.confusion_matrix(truth, pred, labels=labels)
        return pd.DataFrame(
            matrix,
            index=[f"responses_{v}" for v in labels],
            columns=[f"suggestions_{v}" for v in labels],
        )
    score = {"precision": sk.precision_score, "recall": sk.recall_score, "f1-score": sk.f1_score}
    if name in score:
        return float(score[name](truth, pred, labels=labels, average="macro", zero_division=0))
    stats = need_metrics("scipy.stats")

    if name == "pearson-r":
        index = {v: i for i, v in enumerate(labels)}
        return float(stats.pearsonr([index[v] for v in pred], [index[v] for v in truth])[0])
    if name == "spearman-r":
        return float(stats.spearmanr(pred, truth)[0])
    raise AssertionError(name)


def _multi_label(name: str, truth: list[Any], pred: list[Any]) -> Any:
    sk = need_metrics("sklearn.metrics")
    MultiLabelBinarizer = need_metrics("sklearn.preprocessing").MultiLabelBinarizer

    binarizer = MultiLabelBinarizer()
    binarizer.fit([*truth, *pred])
    t, p = binarizer.transform(truth), binarizer.transform(pred)
    if name == "accuracy":
        return float(sk.accuracy_score(t, p))
    if name == "confusion-matrix":
        out = {}
        for label, m in zip(binarizer.classes_, sk.multilabel_confusion_matrix(t, p), strict=True):
            (tn, fp), (fn, tp) = m
            out[str(label)] = pd.DataFrame(
                [[tp, fn], [fp, tn]],
                index=[f"responses_{label}_true", f"responses_{label}_false"],
                columns=[f"suggestions_{label}_true", f"suggestions_{label}_false"],
            )
        return out
    score = {"precision": sk.precision_score, "recall": sk.recall_score, "f1-score": sk.f1_score}
    return float(score[name](t, p, average="macro", zero_division=0))


def _ndcg(truth: list[tuple[int, ...]], pred: list[tuple[int, ...]]) -> float:
    ndcg_score = need_metrics("sklearn.metrics").ndcg_score

    if len(truth[0]) < 2:
        return 1.0  # one item: any order is the right order
    # relevance: the best item (rank 1) is the most relevant; scores: a lower rank scores higher
    worst = max(max(t) for t in truth)
    relevance = np.array([[worst + 1 - r for r in t] for t in truth], dtype=float)
    scores = -np.array(pred, dtype=float)
    return float(ndcg_score(relevance, scores))


def score_pairs(name: str, question: Question, responses: list[Any], predictions: list[Any]) -> Any:
    """Score ``responses`` (the truth) against ``predictions`` (suggestions) with metric ``name``."""
    kind = question_kind(question)
    if kind == "multi_label":
        return _multi_label(name, responses, predictions)
    if kind == "ranking":
        return _ndcg(responses, predictions)
    return _classification(name, question, responses, predictions)


_MODEL_METRICS: dict[str, list[str]] = {
    "label": ["accuracy", "f1-score", "precision", "recall", "confusion-matrix", "pearson-r"],
    "multi_label": ["accuracy", "f1-score", "precision", "recall", "confusion-matrix"],
    "rating": ["accuracy", "f1-score", "precision", "recall", "confusion-matrix", "spearman-r"],
    "ranking": ["ndcg-score"],
}


def _paired(
    question: Question, kind: str, values: list[Any], suggested: list[Any], where: str
) -> tuple[list[Any], list[Any]]:
    keep = [i for i, s in enumerate(suggested) if s is not None]
    if not keep:
        raise FeedbackError(
            f"{where}: question {question.name!r} has no suggestions to compare the answers with"
        )
    if len(keep) < len(suggested):
        warnings.warn(
            f"{where}: {len(suggested) - len(keep)} answers to {question.name!r} have no "
            "suggestion to compare with; they are left out",
            UserWarning,
            stacklevel=3,
        )
    return (
        [comparable(question, kind, values[i]) for i in keep],
        [comparable(question, kind, suggested[i]) for i in keep],
    )


class AnnotatorMetric(_MetricBase):
    """Each annotator's answers against the suggestions (Argilla v1's ``AnnotatorMetric``).

    ``responses_vs_suggestions=True`` takes the responses as the truth and the suggestions as
    predictions (v1's ``ModelMetric``); False swaps them.
    """

    _allowed: ClassVar[Mapping[str, Sequence[str]]] = _MODEL_METRICS

    def __init__(
        self,
        dataset: DatasetView,
        question_name: Any,
        filter_by: Mapping[str, Any] | None = None,
        sort_by: Any = None,
        max_records: int | None = None,
        responses_vs_suggestions: bool = True,
    ) -> None:
        if question_kind(resolve_question(dataset, question_name, "AnnotatorMetric")) == "text":
            raise NotImplementedError(
                "AnnotatorMetric: text metrics (gleu, rouge) need the `evaluate` package and a "
                "download from the Hugging Face hub; they are not available"
            )
        super().__init__(dataset, question_name)
        self._filter_by, self._sort_by, self._max_records = filter_by, sort_by, max_records
        self._responses_vs_suggestions = responses_vs_suggestions

    def _order(self, truth: list[Any], pred: list[Any]) -> tuple[list[Any], list[Any]]:
        return (truth, pred) if self._responses_vs_suggestions else (pred, truth)

    def compute(
        self, metric_names: str | Sequence[str] | None = None, show_progress: bool = False
    ) -> dict[str, list[ModelMetricResult]]:
        """Return ``{user: [ModelMetricResult, ...]}`` for every annotator."""
        del show_progress
        where = type(self).__name__
        names = _metric_names(metric_names, self.allowed_metrics, where)
        ds, kept = _selected(self._dataset, self._filter_by, self._sort_by, self._max_records)
        suggested = suggestions(ds, self._question)
        per_user: dict[str, tuple[list[Any], list[Any]]] = {}
        for a in answers(ds, self._question):
            if kept is not None and a.record_id not in kept:
                continue
            values, sugg = per_user.setdefault(a.user, ([], []))
            values.append(a.value)
            sugg.append(suggested.get(a.record_id))
        out: dict[str, list[ModelMetricResult]] = {}
        for user, (values, sugg) in per_user.items():
            truth, pred = self._order(*_paired(self._question, self._kind, values, sugg, where))
            out[user] = [
                ModelMetricResult(n, len(truth), score_pairs(n, self._question, truth, pred))
                for n in names
            ]
        return out


class ModelMetric(AnnotatorMetric):
    """Each annotator's answers (the truth) against the suggestions (Argilla v1's)."""

    def __init__(
        self,
        dataset: DatasetView,
        question_name: Any,
        filter_by: Mapping[str, Any] | None = None,
        sort_by: Any = None,
        max_records: int | None = None,
    ) -> None:
        super().__init__(dataset, question_name, filter_by, sort_by, max_records, True)


class UnifiedAnnotatorMetric(AnnotatorMetric):
    """The unified answers against the suggestions (Argilla v1's ``UnifiedAnnotatorMetric``)."""

    def __init__(
        self,
        dataset: DatasetView,
        question_name: Any,
        strategy_name: str | None = None,
        filter_by: Mapping[str, Any] | None = None,
        sort_by: Any = None,
        max_records: int | None = None,
        responses_vs_suggestions: bool = True,
    ) -> None:
        super().__init__(
            dataset, question_name, filter_by, sort_by, max_records, responses_vs_suggestions
        )
        self._strategy_name = strategy_name

    def _unified(self, ds: DatasetView) -> Mapping[str, list[Any]]:
        # No strategy given: the answers the dataset's compute_unified_responses stored (v1
        # ignored them and unified again by majority), else majority.
        from nb_feedback.team.unification import unify

        stored = self._dataset.unified_responses.get(self._question_name)
        if self._strategy_name is None and stored is not None:
            return stored
        if ds is self._dataset:  # the whole dataset: keep the unified answers, as v1 did
            ds.compute_unified_responses(self._question, self._strategy_name or "majority")
            return self._dataset.unified_responses[self._question.name]
        return unify(ds, self._question, self._strategy_name or "majority")

    def compute(  # type: ignore[override]
        self, metric_names: str | Sequence[str] | None = None, show_progress: bool = False
    ) -> ModelMetricResult | list[ModelMetricResult]:
        """Return the metric (one name) or a list of them, over the unified answers."""
        del show_progress
        where = type(self).__name__
        names = _metric_names(metric_names, self.allowed_metrics, where)
        ds, kept = _selected(self._dataset, self._filter_by, self._sort_by, self._max_records)
        unified = self._unified(ds)
        suggested = suggestions(ds, self._question)
        values, sugg = [], []
        for record_id, found in unified.items():
            if (kept is not None and record_id not in kept) or not found:
                continue
            values.append(found[0].value)
            sugg.append(suggested.get(record_id))
        truth, pred = self._order(*_paired(self._question, self._kind, values, sugg, where))
        results = [
            ModelMetricResult(n, len(truth), score_pairs(n, self._question, truth, pred))
            for n in names
        ]
        return results[0] if len(names) == 1 else results


class UnifiedModelMetric(UnifiedAnnotatorMetric):
    """The unified answers (the truth) against the suggestions (Argilla v1's)."""

    def __init__(
        self,
        dataset: DatasetView,
        question_name: Any,
        filter_by: Mapping[str, Any] | None = None,
        sort_by: Any = None,
        max_records: int | None = None,
        *,
        strategy_name: str | None = None,
    ) -> None:
        super().__init__(
            dataset, question_name, strategy_name, filter_by, sort_by, max_records, True
        )


# --------------------------------------------------------- dataset methods
def prepare_dataset_for_annotation_task(
    dataset: DatasetView,
    question_name: Any,
    field_name: str | Sequence[str],
    filter_by: Mapping[str, Any] | None = None,
    sort_by: Any = None,
    max_records: int | None = None,
) -> list[tuple[str, str, Any]]:
    """Return each submitted answer as ``(user, the record's text, value)`` (v1's helper).

    The text is the record's ``field_name`` fields joined by a space; the value is hashable as
    the agreement metric compares it (a frozenset of labels, a tuple of ranks by item).
    """
    question = resolve_question(dataset, question_name, "prepare_dataset_for_annotation_task")
    kind = question_kind(question)
    if kind not in AgreementMetric._allowed:
        raise NotImplementedError(
            f"Question '{question.name}' is a {type(question).__name__}: agreement needs a "
            "label, multi-label, rating or ranking question"
        )
    names = [field_name] if isinstance(field_name, str) else list(field_name)
    ds, kept = _selected(dataset, filter_by, sort_by, max_records)
    texts = {r.id: " ".join(str(r.fields.get(n)) for n in names) for r in ds}
    return [
        (a.user, texts[a.record_id], comparable(question, kind, a.value))
        for a in answers(ds, question)
        if kept is None or a.record_id in kept
    ]


def compute_agreement_metrics(
    dataset: DatasetView,
    metric_names: str | Sequence[str] | None = None,
    question_name: Any = None,
    field_name: str | Sequence[str] | None = None,
) -> AgreementMetricResult | list[AgreementMetricResult]:
    """``dataset.compute_agreement_metrics``: Krippendorff's alpha on one question."""
    metric = AgreementMetric(dataset, question_name, field_name)
    return metric.compute("alpha" if metric_names is None else metric_names)


def compute_model_metrics(
    dataset: DatasetView,
    metric_names: str | Sequence[str] | None = None,
    question_name: Any = None,
    strategy: Any = None,
) -> dict[str, list[ModelMetricResult]] | ModelMetricResult | list[ModelMetricResult]:
    """``dataset.compute_model_metrics``: per annotator, or on unified answers with a strategy.

    With a ``strategy`` the unified answers are also stored, as ``compute_unified_responses``
    does.
    """
    if strategy:
        dataset.compute_unified_responses(question_name, strategy)
        name = getattr(strategy, "value", strategy)
        metric = UnifiedModelMetric(dataset, question_name, strategy_name=str(name))
        return metric.compute(metric_names)
    return ModelMetric(dataset, question_name).compute(metric_names)
