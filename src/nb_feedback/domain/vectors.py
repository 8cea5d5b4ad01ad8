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

from nb_feedback.base.errors import FeedbackError, SchemaError
from nb_feedback.domain._checks import check_name, check_optional_str, checked_arguments

if TYPE_CHECKING:
    from nb_feedback.dataset.dataset import FeedbackDataset
    from nb_feedback.domain.records import FeedbackRecord


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


def cosine_top_k(matrix: np.ndarray, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Return the rows of ``matrix`` most similar to ``query`` (indices, cosine scores), best first.

    Equal scores keep the rows' order. A zero vector has similarity 0 to everything.
    """
    norms = np.linalg.norm(matrix, axis=1)
    qn = float(np.linalg.norm(query))
    with np.errstate(invalid="ignore", divide="ignore"):
        scores = (matrix @ query) / (norms * qn)
    scores = np.where(np.isfinite(scores), scores, 0.0)
    order = np.argsort(-scores, kind="stable")[:k]
    return order, scores[order]


def find_similar_records(
    ds: FeedbackDataset,
    vector_name: str,
    value: Any = None,
    record: FeedbackRecord | None = None,
    max_results: int = 50,
) -> list[tuple[FeedbackRecord, float]]:
    """Return ``[(record, similarity), ...]``, most similar first (Argilla v1's shape).

    Parameters
    ----------
    ds : FeedbackDataset
        The dataset searched.
    vector_name : str
        Which of the records' vectors to compare.
    value : list of float, optional
        Search near this vector.
    record : FeedbackRecord, optional
        Or near this record's vector; the record itself is left out of the results.
    max_results : int
        At most this many results (default 50, as v1).
    """
    where = "find_similar_records"
    if (record is None) == (value is None):
        raise FeedbackError(f"{where}: give exactly one of record= or value=")
    if isinstance(max_results, bool) or not isinstance(max_results, int) or max_results < 1:
        raise FeedbackError(f"{where}: max_results must be a positive int, got {max_results!r}")
    if record is not None:
        vectors = getattr(record, "vectors", None) or {}
        if vector_name not in vectors:
            raise FeedbackError(f"{where}: record {record.id!r} has no vector {vector_name!r}")
        value = vectors[vector_name]
    query = np.asarray(value, dtype=float)
    candidates, rows = [], []
    for r in ds:
        v = (getattr(r, "vectors", None) or {}).get(vector_name)
        if v is None or (record is not None and r.id == record.id):
            continue
        if len(v) != len(query):
            raise FeedbackError(
                f"{where}: record {r.id!r} vector {vector_name!r} has {len(v)} dimensions; "
                f"the query has {len(query)}"
            )
        candidates.append(r)
        rows.append(v)
    if not rows:
        return []
    order, scores = cosine_top_k(np.asarray(rows, dtype=float), query, max_results)
    return [(candidates[i], float(s)) for i, s in zip(order, scores, strict=True)]
