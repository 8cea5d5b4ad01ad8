/** The contract between the question dispatcher (`questions.ts`) and its leaves (a text box,
 * radios, a ranking, a comparison, a span editor, per-turn inputs): each leaf builds a `Control`,
 * and the dispatcher wraps it into a `QuestionInput` with its title, description and errors.
 * This module imports no view, so a leaf never imports the dispatcher. */
import type { AnswerValue, Field, Question, RecordPayload, ShownPayload } from "../protocol";

/** One input of a question, as a leaf builds it. */
export interface Control {
  /** Element carrying data-testid nbf-q-<name> and the accessible name. */
  input: HTMLElement;
  getValue(): AnswerValue | undefined;
  setValue(value: unknown): void;
  focus(): void;
  /** Shown right under the input (a text answer's markdown preview). */
  extra?: HTMLElement;
  /** Why the value held cannot be submitted (a tie the question does not allow), or null. */
  problem?(): string | null;
}

/** Builds the plain control of a question's kind: handed to leaves that hold other controls
 * (one per assistant turn), so they need not import the dispatcher. */
export type MakeControl = (question: Question, titleId: string, onChange: () => void) => Control;

/** A question's whole input on the record card: the control with its title and error line. */
export interface QuestionInput {
  readonly question: Question;
  readonly el: HTMLElement;
  /** The answer, or undefined when there is none (empty or whitespace-only text). */
  getValue(): AnswerValue | undefined;
  setValue(value: unknown): void;
  focus(): void;
  setInvalid(message: string | null): void;
  /** Why what the input holds cannot be submitted, or null (see Control.problem). */
  problem(): string | null;
  /** What the labeler was shown (a pre-filled suggestion, a comparison's order), if anything. */
  shown(): ShownPayload | undefined;
}

/** The record a question is asked about, for inputs that show its fields (comparisons). */
export interface QuestionContext {
  fields: Field[];
  record: RecordPayload;
}
