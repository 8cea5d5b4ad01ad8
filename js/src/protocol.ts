/**
 * The wire format between the kernel and this view: a mirror of src/nb_feedback/widget/protocol.py,
 * which is the source of truth for trait and message names.
 */

export const STATUSES = ["submitted", "draft", "discarded"] as const;
export const FILTERS = ["all", "queue", "pending", "draft", "submitted", "discarded"] as const;

export type ResponseStatusName = (typeof STATUSES)[number];
export type StatusFilter = (typeof FILTERS)[number];
/** A record's status as this annotator sees it: no response yet is "pending". */
export type RecordStatus = ResponseStatusName | "pending";

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

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

interface QuestionBase {
  name: string;
  title: string;
  description?: string | null;
  required: boolean;
  /** A chat field's name: the question is asked of each of its assistant turns, and its
   * answer is {"<turn index>": value} (see views/turn-questions.ts). */
  turns_of?: string | null;
}

export interface LabelOption {
  value: string;
  text: string;
}

export interface TextQuestion extends QuestionBase {
  kind: "text_question";
  use_markdown?: boolean;
}
export interface RatingQuestion extends QuestionBase {
  kind: "rating_question";
  values: number[];
}
export interface LabelQuestion extends QuestionBase {
  kind: "label_question";
  labels: LabelOption[];
}
export interface MultiLabelQuestion extends QuestionBase {
  kind: "multi_label_question";
  labels: LabelOption[];
}
export interface RankingQuestion extends QuestionBase {
  kind: "ranking_question";
  values: LabelOption[];
  ties?: boolean; // may two options share a rank (absent: no)
  /** The fields it compares (the kernel's rule, `compared_fields`), or null: no comparison. */
  compared_fields?: string[] | null;
}

export interface SpanQuestion extends QuestionBase {
  kind: "span_question";
  /** The field whose text the spans point into. */
  field: string;
  labels: LabelOption[];
  allow_overlapping: boolean;
  visible_labels: number | null;
}

export type Question =
  | TextQuestion
  | RatingQuestion
  | LabelQuestion
  | MultiLabelQuestion
  | RankingQuestion
  | SpanQuestion;

export interface SchemaPayload {
  fields: Field[];
  questions: Question[];
  guidelines: string | null;
}

export interface RankItem {
  value: string;
  rank: number;
}

/** An answer to one question: text -> string, rating -> int, label -> string,
 * multi_label -> string[], ranking -> [{value, rank}] with rank 1 the best. */
/** One marked span: code-point offsets into the field's text, end excluded. */
export interface SpanItem {
  start: number;
  end: number;
  label: string;
  score?: number | null;
}

export type AnswerValue = string | number | string[] | RankItem[] | SpanItem[] | TurnAnswers;
/** A question asked of each assistant turn: its answer per turn index ("1", "3", ...). */
export type TurnAnswers = { [turn: string]: string | number | string[] };
export type AnswerValues = Record<string, AnswerValue>;

export interface SuggestionPayload {
  value: unknown;
  agent: string | null;
  score: number | null;
}

export interface ResponsePayload {
  values: Record<string, unknown>;
  status: ResponseStatusName;
  updated_at: number;
}

export interface RecordPayload {
  id: string;
  index: number;
  /** A text field's text, or a chat field's messages. */
  fields: Record<string, string | ChatMessage[]>;
  suggestions: Record<string, SuggestionPayload>;
  response: ResponsePayload | null;
  /** Per comparison question: the order to show its candidates in (see views/comparison.ts). */
  display?: Record<string, DisplayPayload>;
  /** "completed" once enough people submitted it (the dataset's TaskDistribution). */
  record_status?: string;
  /** In a reviewer's view: every other annotator's answer. */
  answers?: ReviewAnswer[];
}

export interface ReviewAnswer {
  user: string;
  values: Record<string, unknown>;
  status: ResponseStatusName;
  updated_at: number;
}

/** The team's progress (dataset.progress()) and how often to ask for news (0: never). */
export interface TeamPayload {
  total: number;
  completed: number;
  pending: number;
  min_submitted: number;
  news_ms: number;
}

/** The shuffled order a comparison shows its options in, and the seed that made it. */
export interface DisplayPayload {
  order: string[];
  seed: number;
}

/** What the labeler saw of a question when answering: a pre-filled suggestion, and for a
 * comparison the order shown. The kernel stores it with the answer (its provenance). */
export interface ShownPayload {
  suggestion?: unknown;
  agent?: string | null;
  order?: string[];
  seed?: number;
}

export interface Counts {
  pending: number;
  draft: number;
  submitted: number;
  discarded: number;
  total: number;
}

/** The synced traits, keyed by their Python names. */
export interface Traits {
  schema: SchemaPayload;
  user: string;
  persistent: boolean;
  folder: string;
  status_filter: StatusFilter;
  total: number;
  position: number;
  window_start: number;
  window: RecordPayload[];
  counts: Counts;
  error: string;
  review: boolean;
  team: TeamPayload | Record<string, never>;
}

export interface AnswerMessage {
  type: "answer";
  request_id: string;
  record_id: string;
  values: AnswerValues;
  status: ResponseStatusName;
  time_spent: number | null;
  shown?: Record<string, ShownPayload>;
  /** A reviewer's answer: the annotator whose answer it started from. */
  source?: string | null;
  /** Set when a new view sends an answer kept from an earlier one (epoch seconds): the kernel
   * keeps a response updated after it instead. */
  written_at?: number;
}

export interface UndoMessage {
  type: "undo";
  request_id: string;
  record_id: string;
}

export interface PingMessage {
  type: "ping";
  request_id: string;
}

export interface NewsMessage {
  type: "news";
  request_id: string;
}

/** Go to the next record still pending in the current filter after position `after` (from
 * the start when none is left after it): the kernel sets `position` and acks with it. */
export interface NextPendingMessage {
  type: "next_pending";
  request_id: string;
  after: number;
}

export type ViewMessage =
  | AnswerMessage
  | UndoMessage
  | PingMessage
  | NewsMessage
  | NextPendingMessage;

export interface AckMessage {
  type: "ack";
  request_id: string;
  record_id: string | null;
  status: string | null;
  saved: boolean;
  /** The position moved to, for next_pending. */
  position?: number;
}

export interface ErrorMessage {
  type: "error";
  request_id: string | null;
  record_id: string | null;
  message: string;
}

export type KernelMessage = AckMessage | ErrorMessage;

export function isKernelMessage(msg: unknown): msg is KernelMessage {
  if (typeof msg !== "object" || msg === null) return false;
  const type = (msg as { type?: unknown }).type;
  return type === "ack" || type === "error";
}
