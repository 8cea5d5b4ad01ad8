/** What the view shows, apart from the DOM: the position, a filter change waiting for its
 * window, the end-of-filter panel, where the focus goes next, and the rules that read the
 * kernel's traits together with the answers this view holds (`UiState`). No DOM here: the
 * rules are tested with a plain trait reader. */
import type {
  AnswerValues,
  Counts,
  RecordPayload,
  RecordStatus,
  ResponseStatusName,
  SchemaPayload,
  Traits,
} from "./protocol";
import type { Held, UiState } from "./state";

export const EMPTY_SCHEMA: SchemaPayload = { fields: [], questions: [], guidelines: null };
export const NO_COUNTS: Counts = { pending: 0, draft: 0, submitted: 0, discarded: 0, total: 0 };
/** How long a position this view sent is its own: an echo of an older one is not followed. */
export const ECHO_MS = 3000;

/** The traits as the view reads them (an anywidget model, or a plain object in tests). */
export interface TraitReader {
  get<K extends keyof Traits>(key: K): Traits[K];
}

/** True when others' submissions completed `rec` while this annotator had not finished it. */
export function completedElsewhere(rec: RecordPayload, ownStatus: string): boolean {
  return (
    rec.record_status === "completed" && ownStatus !== "submitted" && ownStatus !== "discarded"
  );
}

/** Leaving a record whose finished answer was edited: what the edit is sent as. A submitted
 * answer is submitted again when complete; otherwise it is kept as a draft, and `why` says why
 * (`missing`: the titles of the required questions left empty). */
export function editOfFinished(
  status: "submitted" | "discarded",
  missing: string[],
): { kept: ResponseStatusName; why: string } {
  const kept: ResponseStatusName =
    status === "submitted" && missing.length === 0 ? "submitted" : "draft";
  const why = status === "discarded" ? "it was discarded" : `${missing.join(", ")} is empty`;
  return { kept, why };
}

export class Shown {
  /** The position shown; moves at once, before the kernel hears of it. */
  position = 0;
  /** A new filter was asked for: the window held is not its window yet. */
  awaitingWindow = false;
  /** The labeler answered the last record of the filter: show where that leaves them. */
  atEnd = false;
  /** The next render focuses the record's first input. */
  focusOnRender = false;
  /** The labeler asked for the next pending record: focus its first input once it shows. */
  focusAfterJump = false;
  /** Records this view already moved on from because others completed them. */
  readonly movedOn = new Set<string>();
  /** Review: the annotator whose answer the reviewer picked, per record. */
  readonly reviewSource = new Map<string, string>();
  /** Positions this view sent lately, so a late echo of an older one doesn't pull it back. */
  private sentPositions: { position: number; at: number }[] = [];

  constructor(
    readonly traits: TraitReader,
    readonly answers: UiState,
  ) {
    this.position = traits.get("position") ?? 0;
  }

  schema(): SchemaPayload {
    return this.traits.get("schema") ?? EMPTY_SCHEMA;
  }
  windowRecords(): RecordPayload[] {
    return this.traits.get("window") ?? [];
  }
  total(): number {
    return this.traits.get("total") ?? 0;
  }
  counts(): Counts {
    return this.traits.get("counts") ?? NO_COUNTS;
  }

  /** The record at the position, once its window is in. */
  record(): RecordPayload | undefined {
    if (this.awaitingWindow) return undefined;
    // Each record carries its own position: a window that arrives before (or without) its
    // window_start is never read at the wrong offset.
    return this.windowRecords().find((r) => r.index === this.position);
  }
  find(id: string): RecordPayload | undefined {
    return this.windowRecords().find((r) => r.id === id);
  }
  /** The status the kernel confirmed: its ack of this view's answer, else its window. */
  statusOf(id: string): RecordStatus {
    return this.answers.confirmed.get(id) ?? this.find(id)?.response?.status ?? "pending";
  }
  /** The status this record will have once what was sent arrives. */
  intendedStatus(id: string): RecordStatus {
    return this.answers.recordSave.get(id)?.status ?? this.statusOf(id);
  }
  /** The answer the record holds as far as this view knows: what it sent, else the kernel's. */
  held(id: string): Held | null {
    const sent = this.answers.sent.get(id);
    if (sent) return sent;
    const response = this.find(id)?.response;
    return response ? { values: response.values as AnswerValues, status: response.status } : null;
  }
  /** What a question's input shows first: this view's draft, else the answer, else the
   * suggestion. */
  initialValue(rec: RecordPayload, name: string): unknown {
    const local = this.answers.drafts.get(rec.id);
    if (local) return local[name];
    if (rec.response) return rec.response.values[name];
    return rec.suggestions[name]?.value;
  }

  /** The draft a pause in typing sends, or null: nothing unsent, nothing typed, or an edit of a
   * finished answer (decided when the labeler leaves the record, not demoted to a draft). */
  draftToSend(id: string): AnswerValues | null {
    const status = this.intendedStatus(id);
    if (!this.answers.dirty.has(id) || status === "submitted" || status === "discarded") {
      return null;
    }
    const values = this.answers.drafts.get(id);
    if (!values || Object.keys(values).length === 0) return null;
    return values;
  }

  /** The end-of-filter panel shows: the last record of the filter was just answered. */
  showsEnd(): boolean {
    return this.atEnd && this.position === this.total() - 1;
  }

  /** This view asks the kernel for `position` (at `now`, in ms). */
  sentPosition(position: number, now: number): void {
    this.sentPositions = [
      ...this.sentPositions.filter((s) => now - s.at < ECHO_MS),
      { position, at: now },
    ];
  }

  /** The kernel's `position` is a late echo of an older move of this view: not followed. A move
   * the labeler asked the kernel for (next pending) is never an echo. */
  isEcho(position: number, now: number): boolean {
    const latest = this.sentPositions[this.sentPositions.length - 1];
    const stale = this.sentPositions.some((s) => s.position === position);
    return (
      stale &&
      latest?.position !== position &&
      !this.focusAfterJump &&
      now - (latest?.at ?? 0) < ECHO_MS
    );
  }

  /** The record on screen was completed by others in the annotator's queue, and this view has
   * not moved on from it yet: returns it (marked as moved on), else null. */
  completedByOthers(): RecordPayload | null {
    const rec = this.record();
    if (!rec || this.traits.get("review") || this.traits.get("status_filter") !== "queue") {
      return null;
    }
    if (this.movedOn.has(rec.id) || !completedElsewhere(rec, this.intendedStatus(rec.id))) {
      return null;
    }
    this.movedOn.add(rec.id);
    return rec;
  }
}
