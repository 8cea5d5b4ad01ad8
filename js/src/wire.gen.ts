// The wire contract between the kernel and the view: generated from nb_feedback.widget.protocol
// by `python scripts/gen_wire.py`. Do not edit.

export const FILTERS: readonly StatusFilter[] = ["all", "queue", "pending", "draft", "submitted", "discarded"];

/** The status of one annotator's response. */
export type ResponseStatusName = "submitted" | "draft" | "discarded";

/**
 * Which records the pager walks, judged by this annotator's own response.
 *
 * "queue" is `dataset.queue(user)`; for a reviewer, the records others submitted and the
 * reviewer has not answered.
 */
export type StatusFilter = "all" | "queue" | "pending" | "draft" | "submitted" | "discarded";

/** A field shown as text (markdown when `use_markdown`). */
export interface TextField {
  kind: "text_field";
  name: string;
  title: string;
  required: boolean;
  use_markdown: boolean;
}

/** A conversation shown as turns (see views/chat.ts); its value is a list of messages. */
export interface ChatField {
  kind: "chat_field";
  name: string;
  title: string;
  required: boolean;
  use_markdown: boolean;
}

export type Field = TextField | ChatField;

/** One turn of a conversation. */
export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/** A label or ranking option: the stored `value` and the `text` shown. */
export interface LabelOption {
  value: string;
  text: string;
}

/** A free-text answer. */
export interface TextQuestion {
  name: string;
  title: string;
  description: string | null;
  required: boolean;
  /**
   * A chat field's name: the question is asked of each of its assistant turns, and its
   * answer is {"<turn index>": value} (see views/turn-questions.ts).
   */
  turns_of?: string;
  kind: "text_question";
  use_markdown: boolean;
}

/** A rating on a fixed integer scale. */
export interface RatingQuestion {
  name: string;
  title: string;
  description: string | null;
  required: boolean;
  /**
   * A chat field's name: the question is asked of each of its assistant turns, and its
   * answer is {"<turn index>": value} (see views/turn-questions.ts).
   */
  turns_of?: string;
  kind: "rating_question";
  values: number[];
}

/** Pick exactly one label. */
export interface LabelQuestion {
  name: string;
  title: string;
  description: string | null;
  required: boolean;
  /**
   * A chat field's name: the question is asked of each of its assistant turns, and its
   * answer is {"<turn index>": value} (see views/turn-questions.ts).
   */
  turns_of?: string;
  kind: "label_question";
  labels: LabelOption[];
  visible_labels: number | null;
}

/** Pick one or more labels. */
export interface MultiLabelQuestion {
  name: string;
  title: string;
  description: string | null;
  required: boolean;
  /**
   * A chat field's name: the question is asked of each of its assistant turns, and its
   * answer is {"<turn index>": value} (see views/turn-questions.ts).
   */
  turns_of?: string;
  kind: "multi_label_question";
  labels: LabelOption[];
  visible_labels: number | null;
  labels_order: "natural" | "suggestion";
}

/** Order a fixed set of options; a comparison when the options name fields. */
export interface RankingQuestion {
  name: string;
  title: string;
  description: string | null;
  required: boolean;
  /**
   * A chat field's name: the question is asked of each of its assistant turns, and its
   * answer is {"<turn index>": value} (see views/turn-questions.ts).
   */
  turns_of?: string;
  kind: "ranking_question";
  values: LabelOption[];
  /** May two options share a rank. */
  ties: boolean;
  /**
   * The text fields it compares (`domain.comparisons.compared_fields`), or None: no
   * comparison. The view shows a comparison exactly when this is a list.
   */
  compared_fields: string[] | null;
}

/** Mark labelled spans of one field's text. */
export interface SpanQuestion {
  name: string;
  title: string;
  description: string | null;
  required: boolean;
  /**
   * A chat field's name: the question is asked of each of its assistant turns, and its
   * answer is {"<turn index>": value} (see views/turn-questions.ts).
   */
  turns_of?: string;
  kind: "span_question";
  /** The field whose text the spans point into. */
  field: string;
  labels: LabelOption[];
  allow_overlapping: boolean;
  visible_labels: number | null;
}

export type Question = TextQuestion | RatingQuestion | LabelQuestion | MultiLabelQuestion | RankingQuestion | SpanQuestion;

/** The `schema` trait: what the view needs of `Schema.to_dict()`; set once. */
export interface SchemaPayload {
  fields: Field[];
  questions: Question[];
  guidelines: string | null;
}

/** One option's place in a ranking answer; rank 1 is the best. */
export interface RankItem {
  value: string;
  rank: number;
}

/** One marked span: code-point offsets into the field's text, end excluded. */
export interface SpanItem {
  start: number;
  end: number;
  label: string;
  score?: number | null;
}

/** A question asked of each assistant turn: its answer per turn index ("1", "3", ...). */
export type TurnAnswers = Record<string, string | number | string[]>;

/**
 * An answer to one question: text -> string, rating -> int, label -> string,
 * multi_label -> string[], ranking -> RankItem[], span -> SpanItem[].
 */
export type AnswerValue = string | number | string[] | RankItem[] | SpanItem[] | TurnAnswers;

/** An answer to a record: one value per question answered. */
export type AnswerValues = Record<string, AnswerValue>;

/** A model's suggested answer to one question, shown pre-filled in the view. */
export interface SuggestionPayload {
  value: unknown;
  agent: string | null;
  score: number | null;
}

/** The current response of this view's annotator to one record. */
export interface ResponsePayload {
  values: Record<string, unknown>;
  status: ResponseStatusName;
  updated_at: number;
}

/** In a reviewer's view: another annotator's answer to the record. */
export interface ReviewAnswer {
  user: string;
  values: Record<string, unknown>;
  status: ResponseStatusName;
  updated_at: number;
}

/** The shuffled order a comparison shows its options in, and the seed that made it. */
export interface DisplayPayload {
  order: string[];
  seed: number;
}

/** One record as the view sees it. */
export interface RecordPayload {
  id: string;
  /** The record's position in the current filter's order. */
  index: number;
  /** A text field's text, or a chat field's messages. */
  fields: Record<string, string | ChatMessage[]>;
  suggestions: Record<string, SuggestionPayload>;
  response: ResponsePayload | null;
  /** "completed" once enough people submitted it (the dataset's TaskDistribution). */
  record_status: "pending" | "completed";
  /**
   * Per comparison question: the order to show its candidates in (see views/comparison.ts).
   * Sent only when the schema has comparisons.
   */
  display?: Record<string, DisplayPayload>;
  /** In a reviewer's view only: every other annotator's answer, by name. */
  answers?: ReviewAnswer[];
}

/** The records of this view's annotator per status, and the dataset's size. */
export interface Counts {
  pending: number;
  draft: number;
  submitted: number;
  discarded: number;
  total: number;
}

/** The team's progress (`dataset.progress()`) and how often to ask for news (0: never). */
export interface TeamPayload {
  total: number;
  completed: number;
  pending: number;
  min_submitted: number;
  news_ms: number;
}

/** The `team` trait of a view that is not in team mode: an empty object. */
export type NoTeam = Record<string, never>;

/** The synced traits of `FeedbackWidget`, by name (kernel -> view unless noted). */
export interface Traits {
  schema: SchemaPayload;
  /** The annotator whose answers this view records. */
  user: string;
  /** False when the dataset has no folder: answers live in memory only. */
  persistent: boolean;
  /** The dataset's folder, or "". */
  folder: string;
  /** Which records the pager walks; the view sets it too. */
  status_filter: StatusFilter;
  /** Records in the current filter. */
  total: number;
  /** Index of the shown record in the filter's order, 0-based; the view sets it too. */
  position: number;
  /** The position of `window[0]`. */
  window_start: number;
  /** The records around `position` (a few before, more after), so the view moves on at once. */
  window: RecordPayload[];
  counts: Counts;
  /** A message to show that belongs to no request (e.g. a bad `position`). */
  error: string;
  /** A reviewer's view: each record payload carries `answers`. */
  review: boolean;
  team: TeamPayload | NoTeam;
}

/**
 * What the labeler saw of a question when answering.
 *
 * A pre-filled suggestion, and for a comparison the order shown. The kernel stores it with
 * the answer (its provenance).
 */
export interface ShownPayload {
  suggestion?: unknown;
  agent?: string | null;
  order?: string[];
  seed?: number;
}

/** An answer to one record; acked once stored (`dataset.add_response`). */
export interface AnswerMessage {
  type: "answer";
  request_id: string;
  record_id: string;
  values: AnswerValues;
  /** "submitted" when left out. */
  status?: ResponseStatusName;
  /** Seconds spent on the record. */
  time_spent?: number | null;
  shown?: Record<string, ShownPayload>;
  /** A reviewer's answer: the annotator whose answer it started from. */
  source?: string | null;
  /**
   * Set when a new view sends an answer kept from an earlier one (epoch seconds): the
   * kernel acks it without a write when the stored response already is this answer, and
   * refuses it when the stored one is newer.
   */
  written_at?: number;
}

/** Put back what the record held before this view's last finished answer to it. */
export interface UndoMessage {
  type: "undo";
  request_id: string;
  record_id: string;
}

/**
 * Go to the next record this annotator has not answered after position `after`.
 *
 * From the start when none is left after it; the kernel sets `position` and acks with it.
 */
export interface NextPendingMessage {
  type: "next_pending";
  request_id: string;
  after: number;
}

/**
 * Read what other annotators appended to the folder.
 *
 * Once acked, the window (with each record's `record_status`), `total` and `team`
 * traits are current.
 */
export interface NewsMessage {
  type: "news";
  request_id: string;
}

/** Every message the view sends; each is answered by one ack or one error. */
export type ViewMessage = AnswerMessage | UndoMessage | NextPendingMessage | NewsMessage;

/** The kernel's reply to a request that succeeded. */
export interface AckMessage {
  type: "ack";
  request_id: string;
  record_id: string | null;
  /** The status an answer was stored with; null for other requests. */
  status: ResponseStatusName | null;
  /** True once the change is on disk (flushed and synced), false in memory only. */
  saved: boolean;
  /** The position moved to, for next_pending. */
  position?: number;
}

/** The kernel's reply to a request that changed nothing. */
export interface ErrorMessage {
  type: "error";
  /** Null when the message had no string request_id. */
  request_id: string | null;
  record_id: string | null;
  /** What was wrong, naming the record, the field or question, and what was expected. */
  message: string;
}

/** Every message the kernel sends: one reply per request. */
export type KernelMessage = AckMessage | ErrorMessage;
