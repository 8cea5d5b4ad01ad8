/** Requests to the kernel and their replies. Every answer or undo carries a request id and is
 * answered by an ack or an error. The view claims only what the kernel confirmed: an answer is
 * "saving" until its ack, "queued" when the kernel is busy past ACK_TIMEOUT_MS (comm messages
 * wait in order and are written once it is free), and "not saved" when the kernel refused it or
 * the comm is gone. Every answer is stashed until acknowledged, so none is lost; a new view sends
 * again what an earlier view of the same dataset stashed and never saw acknowledged.
 *
 * No DOM: it changes `UiState` and tells the view through `RequestEvents`. */
import type { AnyModel } from "@anywidget/types";
import {
  type AnswerValues,
  isKernelMessage,
  type KernelMessage,
  type ResponseStatusName,
  type ShownPayload,
  type Traits,
  type ViewMessage,
} from "./protocol";
import { liveViews, type Stash } from "./stash";
import type { Held, LastAction, PendingRequest, RequestKind, UiState } from "./state";

export const ACK_TIMEOUT_MS = 5000;
export const NOT_SENT = "the kernel restarted or this widget was closed";

export interface RequestEvents {
  /** Something the view shows changed. */
  changed(): void;
  announce(text: string): void;
  /** A visible message that belongs to no record's save state. */
  notice(text: string): void;
  /** The answer the record holds as far as the view knows (before a new one is sent). */
  held(recordId: string): Held | null;
}

/** Where requests go: the widget's model (only its `send` is used). */
export type Sender = Pick<AnyModel<Traits>, "send">;

export class Requests {
  /** An error from the kernel that answers no request of this view. */
  generalError = "";
  private lastOnDisk = true;
  /** Records whose answers an earlier view kept and this one resent, until the kernel replies. */
  private readonly resending = new Set<string>();

  constructor(
    private readonly sender: Sender,
    private readonly state: UiState,
    private readonly stash: Stash,
    private readonly events: RequestEvents,
  ) {}

  /** Sends one answer. `resentFrom` is set when it comes from an earlier view's stash: the
   * kernel then keeps a newer answer rather than this one. */
  answer(
    recordId: string,
    values: AnswerValues,
    status: ResponseStatusName,
    timeSpent: number | null,
    shown?: Record<string, ShownPayload>,
    source?: string | null,
    resentFrom?: number,
  ): void {
    const { state } = this;
    const writtenAt = resentFrom ?? Date.now() / 1000;
    state.dirty.delete(recordId);
    if (status !== "draft") {
      const before = this.events.held(recordId);
      state.pushUndo({ recordId, status, values, before });
    }
    state.sent.set(recordId, { values, status });
    this.stash.put({
      recordId,
      values,
      status,
      timeSpent,
      ...(shown ? { shown } : {}),
      ...(source ? { source } : {}),
      writtenAt,
      owner: state.viewId,
    });
    if (state.disconnected) {
      state.recordSave.set(recordId, { state: "unsaved", status, message: NOT_SENT });
      this.summarize();
      return;
    }
    const request_id = this.track("answer", recordId, status, writtenAt);
    state.recordSave.set(recordId, { state: "saving", status });
    const msg: ViewMessage = {
      type: "answer",
      request_id,
      record_id: recordId,
      values,
      status,
      time_spent: timeSpent,
      ...(shown && Object.keys(shown).length > 0 ? { shown } : {}),
      ...(source ? { source } : {}),
    };
    if (resentFrom !== undefined) msg.written_at = resentFrom;
    this.send(msg);
    this.summarize();
  }

  /** Takes back `action` (the last finished answer): the kernel restores what the record
   * held before it, and the view shows `restored` at once (see `undoneState`). Returns false,
   * changing nothing, when the kernel cannot hear it. */
  undo(action: LastAction, restored: Held | null): boolean {
    const { state } = this;
    if (state.disconnected) {
      this.events.notice(`Not undone: ${NOT_SENT}. Re-run the cell to reconnect.`);
      return false;
    }
    const { recordId } = action;
    state.undoStack.pop();
    state.redoStack.push(action);
    state.dirty.delete(recordId);
    this.stash.remove(recordId);
    if (restored) {
      state.drafts.set(recordId, restored.values);
      state.sent.set(recordId, restored);
      state.recordSave.set(recordId, { state: "saving", status: restored.status });
    } else {
      state.drafts.set(recordId, {}); // empty boxes, not the kernel's copy of the old answer
      state.sent.delete(recordId);
      state.recordSave.delete(recordId);
    }
    state.confirmed.set(recordId, restored?.status ?? "pending");
    const request_id = this.track("undo", recordId, restored?.status ?? null, null);
    this.send({ type: "undo", request_id, record_id: recordId });
    this.summarize();
    return true;
  }

  /** Asks the kernel for the next pending record after `after`; it moves `position` there. */
  nextPending(after: number): void {
    if (this.state.disconnected) {
      this.events.notice(`Not moved: ${NOT_SENT}. Re-run the cell to reconnect.`);
      return;
    }
    const request_id = this.track("next_pending", null, null, null);
    this.send({ type: "next_pending", request_id, after });
  }

  /** This view is live: its stash entries are its own, and what an earlier view of this dataset
   * stashed and never saw acknowledged is sent again (with its time, so the kernel keeps a newer
   * answer rather than it). */
  start(): void {
    const { state } = this;
    const live = liveViews();
    live.add(state.viewId);
    const orphans = this.stash.all().filter((a) => !live.has(a.owner));
    for (const a of orphans) {
      state.drafts.set(a.recordId, a.values);
      this.answer(a.recordId, a.values, a.status, a.timeSpent, a.shown, a.source, a.writtenAt);
    }
    if (orphans.length > 0) {
      for (const a of orphans) this.resending.add(a.recordId);
      this.events.notice(`Sending ${orphans.length} answer(s) an earlier view could not save.`);
      this.events.changed();
    }
  }

  /** The view is gone: no timer fires, and its stash entries are orphans for the next view. */
  stop(): void {
    this.state.clearTimers();
    liveViews().delete(this.state.viewId);
  }

  onMessage(msg: unknown): void {
    this.handle(msg);
    this.settleResent();
  }

  private handle(msg: unknown): void {
    if (!isKernelMessage(msg)) return;
    if (msg.request_id === null) {
      if (msg.type === "error") this.generalError = msg.message;
      this.events.changed();
      return;
    }
    const req = this.state.resolve(msg.request_id);
    if (!req) return; // another view's request
    this.reply(msg, req);
    this.summarize();
    this.events.changed();
  }

  /** Once the kernel answered every resent answer, the "Sending…" line goes: what became of
   * each is on its record and in the footer. */
  private settleResent(): void {
    const { resending } = this;
    if (resending.size === 0) return;
    for (const id of resending) if (this.state.hasPendingFor(id)) return;
    const n = resending.size;
    resending.clear();
    this.events.notice("");
    this.events.announce(`The ${n} answer(s) an earlier view kept were sent`);
  }

  /** The comm is gone: nothing sent from now on arrives. Every answer not acknowledged stays
   * in the page and in the stash, for the next view of this dataset. */
  disconnect(): void {
    const { state } = this;
    if (state.disconnected) return;
    state.disconnected = true;
    liveViews().delete(state.viewId);
    state.clearTimers();
    for (const req of state.pending.values()) {
      if (req.kind === "answer" && req.recordId && req.status) {
        state.recordSave.set(req.recordId, {
          state: "unsaved",
          status: req.status,
          message: NOT_SENT,
        });
        state.dirty.add(req.recordId);
      }
    }
    state.pending.clear();
    this.summarize();
    this.events.announce(`Not saved: ${NOT_SENT}. Re-run the cell to reconnect.`);
    this.events.changed();
  }

  private track(
    kind: RequestKind,
    recordId: string | null,
    status: ResponseStatusName | null,
    writtenAt: number | null,
  ): string {
    const request_id = this.state.nextRequestId();
    const timer = setTimeout(() => this.onTimeout(request_id), ACK_TIMEOUT_MS);
    this.state.pending.set(request_id, { kind, recordId, status, timer, writtenAt });
    return request_id;
  }

  private send(msg: ViewMessage): void {
    try {
      this.sender.send(msg);
    } catch {
      // JupyterLab throws "Cannot send" once the kernel restarted and its comms are disposed.
      this.disconnect();
    }
  }

  private onTimeout(requestId: string): void {
    const req = this.state.pending.get(requestId);
    if (!req) return;
    req.timer = null;
    const save = req.recordId ? this.state.recordSave.get(req.recordId) : undefined;
    if (req.recordId && save?.state === "saving") {
      this.state.recordSave.set(req.recordId, { state: "queued", status: save.status });
    }
    this.summarize();
    this.events.changed();
  }

  private reply(msg: KernelMessage, req: PendingRequest): void {
    const { state, events } = this;
    const { kind, recordId } = req;
    if (kind === "next_pending") {
      if (msg.type === "error") events.notice(msg.message);
      return;
    }
    if (msg.type === "ack") {
      this.generalError = "";
      if (kind === "answer" && recordId && req.status) {
        this.lastOnDisk = msg.saved;
        this.stash.remove(recordId, req.writtenAt ?? undefined);
        if (!state.hasPendingFor(recordId)) {
          state.confirmed.set(recordId, req.status);
          state.recordSave.set(recordId, {
            state: "saved",
            status: req.status,
            onDisk: msg.saved,
          });
        }
        events.announce(msg.saved ? "Saved" : "Saved in memory only");
      } else if (kind === "undo" && recordId) {
        if (req.status && !state.hasPendingFor(recordId)) {
          state.recordSave.set(recordId, { state: "saved", status: req.status, onDisk: msg.saved });
        }
        events.announce(msg.saved ? "Undone and saved" : "Undone (in memory only)");
      }
      return;
    }
    if (kind === "answer" && recordId && req.status) {
      // The kernel refused it: keep the answer in its box as a local, unsent edit.
      state.dirty.add(recordId);
      state.recordSave.set(recordId, {
        state: "unsaved",
        status: req.status,
        message: msg.message,
      });
      this.stash.remove(recordId, req.writtenAt ?? undefined); // resending would fail again
      if (state.lastAction?.recordId === recordId) state.undoStack.pop();
    }
    state.save = { state: "error", message: msg.message, recordId };
    events.announce(`Not saved: ${msg.message}`);
  }

  /** The footer's summary, from every record's save state. */
  private summarize(): void {
    const { state } = this;
    const saves = [...state.recordSave.values()];
    const unsaved = saves.filter((s) => s.state === "unsaved");
    if (state.disconnected) {
      state.save = { state: "unsent", count: unsaved.length };
      return;
    }
    const refused = unsaved[unsaved.length - 1];
    if (refused && refused.state === "unsaved") {
      state.save = { state: "error", message: refused.message, recordId: null };
    } else if (saves.some((s) => s.state === "queued")) {
      state.save = { state: "queued" };
    } else if (saves.some((s) => s.state === "saving")) {
      state.save = { state: "saving" };
    } else if (saves.length > 0) {
      state.save = { state: "saved", onDisk: this.lastOnDisk };
    }
  }
}
