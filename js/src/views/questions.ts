/** One input per question, with its title as the input's accessible name. Value types on the
 * wire: text -> string, rating -> int, label -> string, multi_label -> string[],
 * ranking -> [{value, rank}]. */
import { h, uid } from "../dom";
import type {
  AnswerValue,
  Field,
  LabelOption,
  Question,
  RankItem,
  RecordPayload,
  ShownPayload,
  SuggestionPayload,
} from "../protocol";
import { comparedFields, comparisonInput } from "./comparison";
import { rankingInput } from "./ranking";
import { spanEditor } from "./span-editor";
import { textAnswer } from "./text-answer";
import { turnControl } from "./turn-questions";

export interface QuestionInput {
  readonly question: Question;
  readonly el: HTMLElement;
  /** The answer, or undefined when there is none (empty or whitespace-only text). */
  getValue(): AnswerValue | undefined;
  setValue(value: unknown): void;
  focus(): void;
  setInvalid(message: string | null): void;
  /** What the labeler was shown (a pre-filled suggestion, a comparison's order), if anything. */
  shown(): ShownPayload | undefined;
}

/** The record a question is asked about, for inputs that show its fields (comparisons). */
export interface QuestionContext {
  fields: Field[];
  record: RecordPayload;
}

export interface Control {
  /** Element carrying data-testid nbf-q-<name> and the accessible name. */
  input: HTMLElement;
  getValue(): AnswerValue | undefined;
  setValue(value: unknown): void;
  focus(): void;
  /** Shown right under the input (a text answer's markdown preview). */
  extra?: HTMLElement;
}

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

/** Radios (rating, label) or checkboxes (multi-label) in a group named by the title. */
function choiceInput(
  options: LabelOption[],
  titleId: string,
  type: "radio" | "checkbox",
  onChange: () => void,
  cast: (v: string | undefined) => AnswerValue | undefined,
  digitIsValue = false,
): Control {
  const name = uid("group");
  const boxes = options.map((opt) =>
    h("input", { type, name, value: opt.value, id: uid("opt"), class: "nbf-choice-input" }),
  );
  const input = h(
    "div",
    {
      id: uid("q"),
      role: type === "radio" ? "radiogroup" : "group",
      "aria-labelledby": titleId,
      class: "nbf-choices",
    },
    options.map((opt, i) => {
      const box = boxes[i] as HTMLInputElement;
      box.addEventListener("change", onChange);
      // A rating's options are their own digits; labels get their number shown.
      const digit =
        !digitIsValue && i < 9
          ? h("kbd", { class: "nbf-kbd", "aria-hidden": "true" }, [String(i + 1)])
          : null;
      return h("label", { class: "nbf-choice", for: box.id }, [box, opt.text || opt.value, digit]);
    }),
  );
  // A digit picks an option while focus is on this question: a rating's option of that value,
  // else the n-th label; on checkboxes it toggles.
  input.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || !/^[1-9]$/.test(event.key)) return;
    const box = digitIsValue
      ? boxes.find((b) => b.value === event.key)
      : boxes[Number(event.key) - 1];
    if (!box) return;
    event.preventDefault();
    box.checked = type === "checkbox" ? !box.checked : true;
    box.focus();
    box.dispatchEvent(new Event("change", { bubbles: true }));
  });
  return {
    input,
    getValue() {
      const checked = boxes.filter((b) => b.checked).map((b) => b.value);
      if (type === "checkbox") return checked.length > 0 ? checked : undefined;
      return cast(checked[0]);
    },
    setValue(value) {
      const wanted = new Set(
        (Array.isArray(value) ? value : value === null || value === undefined ? [] : [value]).map(
          String,
        ),
      );
      for (const b of boxes) b.checked = wanted.has(b.value);
    },
    focus() {
      (boxes.find((b) => b.checked) ?? boxes[0])?.focus();
    },
  };
}

export function isRankItems(value: unknown): value is RankItem[] {
  return (
    Array.isArray(value) &&
    value.every((v) => typeof v === "object" && v !== null && "value" in v && "rank" in v)
  );
}
