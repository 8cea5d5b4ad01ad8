"""Read views of a dataset: ``filter_by``, ``to_pandas``, ``responses_frame``, statuses, queues, progress.

A mixin of ``FeedbackDataset`` over ``DatasetCore``; nothing here changes data.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Self

import numpy as np
import pandas as pd
import pyarrow as pa

from nb_feedback.base._arrowtext import loads
from nb_feedback.base._gc import gc_paused
from nb_feedback.base.errors import ResponseError
from nb_feedback.dataset.filters import MetadataFilter
from nb_feedback.domain.chat import decode as decode_chat
from nb_feedback.domain.distribution import (
    RECORD_STATUSES,
)
from nb_feedback.domain.records import (
    STATUSES,
    check_user,
)
from nb_feedback.domain.review import reviewed_answers
from nb_feedback.store import _tables as T
from nb_feedback.store.view import Tables
from nb_feedback.team.annotator_queue import queue_positions, user_order
from nb_feedback.team.team_progress import team_progress

if TYPE_CHECKING:
    pass
from nb_feedback.dataset._core import DatasetCore, _decoded, _fresh


class QueryMixin(DatasetCore):
    """Filtered views, frames, per-user statuses and queues."""

    def status_counts(self, user: str) -> dict[str, int]:
        """Return ``user``'s records per status: pending, draft, submitted, discarded, total."""
        counts = self._responses.status_counts(user)
        out = {s: int(counts.get(s, 0)) for s in STATUSES}
        out["pending"] = len(self) - sum(out.values())
        out["total"] = len(self)
        return out

    def user_statuses(self, user: str) -> pd.Series:
        """Return ``user``'s status per record position ("pending" where unanswered)."""
        frame = self._responses.frame()
        mine = frame.loc[frame["user"] == user, ["record_id", "status"]]
        by_id = pd.Series(mine["status"].to_numpy(), index=mine["record_id"].to_numpy())
        # object first: with no answer by ``user`` the mapped column is all-NaN float64
        out = self._records[T.ID].map(by_id).astype(object)
        return out.where(out.notna(), "pending")

    # ------------------------------------------------------------------- team
    def queue(self, user: str) -> list[str]:
        """Return the ids of the records ``user`` should do next, in the order the widget shows.

        Pending records (see ``TaskDistribution``) that ``user`` has not submitted or
        discarded, in an order seeded by the user's name: the same in every process, and
        different for every annotator, so people working at once rarely collide. A saved
        dataset first takes in what other processes wrote to its folder (``refresh()``).
        """
        self.refresh()
        positions = self.queue_positions(user)
        ids: list[str] = (
            self._columns()[T.ID].take(pa.array(positions, type=pa.int64())).to_pylist()
        )
        return ids

    def queue_positions(self, user: str) -> np.ndarray:
        """Return the record positions of ``queue(user)``."""
        check_user(user, "queue")
        ids = self._columns()[T.ID]
        cached = self._orders.get(user)
        if cached is None or len(cached) != len(ids):  # records were added: a new order
            cached = self._orders[user] = user_order(ids, user)
        need = self.distribution.min_submitted
        return queue_positions(ids, self._responses.frame(), user, need, cached)

    def progress(self, with_users_distribution: bool = False) -> dict[str, Any]:
        """Return the team's progress in Argilla 2's shape; see ``nb_feedback.team.team_progress``.

        Examples
        --------
        >>> import nb_feedback as rg
        >>> ds = rg.FeedbackDataset(fields=[rg.TextField(name="prompt")],
        ...                         questions=[rg.TextQuestion(name="demonstration")])
        >>> ds.add_records([{"prompt": "a"}, {"prompt": "b"}])
        >>> _ = ds.add_response(ds[0].id, {"demonstration": "A"}, user="ana")
        >>> ds.progress()
        {'total': 2, 'completed': 1, 'pending': 1}
        """
        self.refresh()  # a saved dataset counts what the others wrote to its folder too
        return team_progress(
            self._columns()[T.ID],
            self._responses.frame(),
            self.distribution.min_submitted,
            with_users_distribution=with_users_distribution,
        )

    def reviews(self) -> pd.DataFrame:
        """Return one row per reviewed record and reviewer: record_id, reviewer, source, edited, at.

        ``at`` is when the review was made, a UTC datetime.
        """
        return self._reviews().frame()

    def reviewed(self) -> Self:
        """Return a read-only dataset in which each reviewed record keeps only its review.

        Records a reviewer answered (``add_review``, the review view) keep only the reviewers'
        answers; the others keep every answer. Every export then prefers reviewed answers:
        ``ds.reviewed().prepare_for_training(...)``, ``ds.reviewed().to_preference(...)``.
        """
        responses = self._responses.frame()
        keep = reviewed_answers(responses, self.reviews())
        everything = np.ones(len(self._records), dtype=bool)
        return self._subset(everything, responses if keep.all() else responses[keep], None)

    # ---------------------------------------------------------------- queries
    def filter_by(
        self,
        *,
        response_status: str | Sequence[str] | None = None,
        metadata_filters: MetadataFilter | Sequence[MetadataFilter] | None = None,
        user: str | None = None,
        record_status: str | Sequence[str] | None = None,
    ) -> Self:
        """Return a read-only dataset of the matching records (it really filters).

        ``response_status`` is a status or a list of them, "pending" meaning no response;
        a record matches when at least one response (by ``user``, if given) has that status.
        ``record_status`` ("pending" or "completed", or a list) keeps records by their status
        under the dataset's ``TaskDistribution``.
        The result is a snapshot: later changes to this dataset do not show in it. It copies
        no record text until its records are read one by one (``to_sft`` reads none).
        """
        n = len(self._records)
        keep = np.ones(n, dtype=bool)
        responses = self._responses.frame()
        record_of = None
        if response_status is not None:
            wanted = (
                [response_status] if isinstance(response_status, str) else list(response_status)
            )
            bad = [s for s in wanted if str(s) not in (*STATUSES, "pending")]
            if bad or not wanted:
                raise ResponseError(
                    f"filter_by: response_status must be among "
                    f"{[*STATUSES, 'pending']}, got {response_status!r}"
                )
            wanted = [str(s) for s in wanted]
            record_of = self._record_positions(responses)
            by_user = np.ones(len(responses), dtype=bool)
            if user is not None:
                by_user = (responses["user"] == user).to_numpy(dtype=bool)
            hit = by_user & T.isin(responses["status"], wanted).to_numpy()
            status_mask = np.zeros(n + 1, dtype=bool)  # the extra slot: no record
            status_mask[record_of[hit]] = True
            if "pending" in wanted:
                answered = np.zeros(n + 1, dtype=bool)
                answered[record_of[by_user]] = True
                status_mask |= ~answered
            keep &= status_mask[:n]
        if record_status is not None:
            wanted = [record_status] if isinstance(record_status, str) else list(record_status)
            if not wanted or any(str(s) not in RECORD_STATUSES for s in wanted):
                raise ResponseError(
                    f"filter_by: record_status must be among {list(RECORD_STATUSES)}, "
                    f"got {record_status!r}"
                )
            statuses = self._record_statuses(responses)
            keep &= np.isin(statuses, [str(s) for s in wanted])
        if metadata_filters is not None:
            filters = (
                metadata_filters if isinstance(metadata_filters, Sequence) else [metadata_filters]
            )
            for f in filters:
                keep &= f.mask(self._records, self._schema).fillna(False).to_numpy(dtype=bool)
        return self._subset(keep, responses, record_of)

    def record_statuses(self) -> np.ndarray:
        """Return each record's status, "pending" or "completed", by position (one pass)."""
        return self._record_statuses()

    def to_pandas(self) -> pd.DataFrame:
        """Return one row per record: id, fields, metadata, suggestions, responses, external_id, status.

        ``responses`` holds a list of ``{user, values, status, updated_at, time_spent}`` dicts;
        ``status`` is the record's status, "pending" or "completed" (see ``TaskDistribution``).
        """
        with gc_paused():
            return self._to_pandas()

    def _to_pandas(self) -> pd.DataFrame:
        frame = self._responses.frame()
        grouped: dict[str, list[dict[str, Any]]] = {}
        if len(frame):
            cols = {c: frame[c].tolist() for c in T.RESPONSE_COLUMNS}
            for k, record_id in enumerate(cols["record_id"]):
                spent = cols["time_spent"][k]
                grouped.setdefault(record_id, []).append(
                    {
                        "user": cols["user"][k],
                        "values": loads(cols["values"][k]),
                        "status": cols["status"][k],
                        "updated_at": cols["updated_at"][k],
                        "time_spent": None if spent != spent else spent,  # NaN -> None
                    }
                )
        if self._edits:  # record edits not folded yet: the cached columns lack them
            self._fold_edits()
        arrow = self._columns()
        n = len(self._records)
        # .array: Arrow-backed text stays as it is (to_numpy would make a Python str per cell)
        out = pd.DataFrame({"id": self._records[T.ID].array})
        for name in self._schema.field_names:
            out[name] = self._records[name].array
        for name in self._schema.chat_field_names:  # conversations as lists, not JSON text
            out[name] = pd.Series(map(decode_chat, out[name]), dtype=object)
        out["metadata"] = _decoded(arrow[T.METADATA], n, dict)
        out["suggestions"] = _decoded(arrow[T.SUGGESTIONS], n, list)
        out["responses"] = [grouped.get(i, []) for i in out["id"]] if grouped else _fresh(n, list)
        external = arrow[T.EXTERNAL_ID]
        out["external_id"] = (
            np.full(n, None, dtype=object)
            if external.null_count == n
            else pd.Series(external.to_pylist(), dtype=object)
        )
        out["status"] = self._record_statuses(frame)
        return out

    def responses_frame(self) -> pd.DataFrame:
        """Return one row per (record, user): record_id, user, status, values (dict), times.

        ``updated_at`` and ``inserted_at`` (the first answer of this user to this record) are
        UTC datetimes; ``time_spent`` is in seconds. ``provenance`` is what the labeler was
        shown and how the answer relates to it (a dict, see ``nb_feedback.domain.provenance``),
        or None; for an answer added in bulk (``add_responses``, ``add_records``) it is
        ``{"@bulk": {"via": <that method>}}``.
        """
        frame = self._responses.frame().copy()
        for column in ("updated_at", "inserted_at"):  # stored as epoch seconds
            frame[column] = pd.to_datetime(frame[column], unit="s", utc=True)
        with gc_paused():  # two dicts per answer (bulk answers have a provenance too)
            frame["values"] = [loads(v) for v in frame["values"].tolist()]
            frame["provenance"] = [
                None if not isinstance(v, str) else loads(v) for v in frame["provenance"].tolist()
            ]
        return frame

    def tables(self) -> Tables:
        """Return a read-only look at the record and response tables (for exporters, reports).

        The tables are the dataset's own, not copies: read them, never change them.
        """
        return Tables(self)
