/** Keyboard chords of the view, and the table that shows them (on buttons, in
 * `aria-keyshortcuts` and in the `?` overlay). Only chords act while the labeler types: no plain
 * key does anything in a text box, and Backspace never discards. */
import { isTextEntry } from "./dom";

export type Action =
  | "submit"
  | "next"
  | "prev"
  | "discard"
  | "undo"
  | "redo"
  | "next_pending"
  | "help"
  | "leave";

export interface Chord {
  action: Action | "pick" | "tab" | "accept" | "turns";
  /** As shown on screen. */
  label: string;
  /** In `aria-keyshortcuts` syntax, or "" when it names no single chord. */
  aria: string;
  what: string;
}

export const CHORDS: Chord[] = [
  {
    action: "submit",
    label: "Ctrl+Enter",
    aria: "Control+Enter Meta+Enter",
    what: "Submit and go to the next record",
  },
  {
    action: "discard",
    label: "Alt+D",
    aria: "Alt+D Control+Shift+D",
    what: "Discard and go to the next record",
  },
  { action: "next", label: "Alt+→", aria: "Alt+ArrowRight", what: "Next record" },
  { action: "prev", label: "Alt+←", aria: "Alt+ArrowLeft", what: "Previous record" },
  {
    action: "next_pending",
    label: "Alt+N",
    aria: "Alt+N",
    what: "Next record still pending (from the end, the first one)",
  },
  {
    action: "undo",
    label: "Alt+Z",
    aria: "Alt+Z",
    what:
      "Undo the last answer, from anywhere (Ctrl+Z outside a text box): the record gets back " +
      "every answer it had; a first answer stays in its boxes as a draft",
  },
  {
    action: "redo",
    label: "Alt+Shift+Z",
    aria: "Alt+Shift+Z",
    what: "Redo: give again the answer Undo took back",
  },
  {
    action: "pick",
    label: "1 … 9",
    aria: "",
    what: "On a rating or label question: pick that option (a multi-label one toggles it)",
  },
  {
    action: "pick",
    label: "1 / 2 / 0",
    aria: "",
    what: "On a comparison: the better response, 0 for a tie where ties are allowed (three or more: the focused one's rank)",
  },
  {
    action: "pick",
    label: "1 … 9, Alt+↑ / ↓",
    aria: "",
    what: "On a ranking list: put the focused item at that place, or move it one place",
  },
  {
    action: "pick",
    label: "Shift+← / →, then 1 … 9",
    aria: "",
    what: "On a span question: select text (with Ctrl, a word at a time) and label it by digit; Delete removes the span at the caret, Enter accepts a suggested one",
  },
  {
    action: "pick",
    label: "Alt+1 … 9",
    aria: "",
    what: "Reviewing: use that annotator's answer (edit it or submit it)",
  },
  {
    action: "accept",
    label: "Alt+A",
    aria: "Alt+A",
    what: "Accept the model's pre-filled draft of this question as yours",
  },
  {
    action: "tab",
    label: "Tab",
    aria: "",
    what: "Next question or button; from the cell, the first answer box",
  },
  {
    action: "turns",
    label: "↑ / ↓",
    aria: "",
    what: "In a conversation: the previous or next turn (Home, End: the first or last one)",
  },
  {
    action: "turns",
    label: "Enter",
    aria: "",
    what: "In a conversation: show all of a long turn, or fold it again",
  },
  {
    action: "help",
    label: "?",
    aria: "Shift+?",
    what: "Show or hide this list (outside a text box)",
  },
  { action: "leave", label: "Esc", aria: "Escape", what: "Leave the widget for the notebook" },
];

export function chordOf(action: Action): Chord | undefined {
  return CHORDS.find((c) => c.action === action);
}

export function chordFor(event: KeyboardEvent): Action | null {
  if (event.isComposing) return null; // an IME is still building the character
  const mod = event.ctrlKey || event.metaKey;
  const inText = isTextEntry(event.target instanceof Element ? event.target : null);
  const key = event.key;
  const isD = event.code === "KeyD" || key === "d" || key === "D";
  const isZ = event.code === "KeyZ" || key === "z" || key === "Z";
  const isN = event.code === "KeyN" || key === "n" || key === "N";

  if (mod && !event.altKey && !event.shiftKey && key === "Enter") return "submit";
  if (key === "ArrowRight" || key === "ArrowLeft") {
    const dir: Action = key === "ArrowRight" ? "next" : "prev";
    if (event.altKey && !mod && !event.shiftKey) return dir;
    // Ctrl+Arrow moves by word inside a text box: leave it to the box there.
    if (event.ctrlKey && !event.altKey && !event.shiftKey && !inText) return dir;
    return null;
  }
  if (isD && event.ctrlKey && event.shiftKey && !event.altKey) return "discard";
  if (isD && event.altKey && !mod && !event.shiftKey) return "discard";
  if (isN && event.altKey && !mod && !event.shiftKey) return "next_pending";
  // Alt+Z works in a text box too, where Ctrl+Z is the box's own text undo.
  if (isZ && event.altKey && !mod) return event.shiftKey ? "redo" : "undo";
  if (isZ && mod && !event.altKey && !inText) return event.shiftKey ? "redo" : "undo";
  if (key === "?" && !mod && !event.altKey && !inText) return "help";
  if (key === "Escape" && !mod && !event.altKey && !event.shiftKey) return "leave";
  return null;
}
