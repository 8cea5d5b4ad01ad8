/** The question dispatcher: picks the leaf that asks each question (see `control.ts`) and
 * wraps its control with the title as its accessible name, the description, the suggestion
 * note and the error line. Value types on the wire: text -> string, rating -> int,
 * label -> string, multi_label -> string[], ranking -> [{value, rank}]. */
import { h, uid } from "../dom";
import type { Question, ShownPayload, SuggestionPayload } from "../protocol";
import { choiceInput } from "./choices";
import { comparedFields, comparisonInput } from "./comparison";
import type { Control, QuestionContext, QuestionInput } from "./control";
import { rankingInput } from "./ranking";
import { spanEditor } from "./span-editor";
import { textAnswer } from "./text-answer";
import { turnControl } from "./turn-questions";

export function questionInput(
  question: Question,
  suggestion: SuggestionPayload | undefined,
  onChange: () => void,
  context?: QuestionContext,
): QuestionInput {
  const titleId = uid("title");
  const descId = uid("desc");
  const errorId = uid("err");
  // A pre-filled suggestion stays marked as the model's until the labeler changes or accepts it.
  let fromModel = suggestion !== undefined;
  const changed = () => {
    setFromModel(false);
    onChange();
  };
  const compared =
    context && question.kind === "ranking_question"
      ? comparedFields(question, context.fields)
      : null;
  const control =
    compared && context && question.kind === "ranking_question"
      ? comparisonInput(question, compared, context.record, titleId, changed)
      : question.kind === "span_question"
        ? spanEditor(
            question,
            spanText(context?.record.fields[question.field]),
            suggestion?.value,
            titleId,
            changed,
          )
        : question.turns_of
          ? turnControl(question, context?.record, titleId, changed, makeControl)
          : makeControl(question, titleId, changed);
  const { input } = control;
  input.setAttribute("data-testid", `nbf-q-${question.name}`);
  if (question.required) input.setAttribute("aria-required", "true");
  const described = [question.description ? descId : null, errorId].filter(Boolean).join(" ");
  input.setAttribute("aria-describedby", described);

  const isText = question.kind === "text_question" && !question.turns_of;
  const titleEl = isText
    ? h("label", { id: titleId, for: input.id, class: "nbf-q-title" })
    : h("span", { id: titleId, class: "nbf-q-title" });
  titleEl.append(question.title || question.name);
  if (question.required) {
    titleEl.append(h("span", { class: "nbf-required", "aria-hidden": "true" }, [" *"]));
  }
  const error = h("p", { id: errorId, class: "nbf-q-error", hidden: true });
  const note = suggestion
    ? h("p", { class: "nbf-suggested", "data-testid": `nbf-suggested-${question.name}` })
    : null;
  const el = h("div", { class: `nbf-question nbf-${question.kind}` }, [
    titleEl,
    question.description
      ? h("p", { id: descId, class: "nbf-q-desc" }, [question.description])
      : null,
    input,
    control.extra,
    note,
    error,
  ]);

  function setFromModel(value: boolean): void {
    fromModel = value;
    el.classList.toggle("nbf-from-model", fromModel);
    if (note && suggestion) {
      note.textContent = fromModel
        ? `${suggestionNote(suggestion)}: not yet yours (Alt+A accepts it)`
        : `${suggestionNote(suggestion)}; accepted or edited`;
    }
  }
  setFromModel(fromModel);
  el.addEventListener("keydown", (event) => {
    const isA = event.code === "KeyA" || event.key === "a" || event.key === "A";
    if (!isA || !event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    if (!fromModel) return;
    event.preventDefault(); // Option+A would type a character on macOS
    changed();
  });

  return {
    question,
    el,
    getValue: control.getValue,
    setValue(value) {
      control.setValue(value);
      const same = suggestion !== undefined && sameValue(value, suggestion.value);
      setFromModel(same && fromModel);
    },
    focus: control.focus,
    problem: () => control.problem?.() ?? null,
    shown() {
      const out: ShownPayload = {};
      if (suggestion) {
        out.suggestion = suggestion.value;
        out.agent = suggestion.agent;
      }
      const display = compared ? context?.record.display?.[question.name] : undefined;
      if (display) {
        out.order = display.order;
        out.seed = display.seed;
      }
      return Object.keys(out).length > 0 ? out : undefined;
    },
    setInvalid(message) {
      error.hidden = message === null;
      error.textContent = message ?? "";
      if (message === null) input.removeAttribute("aria-invalid");
      else input.setAttribute("aria-invalid", "true");
    },
  };
}

/** A span question points into a text field; any other value (a chat) gives no text to mark. */
function spanText(value: unknown): string {
  return typeof value === "string" ? value : "";
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function suggestionNote(s: SuggestionPayload): string {
  const who = s.agent ? `suggested by ${s.agent}` : "suggested by a model";
  return typeof s.score === "number" ? `${who} (score ${s.score.toFixed(2)})` : who;
}

function makeControl(question: Question, titleId: string, onChange: () => void): Control {
  switch (question.kind) {
    case "text_question":
      return textAnswer(onChange, question.use_markdown === true);
    case "rating_question":
      return choiceInput(
        question.values.map((v) => ({ value: String(v), text: String(v) })),
        titleId,
        "radio",
        onChange,
        (v) => (v === undefined ? undefined : Number.parseInt(v, 10)),
        true,
      );
    case "label_question":
      return choiceInput(question.labels, titleId, "radio", onChange, (v) => v);
    case "multi_label_question":
      return choiceInput(question.labels, titleId, "checkbox", onChange, (v) => v);
    case "ranking_question":
      return rankingInput(question.values, titleId, onChange);
    case "span_question": // built with its record's text in questionInput
      return spanEditor(question, "", undefined, titleId, onChange);
  }
}
