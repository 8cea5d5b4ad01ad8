"""``dataset.find_similar_records``: the records whose vector is nearest a query, by cosine.

Argilla v1 needed its server (and a search engine) for this; here it is exact cosine similarity
in numpy over the records' vectors (``VectorSettings`` in ``nb_feedback.domain.vectors``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from nb_feedback.base.errors import FeedbackError

if TYPE_CHECKING:
    from nb_feedback.domain.records import FeedbackRecord
    from nb_feedback.store.view import DatasetView


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
    ds: DatasetView,
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
