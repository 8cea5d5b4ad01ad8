/** Small DOM helpers. Every focusable element made here carries data-lm-suppress-shortcuts,
 * because Notebook 7 matches its shortcuts on the focused element itself. */

export const SUPPRESS = "data-lm-suppress-shortcuts";

const FOCUSABLE = "a[href], button, input, select, textarea, details, summary, [tabindex]";

type Attrs = Record<string, string | number | boolean | null | undefined>;
type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  children: Child[] = [],
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = String(value);
    else if (key === "text") el.textContent = String(value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    // Strings become text nodes: record text never goes through innerHTML here.
    el.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  if (el.matches(FOCUSABLE)) el.setAttribute(SUPPRESS, "true");
  return el;
}

/** Marks every focusable element under `root` (e.g. links from rendered markdown). */
export function markFocusables(root: HTMLElement): void {
  for (const el of root.querySelectorAll(FOCUSABLE)) el.setAttribute(SUPPRESS, "true");
}

let counter = 0;
// Each widget may load its own copy of this module (one per model), so a counter alone would
// repeat ids across widgets of one page, and a label would name another widget's input.
const pageUnique = Math.random().toString(36).slice(2, 8);
/** A document-unique id for label/aria wiring. */
export function uid(prefix: string): string {
  counter += 1;
  return `nbf-${pageUnique}-${prefix}-${counter}`;
}

/** True when `el` takes typed text (so plain keys and Ctrl+Z belong to it). */
export function isTextEntry(el: Element | null): boolean {
  if (!el) return false;
  if (el instanceof HTMLTextAreaElement) return true;
  if (el instanceof HTMLInputElement) {
    return !["button", "checkbox", "radio", "submit", "reset", "range", "color", "file"].includes(
      el.type,
    );
  }
  return el instanceof HTMLElement && el.isContentEditable;
}
