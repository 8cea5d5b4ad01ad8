/** Client-only UI state: never synced with Python. Drafts per record id, requests awaiting an
 * ack, the optimistic status of records answered here, and the visible save state. */
import type { AnswerValues, ResponseStatusName } from "./protocol";

export type RequestKind = "answer" | "undo" | "ping";

export interface PendingRequest {
  kind: RequestKind;
  recordId: string | null;
  status: ResponseStatusName | null;
  timer: ReturnType<typeof setTimeout> | null;
}

export type SaveState =
  | { state: "idle" }
  | { state: "saving" }
  | { state: "saved"; onDisk: boolean }
  | { state: "error"; message: string; recordId: string | null };

export interface LastAction {
  recordId: string;
  status: ResponseStatusName;
}

export class UiState {
  /** The position shown; moves at once, before the kernel hears of it. */
  position = 0;
  /** Values typed or picked here, per record id; they win over the kernel's copy. */
  readonly drafts = new Map<string, AnswerValues>();
  /** Records with edits not yet sent to the kernel. */
  readonly dirty = new Set<string>();
  /** Status of records answered from this view, until the kernel's window says so itself. */
  readonly optimistic = new Map<string, ResponseStatusName>();
  readonly pending = new Map<string, PendingRequest>();
  save: SaveState = { state: "idle" };
  lastAction: LastAction | null = null;
  /** The kernel missed a deadline; cleared by the next reply. */
  kernelLost = false;

  private readonly viewId = Math.random().toString(36).slice(2, 10);
  private counter = 0;

  nextRequestId(): string {
    this.counter += 1;
    return `${this.viewId}-${this.counter}`;
  }

  setDraft(recordId: string, values: AnswerValues): void {
    this.drafts.set(recordId, values);
    this.dirty.add(recordId);
  }

  hasPendingFor(recordId: string): boolean {
    for (const req of this.pending.values()) if (req.recordId === recordId) return true;
    return false;
  }

  /** Drops what the kernel now holds: local copies with no unsent edit or pending request. */
  settle(recordId: string): void {
    if (this.dirty.has(recordId) || this.hasPendingFor(recordId)) return;
    this.drafts.delete(recordId);
    this.optimistic.delete(recordId);
  }

  /** Takes a request off the pending list and stops its timer. */
  resolve(requestId: string): PendingRequest | undefined {
    const req = this.pending.get(requestId);
    if (!req) return undefined;
    if (req.timer !== null) clearTimeout(req.timer);
    this.pending.delete(requestId);
    return req;
  }

  clearTimers(): void {
    for (const req of this.pending.values()) if (req.timer !== null) clearTimeout(req.timer);
  }
}
