/** The span editor: mark parts of a field's text and label them, by keyboard first.
 *
 * Keys while the editor has focus: ← / → move the caret one character, Ctrl+← / Ctrl+→ one
 * word, Home / End to the text's ends; Shift with any of them extends the selection; a digit
 * labels the selection (or, with none, the word at the caret) with that label; Delete or
 * Backspace removes the span at the caret; Enter accepts the suggested span at the caret as
 * yours; Esc clears the selection (then leaves, as everywhere). The mouse selects too: select
 * text, then press a digit or click a label.
 *
 * Offsets count code points, as Python's do (an emoji is one character, not two UTF-16 units).
 * Right-to-left text keeps logical order: → moves towards the text's end in reading order.
 */
import { h, uid } from "../dom";
import type { LabelOption, SpanItem, SpanQuestion } from "../protocol";
import type { Control } from "./control";

interface Span {
  start: number;
  end: number;
  label: string;
  /** Pre-filled from the model's suggestion and not yet accepted, edited or removed. */
  suggested: boolean;
}

const WORD = /[\p{L}\p{N}_'’-]/u;

export function spanEditor(
  question: SpanQuestion,
  text: string,
  suggested: unknown,
  titleId: string,
  onChange: () => void,
): Control {
  const chars = Array.from(text);
  const n = chars.length;
  const labels: LabelOption[] = question.labels;
  const rtl = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/u.test(text);
  let spans: Span[] = [];
  let caret = 0;
  let anchor = 0; // selection is [min(anchor, caret), max(anchor, caret))

  const live = h("p", { class: "nbf-span-live", "aria-live": "polite", role: "status" });
  const textEl = h("div", {
    class: "nbf-span-text",
    dir: rtl ? "rtl" : "auto",
    "data-testid": `nbf-span-text-${question.name}`,
  });
  const legend = h(
    "div",
    { class: "nbf-span-legend", "aria-hidden": "true" },
    labels.map((opt, i) => {
      const button = h(
        "button",
        {
          type: "button",
          class: `nbf-span-label-button nbf-span-c${i % 8}`,
          tabindex: -1,
          "data-testid": `nbf-span-label-${question.name}-${opt.value}`,
        },
        [i < 9 ? h("kbd", { class: "nbf-kbd" }, [String(i + 1)]) : null, opt.text || opt.value],
      );
      // mousedown: keep the text's selection (a click would move the focus and lose it)
      button.addEventListener("mousedown", (event) => event.preventDefault());
      button.addEventListener("click", () => label(i));
      return button;
    }),
  );
  const list = h("ol", { class: "nbf-span-list", "data-testid": `nbf-span-list-${question.name}` });
  const input = h(
    "div",
    {
      id: uid("q"),
      class: "nbf-span-editor",
      role: "group",
      tabindex: 0,
      "aria-labelledby": titleId,
      "aria-roledescription": "span editor",
    },
    [legend, textEl, list, live],
  );

  function selection(): [number, number] {
    return [Math.min(anchor, caret), Math.max(anchor, caret)];
  }

  function say(message: string): void {
    live.textContent = message;
  }

  function quote(s: Span): string {
    return chars.slice(s.start, s.end).join("");
  }

  function labelText(value: string): string {
    const opt = labels.find((o) => o.value === value);
    return opt ? opt.text || opt.value : value;
  }

  function colorOf(value: string): string {
    const i = labels.findIndex((o) => o.value === value);
    return `nbf-span-c${Math.max(i, 0) % 8}`;
  }

  /** Renders the text as runs between span edges; each run knows its first offset. */
  function render(): void {
    const edges = new Set<number>([0, n]);
    for (const s of spans) {
      edges.add(s.start);
      edges.add(s.end);
    }
    const [selStart, selEnd] = selection();
    edges.add(selStart);
    edges.add(selEnd);
    edges.add(caret);
    const cuts = [...edges].filter((e) => e >= 0 && e <= n).sort((a, b) => a - b);
    const runs: Node[] = [];
    for (let k = 0; k < cuts.length; k++) {
      const at = cuts[k] as number;
      if (at === caret && document.activeElement === input) {
        runs.push(h("span", { class: "nbf-span-caret", "aria-hidden": "true" }));
      }
      const next = cuts[k + 1];
      if (next === undefined || next === at) continue;
      const covering = spans.filter((s) => s.start <= at && s.end >= next);
      const classes = ["nbf-span-run"];
      if (at >= selStart && next <= selEnd && selEnd > selStart) classes.push("nbf-span-selected");
      if (covering.length > 0) {
        const top = covering[covering.length - 1] as Span;
        classes.push("nbf-span-mark", colorOf(top.label));
        if (covering.length > 1) classes.push("nbf-span-nested");
        if (top.suggested) classes.push("nbf-span-suggested");
      }
      const run = h("span", { class: classes.join(" "), "data-start": at }, [
        chars.slice(at, next).join(""),
      ]);
      runs.push(run);
      // the label, after the span's last run (so it reads "Ada Lovelace PER")
      for (const s of spans) {
        if (s.end === next) {
          runs.push(
            h("span", { class: `nbf-span-tag ${colorOf(s.label)}`, "aria-hidden": "true" }, [
              labelText(s.label),
            ]),
          );
        }
      }
    }
    textEl.replaceChildren(...runs);
    list.replaceChildren(
      ...spans.map((s, i) => {
        const remove = h(
          "button",
          {
            type: "button",
            class: "nbf-span-remove",
            "aria-label": `Remove ${labelText(s.label)} “${quote(s)}”`,
            "data-testid": `nbf-span-remove-${question.name}-${i}`,
          },
          ["×"],
        );
        remove.addEventListener("click", () => {
          removeSpan(s);
          input.focus();
        });
        return h(
          "li",
          { class: s.suggested ? "nbf-span-item nbf-span-suggested" : "nbf-span-item" },
          [
            h("span", { class: `nbf-span-tag ${colorOf(s.label)}` }, [labelText(s.label)]),
            ` “${quote(s)}”`,
            s.suggested
              ? h("span", { class: "nbf-span-note" }, [" (suggested: Enter accepts)"])
              : null,
            remove,
          ],
        );
      }),
    );
    input.setAttribute(
      "aria-description",
      `${spans.length} span${spans.length === 1 ? "" : "s"}; caret at character ${caret} of ${n}`,
    );
  }

  function isWord(i: number): boolean {
    const c = chars[i];
    return c !== undefined && WORD.test(c);
  }

  function wordRight(from: number): number {
    let i = from;
    while (i < n && !isWord(i)) i++;
    while (i < n && isWord(i)) i++;
    return i;
  }

  function wordLeft(from: number): number {
    let i = from;
    while (i > 0 && !isWord(i - 1)) i--;
    while (i > 0 && isWord(i - 1)) i--;
    return i;
  }

  /** The word at (or just before) the caret, for a digit pressed with no selection. */
  function wordAt(at: number): [number, number] {
    let i = at;
    if (!isWord(i) && isWord(i - 1)) i -= 1;
    if (!isWord(i)) return [at, at];
    let start = i;
    let end = i;
    while (start > 0 && isWord(start - 1)) start--;
    while (end < n && isWord(end)) end++;
    return [start, end];
  }

  function label(index: number): void {
    const opt = labels[index];
    if (!opt) return;
    let [start, end] = selection();
    if (end === start) [start, end] = wordAt(caret);
    // a span never starts or ends on a space (word steps carry the space before a word)
    while (start < end && /\s/u.test(chars[start] ?? "")) start++;
    while (end > start && /\s/u.test(chars[end - 1] ?? "")) end--;
    if (end === start) {
      say("Select some text first (Shift+arrows, or the mouse)");
      return;
    }
    const same = spans.find((s) => s.start === start && s.end === end);
    if (same) {
      same.label = opt.value;
      same.suggested = false;
    } else {
      if (!question.allow_overlapping) {
        const dropped = spans.filter((s) => s.start < end && start < s.end);
        spans = spans.filter((s) => !dropped.includes(s));
        if (dropped.length > 0) say(`Replaced ${dropped.length} overlapping span(s)`);
      }
      spans.push({ start, end, label: opt.value, suggested: false });
      spans.sort((a, b) => a.start - b.start || b.end - a.end);
    }
    anchor = caret = end;
    render();
    say(`${labelText(opt.value)}: “${chars.slice(start, end).join("")}”`);
    onChange();
  }

  function spanAtCaret(): Span | undefined {
    const inside = spans.filter((s) => s.start <= caret && caret <= s.end);
    return inside.find((s) => s.start < caret && caret < s.end) ?? inside[inside.length - 1];
  }

  function removeSpan(s: Span): void {
    spans = spans.filter((x) => x !== s);
    render();
    say(`Removed ${labelText(s.label)} “${quote(s)}”`);
    onChange();
  }

  function move(to: number, extend: boolean): void {
    caret = Math.max(0, Math.min(n, to));
    if (!extend) anchor = caret;
    render();
    const [start, end] = selection();
    if (end > start) say(`Selected “${chars.slice(start, end).join("")}”`);
  }

  input.addEventListener("keydown", (event) => {
    if (event.target !== input || event.isComposing || event.metaKey) return;
    const key = event.key;
    const forward = rtl ? "ArrowLeft" : "ArrowRight";
    const backward = rtl ? "ArrowRight" : "ArrowLeft";
    let handled = true;
    if ((key === forward || key === backward) && !event.altKey) {
      const ahead = key === forward;
      const to = event.ctrlKey
        ? ahead
          ? wordRight(caret)
          : wordLeft(caret)
        : caret + (ahead ? 1 : -1);
      move(to, event.shiftKey);
    } else if ((key === "Home" || key === "End") && !event.altKey && !event.ctrlKey) {
      move(key === "Home" ? 0 : n, event.shiftKey);
    } else if (/^[1-9]$/.test(key) && !event.ctrlKey && !event.altKey) {
      label(Number(key) - 1);
    } else if ((key === "Delete" || key === "Backspace") && !event.ctrlKey && !event.altKey) {
      const s = spanAtCaret();
      if (s) removeSpan(s);
      else say("No span at the caret");
    } else if (key === "Enter" && !event.ctrlKey && !event.altKey && !event.shiftKey) {
      const s = spanAtCaret();
      if (s?.suggested) {
        s.suggested = false;
        render();
        say(`Accepted ${labelText(s.label)} “${quote(s)}”`);
        onChange();
      } else handled = false;
    } else if ((event.code === "KeyA" || key === "a" || key === "A") && event.altKey) {
      // Alt+A accepts the whole suggestion (the question's own handler, up the tree, too)
      for (const s of spans) s.suggested = false;
      render();
      handled = false;
    } else if (key === "Escape" && anchor !== caret && !event.ctrlKey && !event.altKey) {
      anchor = caret;
      render();
    } else handled = false;
    if (handled) {
      event.preventDefault();
      event.stopPropagation(); // Ctrl+← / → move by word here, not to another record
    }
  });

  /** The code-point offset of a DOM point inside the text, or null when outside it. */
  function offsetOf(node: Node, offset: number): number | null {
    const run = (
      node.nodeType === Node.TEXT_NODE ? node.parentElement : (node as Element)
    )?.closest(".nbf-span-run");
    if (!run || !textEl.contains(run)) return null;
    const start = Number(run.getAttribute("data-start"));
    if (node.nodeType !== Node.TEXT_NODE)
      return start + (offset > 0 ? Array.from(run.textContent ?? "").length : 0);
    return start + Array.from((node.textContent ?? "").slice(0, offset)).length;
  }

  textEl.addEventListener("mouseup", () => {
    const sel = window.getSelection();
    if (!sel || sel.rangeCount === 0) return;
    const a = sel.anchorNode ? offsetOf(sel.anchorNode, sel.anchorOffset) : null;
    const f = sel.focusNode ? offsetOf(sel.focusNode, sel.focusOffset) : null;
    if (a === null || f === null) return;
    input.focus();
    anchor = a;
    caret = f;
    sel.removeAllRanges();
    render();
    const [start, end] = selection();
    if (end > start) say(`Selected “${chars.slice(start, end).join("")}”: a digit labels it`);
  });
  input.addEventListener("focus", render);
  input.addEventListener("blur", render);

  render();
  return {
    input,
    getValue() {
      // nothing marked is an answer too: no span in this text (Python and Argilla take [])
      return spans.map(({ start, end, label: l }) => ({ start, end, label: l }));
    },
    setValue(value) {
      const given = Array.isArray(value) ? value : [];
      spans = given
        .filter(
          (s): s is SpanItem =>
            typeof s === "object" &&
            s !== null &&
            Number.isInteger(s.start) &&
            Number.isInteger(s.end) &&
            typeof s.label === "string",
        )
        .map((s) => ({ start: s.start, end: s.end, label: s.label, suggested: false }));
      // pre-filled from the model: each span stays marked until accepted, edited or removed
      if (suggested !== undefined && JSON.stringify(given) === JSON.stringify(suggested)) {
        for (const s of spans) s.suggested = true;
      }
      anchor = caret = 0;
      render();
    },
    focus() {
      input.focus();
    },
  };
}
