/** One field of the record: text (or sanitized markdown), laid out in the writer's direction
 * (`dir="auto"`, per paragraph for markdown). A long field says that it continues: it scrolls in
 * a box that takes the keyboard focus (arrows, Page Up/Down) and has a button that shows it all. */
import { h } from "../dom";
import { renderMarkdown } from "../markdown";
import type { TextField } from "../protocol";

/** Past this many characters or lines a field is shown in a scrolling box with "Show all". */
export const LONG_CHARS = 1200;
export const LONG_LINES = 16;

const BLOCKS = "p, li, td, th, h1, h2, h3, h4, h5, h6, blockquote, pre, dd, dt";

export function isLong(text: string): boolean {
  if (text.length > LONG_CHARS) return true;
  let lines = 1;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) {
    lines += 1;
    if (lines > LONG_LINES) return true;
  }
  return false;
}

export function fieldView(field: TextField, text: string): HTMLElement {
  const title = field.title || field.name;
  const body = h("div", {
    class: "nbf-field-text",
    dir: "auto",
    "data-testid": `nbf-field-${field.name}`,
  });
  if (field.use_markdown) {
    body.classList.add("nbf-markdown");
    renderMarkdown(body, text);
    for (const block of body.querySelectorAll(BLOCKS)) block.setAttribute("dir", "auto");
  } else {
    body.textContent = text;
  }
  const heading = h("h4", { class: "nbf-field-title" }, [title]);
  if (!isLong(text)) return h("section", { class: "nbf-field" }, [heading, body]);

  body.classList.add("nbf-long");
  body.setAttribute("tabindex", "0"); // arrows and Page Up/Down scroll it
  body.addEventListener("keydown", (event) => containScroll(body, event));
  body.setAttribute("role", "region");
  body.setAttribute("aria-label", `${title} (scrolls)`);
  const lines = text.split("\n").length;
  const toggle = h(
    "button",
    {
      type: "button",
      class: "nbf-btn nbf-quiet nbf-expand",
      "aria-expanded": "false",
      "data-testid": `nbf-expand-${field.name}`,
    },
    [`Show all (${text.length.toLocaleString()} characters, ${lines} lines)`],
  );
  toggle.addEventListener("click", () => {
    const open = !body.classList.toggle("nbf-long");
    toggle.setAttribute("aria-expanded", String(open));
    toggle.textContent = open
      ? "Show less"
      : `Show all (${text.length.toLocaleString()} characters, ${lines} lines)`;
  });
  return h("section", { class: "nbf-field" }, [heading, body, toggle]);
}

/** Scroll keys on the field's box scroll the box and nothing else: at its end the browser would
 * scroll the notebook instead, taking the widget off screen while the focus stays in it. */
export function containScroll(box: HTMLElement, event: KeyboardEvent): void {
  if (!box.classList.contains("nbf-long")) return; // shown whole: the notebook scrolls, as usual
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const page = Math.max(box.clientHeight * 0.9, 40);
  const line = 40;
  const moves: Record<string, number> = {
    PageDown: page,
    PageUp: -page,
    " ": event.shiftKey ? -page : page,
    ArrowDown: line,
    ArrowUp: -line,
    End: box.scrollHeight,
    Home: -box.scrollHeight,
  };
  const by = moves[event.key];
  if (by === undefined) return;
  event.preventDefault();
  const max = Math.max(box.scrollHeight - box.clientHeight, 0);
  box.scrollTop = Math.min(Math.max(box.scrollTop + by, 0), max);
}
