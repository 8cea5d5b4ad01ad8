/** The reviewer's panel: every other annotator's answer to the record, side by side with who
 * wrote it. "Use" (or Alt+1..9) copies an answer into the inputs below, to submit as it is or
 * edited; the submitted answer names the annotator it came from. */
import { h } from "../dom";
import type { ReviewAnswer } from "../protocol";

export interface ReviewPanel {
  readonly el: HTMLElement;
}

function show(value: unknown): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) {
    return value
      .map((v) =>
        typeof v === "object" && v !== null && "value" in v
          ? `${String((v as { rank?: unknown }).rank)}. ${String((v as { value: unknown }).value)}`
          : String(v),
      )
      .join(", ");
  }
  if (typeof value === "object" && value !== null) {
    // an answer given per assistant turn: {"<turn index>": value}
    return Object.entries(value)
      .map(([turn, v]) => `Turn ${Number(turn) + 1}: ${show(v)}`)
      .join("; ");
  }
  return value === undefined || value === null ? "" : String(value);
}

export function reviewPanel(
  answers: ReviewAnswer[],
  questions: { name: string; title: string }[],
  pick: (index: number) => void,
): ReviewPanel {
  const cards = answers.map((a, i) => {
    // the chord shows on the button, as on every other button of the view
    const chord = i < 9 ? `Alt+${i + 1}` : null;
    const use = h(
      "button",
      {
        type: "button",
        class: "nbf-btn nbf-review-use",
        "aria-keyshortcuts": chord,
        "data-testid": `nbf-review-use-${i}`,
      },
      [
        `Use ${a.user}'s answer`,
        chord ? h("kbd", { class: "nbf-kbd", "aria-hidden": "true" }, [chord]) : null,
      ],
    );
    use.addEventListener("click", () => pick(i));
    const rows = questions
      .filter((q) => a.values[q.name] !== undefined)
      .map((q) =>
        h("div", { class: "nbf-review-value" }, [
          h("span", { class: "nbf-review-question" }, [`${q.title || q.name}: `]),
          show(a.values[q.name]),
        ]),
      );
    return h(
      "section",
      {
        class: "nbf-review-answer",
        "aria-label": `Answer by ${a.user}`,
        "data-testid": "nbf-review-answer",
      },
      [h("h4", { class: "nbf-review-user" }, [`${i + 1}. ${a.user} (${a.status})`]), ...rows, use],
    );
  });
  const el = h("div", { class: "nbf-review", "data-testid": "nbf-review" }, [
    cards.length ? null : h("p", {}, ["No other answers to this record yet."]),
    ...cards,
  ]);
  return { el };
}

/** Alt+1..9 picks answer 1..9; returns its index, or null for any other key. */
export function pickChord(event: KeyboardEvent): number | null {
  if (!event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return null;
  const m = /^Digit([1-9])$/.exec(event.code);
  return m ? Number(m[1]) - 1 : null;
}
