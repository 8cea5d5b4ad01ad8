/** The header and footer lines: annotator, progress with counts, saved state, notices, alerts
 * and the polite live region that announces progress. */
import { h } from "../dom";
import type { Counts } from "../protocol";
import type { RecordSave, SaveState } from "../state";

export const DISCONNECTED =
  "Answers are not being saved: the kernel restarted or this widget was closed. " +
  "Re-run the cell to reconnect.";
export const MEMORY_ONLY = "Answers live in memory only: call dataset.save(path) to keep them";

export interface StatusBar {
  /** The kernel alert, the view's first line: a dead comm is said where the widget begins. */
  readonly top: HTMLElement;
  readonly header: HTMLElement;
  readonly footer: HTMLElement;
  update(opts: {
    user: string;
    persistent: boolean;
    folder: string;
    counts: Counts;
    error: string;
    save: SaveState;
    disconnected: boolean;
    unsent: number;
  }): void;
  /** A screen-reader announcement. */
  announce(text: string): void;
  /** A visible message about the last thing that happened (and announced too). */
  notice(text: string): void;
}

export function statusBar(): StatusBar {
  const user = h("span", { class: "nbf-user", "data-testid": "nbf-user" });
  const fill = h("div", { class: "nbf-progress-fill" });
  const progress = h(
    "div",
    {
      class: "nbf-progress",
      role: "progressbar",
      "aria-label": "Progress",
      "aria-valuemin": 0,
      "data-testid": "nbf-progress",
    },
    [fill],
  );
  const countsEl = h("span", { class: "nbf-counts", "data-testid": "nbf-counts" });
  const saved = h("span", { class: "nbf-saved", "data-testid": "nbf-saved" });
  const memory = h("p", { class: "nbf-notice", "data-testid": "nbf-memory-notice" }, [MEMORY_ONLY]);
  const error = h("p", { class: "nbf-error", role: "alert", "data-testid": "nbf-error" });
  const alert = h("p", {
    class: "nbf-error nbf-kernel-alert",
    role: "alert",
    "data-testid": "nbf-kernel-alert",
    hidden: true,
  });
  const noticeEl = h("p", { class: "nbf-note", "data-testid": "nbf-notice", hidden: true });
  const live = h("div", { class: "nbf-sr-only", "aria-live": "polite", "data-testid": "nbf-live" });

  const header = h("div", { class: "nbf-header" }, [
    user,
    h("div", { class: "nbf-progress-wrap" }, [progress, countsEl]),
  ]);
  const footer = h("div", { class: "nbf-footer" }, [saved, noticeEl, memory, error, live]);

  return {
    top: alert,
    header,
    footer,
    update(o) {
      user.textContent = o.user ? `Annotator: ${o.user}` : "";
      const done = o.counts.submitted + o.counts.discarded;
      const total = o.counts.total;
      progress.setAttribute("aria-valuemax", String(total));
      progress.setAttribute("aria-valuenow", String(done));
      progress.setAttribute("aria-valuetext", `${done} of ${total} done`);
      fill.style.width = `${total > 0 ? (100 * done) / total : 0}%`;
      countsEl.textContent =
        `pending ${o.counts.pending} · draft ${o.counts.draft} · ` +
        `submitted ${o.counts.submitted} · discarded ${o.counts.discarded}`;
      memory.hidden = o.persistent;
      memory.title = o.folder;
      error.hidden = !o.error;
      error.textContent = o.error;
      alert.hidden = !o.disconnected;
      alert.textContent = o.disconnected ? disconnectedText(o.unsent, o.persistent) : "";
      saved.textContent = saveText(o.save);
      saved.hidden = o.save.state === "idle";
      saved.className = `nbf-saved nbf-saved-${o.save.state}`;
    },
    announce(text) {
      live.textContent = text;
    },
    notice(text) {
      noticeEl.hidden = text === "";
      noticeEl.textContent = text;
      live.textContent = text;
    },
  };
}

export function saveText(save: SaveState): string {
  switch (save.state) {
    case "idle":
      return "";
    case "saving":
      return "Saving…";
    case "queued":
      return "Queued: the kernel is busy; answers are written when it is free";
    case "unsent":
      return `Not saved: ${save.count} answer(s) kept in this page`;
    case "saved":
      return save.onDisk ? "Saved" : "Saved in memory only";
    case "error":
      return `Not saved: ${save.message}`;
  }
}

function disconnectedText(unsent: number, persistent: boolean): string {
  if (unsent === 0) return DISCONNECTED;
  const kept = persistent
    ? "kept in this browser and sent by the new view"
    : "kept in this page only (the dataset has no folder)";
  return `${DISCONNECTED} ${unsent} unsent answer(s) ${kept}.`;
}

/** The save state of one record, next to its status badge. */
export function recordSaveText(save: RecordSave | null): string {
  if (!save) return "";
  switch (save.state) {
    case "saving":
      return `Saving as ${save.status}…`;
    case "queued":
      return `Queued as ${save.status}: the kernel is busy`;
    case "saved":
      return save.onDisk ? "Saved" : "Saved in memory only";
    case "unsaved":
      return `Not saved: ${save.message}`;
  }
}
