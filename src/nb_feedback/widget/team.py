"""The widget's team side: which records a view walks, the team line, and the review payload.

- An annotator's view walks ``dataset.queue(user)``; a reviewer's view walks the records that
  others submitted answers to and the reviewer has not answered yet.
- When the view asks for news (a timer in the view: the kernel runs no thread, since Colab
  does not push trait changes made from one), the dataset reads the folder's new log bytes;
  the walk keeps what the annotator has seen and re-plans what lies ahead.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from nb_feedback.base.errors import ResponseError
from nb_feedback.domain.distribution import answered_rows, in_queue, is_completed, submitted_rows
from nb_feedback.widget.protocol import ReviewAnswer, TeamPayload

if TYPE_CHECKING:
    from nb_feedback.domain.records import FeedbackRecord
    from nb_feedback.widget.target import AnnotatedDataset

NEWS_SECONDS = 2.0
"""How often an open view asks the kernel for the other annotators' news."""


def walk(dataset: AnnotatedDataset, user: str, review: bool) -> np.ndarray:
    """Return the record positions this view walks, in order."""
    if not review:
        return dataset.queue_positions(user)
    frame = dataset.tables().responses  # record_id, user, status: no values decoded
    others = frame[(frame["user"] != user).to_numpy() & submitted_rows(frame)]
    mine = frame.loc[answered_rows(frame, user), "record_id"]
    wanted = set(others["record_id"]) - set(mine)
    if not wanted:
        return np.zeros(0, dtype=np.int64)
    return np.sort(np.fromiter((dataset.position_of(r) for r in wanted), dtype=np.int64))


def replan(order: np.ndarray, position: int, fresh: np.ndarray) -> np.ndarray:
    """Keep ``order`` up to ``position`` (what was seen), then what ``fresh`` still holds."""
    seen = order[: position + 1]
    ahead = fresh[~np.isin(fresh, seen)]
    return np.concatenate([seen, ahead]).astype(np.int64)


def finished(dataset: AnnotatedDataset, user: str, record_ids: Sequence[str]) -> np.ndarray:
    """Return the positions of the records among ``record_ids`` that left ``user``'s queue.

    Costs O(len(record_ids)): the news of a refresh, not the whole dataset.
    """
    need = dataset.distribution.min_submitted
    out = []
    for record_id in set(record_ids):
        if not in_queue(dataset.responses_for(record_id), user, need):
            out.append(dataset.position_of(record_id))
    return np.asarray(out, dtype=np.int64)


def drop_ahead(order: np.ndarray, position: int, gone: np.ndarray) -> np.ndarray:
    """Remove ``gone`` from ``order`` after ``position``; what was seen stays as it is."""
    ahead = order[position + 1 :]
    return np.concatenate([order[: position + 1], ahead[~np.isin(ahead, gone)]]).astype(np.int64)


class TeamTally:
    """The team's completed count for the ``team`` trait, kept up to date in O(news).

    Counted once in full; after that each change recounts only the records it touched, so a
    news tick at 1,000,000 records does not pass over every answer. Records added or deleted
    (positions move) count everything again.
    """

    def __init__(self, dataset: AnnotatedDataset) -> None:
        self._dataset = dataset
        self.recount()

    def recount(self) -> None:
        """Count every record's status again."""
        self._done = np.asarray(self._dataset.record_statuses() == "completed", dtype=bool)
        self.completed = int(self._done.sum())

    def update(self, record_ids: Sequence[str]) -> None:
        """Recount the records ``record_ids`` (their responses changed)."""
        need = self._dataset.distribution.min_submitted
        for record_id in set(record_ids):
            try:
                at = self._dataset.position_of(record_id)
            except ResponseError:
                continue
            done = is_completed(self._dataset.responses_for(record_id), need)
            if done != self._done[at]:
                self._done[at] = done
                self.completed += 1 if done else -1

    def line(self) -> TeamPayload:
        """Return the ``team`` trait: progress in Argilla 2's shape, min_submitted, news_ms."""
        total = len(self._dataset)
        return {
            "total": total,
            "completed": self.completed,
            "pending": total - self.completed,
            "min_submitted": self._dataset.distribution.min_submitted,
            "news_ms": int(NEWS_SECONDS * 1000) if self._dataset.folder is not None else 0,
        }


def answers_payload(record: FeedbackRecord, reviewer: str) -> list[ReviewAnswer]:
    """Return every other annotator's answer to ``record``, for the review view, by name."""
    return [
        {
            "user": r.user,
            "values": r.plain_values(),
            "status": r.status,
            "updated_at": float(r.updated_at or 0.0),
        }
        for r in sorted(record.responses, key=lambda r: r.user)
        if r.user != reviewer and r.status != "draft"
    ]
