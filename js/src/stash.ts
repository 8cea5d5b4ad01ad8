/** Answers not yet acknowledged by the kernel, kept in the browser's storage per dataset folder
 * and annotator, so that a kernel restart or a closed widget loses nothing: the next view of the
 * same dataset sends them. A dataset with no folder has no identity across kernels: its unsent
 * answers stay in the page only. */
import type { AnswerValues, ResponseStatusName, ShownPayload } from "./protocol";

export interface StashedAnswer {
  recordId: string;
  values: AnswerValues;
  status: ResponseStatusName;
  timeSpent: number | null;
  /** What the labeler saw (suggestions, a comparison's order), stored with the answer. */
  shown?: Record<string, ShownPayload>;
  /** A reviewer's answer: the annotator whose answer it started from. */
  source?: string | null;
  /** When the labeler gave this answer (epoch seconds): the kernel keeps a newer one. */
  writtenAt: number;
  /** The view that sent it; another view takes it over once that view's comm is gone. */
  owner: string;
}

const PREFIX = "nb_feedback.unsent:";
const LIVE_KEY = "__nbFeedbackLiveViews";

/** The views in this page whose comm to the kernel is alive (shared across bundle copies). */
export function liveViews(): Set<string> {
  const g = globalThis as unknown as Record<string, Set<string> | undefined>;
  let set = g[LIVE_KEY];
  if (!set) {
    set = new Set();
    g[LIVE_KEY] = set;
  }
  return set;
}

function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // a sandboxed frame may forbid storage: keep answers in the page only
  }
}

export class Stash {
  private readonly key: string | null;
  private memory: Record<string, StashedAnswer> = {};

  constructor(folder: string, user: string) {
    this.key = folder ? `${PREFIX}${JSON.stringify([folder, user])}` : null;
  }

  all(): StashedAnswer[] {
    return Object.values(this.read());
  }

  put(answer: StashedAnswer): void {
    const items = this.read();
    items[answer.recordId] = answer;
    this.write(items);
  }

  /** Forgets a record's stashed answer once the kernel holds it (or one written later). */
  remove(recordId: string, writtenAt?: number): void {
    const items = this.read();
    const item = items[recordId];
    if (!item || (writtenAt !== undefined && item.writtenAt > writtenAt)) return;
    delete items[recordId];
    this.write(items);
  }

  private read(): Record<string, StashedAnswer> {
    const store = storage();
    if (!this.key || !store) return { ...this.memory };
    try {
      const raw = store.getItem(this.key);
      const parsed: unknown = raw ? JSON.parse(raw) : {};
      return typeof parsed === "object" && parsed !== null
        ? (parsed as Record<string, StashedAnswer>)
        : {};
    } catch {
      return { ...this.memory };
    }
  }

  private write(items: Record<string, StashedAnswer>): void {
    this.memory = items;
    const store = storage();
    if (!this.key || !store) return;
    try {
      if (Object.keys(items).length === 0) store.removeItem(this.key);
      else store.setItem(this.key, JSON.stringify(items));
    } catch {
      // storage full or forbidden: the page copy in `memory` still holds them
    }
  }
}
