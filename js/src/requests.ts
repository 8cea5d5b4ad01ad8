/** Requests to the kernel and their replies: every answer or undo carries a request id and is
 * answered by an ack or an error; no reply within ACK_TIMEOUT_MS means the kernel is lost. */
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
import type { RequestKind, UiState } from "./state";

export const ACK_TIMEOUT_MS = 5000;

export interface RequestEvents {
  /** Something the view shows changed. */
  changed(): void;
  announce(text: string): void;
}

export class Requests {
  /** An error from the kernel that answers no request of this view. */
  generalError = "";

  constructor(
    private readonly model: AnyModel<Traits>,
    private readonly state: UiState,
    private readonly events: RequestEvents,
  ) {}

  answer(
    recordId: string,
    values: AnswerValues,
    status: ResponseStatusName,
    timeSpent: number | null,
    shown?: Record<string, ShownPayload>,
    source?: string | null,
  ): void {
    const { state } = this;
    const request_id = this.track("answer", recordId, status);
    state.dirty.delete(recordId);
    state.optimistic.set(recordId, status);
    if (status !== "draft") state.lastAction = { recordId, status };
    state.save = { state: "saving" };
    this.send({
      type: "answer",
      request_id,
      record_id: recordId,
      values,
      status,
      time_spent: timeSpent,
      ...(shown && Object.keys(shown).length > 0 ? { shown } : {}),
      ...(source ? { source } : {}),
    });
  }

  undo(recordId: string): void {
    const { state } = this;
    const request_id = this.track("undo", recordId, null);
    state.lastAction = null;
    state.drafts.delete(recordId);
    state.dirty.delete(recordId);
    state.optimistic.delete(recordId);
    this.send({ type: "undo", request_id, record_id: recordId });
  }

  onMessage(msg: unknown): void {
    if (!isKernelMessage(msg)) return;
    if (msg.request_id === null) {
      if (msg.type === "error") this.generalError = msg.message;
      this.events.changed();
      return;
    }
    const req = this.state.resolve(msg.request_id);
    if (!req) return; // another view's request
    this.state.kernelLost = false;
    this.reply(msg, req.kind, req.recordId);
    this.events.changed();
  }

  private track(
    kind: RequestKind,
    recordId: string | null,
    status: ResponseStatusName | null,
  ): string {
    const request_id = this.state.nextRequestId();
    const timer = setTimeout(() => this.onTimeout(request_id), ACK_TIMEOUT_MS);
    this.state.pending.set(request_id, { kind, recordId, status, timer });
    return request_id;
  }

  private send(msg: ViewMessage): void {
    this.model.send(msg);
  }

  private onTimeout(requestId: string): void {
    const req = this.state.pending.get(requestId);
    if (!req) return;
    req.timer = null;
    this.state.kernelLost = true;
    // Keep the answer in its box as an unsent edit.
    if (req.kind === "answer" && req.recordId) this.state.dirty.add(req.recordId);
    this.events.changed();
  }

  private reply(msg: KernelMessage, kind: RequestKind, recordId: string | null): void {
    const { state, events } = this;
    if (msg.type === "ack") {
      this.generalError = "";
      if (kind === "answer") {
        const stillSaving = [...state.pending.values()].some((r) => r.kind === "answer");
        state.save = stillSaving ? { state: "saving" } : { state: "saved", onDisk: msg.saved };
        events.announce(msg.saved ? "Saved" : "Saved in memory only");
      } else if (kind === "undo") {
        events.announce("Undone");
      }
      return;
    }
    if (kind === "answer" && recordId) {
      // Keep the answer in its box: it stays a local, unsent edit.
      state.dirty.add(recordId);
      state.optimistic.delete(recordId);
      if (state.lastAction?.recordId === recordId) state.lastAction = null;
    }
    state.save = { state: "error", message: msg.message, recordId };
    events.announce(`Not saved: ${msg.message}`);
  }
}
