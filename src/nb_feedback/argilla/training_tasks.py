"""Argilla v1's training tasks: what each ``TrainingTask.for_*`` makes of a dataset.

Each task turns the dataset into rows (``Rows``: columns, their ``datasets`` features, and the
record each row came from, which the split groups by). The rows come either from the user's
``formatting_func`` (called with each record as a ``format_as("datasets")`` row, returning
None, one sample, or a list or generator of samples) or from the task's defaults (a field and a
question, whose submitted answers are unified first). ``nb_feedback.argilla.training`` validates the
options, splits and wraps the rows as ``datasets`` objects.

Columns are v1's, by task: text classification ``id``/``text``/``label`` (plus
``binarized_label`` for multi-label), SFT ``id``/``text``, reward modeling ``chosen``/``rejected``,
PPO ``id``/``query``, DPO ``prompt``/``chosen``/``rejected``, question answering
``question``/``context``/``answer``/``id``, chat completion (OpenAI) ``{"messages": [...]}`` per
chat, sentence similarity ``sentence-1``/``sentence-2`` (``sentence-3``) and ``label``.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from nb_feedback.base.errors import ExportError
from nb_feedback.domain.schema import (
    LabelQuestion,
    MultiLabelQuestion,
    Question,
    RankingQuestion,
    RatingQuestion,
    TextField,
    TextQuestion,
    question_named,
)
from nb_feedback.team.unification import unification_for, unify

if TYPE_CHECKING:
    from nb_feedback.store.view import DatasetView

FormattingFunc = Callable[[dict[str, Any]], Any]
Sample = Callable[[Any], bool]


@dataclass
class Rows:
    """A task's output before the split: columns, their features, and each row's record."""

    columns: dict[str, list[Any]]
    features: dict[str, Any]
    record_of: list[int]

    def __len__(self) -> int:
        return len(self.record_of)


# ------------------------------------------------------ formatting functions
def flatten_samples(output: Any, is_sample: Sample, expected: str, where: str) -> list[Any]:
    """Flatten a formatting function's output into samples; None and empty items are skipped.

    One sample, or a list, tuple-of-samples or generator of them (one level deep), as v1.
    """
    if output is None:
        return []
    if is_sample(output):
        return [output]
    if isinstance(output, str | bytes | Mapping) or not isinstance(
        output, list | tuple | types.GeneratorType | Iterable
    ):
        raise ExportError(
            f"{where}: formatting_func returned {type(output).__name__} ({output!r:.80}); "
            f"expected None, {expected}, or a list of them"
        )
    samples = []
    for item in output:
        if item is None or item == "" or item == []:
            continue
        if not is_sample(item):
            raise ExportError(
                f"{where}: formatting_func returned a list holding {item!r:.80}; "
                f"expected None, {expected}, or a list of them"
            )
        samples.append(item)
    return samples


def _texts_tuple(n: int, last: Sample | None = None) -> Sample:
    def check(x: Any) -> bool:
        return (
            isinstance(x, tuple)
            and len(x) == n
            and all(isinstance(v, str) for v in x[: n - 1 if last else n])
            and (last is None or last(x[-1]))
        )

    return check


def _is_text(x: Any) -> bool:
    return isinstance(x, str)


def _is_label(x: Any) -> bool:
    if isinstance(x, list):
        return bool(x) and all(isinstance(v, str | int) and not isinstance(v, bool) for v in x)
    return isinstance(x, str | int) and not isinstance(x, bool)


def _is_similarity(x: Any) -> bool:
    return (
        isinstance(x, dict)
        and {k for k in x if k != "label"} in ({"sentence-1", "sentence-2"}, _TRIPLET)
        and all(isinstance(x[k], str) for k in x if k != "label")
        and ("label" not in x or isinstance(x["label"], int | float | str))
    )


_TRIPLET = {"sentence-1", "sentence-2", "sentence-3"}


def formatted_samples(
    ds: DatasetView,
    func: FormattingFunc,
    is_sample: Sample,
    expected: str,
    where: str,
    noun: str = "sample",
) -> tuple[list[Any], list[int]]:
    """Call ``func`` on every record's ``format_as("datasets")`` row; return samples and records."""
    from nb_feedback.argilla.argilla_format import argilla_columns

    columns = argilla_columns(ds)[0]
    names = list(columns)
    samples: list[Any] = []
    record_of: list[int] = []
    for i, row in enumerate(zip(*columns.values(), strict=True)):
        out = flatten_samples(func(dict(zip(names, row, strict=True))), is_sample, expected, where)
        samples.extend(out)
        record_of.extend([i] * len(out))
    if not samples:
        raise ExportError(
            f"{where}: formatting_func returned no {noun} for any of {len(ds)} records "
            "(does it read the submitted answers?)"
        )
    return samples, record_of


def preference_rows(
    samples: Sequence[tuple[str, ...]], record_of: Sequence[int], with_prompt: bool
) -> Rows:
    """Columns of v1's reward modeling (``chosen``/``rejected``) or DPO (with ``prompt``) data.

    ``samples`` are ``(chosen, rejected)`` or ``(prompt, chosen, rejected)`` tuples.
    """
    import datasets

    text = datasets.Value("string")
    if with_prompt:
        columns = {
            "prompt": [s[0] for s in samples],
            "chosen": [s[1] for s in samples],
            "rejected": [s[2] for s in samples],
        }
    else:
        columns = {"chosen": [s[0] for s in samples], "rejected": [s[1] for s in samples]}
    return Rows(columns, dict.fromkeys(columns, text), list(record_of))


# --------------------------------------------------------------------- tasks
@dataclass(frozen=True)
class _Task:
    """What every task has: an optional formatting function and the frameworks it supports."""

    formatting_func: FormattingFunc | None = None
    frameworks: ClassVar[tuple[str, ...]] = ()
    v1_frameworks: ClassVar[tuple[str, ...]] = ()
    factory: ClassVar[str] = ""

    def __post_init__(self) -> None:
        if self.formatting_func is not None and not callable(self.formatting_func):
            raise ExportError(
                f"{self.factory}: formatting_func must be callable, got {self.formatting_func!r}"
            )

    def rows(self, ds: DatasetView, where: str) -> Rows:
        """Return the task's rows for ``ds``."""
        raise NotImplementedError


@dataclass(frozen=True)
class TrainingTaskForSFT(_Task):
    """Supervised fine-tuning texts made by ``formatting_func`` (TRL): ``id``/``text``."""

    frameworks: ClassVar[tuple[str, ...]] = ("trl",)
    v1_frameworks: ClassVar[tuple[str, ...]] = ("trl",)
    factory: ClassVar[str] = "for_supervised_fine_tuning"

    def rows(self, ds: DatasetView, where: str) -> Rows:
        """Return ``id``/``text`` rows, one per text."""
        import datasets

        assert self.formatting_func is not None
        texts, record_of = formatted_samples(
            ds, self.formatting_func, _is_text, "a string", where, "text"
        )
        texts_kept = [t for t in texts if t]
        record_of = [r for t, r in zip(texts, record_of, strict=True) if t]
        return Rows(
            {"id": list(range(len(texts_kept))), "text": texts_kept},
            {"id": datasets.Value("int32"), "text": datasets.Value("string")},
            record_of,
        )


@dataclass(frozen=True)
class TrainingTaskForPPO(_Task):
    """Prompts (queries) for proximal policy optimization (TRL): ``id``/``query``."""

    frameworks: ClassVar[tuple[str, ...]] = ("trl",)
    v1_frameworks: ClassVar[tuple[str, ...]] = ("trl",)
    factory: ClassVar[str] = "for_proximal_policy_optimization"

    def rows(self, ds: DatasetView, where: str) -> Rows:
        """Return ``id``/``query`` rows, one per prompt."""
        import datasets

        assert self.formatting_func is not None
        queries, record_of = formatted_samples(
            ds, self.formatting_func, _is_text, "a string", where, "text"
        )
        return Rows(
            {"id": list(range(len(queries))), "query": queries},
            {"id": datasets.Value("int32"), "query": datasets.Value("string")},
            record_of,
        )


@dataclass(frozen=True)
class TrainingTaskForRM(_Task):
    """``(chosen, rejected)`` pairs for reward modeling (TRL): ``chosen``/``rejected``."""

    frameworks: ClassVar[tuple[str, ...]] = ("trl",)
    v1_frameworks: ClassVar[tuple[str, ...]] = ("trl",)
    factory: ClassVar[str] = "for_reward_modeling"

    def rows(self, ds: DatasetView, where: str) -> Rows:
        """Return ``chosen``/``rejected`` rows, one per pair."""
        assert self.formatting_func is not None
        pairs, record_of = formatted_samples(
            ds, self.formatting_func, _texts_tuple(2), "a (chosen, rejected) tuple", where
        )
        return preference_rows(pairs, record_of, with_prompt=False)


@dataclass(frozen=True)
class TrainingTaskForDPO(_Task):
    """``(prompt, chosen, rejected)`` triples for DPO (TRL): ``prompt``/``chosen``/``rejected``."""

    frameworks: ClassVar[tuple[str, ...]] = ("trl",)
    v1_frameworks: ClassVar[tuple[str, ...]] = ("trl",)
    factory: ClassVar[str] = "for_direct_preference_optimization"

    def rows(self, ds: DatasetView, where: str) -> Rows:
        """Return ``prompt``/``chosen``/``rejected`` rows, one per triple."""
        assert self.formatting_func is not None
        triples, record_of = formatted_samples(
            ds,
            self.formatting_func,
            _texts_tuple(3),
            "a (prompt, chosen, rejected) tuple",
            where,
        )
        return preference_rows(triples, record_of, with_prompt=True)


@dataclass(frozen=True)
class TrainingTaskForChatCompletion(_Task):
    """``(chat, turn, role, content)`` tuples for chat completion (OpenAI's message lists)."""

    frameworks: ClassVar[tuple[str, ...]] = ("openai",)
    v1_frameworks: ClassVar[tuple[str, ...]] = ("openai",)
    factory: ClassVar[str] = "for_chat_completion"

    def rows(self, ds: DatasetView, where: str) -> Rows:
        """Return ``chat``/``turn``/``role``/``content`` rows, one per message."""
        import datasets

        assert self.formatting_func is not None
        turns, record_of = formatted_samples(
            ds,
            self.formatting_func,
            _texts_tuple(4),
            "a (chat, turn, role, content) tuple of strings",
            where,
        )
        bad = [t for t in turns if t[2] not in ("system", "user", "assistant")]
        if bad:
            raise ExportError(
                f"{where}: chat {bad[0][0]!r} turn {bad[0][1]!r} has role {bad[0][2]!r}; "
                "expected 'system', 'user' or 'assistant'"
            )
        names = ("chat", "turn", "role", "content")
        columns = {n: [t[i] for t in turns] for i, n in enumerate(names)}
        return Rows(columns, dict.fromkeys(names, datasets.Value("string")), record_of)


def _question(ds: DatasetView, q: Any, where: str) -> Question:
    return question_named(ds.schema, q, where, ExportError)


def _field(ds: DatasetView, f: Any, where: str) -> str:
    name = f if isinstance(f, str) else getattr(f, "name", None)
    if not isinstance(name, str) or ds.schema.field(name) is None:
        raise ExportError(
            f"{where}: no field {name!r} in the dataset; expected one of {ds.schema.field_names}"
        )
    return name


def class_names(question: Question) -> list[str]:
    """Return the class names of a label, multi-label or rating question, in the question's order."""
    if isinstance(question, LabelQuestion):
        return list(question.label_values)
    if isinstance(question, RatingQuestion):
        return [str(v) for v in question.values]
    raise ExportError(
        f"question {question.name!r} is a {type(question).__name__}: it gives no class label"
    )


@dataclass(frozen=True)
class TrainingTaskForTextClassification(_Task):
    """Text classification: ``id``/``text``/``label`` (transformers, setfit, peft, span_marker).

    With defaults, ``label`` is a question (its submitted answers unified with
    ``label_strategy``, or its default) or a ``*QuestionUnification``.
    """

    text: TextField | str | None = None
    label: Any = None
    label_strategy: Any = None
    frameworks: ClassVar[tuple[str, ...]] = (
        "transformers",
        "setfit",
        "peft",
        "span_marker",
        "openai",
    )
    v1_frameworks: ClassVar[tuple[str, ...]] = (
        "transformers",
        "spacy",
        "openai",
        "setfit",
        "peft",
        "spark-nlp",
        "spacy-transformers",
    )
    factory: ClassVar[str] = "for_text_classification"

    def rows(self, ds: DatasetView, where: str) -> Rows:
        """Return ``id``/``text``/``label`` rows (and ``binarized_label`` for multi-label)."""
        if self.formatting_func is not None:
            return self._formatted_rows(ds, where)
        question, strategy = self._label_question(ds, where)
        text = _field(ds, self.text, where)
        unified = unify(ds, question, strategy)
        multi = isinstance(question, MultiLabelQuestion)
        pairs: list[tuple[str, Any]] = []
        record_of: list[int] = []
        seen: set[tuple[str, Any]] = set()
        for i, record in enumerate(ds):
            for u in unified.get(str(record.id), []):
                value = [str(v) for v in u.value] if multi else str(u.value)
                key = (record.fields[text], tuple(value) if multi else value)
                if record.fields[text] is None or key in seen:
                    continue  # v1 drops duplicate (text, label) rows and missing texts
                seen.add(key)
                pairs.append((record.fields[text], value))
                record_of.append(i)
        if not pairs:
            raise ExportError(
                f"{where}: no record has a submitted answer to {question.name!r}; "
                "annotate some records first"
            )
        return _classification_rows(pairs, record_of, class_names(question), multi)

    def _formatted_rows(self, ds: DatasetView, where: str) -> Rows:
        assert self.formatting_func is not None
        samples, record_of = formatted_samples(
            ds,
            self.formatting_func,
            _texts_tuple(2, _is_label),
            "a (text, label) tuple",
            where,
        )
        multi = isinstance(samples[0][1], list)
        if any(isinstance(s[1], list) != multi for s in samples):
            raise ExportError(f"{where}: formatting_func mixed single labels and label lists")
        # sorted, not v1's set order: label ids stay the same from one run to the next
        names = sorted({str(v) for s in samples for v in (s[1] if multi else [s[1]])})
        pairs = [(s[0], [str(v) for v in s[1]] if multi else str(s[1])) for s in samples]
        return _classification_rows(pairs, record_of, names, multi)

    def _label_question(self, ds: DatasetView, where: str) -> tuple[Question, Any]:
        label = self.label
        if hasattr(label, "question") and hasattr(label, "strategy"):
            return _question(ds, label.question, where), label.strategy
        question = _question(ds, label, where)
        if isinstance(question, RankingQuestion | TextQuestion):
            raise ExportError(
                f"{where}: question {question.name!r} is a {type(question).__name__}; a text "
                "classification label must be a label, multi-label or rating question"
            )
        return question, self.label_strategy


def _classification_rows(
    pairs: Sequence[tuple[str, Any]], record_of: Sequence[int], names: list[str], multi: bool
) -> Rows:
    import datasets

    index = {n: i for i, n in enumerate(names)}
    label = datasets.ClassLabel(names=names)
    columns: dict[str, list[Any]] = {
        "id": list(range(len(pairs))),
        "text": [p[0] for p in pairs],
        "label": [[index[v] for v in p[1]] for p in pairs]
        if multi
        else [index[p[1]] for p in pairs],
    }
    features: dict[str, Any] = {
        "id": datasets.Value("int32"),
        "text": datasets.Value("string"),
        "label": datasets.Sequence(label) if multi else label,
    }
    if multi:
        # one 0/1 column per label, in the class order (v1's MultiLabelBinarizer output)
        columns["binarized_label"] = [
            [int(i in set(ids)) for i in range(len(names))] for ids in columns["label"]
        ]
        features["binarized_label"] = datasets.Sequence(datasets.Value("int64"))
    return Rows(columns, features, list(record_of))


@dataclass(frozen=True)
class TrainingTaskForQuestionAnswering(_Task):
    """Extractive question answering (transformers): ``question``/``context``/``answer``/``id``.

    With defaults, every submitted answer to ``answer`` makes a row (v1 kept only the last one
    per record); an answer that is not in the context is skipped with a warning, as in v1.
    """

    question: TextField | str | None = None
    context: TextField | str | None = None
    answer: TextQuestion | str | None = None
    frameworks: ClassVar[tuple[str, ...]] = ("transformers",)
    v1_frameworks: ClassVar[tuple[str, ...]] = ("transformers",)
    factory: ClassVar[str] = "for_question_answering"

    def rows(self, ds: DatasetView, where: str) -> Rows:
        """Return one row per answer found in its context."""
        import warnings

        import datasets

        if self.formatting_func is not None:
            triples, record_of = formatted_samples(
                ds,
                self.formatting_func,
                _texts_tuple(3),
                "a (question, context, answer) tuple",
                where,
            )
        else:
            q, c = _field(ds, self.question, where), _field(ds, self.context, where)
            answer = _question(ds, self.answer, where)
            unified = unify(ds, answer, "disagreement")
            triples, record_of = [], []
            for i, record in enumerate(ds):
                for u in unified.get(str(record.id), []):
                    triples.append((record.fields[q], record.fields[c], u.value))
                    record_of.append(i)
        columns: dict[str, list[Any]] = {"question": [], "context": [], "answer": [], "id": []}
        kept: list[int] = []
        for (question, context, answer), r in zip(triples, record_of, strict=True):
            if not question or not context or not answer:
                continue
            start = context.find(answer)
            if start < 0:
                warnings.warn(
                    f"{where}: an answer is not in its context (extractive QA); skipped: "
                    f"{answer!r:.60}",
                    UserWarning,
                    stacklevel=4,
                )
                continue
            columns["question"].append(question)
            columns["context"].append(context)
            columns["answer"].append({"answer_start": [start], "text": [answer]})
            columns["id"].append(len(kept))
            kept.append(r)
        if not kept:
            raise ExportError(f"{where}: no answer was found in its context")
        string = datasets.Value("string")
        features = {
            "question": string,
            "context": string,
            "answer": datasets.Sequence({"text": string, "answer_start": datasets.Value("int32")}),
            "id": datasets.Value("int32"),
        }
        return Rows(columns, features, kept)


@dataclass(frozen=True)
class TrainingTaskForSentenceSimilarity(_Task):
    """Sentence pairs or triplets, with an optional label (sentence-transformers).

    v1 returned ``InputExample`` lists (sentence-transformers 2); this returns a ``datasets``
    object with the same ``sentence-1``/``sentence-2`` (``sentence-3``) and ``label`` columns,
    which ``SentenceTransformerTrainer`` takes.
    """

    texts: Sequence[TextField | str] | None = None
    label: Any = None
    label_strategy: Any = None
    frameworks: ClassVar[tuple[str, ...]] = ("sentence-transformers",)
    v1_frameworks: ClassVar[tuple[str, ...]] = ("sentence-transformers",)
    factory: ClassVar[str] = "for_sentence_similarity"

    def rows(self, ds: DatasetView, where: str) -> Rows:
        """Return one row per pair or triplet."""
        import datasets

        if self.formatting_func is not None:
            samples, record_of = formatted_samples(
                ds,
                self.formatting_func,
                _is_similarity,
                "a {'sentence-1', 'sentence-2'[, 'sentence-3'][, 'label']} dict",
                where,
            )
        else:
            names = [_field(ds, t, where) for t in self.texts or []]
            if len(names) not in (2, 3):
                raise ExportError(
                    f"{where}: texts must be 2 or 3 fields (a pair or a triplet), got {names}"
                )
            unified = None
            if self.label is not None:
                label = self.label
                if hasattr(label, "question") and hasattr(label, "strategy"):
                    question, strategy = _question(ds, label.question, where), label.strategy
                else:
                    question, strategy = _question(ds, label, where), self.label_strategy
                if not isinstance(question, LabelQuestion | RatingQuestion) or isinstance(
                    question, MultiLabelQuestion
                ):
                    raise ExportError(
                        f"{where}: label must be a label or rating question, got "
                        f"{type(question).__name__} {question.name!r}"
                    )
                unified = unify(ds, question, unification_for(question, strategy).strategy)
            samples, record_of = [], []
            for i, record in enumerate(ds):
                sample: dict[str, Any] = {
                    f"sentence-{k}": record.fields[n] for k, n in enumerate(names, 1)
                }
                if any(v is None for v in sample.values()):
                    continue
                if unified is not None:
                    found = unified.get(str(record.id))
                    if not found:
                        continue
                    sample["label"] = _number(found[0].value)
                samples.append(sample)
                record_of.append(i)
            if not samples:
                raise ExportError(f"{where}: no record has the texts (and label) asked for")
        keys = set(samples[0])
        if any(set(s) != keys for s in samples):
            raise ExportError(
                f"{where}: every sample must have the same keys, got {keys} and others"
            )
        order = [k for k in ("sentence-1", "sentence-2", "sentence-3", "label") if k in keys]
        columns = {k: [s[k] for s in samples] for k in order}
        features: dict[str, Any] = {
            k: datasets.Value("string") for k in order if k.startswith("sentence")
        }
        if "label" in keys:
            labels = columns["label"]
            if all(isinstance(v, int) and not isinstance(v, bool) for v in labels):
                features["label"] = datasets.Value("int64")
            elif all(isinstance(v, int | float) and not isinstance(v, bool) for v in labels):
                features["label"] = datasets.Value("float64")
            else:
                features["label"] = datasets.Value("string")
                columns["label"] = [str(v) for v in labels]
        return Rows(columns, features, record_of)


def _number(value: Any) -> Any:
    """Return a unified label as v1 gave it to sentence-transformers: a number if it is one."""
    if isinstance(value, str):
        try:
            return int(value) if value.lstrip("-").isdigit() else float(value)
        except ValueError:
            return value
    return value


TASKS: tuple[type[_Task], ...] = (
    TrainingTaskForTextClassification,
    TrainingTaskForSFT,
    TrainingTaskForRM,
    TrainingTaskForPPO,
    TrainingTaskForDPO,
    TrainingTaskForChatCompletion,
    TrainingTaskForQuestionAnswering,
    TrainingTaskForSentenceSimilarity,
)
