/** The shown record: its fields (as text, or sanitized markdown when use_markdown), its status
 * badge and one input per question. */
import { h } from "../dom";
import type { RecordPayload, RecordStatus, SchemaPayload, ShownPayload } from "../protocol";
import type { RecordSave } from "../state";
import { chatView, fieldText } from "./chat";
import { candidateFieldNames } from "./comparison";
import type { QuestionInput } from "./control";
import { fieldView } from "./field";
import { questionInput } from "./questions";
import { recordSaveText } from "./status-bar";

export interface RecordCard {
  readonly recordId: string;
  readonly el: HTMLElement;
  readonly inputs: QuestionInput[];
  /** The questions' column: the view keeps its answer buttons here, next to the answers. */
  readonly questions: HTMLElement;
  /** The kernel's confirmed status, and what became of the last answer sent from here. */
  setStatus(status: RecordStatus, save: RecordSave | null): void;
}

export function recordCard(
  schema: SchemaPayload,
  record: RecordPayload,
  onChange: () => void,
): RecordCard {
  const badge = h("span", { class: "nbf-badge", "data-testid": "nbf-status" });
  const saveChip = h("span", { class: "nbf-record-save", "data-testid": "nbf-record-save" });
  const compared = candidateFieldNames(schema); // shown by their comparison, in its order
  const fields = schema.fields
    .filter((f) => !compared.has(f.name))
    .map((field) =>
      field.kind === "chat_field"
        ? chatView(field, record.fields[field.name])
        : fieldView(field, fieldText(record.fields[field.name])),
    );
  const inputs = schema.questions.map((q) =>
    questionInput(q, record.response ? undefined : record.suggestions[q.name], onChange, {
      fields: schema.fields,
      record,
    }),
  );
  const questions = h(
    "div",
    { class: "nbf-questions" },
    inputs.map((i) => i.el),
  );
  const el = h("div", { class: `nbf-card${fields.length > 0 ? "" : " nbf-no-fields"}` }, [
    h("div", { class: "nbf-card-head" }, [
      h("span", { class: "nbf-record-index", title: "Record id" }, [`id ${record.id}`]),
      badge,
      saveChip,
    ]),
    h("div", { class: "nbf-fields" }, fields),
    questions,
  ]);
  return {
    recordId: record.id,
    el,
    inputs,
    questions,
    setStatus(status, save) {
      badge.textContent = status;
      badge.className = `nbf-badge nbf-badge-${status}`;
      saveChip.textContent = recordSaveText(save);
      saveChip.hidden = save === null;
      saveChip.className = `nbf-record-save nbf-saved-${save?.state ?? "idle"}`;
    },
  };
}

/** What each question showed the labeler (suggestions pre-filled, comparison orders). */
export function shownIn(card: RecordCard): Record<string, ShownPayload> {
  const out: Record<string, ShownPayload> = {};
  for (const input of card.inputs) {
    const shown = input.shown();
    if (shown) out[input.question.name] = shown;
  }
  return out;
}
