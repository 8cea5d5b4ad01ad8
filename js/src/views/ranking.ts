/** Ranking question: an ordered list with Up/Down buttons. Rank 1 is the best (top). The answer
 * exists once the labeler has moved an item or a response/suggestion set the order. */
import { h, uid } from "../dom";
import type { LabelOption, RankItem } from "../protocol";
import type { Control } from "./control";

export function rankingInput(
  options: LabelOption[],
  titleId: string,
  onChange: () => void,
): Control {
  let order = options.map((o) => o.value);
  let answered = false;
  const textOf = new Map(options.map((o) => [o.value, o.text || o.value]));
  const list = h("ol", { id: uid("q"), class: "nbf-ranking", "aria-labelledby": titleId });

  function draw(focusValue?: string, focusDir?: "up" | "down"): void {
    list.replaceChildren();
    order.forEach((value, i) => {
      const text = textOf.get(value) ?? value;
      const up = h("button", {
        type: "button",
        class: "nbf-rank-btn",
        "aria-label": `Move ${text} up`,
        disabled: i === 0,
        text: "↑",
      });
      const down = h("button", {
        type: "button",
        class: "nbf-rank-btn",
        "aria-label": `Move ${text} down`,
        disabled: i === order.length - 1,
        text: "↓",
      });
      up.addEventListener("click", () => move(i, -1));
      down.addEventListener("click", () => move(i, 1));
      list.append(h("li", { class: "nbf-rank-item", "data-value": value }, [text, " ", up, down]));
      if (value === focusValue) {
        const target = focusDir === "up" && !up.disabled ? up : down.disabled ? up : down;
        queueMicrotask(() => target.focus());
      }
    });
  }

  function move(i: number, delta: number): void {
    const j = i + delta;
    const a = order[i];
    const b = order[j];
    if (a === undefined || b === undefined) return;
    order = [...order];
    order[i] = b;
    order[j] = a;
    answered = true;
    draw(a, delta < 0 ? "up" : "down");
    onChange();
  }

  draw();
  return {
    input: list,
    getValue: (): RankItem[] | undefined =>
      answered ? order.map((value, i) => ({ value, rank: i + 1 })) : undefined,
    setValue(value) {
      order = options.map((o) => o.value);
      answered = false;
      if (Array.isArray(value) && value.length > 0) {
        const rank = new Map<string, number>();
        for (const item of value as RankItem[]) rank.set(String(item.value), Number(item.rank));
        order.sort((x, y) => (rank.get(x) ?? 1e9) - (rank.get(y) ?? 1e9));
        answered = true;
      }
      draw();
    },
    focus() {
      list.querySelector<HTMLButtonElement>("button:not([disabled])")?.focus();
    },
  };
}
