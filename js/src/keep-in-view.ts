/** Keeps the answers (with Submit) in view beside a record taller than the window, on a wide
 * panel where they sit side by side with its text. CSS `position: sticky` cannot: JupyterLab and
 * Notebook 7 put each output in boxes with `overflow: auto` that never scroll themselves, so a
 * sticky column sticks to them and scrolls away with the notebook. Here the column is moved
 * (`transform`, which changes no layout) to the top of what the notebook shows, never past the
 * end of its record. */

export interface KeepInView {
  /** Places the column again (after a render, a "Show all", a resize). */
  update(): void;
  stop(): void;
}

/** `column` is kept in view within `card`, as `target()` names them (null: nothing to keep). */
export function keepInView(
  target: () => { column: HTMLElement; card: HTMLElement } | null,
): KeepInView {
  let queued = false;
  function place(): void {
    queued = false;
    const t = target();
    if (!t) return;
    const { column, card } = t;
    column.style.transform = "";
    // side by side only: stacked on a narrow panel, the answers follow the text
    if (getComputedStyle(card).display !== "grid") return;
    const view = visibleTop(card);
    const top = column.getBoundingClientRect();
    const bottom = card.getBoundingClientRect().bottom;
    const shift = Math.min(Math.max(view - top.top, 0), Math.max(bottom - top.bottom, 0));
    if (shift > 0) column.style.transform = `translateY(${Math.round(shift)}px)`;
  }
  function update(): void {
    if (queued) return;
    queued = true;
    requestAnimationFrame(place);
  }
  // Scroll events do not bubble, but a capturing listener on the document sees each one,
  // whichever box (the notebook's, the page's) scrolled.
  const options = { capture: true, passive: true } as const;
  document.addEventListener("scroll", update, options);
  globalThis.addEventListener?.("resize", update);
  return {
    update,
    stop() {
      document.removeEventListener("scroll", update, options);
      globalThis.removeEventListener?.("resize", update);
    },
  };
}

/** The top edge of what is on screen for `el`: the window's, or that of the nearest box
 * around it that scrolls (crossing a shadow root, as in marimo). */
function visibleTop(el: HTMLElement): number {
  let node: Node | null = el.parentNode;
  let top = 0;
  while (node) {
    if (node instanceof HTMLElement) {
      const style = getComputedStyle(node);
      if (/(auto|scroll)/.test(style.overflowY) && node.scrollHeight > node.clientHeight + 1) {
        top = Math.max(top, node.getBoundingClientRect().top);
        break;
      }
    }
    node = node instanceof ShadowRoot ? node.host : node.parentNode;
  }
  return top;
}
