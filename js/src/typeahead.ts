/** Keys typed while the next record is still loading. A labeler who types ahead faster than the
 * kernel sends records (Ctrl+Enter, text, Ctrl+Enter...) gets every key: each one is held, in
 * order, while the view says "Loading record n…" and counts them, and is played into the record
 * once it shows. A chord played back acts as if pressed (Ctrl+Enter submits and moves on); when
 * it moves on to a record that is not here yet, the keys after it wait for that one. */
import { isTextEntry } from "./dom";

export interface HeldKey {
  key: string;
  code: string;
  ctrlKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
  metaKey: boolean;
}

/** Keys that only change what the next key means: nothing to play back. */
const MODIFIERS = new Set(["Shift", "Control", "Alt", "Meta", "AltGraph", "CapsLock", "OS"]);

const TABBABLE =
  "button, input, select, textarea, summary, a[href], [tabindex]:not([tabindex='-1'])";

export class TypeAhead {
  private readonly keys: HeldKey[] = [];
  private playing = false;

  get count(): number {
    return this.keys.length;
  }

  /** True while a held key is being played: its events are the view's own, not new input. */
  get replaying(): boolean {
    return this.playing;
  }

  /** Holds `event` (the caller prevents its default); false for a lone modifier key. */
  hold(event: KeyboardEvent): boolean {
    if (MODIFIERS.has(event.key) || event.isComposing) return false;
    const { key, code, ctrlKey, shiftKey, altKey, metaKey } = event;
    this.keys.push({ key, code, ctrlKey, shiftKey, altKey, metaKey });
    return true;
  }

  /** Plays held keys, in order, while `ready()` (a record is shown and takes keys). */
  replay(ready: () => boolean, focused: () => Element | null, root: HTMLElement): void {
    if (this.playing) return;
    this.playing = true;
    try {
      while (this.keys.length > 0 && ready()) {
        const k = this.keys.shift() as HeldKey;
        playKey(k, focused() ?? root, root);
      }
    } finally {
      this.playing = false;
    }
  }
}

/** Sends `k` to `target` as a keydown the view's handlers see; when none of them takes it, does
 * what the browser would have done (type the character, move the focus, press the button). */
export function playKey(k: HeldKey, target: Element, root: HTMLElement): void {
  const event = new KeyboardEvent("keydown", { ...k, bubbles: true, cancelable: true });
  if (!target.dispatchEvent(event)) return; // a handler of the view acted on it
  const mod = k.ctrlKey || k.metaKey || k.altKey;
  if (k.key === "Tab" && !k.ctrlKey && !k.metaKey && !k.altKey) {
    moveFocus(target, root, k.shiftKey ? -1 : 1);
    return;
  }
  if (isTextEntry(target)) {
    if (!(target instanceof HTMLTextAreaElement || target instanceof HTMLInputElement)) return;
    if (mod) return;
    typeInto(target, k);
    return;
  }
  if (mod) return;
  if (
    target instanceof HTMLInputElement &&
    (target.type === "radio" || target.type === "checkbox")
  ) {
    if (k.key === " ") target.click();
    return;
  }
  if (target instanceof HTMLButtonElement && (k.key === " " || k.key === "Enter")) target.click();
}

function typeInto(box: HTMLTextAreaElement | HTMLInputElement, k: HeldKey): void {
  const start = box.selectionStart ?? box.value.length;
  const end = box.selectionEnd ?? start;
  const chars = [...k.key];
  if (chars.length === 1) box.setRangeText(k.key, start, end, "end");
  else if (k.key === "Enter" && box instanceof HTMLTextAreaElement) {
    box.setRangeText("\n", start, end, "end");
  } else if (k.key === "Backspace") {
    if (start !== end) box.setRangeText("", start, end, "end");
    else if (start > 0) box.setRangeText("", start - 1, start, "end");
    else return;
  } else if (k.key === "Delete") {
    if (start !== end) box.setRangeText("", start, end, "end");
    else if (end < box.value.length) box.setRangeText("", start, end + 1, "end");
    else return;
  } else if (
    k.key === "ArrowLeft" ||
    k.key === "ArrowRight" ||
    k.key === "Home" ||
    k.key === "End"
  ) {
    const to =
      k.key === "Home"
        ? 0
        : k.key === "End"
          ? box.value.length
          : Math.min(Math.max(k.key === "ArrowLeft" ? start - 1 : end + 1, 0), box.value.length);
    box.setSelectionRange(to, to);
    return;
  } else return;
  box.dispatchEvent(new Event("input", { bubbles: true }));
}

/** Tab's own move: the next (or previous) element of the view that Tab reaches. */
function moveFocus(from: Element, root: HTMLElement, step: 1 | -1): void {
  const all = [...root.querySelectorAll<HTMLElement>(TABBABLE)].filter((el) => reachable(el));
  const at = all.indexOf(from as HTMLElement);
  const next = all[at === -1 ? 0 : at + step];
  next?.focus();
}

function reachable(el: HTMLElement): boolean {
  if ((el as HTMLButtonElement).disabled || el.closest("[hidden]")) return false;
  if (el.tabIndex < 0) return false;
  if (el instanceof HTMLInputElement && el.type === "radio") {
    // one stop per group: its checked option, else its first
    const scope = el.getRootNode() as Document | ShadowRoot; // names are uid(): no quoting
    const group = [
      ...scope.querySelectorAll<HTMLInputElement>(`input[type="radio"][name="${el.name}"]`),
    ];
    const checked = group.find((r) => r.checked);
    return checked ? checked === el : group[0] === el;
  }
  return true;
}
