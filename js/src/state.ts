/** Client-only state of the answers: never synced with Python. Drafts per record id, requests
 * awaiting an ack, the status the kernel confirmed for records answered here, each record's save
 * state, Undo and Redo, and the view's connection to its kernel. What is on screen is
 * `shown.ts`; no DOM in either. */
import type { AnswerValues, RecordStatus, ResponseStatusName } from "./protocol";

export type RequestKind = "answer" | "undo" | "next_pending";

export interface PendingRequest {
  kind: RequestKind;
  recordId: string | null;
  status: ResponseStatusName | null;
  timer: ReturnType<typeof setTimeout> | null;
  /** When the answer was given (epoch seconds), to match it with its stashed copy. */
  writtenAt: number | null;
}

/** The footer's one-line summary of what happened to the answers sent from this view. */
export type SaveState =
  | { state: "idle" }
  | { state: "saving" }
  | { state: "queued" }
  | { state: "saved"; onDisk: boolean }
  | { state: "error"; message: string; recordId: string | null }
  | { state: "unsent"; count: number };

/** What became of the last answer sent for one record, as far as the kernel has said. */
export type RecordSave =
  | { state: "saving"; status: ResponseStatusName }
  | { state: "queued"; status: ResponseStatusName }
  | { state: "saved"; status: ResponseStatusName; onDisk: boolean }
  | { state: "unsaved"; status: ResponseStatusName; message: string };

/** An answer as this view last knew it: its values and status. */
export interface Held {
  values: AnswerValues;
  status: ResponseStatusName;
}

/** One finished answer (submitted or discarded) that Undo can take back and Redo give again:
 * what was sent, and what the record held before it. */
export interface LastAction {
  recordId: string;
  status: ResponseStatusName;
  values: AnswerValues;
  before: Held | null;
}

/** MAX_UNDO in widget.py: the kernel keeps as many steps. */
export const MAX_UNDO = 50;

/** What Undo leaves on the record: an earlier finished answer comes back as it was; otherwise
 * (the record was pending or a draft) the answer taken back stays in its boxes as a draft, so
 * nothing typed is lost. Null when there is nothing to keep. widget.py's `_undo_last` applies the
 * same rule in the kernel. */
export function undoneState(action: LastAction): Held | null {
  const b = action.before;
  if (b && (b.status === "submitted" || b.status === "discarded")) return b;
  if (Object.keys(action.values).length > 0) return { values: action.values, status: "draft" };
  return b;
}

export class UiState {
  /** Values typed or picked here, per record id; they win over the kernel's copy. */
  readonly drafts = new Map<string, AnswerValues>();
  /** Records with edits not yet sent to the kernel. */
  readonly dirty = new Set<string>();
  /** Status the kernel acknowledged for records answered here, until its window says so too. */
  readonly confirmed = new Map<string, RecordStatus>();
  /** The save state of the last answer sent for each record. */
  readonly recordSave = new Map<string, RecordSave>();
  readonly pending = new Map<string, PendingRequest>();
  save: SaveState = { state: "idle" };
  /** Finished answers of this view, latest last: what Undo takes back. */
  readonly undoStack: LastAction[] = [];
  /** What Undo took back, latest last: what Redo gives again. A new answer clears it. */
  readonly redoStack: LastAction[] = [];
  /** The last answer this view sent (or restored by Undo) per record. */
  readonly sent = new Map<string, Held>();
  /** The comm to the kernel is gone (kernel restarted, widget closed): nothing sent arrives. */
  disconnected = false;

  readonly viewId = Math.random().toString(36).slice(2, 10);
  private counter = 0;

  nextRequestId(): string {
    this.counter += 1;
    return `${this.viewId}-${this.counter}`;
  }

  get lastAction(): LastAction | null {
    return this.undoStack[this.undoStack.length - 1] ?? null;
  }

  pushUndo(action: LastAction): void {
    this.undoStack.push(action);
    if (this.undoStack.length > MAX_UNDO) this.undoStack.shift();
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
    const save = this.recordSave.get(recordId);
    if (save && save.state === "unsaved") return;
    this.drafts.delete(recordId);
    this.confirmed.delete(recordId);
    if (save?.state === "saved") this.recordSave.delete(recordId);
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

  /** Answers sent but not acknowledged, or refused: the ones a labeler would lose. */
  unsentCount(): number {
    let n = 0;
    for (const s of this.recordSave.values()) if (s.state !== "saved") n += 1;
    return n;
  }
}
