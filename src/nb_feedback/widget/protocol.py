"""The wire format between the widget's kernel side and its view; mirrored by js/src/protocol.ts.

Small state lives in synced traits (see ``FeedbackWidget``); every answer travels as a message
that holds only the change, with a ``request_id``, and is answered by an ``ack`` or an ``error``.

Traits (kernel -> view unless noted)
------------------------------------
schema : SchemaPayload
    Fields, questions and guidelines; set once. Each ranking question carries
    ``compared_fields``: the fields it compares (``domain.comparisons.compared_fields``), or
    None; the view shows a comparison exactly when it is a list.
user : str
    The annotator's name.
persistent : bool
    False when the dataset has no folder: answers live in memory only (the view says so).
folder : str
    The dataset's folder, or "".
status_filter : str  (view -> kernel too)
    "all", "queue", "pending", "draft", "submitted" or "discarded": which records the pager
    walks, judged by this annotator's own response; "queue" is ``dataset.queue(user)`` (for a
    reviewer: the records others submitted and the reviewer has not answered).
total : int
    Records in the current filter.
position : int  (view -> kernel too)
    Index of the shown record within the filtered order, 0-based.
window_start : int
    Position of ``window[0]``.
window : list[RecordPayload]
    The records around ``position`` (a few before, more after), so the view can move on at once.
counts : dict[str, int]
    This annotator's records per status: pending, draft, submitted, discarded, plus "total".
error : str
    A message to show that belongs to no request (e.g. a bad ``position``).
review : bool
    A reviewer's view: each record payload carries ``answers`` (the others' answers).
team : TeamPayload | {}
    The team's progress (``dataset.progress()``) with ``min_submitted`` and ``news_ms``: how
    often the view sends "news" (0: never). {} for a view not in team mode.

A record's ``display`` maps each comparison question (a ranking whose options name text fields)
to ``{"order": [option, ...], "seed": int}``: the order this annotator sees the candidates in.

Messages view -> kernel
-----------------------
{"type": "answer", "request_id": str, "record_id": str, "values": {question: value},
 "status": "submitted" | "draft" | "discarded", "time_spent": float | None,
 "shown": {question: {"suggestion": value, "agent": str | None, "order": [...], "seed": int}},
 "written_at": float}
    ``shown`` (optional, every key in it optional) says what the labeler saw: the suggestion
    pre-filled, and a comparison's order; it is stored with the answer as its provenance.
    ``written_at`` (epoch seconds) marks an answer a new view sends for an earlier view that
    never saw it acknowledged (kernel restart, closed widget). It is acked without a write when
    the stored response already is this answer, and refused when the stored one is newer.
{"type": "undo", "request_id": str, "record_id": str}
    Put back the response this widget replaced with its last answer to that record.
{"type": "ping", "request_id": str}
{"type": "next_pending", "request_id": str, "after": int}
    Move ``position`` to the next record this annotator has not answered after ``after`` in the
    current filter (from the start when none is left after it); the ack carries ``position``.
{"type": "news", "request_id": str}
    Read what other annotators appended to the folder; answered by an ack, after which the
    window (with each record's ``record_status``), ``total`` and ``team`` traits are current.
An answer of a reviewer's view may carry ``"source": user``: the annotator whose answer it
started from (``dataset.add_review``).

Messages kernel -> view
-----------------------
{"type": "ack", "request_id": str, "record_id": str | None, "status": str | None,
 "saved": bool, "position": int (next_pending only)}
    ``saved`` is True once the answer is on disk (flushed and synced), False in memory only.
{"type": "error", "request_id": str | None, "record_id": str | None, "message": str}
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict

from nb_feedback.domain.records import STATUSES

FILTERS = ("all", "queue", "pending", *STATUSES)
ResponseStatusName = Literal["submitted", "draft", "discarded"]


class SuggestionPayload(TypedDict):
    """A model's suggested answer to one question, shown pre-filled in the view."""

    value: Any
    agent: str | None
    score: float | None


class ResponsePayload(TypedDict):
    """The current response of this annotator to one record."""

    values: dict[str, Any]
    status: ResponseStatusName
    updated_at: float


class DisplayPayload(TypedDict):
    """The order a comparison shows its candidates in, shuffled by ``seed``."""

    order: list[str]
    seed: int


class _RecordPayloadBase(TypedDict):
    id: str
    index: int
    fields: dict[str, str | list[dict[str, str]]]  # a chat field: its {role, content} messages
    suggestions: dict[str, SuggestionPayload]
    response: ResponsePayload | None
    record_status: str


class RecordPayload(_RecordPayloadBase, total=False):
    """One record as the view sees it.

    ``display`` comes only when the schema has comparisons, ``answers`` only in a reviewer's view.
    """

    display: dict[str, DisplayPayload]
    answers: list[dict[str, Any]]
    """In a reviewer's view: every other annotator's answer (user, values, status, updated_at)."""


class AnswerMessage(TypedDict):
    """An answer to one record from the view."""

    type: Literal["answer"]
    request_id: str
    record_id: str
    values: dict[str, Any]
    status: ResponseStatusName
    time_spent: float | None
    written_at: NotRequired[float]


class AckMessage(TypedDict):
    """The kernel's reply to a request that succeeded."""

    type: Literal["ack"]
    request_id: str
    record_id: str | None
    status: str | None
    saved: bool
    position: NotRequired[int]


class ErrorMessage(TypedDict):
    """The kernel's reply to a request that changed nothing."""

    type: Literal["error"]
    request_id: str | None
    record_id: str | None
    message: str
