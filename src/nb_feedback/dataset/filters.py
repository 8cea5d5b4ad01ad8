"""Metadata filters for ``FeedbackDataset.filter_by``, named as in Argilla v1."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

import numpy as np
import pandas as pd

from nb_feedback.base._arrowtext import loads
from nb_feedback.base.errors import SchemaError
from nb_feedback.domain._checks import check_name, checked_arguments
from nb_feedback.domain.metadata import TermsMetadataProperty
from nb_feedback.domain.schema import Schema
from nb_feedback.store import _tables as T


class ResponseStatusFilter(str, Enum):
    """The statuses ``filter_by(response_status=...)`` takes (Argilla v1's enum)."""

    draft = "draft"
    submitted = "submitted"
    discarded = "discarded"
    pending = "pending"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class TermsMetadataFilter:
    """Keep records whose metadata ``name`` is one of ``values``.

    Examples
    --------
    >>> TermsMetadataFilter(name="topic", values=["math"]).values
    ['math']
    """

    name: str
    values: Sequence[str]

    def __post_init__(self) -> None:
        # checked when built, as Argilla v1 did: a wrong filter is named where it is written
        _filter_name(self.name)
        if isinstance(self.values, str) or not isinstance(self.values, Sequence) or not self.values:
            raise SchemaError(f"metadata filter {self.name!r}: values must be a non-empty list")
        if len(set(self.values)) != len(self.values):
            raise SchemaError(f"metadata filter {self.name!r}: values must not repeat a term")

    def mask(self, records: pd.DataFrame, schema: Schema) -> pd.Series:
        """Return a boolean mask over ``records``."""
        prop = _property(schema, self.name)
        if not isinstance(prop, TermsMetadataProperty):
            raise SchemaError(
                f"metadata filter {self.name!r}: a numeric property needs a "
                "range filter (IntegerMetadataFilter/FloatMetadataFilter)"
            )
        if isinstance(self.values, str) or not list(self.values):
            raise SchemaError(f"metadata filter {self.name!r}: values must be a non-empty list")
        wanted = set(self.values)
        typed = records[T.meta_column(self.name)]
        mask = typed.isin(list(wanted))
        # a list of terms lives only in the metadata JSON (typed columns hold scalars): a record
        # matches when any of its terms is wanted
        maybe = (typed.isna() & records[T.METADATA].notna()).to_numpy()
        for i in np.flatnonzero(maybe):
            terms = loads(records[T.METADATA].iat[i]).get(self.name)
            if isinstance(terms, list) and wanted.intersection(terms):
                mask.iat[i] = True
        return mask


@dataclass(frozen=True)
class _RangeFilter:
    name: str
    ge: float | None = None
    le: float | None = None

    def __post_init__(self) -> None:
        _filter_name(self.name)
        for bound in (self.ge, self.le):
            if bound is not None and (
                isinstance(bound, bool) or not isinstance(bound, int | float)
            ):
                raise SchemaError(f"metadata filter {self.name!r}: ge and le must be numbers")
        if self.ge is None and self.le is None:
            raise SchemaError(f"metadata filter {self.name!r}: give ge, le or both")
        if self.ge is not None and self.le is not None and self.le < self.ge:
            raise SchemaError(
                f"metadata filter {self.name!r}: le ({self.le}) is less than ge ({self.ge}), "
                "so no value can match"
            )

    def mask(self, records: pd.DataFrame, schema: Schema) -> pd.Series:
        """Return a boolean mask over ``records``."""
        prop = _property(schema, self.name)
        if isinstance(prop, TermsMetadataProperty):
            raise SchemaError(
                f"metadata filter {self.name!r}: terms property needs a TermsMetadataFilter"
            )
        if self.ge is None and self.le is None:
            raise SchemaError(f"metadata filter {self.name!r}: give ge, le or both")
        col = pd.to_numeric(records[T.meta_column(self.name)], errors="coerce")
        mask = col.notna()
        if self.ge is not None:
            mask &= col >= self.ge
        if self.le is not None:
            mask &= col <= self.le
        return mask


class IntegerMetadataFilter(_RangeFilter):
    """Keep records whose integer metadata ``name`` lies in [ge, le]."""


class FloatMetadataFilter(_RangeFilter):
    """Keep records whose float metadata ``name`` lies in [ge, le]."""


MetadataFilter = TermsMetadataFilter | IntegerMetadataFilter | FloatMetadataFilter

for _cls in (TermsMetadataFilter, IntegerMetadataFilter, FloatMetadataFilter):
    checked_arguments(_cls)


def _filter_name(name: object) -> None:
    check_name("metadata filter", name)


def _property(schema: Schema, name: str) -> object:
    prop = schema.metadata_property(name)
    if prop is None:
        declared = [p.name for p in schema.metadata_properties]
        raise SchemaError(
            f"metadata filter {name!r}: no such metadata property; declared: {declared}"
        )
    return prop
