"""How many submitted answers finish a record (Argilla 2's ``TaskDistribution``), and record status.

A record is ``completed`` once it has ``min_submitted`` submitted responses (from anyone), else
``pending``. Drafts and discards never complete a record. The distribution is stored with the
schema in the dataset's folder, so every process sharing the folder judges records alike.

This module owns the rule, once: "completed" (``COUNTS_TOWARD_COMPLETION``, ``is_completed``)
and "still in ``user``'s queue" (a pending record ``user`` has not submitted or discarded:
``LEAVES_QUEUE``, ``in_queue``). The scalar forms judge one record from its responses (the
widget's news, ``record_status``); the columnar forms (``completed_mask``, ``answered_mask``)
judge every record at once. ``tests/unit/test_one_rule_completed.py`` pins every consumer to
the scalar forms on generated inputs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from nb_feedback.base.errors import SchemaError

RECORD_STATUSES = ("pending", "completed")


@dataclass(frozen=True)
class TaskDistribution:
    """Overlap distribution: a record is completed once ``min_submitted`` people submitted it.

    Examples
    --------
    >>> TaskDistribution(min_submitted=2).to_dict()
    {'strategy': 'overlap', 'min_submitted': 2}
    """

    min_submitted: int = 1
    strategy: str = "overlap"

    def __post_init__(self) -> None:
        n = self.min_submitted
        if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
            raise SchemaError(f"TaskDistribution: min_submitted must be an integer >= 1, got {n!r}")
        if self.strategy != "overlap":
            raise SchemaError(
                f"TaskDistribution: strategy must be 'overlap' (Argilla 2's only one), "
                f"got {self.strategy!r}"
            )
        object.__setattr__(self, "min_submitted", int(n))

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form stored in the manifest."""
        return {"strategy": self.strategy, "min_submitted": self.min_submitted}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> TaskDistribution:
        """Rebuild from ``to_dict`` output; None (a folder written before 0.2) is the default."""
        if data is None:
            return cls()
        if not isinstance(data, Mapping):
            raise SchemaError(f"distribution: expected an object, got {data!r}")
        return cls(
            min_submitted=data.get("min_submitted", 1), strategy=data.get("strategy", "overlap")
        )


def check_distribution(value: object) -> TaskDistribution:
    """Return ``value`` as a TaskDistribution, or raise naming it."""
    if isinstance(value, TaskDistribution):
        return value
    if isinstance(value, Mapping):
        return TaskDistribution.from_dict(value)
    raise SchemaError(f"distribution: expected rg.TaskDistribution(min_submitted=n), got {value!r}")


COUNTS_TOWARD_COMPLETION = "submitted"
"""The one response status that counts toward ``min_submitted`` (drafts and discards do not)."""
LEAVES_QUEUE = ("submitted", "discarded")
"""A user's own response with one of these statuses takes a record out of their queue; a draft
keeps it there."""


def is_completed(responses: Iterable[Any], min_submitted: int) -> bool:
    """Tell whether a record with these responses (each with a ``status``) is completed."""
    submitted = sum(1 for r in responses if r.status == COUNTS_TOWARD_COMPLETION)
    return submitted >= min_submitted


def answered_by(responses: Iterable[Any], user: str) -> bool:
    """Tell whether ``user`` has submitted or discarded a record (a draft does not count)."""
    return any(r.user == user and r.status in LEAVES_QUEUE for r in responses)


def in_queue(responses: Iterable[Any], user: str, min_submitted: int) -> bool:
    """Tell whether a record with these responses is still in ``user``'s queue.

    It is while it is pending and ``user`` has neither submitted nor discarded it.
    """
    responses = list(responses)
    return not is_completed(responses, min_submitted) and not answered_by(responses, user)


def record_status(responses: Iterable[Any], min_submitted: int) -> str:
    """Return "completed" or "pending" for one record from its responses."""
    return "completed" if is_completed(responses, min_submitted) else "pending"


def submitted_rows(responses: pd.DataFrame) -> np.ndarray:
    """Return which response rows count toward completion (a bool per row)."""
    return np.asarray(responses["status"] == COUNTS_TOWARD_COMPLETION, dtype=bool)


def answered_rows(responses: pd.DataFrame, user: str) -> np.ndarray:
    """Return which response rows are ``user``'s own submitted or discarded answers."""
    mine: np.ndarray = np.asarray(responses["user"] == user, dtype=bool)
    leaves: np.ndarray = np.asarray(responses["status"].isin(LEAVES_QUEUE), dtype=bool)
    both: np.ndarray = mine & leaves
    return both


def submitted_counts(record_ids: pa.Array | pa.ChunkedArray, responses: pd.DataFrame) -> np.ndarray:
    """Return how many submitted responses each record (in ``record_ids`` order) has."""
    if responses.empty:
        return np.zeros(len(record_ids), dtype=np.int64)
    return counts_where(record_ids, responses, submitted_rows(responses))


def completed_mask(
    record_ids: pa.Array | pa.ChunkedArray, responses: pd.DataFrame, min_submitted: int
) -> np.ndarray:
    """Return ``is_completed`` per record (in ``record_ids`` order), in one pass."""
    return completes(submitted_counts(record_ids, responses), min_submitted)


def completes(submitted: np.ndarray, min_submitted: int) -> np.ndarray:
    """Return which records these counts of submitted responses complete."""
    return np.asarray(submitted >= min_submitted, dtype=bool)


def answered_mask(
    record_ids: pa.Array | pa.ChunkedArray, responses: pd.DataFrame, user: str
) -> np.ndarray:
    """Return ``answered_by(..., user)`` per record (in ``record_ids`` order), in one pass."""
    if responses.empty:
        return np.zeros(len(record_ids), dtype=bool)
    mine = responses.loc[answered_rows(responses, user), "record_id"]
    if mine.empty:
        return np.zeros(len(record_ids), dtype=bool)
    done = pc.is_in(record_ids, value_set=pa.array(mine.tolist(), type=pa.string()))
    return np.asarray(pc.fill_null(done, False), dtype=bool)


def counts_where(
    record_ids: pa.Array | pa.ChunkedArray, responses: pd.DataFrame, mask: np.ndarray
) -> np.ndarray:
    """Return how many of the responses selected by ``mask`` each record has."""
    n = len(record_ids)
    chosen = responses.loc[mask, "record_id"]
    if chosen.empty:
        return np.zeros(n, dtype=np.int64)
    # Hash the few distinct answered ids and scan the records against them (~10x faster at
    # 200,000 records than hashing every record id, and the widget asks on each news tick);
    # a response to a record outside ``record_ids`` (a filter_by() view) counts for none.
    tally = pc.value_counts(pa.array(chosen, type=pa.string(), from_pandas=True))
    distinct, counts = tally.field("values"), tally.field("counts")
    which = pc.fill_null(pc.index_in(record_ids, value_set=distinct), len(distinct))
    per_id = np.append(np.asarray(counts, dtype=np.int64), 0)  # the extra slot: no answer
    return per_id[np.asarray(which, dtype=np.int64)]


def record_statuses(
    record_ids: pa.Array | pa.ChunkedArray, responses: pd.DataFrame, min_submitted: int
) -> np.ndarray:
    """Return "completed" / "pending" per record (in ``record_ids`` order), in one pass."""
    done = completed_mask(record_ids, responses, min_submitted)
    return np.where(done, "completed", "pending").astype(object)
