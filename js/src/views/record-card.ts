/** The shown record: its fields (as text, or sanitized markdown when use_markdown), its status
 * badge and one input per question. */
import { h } from "../dom";
import { renderMarkdown } from "../markdown";
import type { RecordPayload, RecordStatus, SchemaPayload } from "../protocol";
import { type QuestionInput, questionInput } from "./questions";

export interface RecordCard {
  readonly recordId: string;
  readonly el: HTMLElement;
  readonly inputs: QuestionInput[];
  setStatus(status: RecordStatus): void;
}

export function recordCard(
  schema: SchemaPayload,
  record: RecordPayload,
  onChange: () => void,
): RecordCard {
  const badge = h("span", { class: "nbf-badge", "data-testid": "nbf-status" });
  const fields = schema.fields.map((field) => {
    const body = h("div", { class: "nbf-field-text", "data-testid": `nbf-field-${field.name}` });
    const text = record.fields[field.name] ?? "";
    if (field.use_markdown) {
      body.classList.add("nbf-markdown");
      renderMarkdown(body, text);
    } else {
      body.textContent = text;
    }
    return h("section", { class: "nbf-field" }, [
      h("h4", { class: "nbf-field-title" }, [field.title || field.name]),
      body,
    ]);
  });
  const inputs = schema.questions.map((q) =>
    questionInput(q, record.response ? undefined : record.suggestions[q.name], onChange),
  );
  const el = h("div", { class: "nbf-card" }, [
    h("div", { class: "nbf-card-head" }, [
      h("span", { class: "nbf-record-index", title: "Record id" }, [`id ${record.id}`]),
      badge,
    ]),
    h("div", { class: "nbf-fields" }, fields),
    h(
      "div",
      { class: "nbf-questions" },
      inputs.map((i) => i.el),
    ),
  ]);
  return {
    recordId: record.id,
    el,
    inputs,
    setStatus(status) {
      badge.textContent = status;
      badge.className = `nbf-badge nbf-badge-${status}`;
    },
  };
}
