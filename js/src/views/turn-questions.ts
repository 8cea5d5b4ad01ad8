/** A question asked of each assistant turn of a chat field (`turns_of`): one input per turn,
 * each named by the question's title and the turn ("Turn 2, assistant: <excerpt>"). The answer
 * is {"<turn index>": value} holding only the turns answered (a text left empty keeps the
 * turn as it is), or undefined when none is.
 *
 * Each turn's input is the question's own kind (radios with digit keys for a rating or label,
 * a text box for a correction), made by the same maker as a whole-record question, so the keys
 * are the same: Tab goes from turn to turn, digits pick within a turn. */
import { h, uid } from "../dom";
import type { AnswerValue, Question, RecordPayload, TurnAnswers } from "../protocol";
import { excerpt, isConversation } from "./chat";
import type { Control, MakeControl } from "./control";

export function turnControl(
  question: Question,
  record: RecordPayload | undefined,
  titleId: string,
  onChange: () => void,
  make: MakeControl,
): Control {
  const field = question.turns_of ?? "";
  const value = record?.fields[field];
  const messages = isConversation(value) ? value : [];
  const turns = messages.flatMap((m, i) => (m.role === "assistant" ? [i] : []));
  const inner: Question = { ...question };
  delete inner.turns_of; // asked of one turn at a time: a plain question inside
  const controls = new Map<number, Control>();
  const rows = turns.map((turn) => {
    const labelId = uid("turn");
    const control = make(inner, `${titleId} ${labelId}`, onChange);
    controls.set(turn, control);
    const el = control.input;
    el.setAttribute("data-testid", `nbf-q-${question.name}-turn-${turn}`);
    // the inner input is named by the question's title and this turn
    el.setAttribute("aria-labelledby", `${titleId} ${labelId}`);
    if (el instanceof HTMLTextAreaElement) {
      el.placeholder = "Corrected turn (leave empty to keep it as it is)";
    }
    return h("div", { class: "nbf-turn-q", "data-turn": String(turn) }, [
      h("div", { class: "nbf-turn-q-label", id: labelId, dir: "auto" }, [
        `Turn ${turn + 1}, assistant: ${excerpt(messages[turn]?.content ?? "")}`,
      ]),
      el,
      control.extra,
    ]);
  });
  const input = h(
    "div",
    { id: uid("q"), role: "group", "aria-labelledby": titleId, class: "nbf-turn-qs" },
    rows.length > 0 ? rows : [h("p", { class: "nbf-chat-empty" }, ["(no assistant turn)"])],
  );
  return {
    input,
    getValue(): AnswerValue | undefined {
      const out: TurnAnswers = {};
      for (const [turn, control] of controls) {
        const v = control.getValue();
        if (v !== undefined && (typeof v !== "string" || v.trim() !== "")) {
          out[String(turn)] = v as string | number | string[];
        }
      }
      return Object.keys(out).length > 0 ? out : undefined;
    },
    setValue(given) {
      const byTurn =
        typeof given === "object" && given !== null && !Array.isArray(given)
          ? (given as Record<string, unknown>)
          : {};
      for (const [turn, control] of controls) control.setValue(byTurn[String(turn)]);
    },
    focus() {
      controls.values().next().value?.focus();
    },
  };
}
