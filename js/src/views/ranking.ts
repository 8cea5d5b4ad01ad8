/** Ranking question: an ordered list, rank 1 the best (top). One Tab stop for the whole list: the
 * arrows move between items, a digit puts the focused item at that place, Alt+↑/↓ moves it one
 * place; the ↑/↓ buttons do the same by pointer and stay out of the Tab order. The list is an
 * order, so it never makes a tie. The answer exists once the labeler has moved an item or a
 * response/suggestion set the order. */
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
  /** The item holding the list's one Tab stop (it follows the item when the item moves). */
  let current = order[0];
  const textOf = new Map(options.map((o) => [o.value, o.text || o.value]));
  const list = h("ol", { id: uid("q"), class: "nbf-ranking", "aria-labelledby": titleId });

  function draw(focusValue?: string): void {
    list.replaceChildren();
    order.forEach((value, i) => {
      const text = textOf.get(value) ?? value;
      const button = (dir: -1 | 1) => {
        const b = h("button", {
          type: "button",
          class: "nbf-rank-btn",
          tabindex: -1, // one Tab stop per list: the keys on the item do what these do
          "aria-label": `Move ${text} ${dir < 0 ? "up" : "down"}`,
          disabled: dir < 0 ? i === 0 : i === order.length - 1,
          text: dir < 0 ? "↑" : "↓",
        });
        b.addEventListener("click", () => move(value, i + dir, true));
        return b;
      };
      const item = h(
        "li",
        {
          class: "nbf-rank-item",
          "data-value": value,
          tabindex: value === current ? 0 : -1,
          "aria-label": `${text}, place ${i + 1} of ${order.length}`,
        },
        [h("span", { class: "nbf-rank-text" }, [text]), " ", button(-1), button(1)],
      );
      list.append(item);
      if (value === focusValue) queueMicrotask(() => item.focus());
    });
  }

  /** Puts `value` at index `to` (clamped), shifting the others. */
  function move(value: string, to: number, focus: boolean): void {
    const from = order.indexOf(value);
    const j = Math.max(0, Math.min(order.length - 1, to));
    if (from < 0) return;
    order = order.filter((v) => v !== value);
    order.splice(j, 0, value);
    answered = true;
    current = value;
    draw(focus ? value : undefined);
    onChange();
  }

  list.addEventListener("keydown", (event) => {
    const item = event.target instanceof Element ? event.target.closest("li") : null;
    const value = item?.getAttribute("data-value");
    if (!item || !value || event.ctrlKey || event.metaKey || event.isComposing) return;
    const at = order.indexOf(value);
    const key = event.key;
    if ((key === "ArrowUp" || key === "ArrowDown") && !event.shiftKey) {
      event.preventDefault();
      const dir = key === "ArrowUp" ? -1 : 1;
      if (event.altKey) {
        move(value, at + dir, true);
        return;
      }
      const next = order[at + dir];
      if (next === undefined) return;
      current = next;
      for (const li of list.children) {
        (li as HTMLElement).tabIndex = li.getAttribute("data-value") === next ? 0 : -1;
      }
      (list.children[at + dir] as HTMLElement | undefined)?.focus();
      return;
    }
    if (event.altKey || !/^[1-9]$/.test(key)) return;
    const place = Number(key);
    if (place > order.length) return;
    event.preventDefault();
    move(value, place - 1, true);
  });

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
      current = order[0];
      draw();
    },
    focus() {
      list.querySelector<HTMLElement>('li[tabindex="0"]')?.focus();
    },
  };
}
