"""Argilla v1's ``TrainingTask`` and ``prepare_for_training``, with a leak-free split.

Every ``TrainingTask.for_*`` of v1 is here (see ``nb_feedback.argilla.training_tasks`` for what each
makes), and ``dataset.prepare_for_training(framework, task, train_size=1, test_size=None,
seed=None)`` returns what v1 returned for the frameworks whose output is a ``datasets`` object
(``trl``, ``transformers``, ``setfit``, ``peft``, ``span_marker``, and ``sentence-transformers``
as a ``datasets`` object), and OpenAI's chat lists for chat completion. Any other framework gets
an error naming the supported ones.

Three things differ on purpose. The split is grouped by prompt: every row made from records
whose fields are equal after normalisation (NFKC, casefold, collapsed whitespace) lands in the
same split, so no prompt is trained on and evaluated on. ``seed=None`` means seed 0, so running
the same notebook twice gives the same split (Argilla v1 shuffled at random). And class names
from a formatting function are sorted (v1 took a set's order, which changes between runs).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from nb_feedback.argilla.argilla_format import argilla_columns
from nb_feedback.argilla.training_tasks import (
    TASKS,
    FormattingFunc,
    Rows,
    TrainingTaskForChatCompletion,
    TrainingTaskForDPO,
    TrainingTaskForPPO,
    TrainingTaskForQuestionAnswering,
    TrainingTaskForRM,
    TrainingTaskForSentenceSimilarity,
    TrainingTaskForSFT,
    TrainingTaskForTextClassification,
)
from nb_feedback.base.errors import ExportError
from nb_feedback.exports._grouping import check_seed, normalize_prompts, split_groups
from nb_feedback.exports.datasets_bridge import arrow_dataset, require_datasets
from nb_feedback.team.unification import unification_for

if TYPE_CHECKING:
    from datasets import Dataset, DatasetDict

    from nb_feedback.store.view import DatasetView

__all__ = [
    "TrainingTask",
    "TrainingTaskForChatCompletion",
    "TrainingTaskForDPO",
    "TrainingTaskForPPO",
    "TrainingTaskForQuestionAnswering",
    "TrainingTaskForRM",
    "TrainingTaskForSFT",
    "TrainingTaskForSentenceSimilarity",
    "TrainingTaskForTextClassification",
    "prepare_for_training",
]


class TrainingTask:
    r"""Factory of training tasks, as in Argilla v1 (``rg.TrainingTask``).

    Examples
    --------
    >>> def formatting_func(sample):
    ...     answers = [a["value"] for a in sample["demonstration"] if a["status"] == "submitted"]
    ...     if answers:
    ...         return f"### Prompt: {sample['prompt']}\n### Response: {answers[0]}"
    >>> task = TrainingTask.for_supervised_fine_tuning(formatting_func)
    """

    @staticmethod
    def for_text_classification(
        formatting_func: FormattingFunc | None = None,
        text: Any = None,
        label: Any = None,
        label_strategy: Any = None,
    ) -> TrainingTaskForTextClassification:
        """Text classification from a ``text`` field and a ``label`` question, or a function.

        ``formatting_func`` returns ``(text, label)`` (a label or a list of labels) tuples.
        ``label_strategy`` unifies several annotators' labels (default: majority; mean for
        ratings). Frameworks: transformers, setfit, peft, span_marker.
        """
        where = "for_text_classification"
        if formatting_func is not None and (text is not None or label is not None):
            raise ExportError(
                f"{where}: give either text and label, or a formatting_func, not both"
            )
        if formatting_func is None:
            if text is None or label is None:
                raise ExportError(f"{where}: give text (a field) and label (a question)")
            if hasattr(label, "strategy") and label_strategy is not None:
                raise ExportError(f"{where}: label_strategy is already set by the unification")
            if not hasattr(label, "strategy") and not isinstance(label, str):
                unification_for(label, label_strategy)  # checks the strategy fits the question
        return TrainingTaskForTextClassification(formatting_func, text, label, label_strategy)

    @staticmethod
    def for_supervised_fine_tuning(formatting_func: FormattingFunc) -> TrainingTaskForSFT:
        """SFT texts: ``formatting_func`` returns None, a text, or a list or generator of texts."""
        return TrainingTaskForSFT(_required(formatting_func, "for_supervised_fine_tuning"))

    @staticmethod
    def for_reward_modeling(formatting_func: FormattingFunc) -> TrainingTaskForRM:
        """Reward modeling: ``formatting_func`` returns ``(chosen, rejected)`` tuples."""
        return TrainingTaskForRM(_required(formatting_func, "for_reward_modeling"))

    @staticmethod
    def for_proximal_policy_optimization(formatting_func: FormattingFunc) -> TrainingTaskForPPO:
        """PPO queries: ``formatting_func`` returns None, a prompt, or a list of prompts."""
        return TrainingTaskForPPO(_required(formatting_func, "for_proximal_policy_optimization"))

    @staticmethod
    def for_direct_preference_optimization(
        formatting_func: FormattingFunc,
    ) -> TrainingTaskForDPO:
        """DPO: ``formatting_func`` returns ``(prompt, chosen, rejected)`` tuples."""
        return TrainingTaskForDPO(_required(formatting_func, "for_direct_preference_optimization"))

    @staticmethod
    def for_chat_completion(formatting_func: FormattingFunc) -> TrainingTaskForChatCompletion:
        """Chat completion: ``formatting_func`` returns ``(chat, turn, role, content)`` tuples."""
        return TrainingTaskForChatCompletion(_required(formatting_func, "for_chat_completion"))

    @staticmethod
    def for_question_answering(
        formatting_func: FormattingFunc | None = None,
        question: Any = None,
        context: Any = None,
        answer: Any = None,
    ) -> TrainingTaskForQuestionAnswering:
        """Make extractive QA data from ``question``/``context`` fields and an ``answer`` question."""
        where = "for_question_answering"
        given = [x is not None for x in (question, context, answer)]
        if formatting_func is not None and any(given):
            raise ExportError(
                f"{where}: give either question, context and answer, or a formatting_func"
            )
        if formatting_func is None and not all(given):
            raise ExportError(f"{where}: give question and context (fields) and answer")
        return TrainingTaskForQuestionAnswering(formatting_func, question, context, answer)

    @staticmethod
    def for_sentence_similarity(
        texts: Sequence[Any] | None = None,
        label: Any = None,
        formatting_func: FormattingFunc | None = None,
        label_strategy: Any = None,
    ) -> TrainingTaskForSentenceSimilarity:
        """Sentence pairs or triplets from ``texts`` fields and an optional ``label``."""
        where = "for_sentence_similarity"
        if formatting_func is not None and (texts is not None or label is not None):
            raise ExportError(f"{where}: give either texts (and label), or a formatting_func")
        if formatting_func is None and not texts:
            raise ExportError(f"{where}: give texts (2 or 3 fields) or a formatting_func")
        return TrainingTaskForSentenceSimilarity(formatting_func, texts, label, label_strategy)


def _required(func: FormattingFunc, where: str) -> FormattingFunc:
    if not callable(func):
        raise ExportError(f"{where}: formatting_func must be callable, got {func!r}")
    return func


def _framework(framework: Any, task: Any, where: str) -> str:
    name = str(getattr(framework, "value", framework)).lower().replace("_", "-")
    supported = [f.replace("_", "-") for f in task.frameworks]
    if name not in supported:
        others = [f for f in task.v1_frameworks if f.replace("_", "-") not in supported]
        note = (
            f" (Argilla v1 also had {others}, whose output is not a datasets object)"
            if others
            else ""
        )
        raise ExportError(
            f"{where}: framework {framework!r} is not supported for "
            f"TrainingTask.{task.factory}; supported: {task.frameworks}{note}"
        )
    return name


def prepare_for_training(
    ds: DatasetView,
    framework: Any = "trl",
    task: Any = None,
    train_size: float | None = 1,
    test_size: float | None = None,
    seed: int | None = None,
    lang: str | None = None,
) -> Dataset | DatasetDict | Any:
    """Make the task's training data, split into train and test unless ``train_size`` is 1.

    Parameters
    ----------
    ds : FeedbackDataset
        The dataset.
    framework : str
        One the task supports (the error names them); ``trl`` for SFT, reward modeling, PPO
        and DPO; ``transformers`` (or setfit, peft, span_marker) for text classification and
        question answering; ``sentence-transformers``; ``openai`` for chat completion and text
        classification (v1's prompt/completion rows).
    task : training task
        From a ``TrainingTask.for_*`` method.
    train_size : float, optional
        Fraction of prompt groups for training; 1 (the default, as v1) or None means no split.
    test_size : float, optional
        ``1 - train_size`` when not given; the two must add up to 1.
    seed : int, optional
        Seed of the split; None means 0, so the split is the same on every run.
    lang : str, optional
        Accepted for Argilla v1 compatibility (spaCy only); ignored.

    Returns
    -------
    datasets.Dataset or datasets.DatasetDict or list
        One ``Dataset`` when not split, else ``DatasetDict({"train", "test"})``. For chat
        completion (OpenAI): a list of ``{"messages": [...]}`` chats, or a (train, test) tuple.

    Raises
    ------
    ExportError
        Unknown framework or task, bad sizes, a formatting function returning something else
        than the task's samples, no rows, or too few prompts to split.
    """
    del lang
    where = "prepare_for_training"
    if not isinstance(task, TASKS):
        raise ExportError(f"{where}: task must come from a TrainingTask.for_* method, got {task!r}")
    name = _framework(framework, task, where)
    train_size = 1.0 if train_size is None else float(train_size)
    test_size = 1.0 - train_size if test_size is None else float(test_size)
    if train_size < 0 or test_size < 0 or not np.isclose(train_size + test_size, 1.0):
        raise ExportError(
            f"{where}: train_size={train_size} and test_size={test_size} must be >= 0 "
            "and add up to 1"
        )
    seed = check_seed(0 if seed is None else seed, where)
    if len(ds) < 1:
        raise ExportError(f"{where}: the dataset has no records; add records first")
    require_datasets()
    rows = task.rows(ds, where)
    if name == "openai" and isinstance(task, TrainingTaskForTextClassification):
        return _openai_classification(ds, rows, test_size, seed, where)
    if name == "openai":
        return _openai_chats(ds, rows, test_size, seed, where)
    if np.isclose(test_size, 0.0):
        return _as_dataset(rows, np.arange(len(rows)))
    train_rows, test_rows = _grouped_split(ds, rows.record_of, test_size, seed, where)
    datasets = require_datasets()
    return datasets.DatasetDict(
        {"train": _as_dataset(rows, train_rows), "test": _as_dataset(rows, test_rows)}
    )


def _as_dataset(rows: Rows, take: np.ndarray) -> Dataset:
    # ids keep numbering the rows before the split, as v1's did
    datasets = require_datasets()
    features = datasets.Features(rows.features)
    table = pa.Table.from_pydict(rows.columns, schema=features.arrow_schema)
    return arrow_dataset(table.take(pa.array(take, type=pa.int64())), features)


def _grouped_split(
    ds: DatasetView, record_of: Sequence[int], test_size: float, seed: int, where: str
) -> tuple[np.ndarray, np.ndarray]:
    """Return the rows of train and test: rows of records with equal fields share a split."""
    columns, _ = argilla_columns(ds)
    joined = pc.binary_join_element_wise(
        *[pc.fill_null(pa.array(columns[f], type=pa.string()), "") for f in ds.schema.field_names],
        "\x1f",
    )
    encoded = pc.dictionary_encode(normalize_prompts(joined))
    record_group = np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    row_group = record_group[np.asarray(record_of, dtype=np.int64)]
    present, group = np.unique(row_group, return_inverse=True)
    keys = encoded.dictionary.take(pa.array(present))
    order, is_test = split_groups(keys, None, test_size, seed, where)
    rows = np.lexsort((np.arange(len(row_group)), order[group]))
    return rows[~is_test[group[rows]]], rows[is_test[group[rows]]]


def _openai_classification(
    ds: DatasetView, rows: Rows, test_size: float, seed: int, where: str
) -> Any:
    """Return OpenAI's classification fine-tuning rows, as v1 made them.

    Each row is ``{"prompt": text + separator, "completion": " " + class id}`` (ids of several
    labels joined by spaces), with the separator and the leading space OpenAI's guide asked for.
    """

    def jsonl(take: np.ndarray) -> list[dict[str, str]]:
        out = []
        for i in take.tolist():
            label = rows.columns["label"][i]
            ids = " ".join(map(str, label)) if isinstance(label, list) else str(label)
            out.append({"prompt": rows.columns["text"][i] + "\n\n###\n\n", "completion": " " + ids})
        return out

    if np.isclose(test_size, 0.0):
        return jsonl(np.arange(len(rows)))
    train, test = _grouped_split(ds, rows.record_of, test_size, seed, where)
    return jsonl(train), jsonl(test)


def _openai_chats(ds: DatasetView, rows: Rows, test_size: float, seed: int, where: str) -> Any:
    """Group chat turns into OpenAI's ``{"messages": [{"role", "content"}]}`` chats (v1)."""

    def chats(take: np.ndarray) -> list[dict[str, list[dict[str, str]]]]:
        c = rows.columns
        ordered = sorted(take.tolist(), key=lambda i: (c["chat"][i], c["turn"][i]))
        out: dict[str, list[dict[str, str]]] = {}
        for i in ordered:
            out.setdefault(c["chat"][i], []).append(
                {"role": c["role"][i], "content": c["content"][i]}
            )
        return [{"messages": messages} for messages in out.values()]

    if np.isclose(test_size, 0.0):
        return chats(np.arange(len(rows)))
    train, test = _grouped_split(ds, rows.record_of, test_size, seed, where)
    return chats(train), chats(test)
