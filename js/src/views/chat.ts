/** A chat field: the conversation shown as turns, each with its role, in its own direction
 * (`dir="auto"`, per block for markdown), markdown kept with its structure (sanitized).
 *
 * The turns sit in a box that opens scrolled to its end, so the newest turns are next to the
 * answer box below. The keyboard reaches the conversation as one tab stop (the last turn);
 * inside it, ↑/↓ move between turns, Home/End go to the first/last, and Enter (or Space) shows
 * all of a long turn or folds it again. No key acts while the labeler types: the turns hold no
 * text box. */
import { h, uid } from "../dom";
import { renderMarkdown } from "../markdown";
import type { ChatField, ChatMessage, Field, TextField } from "../protocol";
import { isLong } from "./field";

const BLOCKS = "p, li, td, th, h1, h2, h3, h4, h5, h6, blockquote, pre, dd, dt";
const ROLES = new Set(["system", "user", "assistant"]);

/** True when `value` is a list of {role, content} messages. */
export function isConversation(value: unknown): value is ChatMessage[] {
  return (
    Array.isArray(value) &&
    value.every(
      (m) =>
        typeof m === "object" &&
        m !== null &&
        ROLES.has((m as ChatMessage).role) &&
        typeof (m as ChatMessage).content === "string",
    )
  );
}

/** A field's value as text: a text field's own, "" for anything else. */
export function fieldText(value: unknown): string {
  return typeof value === "string" ? value : "";
}

/** The text fields among `fields` (the ones a comparison can show as candidates). */
export function textFields(fields: Field[]): TextField[] {
  return fields.filter((f): f is TextField => f.kind !== "chat_field");
}

/** A short, one-line excerpt of a turn, for the per-turn questions' labels. */
export function excerpt(text: string, size = 80): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > size ? `${line.slice(0, size - 1)}…` : line;
}

function turnView(
  field: ChatField,
  message: ChatMessage,
  index: number,
  count: number,
): HTMLElement {
  const body = h("div", { class: "nbf-turn-body", dir: "auto" });
  if (field.use_markdown) {
    body.classList.add("nbf-markdown");
    renderMarkdown(body, message.content);
    for (const block of body.querySelectorAll(BLOCKS)) block.setAttribute("dir", "auto");
  } else {
    body.textContent = message.content;
  }
  const long = isLong(message.content);
  const turn = h(
    "li",
    {
      class: `nbf-turn nbf-turn-${message.role}`,
      tabindex: "-1",
      "aria-label": `Turn ${index + 1} of ${count}, ${message.role}`,
      "data-testid": `nbf-turn-${field.name}-${index}`,
      "data-turn": String(index),
    },
    [
      h("div", { class: "nbf-turn-role", "aria-hidden": "true" }, [
        `${message.role} · turn ${index + 1}`,
      ]),
      body,
    ],
  );
  if (long) {
    body.classList.add("nbf-long");
    turn.setAttribute("aria-expanded", "false");
    turn.append(
      h("div", { class: "nbf-turn-more", "aria-hidden": "true" }, ["Enter shows all of this turn"]),
    );
  }
  return turn;
}

/** Shows all of a long turn, or folds it again; returns whether it is now open. */
function toggleTurn(turn: HTMLElement): boolean {
  const body = turn.querySelector(".nbf-turn-body");
  if (!body || !turn.hasAttribute("aria-expanded")) return false;
  const open = !body.classList.toggle("nbf-long");
  turn.setAttribute("aria-expanded", String(open));
  const more = turn.querySelector(".nbf-turn-more");
  if (more) more.textContent = open ? "Enter folds this turn" : "Enter shows all of this turn";
  return open;
}

function moveTo(from: HTMLElement, to: HTMLElement): void {
  from.setAttribute("tabindex", "-1");
  to.setAttribute("tabindex", "0");
  to.focus();
  // jsdom has no scrollIntoView; browsers bring the focused turn into the box's view
  to.scrollIntoView?.({ block: "nearest" });
}

export function chatView(field: ChatField, value: unknown): HTMLElement {
  const title = field.title || field.name;
  const titleId = uid("chat");
  const messages = isConversation(value) ? value : [];
  const turns = messages.map((m, i) => turnView(field, m, i, messages.length));
  const last = turns[turns.length - 1];
  last?.setAttribute("tabindex", "0"); // one tab stop: the newest turn
  const list = h(
    "ol",
    {
      class: "nbf-chat-turns",
      "aria-labelledby": titleId,
      "data-testid": `nbf-field-${field.name}`,
    },
    turns,
  );
  list.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const current = (event.target as Element).closest?.("li.nbf-turn") as HTMLElement | null;
    if (!current) return;
    const at = turns.indexOf(current);
    let to: HTMLElement | undefined;
    if (event.key === "ArrowDown") to = turns[at + 1];
    else if (event.key === "ArrowUp") to = turns[at - 1];
    else if (event.key === "Home") to = turns[0];
    else if (event.key === "End") to = turns[turns.length - 1];
    else if (event.key === "Enter" || event.key === " ") {
      if (!current.hasAttribute("aria-expanded")) return;
      event.preventDefault();
      event.stopPropagation(); // Enter here opens the turn; it is not the view's Enter
      toggleTurn(current);
      return;
    } else return;
    event.preventDefault();
    event.stopPropagation();
    if (to && to !== current) moveTo(current, to);
  });
  // Clicking a turn makes it the tab stop, so the keyboard goes on from where the mouse was.
  list.addEventListener("focusin", (event) => {
    const turn = (event.target as Element).closest?.("li.nbf-turn") as HTMLElement | null;
    if (!turn) return;
    for (const t of turns) t.setAttribute("tabindex", t === turn ? "0" : "-1");
  });
  // The box opens at its end (the inner wrapper in a column-reverse scroller keeps the
  // reading order of the turns and starts the scroll at the newest one).
  const box = h("div", { class: "nbf-chat-box" }, [h("div", { class: "nbf-chat-inner" }, [list])]);
  const empty =
    messages.length === 0 ? h("p", { class: "nbf-chat-empty" }, ["(no conversation)"]) : null;
  return h("section", { class: "nbf-field nbf-chat" }, [
    h("h4", { class: "nbf-field-title", id: titleId }, [
      title,
      h("span", { class: "nbf-chat-count" }, [
        ` · ${messages.length} turn${messages.length === 1 ? "" : "s"}`,
      ]),
    ]),
    empty ?? box,
  ]);
}
