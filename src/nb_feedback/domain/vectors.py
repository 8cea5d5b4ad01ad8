"""Record vectors (Argilla v1's ``VectorSettings`` and ``record.vectors``) and the search on them.

A dataset declares its vectors with ``vectors_settings=[VectorSettings(name, dimensions)]``;
each record may carry ``vectors={name: [float, ...]}``, checked against them when added and
kept with the record (saved with it). ``find_similar_records`` needed v1's server (and a search
engine); here it is cosine similarity in numpy, exact rather than approximate.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from nb_feedback.base.errors import SchemaError
from nb_feedback.domain._checks import check_name, check_optional_str, checked_arguments

if TYPE_CHECKING:
    pass


@checked_arguments
@dataclass(frozen=True)
class VectorSettings:
    """A vector records may carry: its ``name`` and its number of ``dimensions``.

    Examples
    --------
    >>> VectorSettings(name="embedding", dimensions=3).check_value([0.1, 0.2])
    'expected 3 numbers, got 2'
    """

    name: str
    dimensions: int
    title: str | None = None

    def __post_init__(self) -> None:
        check_name("vector", self.name)
        check_optional_str(f"vector {self.name!r}", "title", self.title)
        if (
            isinstance(self.dimensions, bool)
            or not isinstance(self.dimensions, int)
            or self.dimensions < 1
        ):
            raise SchemaError(
                f"vector {self.name!r}: dimensions must be a positive int, got {self.dimensions!r}"
            )

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form stored in ``schema.json``."""
        return {"name": self.name, "title": self.title or self.name, "dimensions": self.dimensions}

    def check_value(self, value: object) -> str | None:
        """Say what is wrong with ``value`` as this vector, or return None."""
        if isinstance(value, np.ndarray):
            value = value.tolist()
        if not isinstance(value, list | tuple):
            return f"expected a list of {self.dimensions} numbers, got {type(value).__name__}"
        if len(value) != self.dimensions:
            return f"expected {self.dimensions} numbers, got {len(value)}"
        for v in value:
            if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
                return f"expected finite numbers, got {v!r}"
        return None


def check_vectors(
    vectors: object, settings: tuple[VectorSettings, ...]
) -> tuple[dict[str, list[float]] | None, str | None]:
    """Return ``(vectors as float lists, None)``, or ``(None, what is wrong)``."""
    if vectors is None or (isinstance(vectors, Mapping) and not vectors):
        return None, None
    if not isinstance(vectors, Mapping):
        return None, f"vectors must be a dict of name: list of numbers, got {vectors!r:.80}"
    by_name = {v.name: v for v in settings}
    out = {}
    for name, value in vectors.items():
        setting = by_name.get(name)
        if setting is None:
            return None, f"unknown vector {name!r}: expected one of {sorted(by_name)}"
        problem = setting.check_value(value)
        if problem:
            return None, f"vector {name!r}: {problem}"
        out[str(name)] = [float(v) for v in value]
    return out, None
