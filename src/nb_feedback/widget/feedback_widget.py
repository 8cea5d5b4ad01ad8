"""FeedbackWidget: the anywidget that shows a window of records and turns messages into answers.

No data logic lives here: every answer goes through ``FeedbackDataset.add_response`` (the one
write path), and the view is told what changed through small synced traits. The traits and
messages are defined in ``protocol.py``; each message from the view is checked against it.
"""

from __future__ import annotations

import logging
import pathlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal, cast

import anywidget
import numpy as np
import traitlets

from nb_feedback.base.errors import FeedbackError, ResponseError
from nb_feedback.domain.comparisons import compared_fields, display
from nb_feedback.domain.records import Response, check_user
from nb_feedback.widget.protocol import (
    FILTERS,
    AckMessage,
    AnswerMessage,
    Counts,
    DisplayPayload,
    ErrorMessage,
    NextPendingMessage,
    RecordPayload,
    SchemaPayload,
    UndoMessage,
    check_view_message,
)
from nb_feedback.widget.team import TeamTally, answers_payload, drop_ahead, finished, replan, walk

if TYPE_CHECKING:
    from nb_feedback.widget.target import AnnotatedDataset

_STATIC = pathlib.Path(__file__).parent.parent / "static"
logger = logging.getLogger(__name__)
MAX_UNDO = 50


class FeedbackWidget(anywidget.AnyWidget):
    """Annotate a FeedbackDataset one record at a time; made by ``dataset.annotate(user=...)``."""

    _esm = _STATIC / "widget.js"
    _css = _STATIC / "widget.css"

    # the synced traits: each one's payload is defined in protocol.Traits
    schema = traitlets.Dict().tag(sync=True)
    """Fields, questions and guidelines (of ``Schema.to_dict()``)."""
    user = traitlets.Unicode("").tag(sync=True)
    """The annotator whose answers this view records."""
    persistent = traitlets.Bool(False).tag(sync=True)
    """False when the dataset has no folder: answers live in memory only."""
    folder = traitlets.Unicode("").tag(sync=True)
    """The dataset's folder, or ""."""
    status_filter = traitlets.Unicode("all").tag(sync=True)
    """Which of this annotator's records the pager walks: all, pending, draft, ..."""
    total = traitlets.Int(0).tag(sync=True)
    """Records in the current filter."""
    position = traitlets.Int(0).tag(sync=True)
    """Index of the shown record within the filtered order."""
    window_start = traitlets.Int(0).tag(sync=True)
    """Position of ``window[0]``."""
    window = traitlets.List(traitlets.Dict()).tag(sync=True)
    """The records around ``position``, so the view can move on without waiting."""
    counts = traitlets.Dict().tag(sync=True)
    """This annotator's records per status, plus total."""
    error = traitlets.Unicode("").tag(sync=True)
    """A message for the view that belongs to no request."""
    review = traitlets.Bool(False).tag(sync=True)
    """True for a reviewer's view: each record shows the other annotators' answers."""
    team = traitlets.Dict().tag(sync=True)
    """The team's progress (``dataset.progress()``, min_submitted, news_ms), {} when solo."""

    def __init__(
        self,
        dataset: AnnotatedDataset,
        *,
        user: str,
        window_before: int = 2,
        window_after: int = 6,
        review: bool = False,
        queue: bool | None = None,
        **kwargs: Any,
    ) -> None:
        check_user(user, "annotate")
        dataset.claim_writer(user)  # take the annotator's lock now: a clash errors here, not later
        super().__init__(**kwargs)
        self._dataset = dataset
        self._before, self._after = window_before, window_after
        self._order: np.ndarray | None = None  # dataset positions in the filter; None = all
        self._undo: list[tuple[str, Response | None]] = []
        self._undo_notes: list[Any] = []  # a reviewer's note before each undoable answer
        self._window_ids: set[str] = set()
        self._observing = False  # True once _on_position follows the position trait
        with self.hold_sync():
            self.schema = dict(schema_payload(dataset))
            self.user = user
            self.persistent = dataset.folder is not None
            self.folder = str(dataset.folder or "")
            self.review = bool(review)
            # a dataset set up for a team (given a TaskDistribution) and a reviewer walk
            # their queue; the filter menu switches to the dataset's order ("all")
            walks_queue = (
                queue if queue is not None else (review or dataset.schema.distribution is not None)
            )
            self._team = bool(walks_queue or review or dataset.schema.distribution is not None)
            self._team_stale = False
            self._tally = TeamTally(dataset) if self._team else None
            self.team = {} if self._tally is None else dict(self._tally.line())
            if walks_queue:
                self.status_filter = "queue"
            self._apply_filter()
            # a view opened again (re-running the cell) starts where the work is
            first = self._first_pending()
            if first:
                self.position = first
                self._send_window()
        self._unsubscribe = dataset.subscribe(self._on_dataset_change)
        self.observe(self._on_position, names=["position"])
        self._observing = True
        self.observe(self._on_filter, names=["status_filter"])
        self.on_msg(self._on_message)  # called as (widget, content, buffers)

    @property
    def dataset(self) -> AnnotatedDataset:
        """The dataset this widget writes to."""
        return self._dataset

    def close(self) -> None:
        """Stop following the dataset and close the view."""
        unsubscribe = getattr(self, "_unsubscribe", None)  # absent if __init__ failed early
        if unsubscribe is not None:
            unsubscribe()
        super().close()

    # ------------------------------------------------------------ kernel -> view
    def _apply_filter(self) -> None:
        wanted = self.status_filter
        if wanted not in FILTERS:
            self.error = f"status filter {wanted!r}: expected one of {list(FILTERS)}"
            wanted = self.status_filter = "all"
        self._order = self._filter_order(wanted)
        self.total = len(self._dataset) if self._order is None else len(self._order)
        moved = self.position != 0
        self.position = 0
        if not (moved and self._observing):  # else the position observer has sent the window
            self._send_window()

    def _filter_order(self, wanted: str) -> np.ndarray | None:
        """Return the dataset positions the filter ``wanted`` walks (None: all, in order)."""
        if wanted == "all":
            return None
        if wanted == "queue":
            return walk(self._dataset, self.user, self.review)
        statuses = self._dataset.user_statuses(self.user).to_numpy()
        return np.flatnonzero(statuses == wanted)

    def _reorder_keeping_shown(self) -> None:
        """Plan the filter's walk again after records were added or deleted, on the same record.

        Positions in the walk moved with the records, so it is planned anew; the record on
        screen stays on screen (first in the walk if the filter no longer holds it).
        """
        # the window still holds the payloads sent before the change: the shown record's id
        shown = next((r["id"] for r in self.window if r.get("index") == self.position), None)
        order = self._filter_order(self.status_filter)
        assert order is not None
        position = 0
        if shown is not None:
            try:
                at = self._dataset.position_of(shown)
            except ResponseError:  # deleted: stay where we were in the walk
                position = min(self.position, max(len(order) - 1, 0))
            else:
                hit = np.flatnonzero(order == at)
                if hit.size:
                    position = int(hit[0])
                else:
                    order = np.concatenate([[at], order]).astype(np.int64)
        with self.hold_sync():
            self._order = order
            self.total = len(order)
            if self.position != position:
                self.position = position  # the position observer sends the window
            else:
                self._send_window()

    def _send_window(self) -> None:
        start = max(0, self.position - self._before)
        stop = min(self.total, self.position + self._after + 1)
        window: list[Any] = [self._payload(p) for p in range(start, stop)]
        self._window_ids = {r["id"] for r in window}
        with self.hold_sync():
            self.window_start = start
            self.window = list(window)  # a new list: in-place mutation would sync nothing
            self.counts = dict(self._counts())

    def _counts(self) -> Counts:
        return cast(Counts, self._dataset.status_counts(self.user))

    def _payload(self, position: int) -> RecordPayload:
        index = position if self._order is None else int(self._order[position])
        record = self._dataset.record_at(index)
        mine = next((r for r in record.responses if r.user == self.user), None)
        payload: RecordPayload = {
            "id": str(record.id),
            "index": position,
            # a text field's text, or a chat field's messages (a list)
            "fields": {
                name: value if isinstance(value, list) else value or ""
                for name, value in record.fields.items()
            },
            "suggestions": {
                s.question_name: {
                    "value": s.value,
                    "agent": s.agent,
                    # one score per item (v1's multi-label/ranking form) is not shown
                    "score": None if isinstance(s.score, list) else s.score,
                }
                for s in record.suggestions
            },
            "response": None
            if mine is None
            else {
                "values": mine.plain_values(),
                "status": mine.status,
                "updated_at": float(mine.updated_at or 0.0),
            },
            "record_status": cast(Literal["pending", "completed"], record.status),
        }
        shuffled = display(self._dataset.schema, str(record.id), self.user)
        if shuffled:  # comparisons: the order this annotator sees the candidates in
            payload["display"] = cast(dict[str, DisplayPayload], shuffled)
        if self.review:
            payload["answers"] = answers_payload(record, self.user)
        return payload

    def _on_dataset_change(self, kind: str, record_ids: Sequence[str]) -> None:
        if kind == "records":
            if self._order is None:
                self.total = len(self._dataset)
                self._send_window()
            else:
                self._reorder_keeping_shown()
        elif self._window_ids.intersection(record_ids):
            self._send_window()
        else:
            self.counts = dict(self._counts())
        if self._tally is not None:  # the team line is sent on the next news tick
            if kind == "responses":
                self._tally.update(record_ids)
            else:
                self._tally.recount()
            self._team_stale = True

    def _news(self) -> None:
        """Take in the other annotators' answers; re-plan the queue ahead of the shown record."""
        changed = self._dataset.refresh()  # notifies: the window is re-sent if it changed
        if changed and self._order is not None and self.status_filter == "queue":
            if self.review:  # new submissions add records to review: plan the walk again
                order = replan(self._order, self.position, walk(self._dataset, self.user, True))
            else:  # O(news): records others completed leave the walk ahead
                gone = finished(self._dataset, self.user, changed)
                order = drop_ahead(self._order, self.position, gone)
            with self.hold_sync():
                self._order = order
                self.total = len(order)
                self._send_window()
        if self._team_stale and self._tally is not None:
            self.team = dict(self._tally.line())
            self._team_stale = False

    def _on_position(self, change: dict[str, Any]) -> None:
        new = change["new"]
        if not 0 <= new < max(self.total, 1):
            self.error = f"record {new + 1} does not exist: expected 1 to {self.total}"
            self.position = min(max(new, 0), max(self.total - 1, 0))
            return
        self._send_window()

    def _on_filter(self, change: dict[str, Any]) -> None:
        with self.hold_sync():  # total, position and window reach the view together
            self._apply_filter()

    # ------------------------------------------------------------ view -> kernel
    def _on_message(self, widget: Any, content: Any, buffers: Any) -> None:
        request_id = content.get("request_id") if isinstance(content, dict) else None
        record_id = content.get("record_id") if isinstance(content, dict) else None
        try:
            message = check_view_message(content)  # refused before anything is written
            moved_to: int | None = None
            status: Any = None
            if message["type"] == "answer":
                status = self._answer(message)
            elif message["type"] == "undo":
                self._undo_last(message)
            elif message["type"] == "news":
                self._news()
            else:
                moved_to = self._next_pending(message)
        except FeedbackError as exc:
            self._reply_error(request_id, record_id, str(exc))
        except Exception as exc:  # never let a bad message kill the kernel's comm loop
            logger.exception("nb_feedback: unexpected error handling %r", content)
            self._reply_error(request_id, record_id, f"internal error: {exc!r}")
        else:
            ack: AckMessage = {
                "type": "ack",
                "request_id": message["request_id"],
                "record_id": record_id if isinstance(record_id, str) else None,
                "status": status,
                # from the write itself: True only once the change is on disk (fsync'd)
                "saved": message["type"] in ("answer", "undo") and self._dataset.last_change_saved,
            }
            if moved_to is not None:
                ack["position"] = moved_to
            self.send(ack)

    def _first_pending(self) -> int:
        """Return the position of this annotator's first pending record in the filter, or 0."""
        if self.total == 0:
            return 0
        statuses = self._dataset.user_statuses(self.user).to_numpy()
        if self._order is not None:
            statuses = statuses[self._order]
        pending = np.flatnonzero(statuses == "pending")
        return int(pending[0]) if pending.size else 0

    def _next_pending(self, message: NextPendingMessage) -> int:
        """Move to this annotator's next unanswered record after ``after``.

        In the current filter's order; from the start when none is left after it.
        """
        after = message["after"]
        statuses = self._dataset.user_statuses(self.user).to_numpy()
        if self._order is not None:
            statuses = statuses[self._order]
        pending = np.flatnonzero(statuses == "pending")
        if pending.size == 0:
            raise ResponseError(
                f"no pending record left in this filter ({self.status_filter!r}) for {self.user!r}"
            )
        later = pending[pending > after]
        target = int(later[0] if later.size else pending[0])
        self.position = target  # the position observer sends the window
        return target

    def _answer(self, message: AnswerMessage) -> str:
        """Store the answer; return the status it was stored with."""
        record_id, values = message["record_id"], message["values"]
        spent = message.get("time_spent")  # NaN or inf is malformed: add_response rejects it
        previous = self._dataset.response_of(record_id, self.user)
        status = message.get("status", "submitted")
        written_at = message.get("written_at")
        if written_at is not None and previous is not None:
            if _already_held(previous, values, status):
                return status  # a resent answer the kernel had already written: nothing to do
            if previous.updated_at is not None and previous.updated_at > written_at:
                raise ResponseError(
                    f"record {record_id!r}: an answer saved later than this unsent one "
                    f"(status {previous.status!r}) is kept; this one was not applied"
                )
        source = message.get("source")
        note = self._dataset.review_note(record_id, self.user) if self.review else None
        if self.review and status == "submitted":
            self._dataset.add_review(
                record_id, values, reviewer=self.user, source=source, time_spent=spent
            )
        else:
            self._dataset.add_response(
                record_id,
                values,
                user=self.user,
                status=status,
                time_spent=spent,
                shown=message.get("shown"),  # what the view showed: kept as provenance
            )
        if status != "draft":
            self._undo.append((record_id, previous))
            self._undo_notes.append(note)
            del self._undo[:-MAX_UNDO], self._undo_notes[:-MAX_UNDO]
        return status

    def _undo_last(self, message: UndoMessage) -> None:
        """Take back this view's last finished answer to a record.

        An earlier submitted or discarded answer comes back as it was. A record that was pending
        or a draft keeps the answer taken back as a draft, so nothing the labeler typed is lost
        (``js/src/state.ts`` ``undoneState`` shows the same at once).
        """
        record_id = message["record_id"]
        for i in range(len(self._undo) - 1, -1, -1):
            if self._undo[i][0] == record_id:
                _, previous = self._undo.pop(i)
                note = self._undo_notes.pop(i)
                if self.review:  # the review's note goes with it (or the earlier one returns)
                    self._dataset.restore_review_note(record_id, self.user, note)
                current = self._dataset.response_of(record_id, self.user)
                kept = current.plain_values() if current is not None else {}
                if previous is not None and previous.status in ("submitted", "discarded"):
                    self._put_back(record_id, previous.plain_values(), previous.status, previous)
                elif kept:
                    self._put_back(record_id, kept, "draft", current)
                elif previous is not None:
                    self._put_back(record_id, previous.plain_values(), previous.status, previous)
                else:
                    self._dataset.remove_response(record_id, self.user)
                return
        raise ResponseError(f"record {record_id!r}: nothing to undo for this record")

    def _put_back(
        self, record_id: str, values: dict[str, Any], status: str, source: Response | None
    ) -> None:
        """Store ``values`` as this annotator's answer again, as a new change."""
        self._dataset.add_response(
            record_id,
            values,
            user=self.user,
            status=status,
            time_spent=None if source is None else source.time_spent,
        )

    def _reply_error(self, request_id: object, record_id: object, message: str) -> None:
        error: ErrorMessage = {
            "type": "error",
            "request_id": request_id if isinstance(request_id, str) else None,
            "record_id": record_id if isinstance(record_id, str) else None,
            "message": message,
        }
        self.send(error)


def schema_payload(dataset: AnnotatedDataset) -> SchemaPayload:
    """Return the part of the schema the view shows: fields, questions and guidelines."""
    schema = dataset.schema.to_dict()
    # the view shows a ranking as a comparison exactly when the kernel says so here, so the
    # widget, the stored provenance and the preference export follow one rule
    for q in schema["questions"]:
        if q.get("kind") == "ranking_question":
            q["compared_fields"] = compared_fields(dataset.schema, str(q["name"]))
    return {
        "fields": schema["fields"],
        "questions": schema["questions"],
        "guidelines": schema["guidelines"],
    }


def _already_held(previous: Response, values: dict[str, Any], status: object) -> bool:
    """Tell whether the stored response already is this answer (a resend of one that arrived)."""
    return previous.status == status and previous.plain_values() == values
