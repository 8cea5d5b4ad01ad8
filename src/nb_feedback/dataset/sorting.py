"""``dataset.sort_by``: records in the order of a metadata value or of their answers' times.

Argilla v1 sorted only on its server (a local ``sort_by`` warned and did nothing). Here it
sorts in the process and returns a read-only dataset of the same records in the new order.
Sort keys, as v1's ``SortBy``: ``"metadata.<name>"``, ``"inserted_at"`` (the order records were
added) and ``"updated_at"`` (the latest answer to the record). Records missing a value go last,
whatever the order; equal keys keep the records' order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from nb_feedback.base.errors import FeedbackError
from nb_feedback.domain._checks import checked_arguments

if TYPE_CHECKING:
    from nb_feedback.store.view import DatasetView


class RecordSortField(str, Enum):
    """Sort keys that are not metadata."""

    inserted_at = "inserted_at"
    updated_at = "updated_at"


class SortOrder(str, Enum):
    """Ascending or descending."""

    asc = "asc"
    desc = "desc"


@checked_arguments
@dataclass(frozen=True)
class SortBy:
    """One sort key (Argilla v1's ``SortBy``): ``field`` and ``order`` ("asc" or "desc").

    Examples
    --------
    >>> SortBy(field="metadata.length", order="desc").order
    'desc'
    """

    field: str
    order: str = "asc"

    def __post_init__(self) -> None:
        field = getattr(self.field, "value", self.field)
        order = getattr(self.order, "value", self.order)
        if not isinstance(field, str) or not (
            field in ("inserted_at", "updated_at") or field.startswith("metadata.")
        ):
            raise FeedbackError(
                f"sort_by: field {self.field!r} is not sortable; expected 'inserted_at', "
                "'updated_at' or 'metadata.<name>'"
            )
        if order not in ("asc", "desc"):
            raise FeedbackError(f"sort_by: order must be 'asc' or 'desc', got {self.order!r}")
        object.__setattr__(self, "field", field)
        object.__setattr__(self, "order", order)


def _keys(sort: Any, order: str) -> list[SortBy]:
    if isinstance(sort, SortBy):
        return [sort]
    if isinstance(sort, str | Enum):
        return [SortBy(field=sort, order=order)]  # type: ignore[arg-type]
    if isinstance(sort, Mapping):
        return [SortBy(**sort)]
    if isinstance(sort, Sequence) and sort:
        return [k for item in sort for k in _keys(item, order)]
    raise FeedbackError(
        f"sort_by: expected a SortBy, a list of them, or a field name, got {sort!r}"
    )


def _column(ds: DatasetView, field: str) -> pd.Series:
    n = len(ds)
    if field == "inserted_at":
        return pd.Series(np.arange(n, dtype=float))
    ids = [r.id for r in ds]
    if field == "updated_at":
        frame = ds.tables().responses  # updated_at in epoch seconds, as stored
        latest = frame.groupby("record_id")["updated_at"].max() if len(frame) else pd.Series()
        return pd.Series([latest.get(i, np.nan) for i in ids], dtype=float)
    name = field.removeprefix("metadata.")
    values = [(r.metadata or {}).get(name) for r in ds]
    if ds.metadata_property_by_name(name) is None and all(v is None for v in values):
        raise FeedbackError(
            f"sort_by: no metadata {name!r}; expected one of "
            f"{[p.name for p in ds.metadata_properties]}"
        )
    return pd.Series(values, dtype=object)


def sort_positions(ds: DatasetView, sort: Any, order: str = "asc") -> np.ndarray:
    """Return the record positions of ``ds`` in the order ``sort`` asks for (a stable sort)."""
    keys = _keys(sort, order)
    positions = np.arange(len(ds))
    # stable sorts from the last key to the first: the first key decides, later ones break ties
    for key in reversed(keys):
        column = _column(ds, key.field).iloc[positions].reset_index(drop=True)
        missing = column.isna().to_numpy()
        present = column[~missing]
        try:
            ordered = present.sort_values(kind="stable")
        except TypeError:
            raise FeedbackError(
                f"sort_by: {key.field!r} holds values that cannot be compared "
                f"({sorted({type(v).__name__ for v in present})})"
            ) from None
        # equal values share a code; codes ascend with the values
        codes, _ = pd.factorize(ordered, sort=False)
        rank = np.full(len(column), np.inf)
        rank[ordered.index.to_numpy()] = codes
        if key.order == "desc":
            rank[~missing] = -rank[~missing]
        positions = positions[np.argsort(rank, kind="stable")]
    return positions
