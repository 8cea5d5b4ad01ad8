/** Keyboard chords of the view. Only chords act: no plain key does anything while the labeler
 * types, and Backspace never discards. */
import { isTextEntry } from "./dom";

export type Action = "submit" | "next" | "prev" | "discard" | "undo";

export function chordFor(event: KeyboardEvent): Action | null {
  if (event.isComposing) return null; // an IME is still building the character
  const mod = event.ctrlKey || event.metaKey;
  const inText = isTextEntry(event.target instanceof Element ? event.target : null);
  const key = event.key;
  const isD = event.code === "KeyD" || key === "d" || key === "D";
  const isZ = event.code === "KeyZ" || key === "z" || key === "Z";

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
  if (isZ && mod && !event.shiftKey && !event.altKey && !inText) return "undo";
  return null;
}
