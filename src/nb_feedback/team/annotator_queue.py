"""Each annotator's queue: the pending records they have not answered, in an order of their own.

The order is a keyed hash of each record id, keyed by the annotator's name (SipHash through
``pandas.util.hash_array``, which does not depend on ``PYTHONHASHSEED``): the same in every
process and on every machine, different for every annotator, so people working on one folder at
the same time rarely pick the same record, and a record keeps its place when others are added.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pyarrow as pa

from nb_feedback.domain.distribution import answered_mask, completes, counts_where, submitted_counts


def _hash_key(user: str) -> str:
    # hash_array wants a 16-character key: 16 hex digits of the name's SHA-256
    return hashlib.sha256(user.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def user_order(record_ids: pa.Array | pa.ChunkedArray, user: str) -> np.ndarray:
    """Return record positions in ``user``'s order (a stable sort of a keyed hash of each id)."""
    ids = np.asarray(record_ids.to_pylist() if len(record_ids) else [], dtype=object)
    if not len(ids):
        return np.zeros(0, dtype=np.int64)
    keys = pd.util.hash_array(ids, hash_key=_hash_key(user), categorize=False)
    return np.argsort(keys, kind="stable").astype(np.int64)


def queue_positions(
    record_ids: pa.Array | pa.ChunkedArray,
    responses: pd.DataFrame,
    user: str,
    min_submitted: int,
    order: np.ndarray | None = None,
) -> np.ndarray:
    """Return the positions of ``user``'s queue, in ``user``'s order.

    The queue holds the pending records (fewer than ``min_submitted`` submitted responses) that
    ``user`` has not submitted or discarded; a record ``user`` left as a draft stays in it.
    ``order`` is ``user_order(record_ids, user)`` when the caller keeps it between calls.

    Records whose open slots are all taken by other people's drafts (someone is writing the
    last answer it needs: the widget saves a draft after a pause in typing) go to the end of
    the queue, not out of it: a draft abandoned for good delays a record, it never loses it.
    """
    n = len(record_ids)
    submitted = submitted_counts(record_ids, responses)
    keep = ~completes(submitted, min_submitted)
    taken = np.zeros(n, dtype=bool)
    if not responses.empty:
        others_drafts = (responses["user"] != user).to_numpy() & (
            responses["status"] == "draft"
        ).to_numpy()
        if others_drafts.any():
            busy = submitted + counts_where(record_ids, responses, others_drafts)
            taken = keep & completes(busy, min_submitted)
        keep &= ~answered_mask(record_ids, responses, user)
    if order is None:
        order = user_order(record_ids, user)
    if len(order) != n:
        raise ValueError(f"queue: an order of {len(order)} positions for {n} records")
    walk = order[keep[order]]
    if taken.any():  # stable: each part keeps the user's order
        walk = np.concatenate([walk[~taken[walk]], walk[taken[walk]]])
    return np.asarray(walk, dtype=np.int64)
