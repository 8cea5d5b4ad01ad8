"""The team's progress in Argilla 2's shape (``dataset.progress()``).

``{"total", "completed", "pending"}`` counts records by record status; with
``with_users_distribution=True`` a ``"users"`` entry gives, per annotator, their responses to
completed and to pending records, by response status::

    {"total": 100, "completed": 40, "pending": 60,
     "users": {"ana": {"completed": {"submitted": 30, "draft": 0, "discarded": 1},
                       "pending": {"submitted": 12, "draft": 2, "discarded": 0}}}}
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from nb_feedback.domain.distribution import completed_mask
from nb_feedback.domain.records import STATUSES


def team_progress(
    record_ids: pa.Array | pa.ChunkedArray,
    responses: pd.DataFrame,
    min_submitted: int,
    *,
    with_users_distribution: bool = False,
) -> dict[str, Any]:
    """Return record counts by status and, optionally, each annotator's responses by status."""
    n = len(record_ids)
    done = completed_mask(record_ids, responses, min_submitted)
    completed = int(done.sum())
    out: dict[str, Any] = {"total": n, "completed": completed, "pending": n - completed}
    if not with_users_distribution:
        return out
    users: dict[str, dict[str, dict[str, int]]] = {}
    if not responses.empty:
        ids = pa.array(responses["record_id"], type=pa.string(), from_pandas=True)
        position = pc.index_in(ids, value_set=record_ids)
        known = np.asarray(pc.is_valid(position), dtype=bool)
        frame = responses.loc[known, ["user", "status"]].copy()
        at = np.asarray(pc.drop_null(position)).astype(np.int64)
        frame["record_status"] = np.where(done[at], "completed", "pending")
        counts = frame.groupby(["user", "record_status", "status"]).size()
        for (user, record_status, status), count in counts.items():
            entry = users.setdefault(
                str(user), {k: dict.fromkeys(STATUSES, 0) for k in ("completed", "pending")}
            )
            entry[str(record_status)][str(status)] = int(count)
    out["users"] = dict(sorted(users.items()))
    return out
