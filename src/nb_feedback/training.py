"""Argilla v1's ``prepare_for_training`` for supervised fine-tuning, with a leak-free split.

``TrainingTask.for_supervised_fine_tuning(formatting_func)`` and
``dataset.prepare_for_training(framework="trl", task=task, train_size=0.8, seed=None)`` behave as
in Argilla v1: the formatting function gets each record as a ``format_as("datasets")`` row and
returns None, a text, or a list (or generator) of texts; the result is an ``id``/``text`` dataset,
split into train and test unless ``train_size`` is 1.

Two things differ on purpose. The split is grouped by prompt: every text made from records whose
fields are equal after normalisation (NFKC, casefold, collapsed whitespace) lands in the same
split, so no prompt is trained on and evaluated on. And ``seed=None`` means seed 0, so running
the same notebook twice gives the same split (Argilla v1 shuffled at random).
"""

from __future__ import annotations

import types
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from nb_feedback._grouping import check_seed, normalize_prompts, split_groups
from nb_feedback.argilla_format import argilla_columns
from nb_feedback.errors import ExportError
from nb_feedback.export import arrow_dataset, require_datasets

if TYPE_CHECKING:
    from datasets import Dataset, DatasetDict

    from nb_feedback.dataset import FeedbackDataset

FormattingFunc = Callable[[dict[str, Any]], Any]


@dataclass(frozen=True)
class TrainingTaskForSFT:
    """Supervised fine-tuning data made by a formatting function (Argilla v1's task).

    Parameters
    ----------
    formatting_func : callable
        Gets one record as a ``format_as("datasets")`` row (a dict) and returns None (skip the
        record), a text, or a list or generator of texts.
    """

    formatting_func: FormattingFunc

    def __post_init__(self) -> None:
        if not callable(self.formatting_func):
            raise ExportError(
                f"for_supervised_fine_tuning: formatting_func must be callable, "
                f"got {self.formatting_func!r}"
            )


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
    def for_supervised_fine_tuning(formatting_func: FormattingFunc) -> TrainingTaskForSFT:
        """Return an SFT task whose texts ``formatting_func`` makes from each record.

        Parameters
        ----------
        formatting_func : callable
            See ``TrainingTaskForSFT``.

        Returns
        -------
        TrainingTaskForSFT
            Pass it to ``dataset.prepare_for_training(framework="trl", task=...)``.
        """
        return TrainingTaskForSFT(formatting_func)


def _texts(output: Any, where: str) -> list[str]:
    """Flatten a formatting function's output to texts (None and empty are skipped)."""
    if output is None:
        return []
    if isinstance(output, str):
        return [output] if output else []
    if isinstance(output, list | tuple | types.GeneratorType) or (
        isinstance(output, Iterable) and not isinstance(output, bytes | dict)
    ):
        texts = []
        for item in output:
            if item is None or item == "":
                continue
            if not isinstance(item, str):
                raise ExportError(
                    f"{where}: formatting_func returned a list holding {item!r}; "
                    "expected None, a string, or a list of strings"
                )
            texts.append(item)
        return texts
    raise ExportError(
        f"{where}: formatting_func returned {type(output).__name__} ({output!r:.80}); "
        "expected None, a string, or a list of strings"
    )


def prepare_for_training(
    ds: FeedbackDataset,
    framework: str = "trl",
    task: TrainingTaskForSFT | None = None,
    train_size: float | None = 0.8,
    test_size: float | None = None,
    seed: int | None = None,
    lang: str | None = None,
) -> Dataset | DatasetDict:
    """Make an ``id``/``text`` dataset for TRL from a formatting function, as Argilla v1 did.

    Parameters
    ----------
    ds : FeedbackDataset
        The dataset.
    framework : {"trl"}
        Only TRL is supported.
    task : TrainingTaskForSFT
        From ``TrainingTask.for_supervised_fine_tuning(formatting_func)``.
    train_size : float, optional
        Fraction of prompt groups for training; 1 (or None) means no split.
    test_size : float, optional
        ``1 - train_size`` when not given; the two must add up to 1.
    seed : int, optional
        Seed of the split; None means 0, so the split is the same on every run.
    lang : str, optional
        Accepted for Argilla v1 compatibility (spaCy only); ignored.

    Returns
    -------
    datasets.Dataset or datasets.DatasetDict
        ``Dataset({"id", "text"})`` when ``train_size`` is 1, else
        ``DatasetDict({"train", "test"})``. ``id`` numbers the texts in record order.

    Raises
    ------
    ExportError
        Unknown framework or task, bad sizes, a formatting function returning something else
        than texts, no texts, or too few prompts to split.
    """
    del lang
    where = "prepare_for_training"
    if str(getattr(framework, "value", framework)).lower() != "trl":
        raise ExportError(f"{where}: framework={framework!r} is not supported; expected 'trl'")
    if not isinstance(task, TrainingTaskForSFT):
        raise ExportError(
            f"{where}: task must come from TrainingTask.for_supervised_fine_tuning(...), "
            f"got {task!r}"
        )
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

    datasets = require_datasets()
    columns, _ = argilla_columns(ds)
    names = list(columns)
    texts: list[str] = []
    record_of: list[int] = []
    for i, row in enumerate(zip(*columns.values(), strict=True)):
        out = _texts(task.formatting_func(dict(zip(names, row, strict=True))), where)
        texts.extend(out)
        record_of.extend([i] * len(out))
    if not texts:
        raise ExportError(
            f"{where}: formatting_func returned no text for any of {len(ds)} records "
            "(does it read the submitted answers?)"
        )
    features = datasets.Features({"id": datasets.Value("int32"), "text": datasets.Value("string")})
    table = pa.table(
        {"id": pa.array(np.arange(len(texts), dtype=np.int32)), "text": pa.array(texts)}
    )
    if np.isclose(test_size, 0.0):
        return arrow_dataset(table, features)

    # Group key per record: its fields, normalised and joined.
    fields = ds.schema.field_names
    joined = pc.binary_join_element_wise(
        *[pc.fill_null(pa.array(columns[f], type=pa.string()), "") for f in fields], "\x1f"
    )
    encoded = pc.dictionary_encode(normalize_prompts(joined))
    record_group = np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    text_group = record_group[np.asarray(record_of)]
    present, group = np.unique(text_group, return_inverse=True)
    keys = encoded.dictionary.take(pa.array(present))
    order, is_test = split_groups(keys, None, test_size, seed, where)
    rows = np.lexsort((np.arange(len(texts)), order[group]))
    test_rows = rows[is_test[group[rows]]]
    train_rows = rows[~is_test[group[rows]]]
    return datasets.DatasetDict(
        {
            "train": arrow_dataset(table.take(pa.array(train_rows)), features),
            "test": arrow_dataset(table.take(pa.array(test_rows)), features),
        }
    )
