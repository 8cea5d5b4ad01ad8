"""Metadata properties: the typed values a record may carry besides its fields.

``TermsMetadataProperty`` (a string, optionally from a fixed set), ``IntegerMetadataProperty``
and ``FloatMetadataProperty`` (optionally bounded) are frozen dataclasses checked when built,
with ``to_dict`` for ``schema.json`` and ``check_value`` for one value. ``Schema`` (``schema``)
holds them and rebuilds them through ``_METADATA``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from nb_feedback.base.errors import SchemaError
from nb_feedback.domain._checks import (
    check_name,
    check_optional_str,
    checked_arguments,
    is_unicode,
    short_repr,
)


@dataclass(frozen=True)
class _MetadataProperty:
    name: str
    title: str | None = None
    visible_for_annotators: bool = True
    kind: ClassVar[str] = ""

    def __post_init__(self) -> None:
        check_name("metadata property", self.name)
        check_optional_str(f"metadata property {self.name!r}", "title", self.title)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form stored in ``schema.json``."""
        return {
            "kind": self.kind,
            "name": self.name,
            "title": self.title or self.name,
            "visible_for_annotators": self.visible_for_annotators,
            **self._extra(),
        }

    def _extra(self) -> dict[str, Any]:
        return {}

    def check_value(self, value: object) -> str | None:
        """Say what is wrong with ``value`` for this property, or return None."""
        raise NotImplementedError


@dataclass(frozen=True)
class TermsMetadataProperty(_MetadataProperty):
    """A categorical metadata value (a string, or a list of them), optionally from a fixed set.

    Examples
    --------
    >>> TermsMetadataProperty(name="topic", values=["a", "b"]).check_value(["a", "c"])
    "expected terms from ['a', 'b'], got 'c'"
    """

    values: Sequence[str] | None = None
    kind: ClassVar[str] = "terms"

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.values is not None:
            vals = list(self.values)
            if not vals or any(not isinstance(v, str) or not is_unicode(v) for v in vals):
                raise SchemaError(
                    f"metadata property {self.name!r}: values must be a non-empty list of strings"
                )
            if len(set(vals)) != len(vals):  # Argilla v1 refused repeated values
                twice = next(v for v in vals if vals.count(v) > 1)
                raise SchemaError(f"metadata property {self.name!r}: value {twice!r} appears twice")
            object.__setattr__(self, "values", tuple(vals))

    def _extra(self) -> dict[str, Any]:
        return {"values": None if self.values is None else list(self.values)}

    def check_value(self, value: object) -> str | None:
        """Say what is wrong with ``value`` as a term or a list of terms, or return None."""
        if isinstance(value, list):  # Argilla v1: one record may carry several terms
            if not value or any(not isinstance(t, str) for t in value):
                return f"expected a non-empty list of strings, got {short_repr(value)}"
            bad = [t for t in value if self.values is not None and t not in self.values]
            if bad:
                return f"expected terms from {list(self.values or [])}, got {short_repr(bad[0])}"
            return None
        if not isinstance(value, str):
            return f"expected a string, got {short_repr(value)}"
        if self.values is not None and value not in self.values:
            return f"expected one of {list(self.values)}, got {short_repr(value)}"
        return None


@dataclass(frozen=True)
class _NumberMetadataProperty(_MetadataProperty):
    min: float | None = None
    max: float | None = None
    _types: ClassVar[tuple[type, ...]] = (int,)

    def __post_init__(self) -> None:
        super().__post_init__()
        for bound in (self.min, self.max):
            if bound is not None and (
                isinstance(bound, bool) or not isinstance(bound, int | float)
            ):
                raise SchemaError(f"metadata property {self.name!r}: min/max must be numbers")
        if self.min is not None and self.max is not None and self.min >= self.max:
            # v1 refused min == max too: a property that can hold one value says nothing
            raise SchemaError(
                f"metadata property {self.name!r}: max must be greater than min, "
                f"got min={self.min!r}, max={self.max!r}"
            )

    def _extra(self) -> dict[str, Any]:
        return {"min": self.min, "max": self.max}

    def check_value(self, value: object) -> str | None:
        """Say what is wrong with ``value`` as a number in range, or return None."""
        kind = "an integer" if self._types == (int,) else "a number"
        if (
            isinstance(value, bool)
            or not isinstance(value, self._types)
            or (isinstance(value, float) and not math.isfinite(value))
        ):
            return f"expected {kind}, got {short_repr(value)}"
        assert isinstance(value, int | float)  # for mypy; checked just above
        if (self.min is not None and value < self.min) or (
            self.max is not None and value > self.max
        ):
            return f"expected {kind} in [{self.min}, {self.max}], got {value!r}"
        return None


@dataclass(frozen=True)
class IntegerMetadataProperty(_NumberMetadataProperty):
    """An integer metadata value, optionally bounded."""

    kind: ClassVar[str] = "integer"


@dataclass(frozen=True)
class FloatMetadataProperty(_NumberMetadataProperty):
    """A real-number metadata value, optionally bounded."""

    kind: ClassVar[str] = "float"
    _types: ClassVar[tuple[type, ...]] = (int, float)


MetadataProperty = TermsMetadataProperty | IntegerMetadataProperty | FloatMetadataProperty

_METADATA: dict[str, type[Any]] = {
    c.kind: c for c in (TermsMetadataProperty, IntegerMetadataProperty, FloatMetadataProperty)
}

for _cls in _METADATA.values():
    checked_arguments(_cls)
