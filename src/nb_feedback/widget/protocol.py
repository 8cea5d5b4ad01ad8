"""The wire contract between the widget's kernel side and its view, defined once, here.

Every message and synced trait payload is a ``TypedDict`` or a ``TypeAlias`` below. From them
``nb_feedback.widget.typeschema`` derives:

- the JSON Schema the kernel checks each message from the view against (``check_view_message``:
  a malformed one is refused with an ``error`` that names the field and what was expected,
  before anything is written; each answer value is then checked against its question by the
  dataset);
- ``js/src/wire.gen.ts``, the TypeScript declarations the view is compiled against (re-exported
  by ``js/src/protocol.ts``). Regenerate it after an edit here with
  ``python scripts/gen_wire.py``; a test fails while the committed file differs from what
  this module generates.

The three roots are ``Traits`` (the synced traits, kernel -> view; the view writes
``position`` and ``status_filter`` back), ``ViewMessage`` (view -> kernel: answer, undo,
next_pending, news) and ``KernelMessage`` (kernel -> view: ack or error, one per request).
Every other type here is part of one of them (a test checks that nothing is left over).
"""

# No ``from __future__ import annotations`` here: TypedDict reads ``NotRequired`` when the
# class is made, which it cannot do through a string annotation on Python 3.11.
import sys
from functools import cache
from typing import Any, Literal, NotRequired, TypeAlias, TypedDict, get_args

from nb_feedback.base.errors import ResponseError
from nb_feedback.widget.typeschema import Contract

# ---------------------------------------------------------------------------- names

ResponseStatusName: TypeAlias = Literal["submitted", "draft", "discarded"]
"""The status of one annotator's response."""
StatusFilter: TypeAlias = Literal["all", "queue", "pending", "draft", "submitted", "discarded"]
"""Which records the pager walks, judged by this annotator's own response.

"queue" is ``dataset.queue(user)``; for a reviewer, the records others submitted and the
reviewer has not answered.
"""

FILTERS: tuple[str, ...] = get_args(StatusFilter)

# ---------------------------------------------------------------------------- the schema


class TextField(TypedDict):
    """A field shown as text (markdown when ``use_markdown``)."""

    kind: Literal["text_field"]
    name: str
    title: str
    required: bool
    use_markdown: bool


class ChatField(TypedDict):
    """A conversation shown as turns (see views/chat.ts); its value is a list of messages."""

    kind: Literal["chat_field"]
    name: str
    title: str
    required: bool
    use_markdown: bool


Field: TypeAlias = TextField | ChatField


class ChatMessage(TypedDict):
    """One turn of a conversation."""

    role: Literal["system", "user", "assistant"]
    content: str


class LabelOption(TypedDict):
    """A label or ranking option: the stored ``value`` and the ``text`` shown."""

    value: str
    text: str


class _QuestionBase(TypedDict):
    """What every question's payload holds."""

    name: str
    title: str
    description: str | None
    required: bool
    turns_of: NotRequired[str]
    """A chat field's name: the question is asked of each of its assistant turns, and its
    answer is {"<turn index>": value} (see views/turn-questions.ts)."""


class TextQuestion(_QuestionBase):
    """A free-text answer."""

    kind: Literal["text_question"]
    use_markdown: bool


class RatingQuestion(_QuestionBase):
    """A rating on a fixed integer scale."""

    kind: Literal["rating_question"]
    values: list[int]


class LabelQuestion(_QuestionBase):
    """Pick exactly one label."""

    kind: Literal["label_question"]
    labels: list[LabelOption]
    visible_labels: int | None


class MultiLabelQuestion(_QuestionBase):
    """Pick one or more labels."""

    kind: Literal["multi_label_question"]
    labels: list[LabelOption]
    visible_labels: int | None
    labels_order: Literal["natural", "suggestion"]


class RankingQuestion(_QuestionBase):
    """Order a fixed set of options; a comparison when the options name fields."""

    kind: Literal["ranking_question"]
    values: list[LabelOption]
    ties: bool
    """May two options share a rank."""
    compared_fields: list[str] | None
    """The text fields it compares (``domain.comparisons.compared_fields``), or None: no
    comparison. The view shows a comparison exactly when this is a list."""


class SpanQuestion(_QuestionBase):
    """Mark labelled spans of one field's text."""

    kind: Literal["span_question"]
    field: str
    """The field whose text the spans point into."""
    labels: list[LabelOption]
    allow_overlapping: bool
    visible_labels: int | None


Question: TypeAlias = (
    TextQuestion
    | RatingQuestion
    | LabelQuestion
    | MultiLabelQuestion
    | RankingQuestion
    | SpanQuestion
)


class SchemaPayload(TypedDict):
    """The ``schema`` trait: what the view needs of ``Schema.to_dict()``; set once."""

    fields: list[Field]
    questions: list[Question]
    guidelines: str | None


# ---------------------------------------------------------------------------- answers


class RankItem(TypedDict):
    """One option's place in a ranking answer; rank 1 is the best."""

    value: str
    rank: int


class SpanItem(TypedDict):
    """One marked span: code-point offsets into the field's text, end excluded."""

    start: int
    end: int
    label: str
    score: NotRequired[float | None]


TurnAnswers: TypeAlias = dict[str, str | int | list[str]]
"""A question asked of each assistant turn: its answer per turn index ("1", "3", ...)."""
AnswerValue: TypeAlias = str | int | list[str] | list[RankItem] | list[SpanItem] | TurnAnswers
"""An answer to one question: text -> string, rating -> int, label -> string,
multi_label -> string[], ranking -> RankItem[], span -> SpanItem[]."""
AnswerValues: TypeAlias = dict[str, AnswerValue]
"""An answer to a record: one value per question answered."""

# ---------------------------------------------------------------------------- records


class SuggestionPayload(TypedDict):
    """A model's suggested answer to one question, shown pre-filled in the view."""

    value: Any
    agent: str | None
    score: float | None


class ResponsePayload(TypedDict):
    """The current response of this view's annotator to one record."""

    values: dict[str, Any]
    status: ResponseStatusName
    updated_at: float


class ReviewAnswer(TypedDict):
    """In a reviewer's view: another annotator's answer to the record."""

    user: str
    values: dict[str, Any]
    status: ResponseStatusName
    updated_at: float


class DisplayPayload(TypedDict):
    """The shuffled order a comparison shows its options in, and the seed that made it."""

    order: list[str]
    seed: int


class RecordPayload(TypedDict):
    """One record as the view sees it."""

    id: str
    index: int
    """The record's position in the current filter's order."""
    fields: dict[str, str | list[ChatMessage]]
    """A text field's text, or a chat field's messages."""
    suggestions: dict[str, SuggestionPayload]
    response: ResponsePayload | None
    record_status: Literal["pending", "completed"]
    """"completed" once enough people submitted it (the dataset's TaskDistribution)."""
    display: NotRequired[dict[str, DisplayPayload]]
    """Per comparison question: the order to show its candidates in (see views/comparison.ts).
    Sent only when the schema has comparisons."""
    answers: NotRequired[list[ReviewAnswer]]
    """In a reviewer's view only: every other annotator's answer, by name."""


class Counts(TypedDict):
    """The records of this view's annotator per status, and the dataset's size."""

    pending: int
    draft: int
    submitted: int
    discarded: int
    total: int


class TeamPayload(TypedDict):
    """The team's progress (``dataset.progress()``) and how often to ask for news (0: never)."""

    total: int
    completed: int
    pending: int
    min_submitted: int
    news_ms: int


class NoTeam(TypedDict):
    """The ``team`` trait of a view that is not in team mode: an empty object."""


class Traits(TypedDict):
    """The synced traits of ``FeedbackWidget``, by name (kernel -> view unless noted)."""

    schema: SchemaPayload
    user: str
    """The annotator whose answers this view records."""
    persistent: bool
    """False when the dataset has no folder: answers live in memory only."""
    folder: str
    """The dataset's folder, or ""."""
    status_filter: StatusFilter
    """Which records the pager walks; the view sets it too."""
    total: int
    """Records in the current filter."""
    position: int
    """Index of the shown record in the filter's order, 0-based; the view sets it too."""
    window_start: int
    """The position of ``window[0]``."""
    window: list[RecordPayload]
    """The records around ``position`` (a few before, more after), so the view moves on at once."""
    counts: Counts
    error: str
    """A message to show that belongs to no request (e.g. a bad ``position``)."""
    review: bool
    """A reviewer's view: each record payload carries ``answers``."""
    team: TeamPayload | NoTeam


# ---------------------------------------------------------------------------- view -> kernel


class ShownPayload(TypedDict, total=False):
    """What the labeler saw of a question when answering.

    A pre-filled suggestion, and for a comparison the order shown. The kernel stores it with
    the answer (its provenance).
    """

    suggestion: Any
    agent: str | None
    order: list[str]
    seed: int


class AnswerMessage(TypedDict):
    """An answer to one record; acked once stored (``dataset.add_response``)."""

    type: Literal["answer"]
    request_id: str
    record_id: str
    values: AnswerValues
    status: NotRequired[ResponseStatusName]
    """"submitted" when left out."""
    time_spent: NotRequired[float | None]
    """Seconds spent on the record."""
    shown: NotRequired[dict[str, ShownPayload]]
    source: NotRequired[str | None]
    """A reviewer's answer: the annotator whose answer it started from."""
    written_at: NotRequired[float]
    """Set when a new view sends an answer kept from an earlier one (epoch seconds): the
    kernel acks it without a write when the stored response already is this answer, and
    refuses it when the stored one is newer."""


class UndoMessage(TypedDict):
    """Put back what the record held before this view's last finished answer to it."""

    type: Literal["undo"]
    request_id: str
    record_id: str


class NextPendingMessage(TypedDict):
    """Go to the next record this annotator has not answered after position ``after``.

    From the start when none is left after it; the kernel sets ``position`` and acks with it.
    """

    type: Literal["next_pending"]
    request_id: str
    after: int


class NewsMessage(TypedDict):
    """Read what other annotators appended to the folder.

    Once acked, the window (with each record's ``record_status``), ``total`` and ``team``
    traits are current.
    """

    type: Literal["news"]
    request_id: str


ViewMessage: TypeAlias = AnswerMessage | UndoMessage | NextPendingMessage | NewsMessage
"""Every message the view sends; each is answered by one ack or one error."""

# ---------------------------------------------------------------------------- kernel -> view


class AckMessage(TypedDict):
    """The kernel's reply to a request that succeeded."""

    type: Literal["ack"]
    request_id: str
    record_id: str | None
    status: ResponseStatusName | None
    """The status an answer was stored with; null for other requests."""
    saved: bool
    """True once the change is on disk (flushed and synced), false in memory only."""
    position: NotRequired[int]
    """The position moved to, for next_pending."""


class ErrorMessage(TypedDict):
    """The kernel's reply to a request that changed nothing."""

    type: Literal["error"]
    request_id: str | None
    """Null when the message had no string request_id."""
    record_id: str | None
    message: str
    """What was wrong, naming the record, the field or question, and what was expected."""


KernelMessage: TypeAlias = AckMessage | ErrorMessage
"""Every message the kernel sends: one reply per request."""

ROOTS = ("Traits", "ViewMessage", "KernelMessage")
"""The types every other type of the contract is part of."""


@cache
def contract() -> Contract:
    """Return this module read as a contract (JSON Schema, checks, TypeScript)."""
    return Contract(
        sys.modules[__name__],
        {"FILTERS": StatusFilter},
    )


def check_view_message(content: object) -> ViewMessage:
    """Return ``content`` as a message from the view, or raise ``ResponseError`` saying why not.

    The error names the record (when the message gives one), the message type, the field and
    what was expected, e.g. ``next_pending message: 'after': expected an integer, got '3'``.
    The answer's values are checked here only as an object: the dataset checks each one
    against its question when it is written.
    """
    if not isinstance(content, dict):
        raise ResponseError(f"message: expected a JSON object, got {type(content).__name__}")
    envelope = content
    if isinstance(content.get("values"), dict):
        # each answer value is checked against its own question by the dataset, which says
        # "question 'quality': expected one of [1, 2, 3]" rather than listing every shape
        envelope = {**content, "values": {}}
    problem = contract().problem("ViewMessage", envelope)
    if problem is None:
        return content  # type: ignore[return-value]  # checked against the schema just now
    record_id, kind = content.get("record_id"), content.get("type")
    where = f"{kind} message" if kind in _VIEW_TYPES else "message"
    if isinstance(record_id, str):
        where = f"record {record_id!r}: {where}"
    raise ResponseError(f"{where}: {problem}")


_VIEW_TYPES = ("answer", "undo", "next_pending", "news")

HEADER = (
    "The wire contract between the kernel and the view: generated from nb_feedback.widget.protocol\n"
    "by `python scripts/gen_wire.py`. Do not edit."
)


def typescript() -> str:
    """Return the TypeScript declarations of this contract (the text of js/src/wire.gen.ts)."""
    return contract().typescript(HEADER)
