/** Previous / Next / jump, the "Record n of N" text, the status filter and Submit / Discard /
 * Undo: the view's buttons. */
import { h } from "../dom";
import { type Action, chordOf } from "../keys";
import { type Counts, FILTERS, type StatusFilter } from "../protocol";

export interface PagerHandlers {
  prev(): void;
  next(): void;
  jump(position: number): void;
  filter(value: StatusFilter): void;
  submit(): void;
  discard(): void;
  undo(): void;
  redo(): void;
  nextPending(): void;
  help(): void;
}

export interface Pager {
  readonly el: HTMLElement;
  readonly actions: HTMLElement;
  update(
    position: number,
    total: number,
    filter: StatusFilter,
    counts: Counts,
    canUndo: boolean,
    canRedo: boolean,
  ): void;
}

export function pager(on: PagerHandlers): Pager {
  // Each button shows its chord (hidden from its accessible name, which stays the bare verb)
  // and exposes it to assistive technology with aria-keyshortcuts.
  const button = (
    text: string,
    testid: string,
    cls: string,
    action: Action,
    handler: () => void,
  ) => {
    const chord = chordOf(action);
    const b = h(
      "button",
      {
        type: "button",
        class: `nbf-btn ${cls}`,
        "data-testid": testid,
        "aria-keyshortcuts": chord?.aria || null,
      },
      [text, chord ? h("kbd", { class: "nbf-kbd", "aria-hidden": "true" }, [chord.label]) : null],
    );
    b.addEventListener("click", handler);
    return b;
  };
  const prev = button("Previous", "nbf-prev", "", "prev", on.prev);
  const next = button("Next", "nbf-next", "", "next", on.next);
  const submit = button("Submit", "nbf-submit", "nbf-primary", "submit", on.submit);
  const discard = button("Discard", "nbf-discard", "", "discard", on.discard);
  const undo = button("Undo", "nbf-undo", "", "undo", on.undo);
  const redo = button("Redo", "nbf-redo", "nbf-quiet", "redo", on.redo);
  const pending = button("Next pending", "nbf-next-pending", "", "next_pending", on.nextPending);
  const keys = button("Keys", "nbf-keys", "nbf-quiet", "help", on.help);
  const position = h("span", { class: "nbf-position", "data-testid": "nbf-position" });
  const jump = h("input", {
    type: "number",
    min: 1,
    class: "nbf-jump",
    "aria-label": "Jump to record",
    "data-testid": "nbf-jump",
  });
  const doJump = () => {
    const n = Number.parseInt(jump.value, 10);
    if (Number.isFinite(n)) on.jump(n - 1);
  };
  jump.addEventListener("change", doJump);
  jump.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      doJump();
    }
  });
  const select = h(
    "select",
    { class: "nbf-filter", "aria-label": "Status filter", "data-testid": "nbf-filter" },
    FILTERS.map((f) => h("option", { value: f }, [f])),
  );
  select.addEventListener("change", () => on.filter(select.value as StatusFilter));

  const el = h("div", { class: "nbf-pager" }, [
    prev,
    position,
    next,
    pending,
    h("label", { class: "nbf-jump-label" }, ["Go to ", jump]),
    select,
    keys,
  ]);
  const actions = h("div", { class: "nbf-actions" }, [submit, discard, undo, redo]);
  return {
    el,
    actions,
    update(pos, total, filter, counts, canUndo, canRedo) {
      position.textContent = total > 0 ? `Record ${pos + 1} of ${total}` : "No records";
      prev.disabled = pos <= 0;
      next.disabled = pos >= total - 1;
      submit.disabled = total === 0;
      discard.disabled = total === 0;
      undo.disabled = !canUndo;
      redo.disabled = !canRedo;
      redo.hidden = !canRedo; // shown only when there is something to give again
      pending.disabled = counts.pending <= 0;
      jump.max = String(Math.max(total, 1));
      const active = (jump.getRootNode() as Document | ShadowRoot).activeElement;
      if (active !== jump) jump.value = total > 0 ? String(pos + 1) : "";
      select.value = filter;
      FILTERS.forEach((f, i) => {
        const opt = select.options[i];
        if (!opt) return;
        const n = f === "all" ? counts.total : f === "queue" ? undefined : counts[f];
        opt.textContent = n === undefined ? f : `${f} (${n})`;
      });
    },
  };
}
