/** The view's state without a DOM: what is shown (`Shown`) read from plain traits, and the
 * answers' state (`UiState`) it reads with. */
import { describe, expect, it } from "vitest";
import type { RecordPayload, Traits } from "../src/protocol";
import { ECHO_MS, editOfFinished, Shown, type TraitReader } from "../src/shown";
import { UiState, undoneState } from "../src/state";

function rec(id: string, index: number, more: Partial<RecordPayload> = {}): RecordPayload {
  return {
    id,
    index,
    fields: { text: id },
    suggestions: {},
    response: null,
    record_status: "pending",
    ...more,
  };
}

/** A trait reader over a plain object the test can change. */
function traits(values: Partial<Traits>): TraitReader & { values: Partial<Traits> } {
  return {
    values,
    get<K extends keyof Traits>(key: K): Traits[K] {
      return this.values[key] as Traits[K];
    },
  };
}

function shownWith(values: Partial<Traits>): Shown {
  return new Shown(traits(values), new UiState());
}

describe("the record on screen", () => {
  it("is found by its own position, whatever the window's order, and none while a filter waits", () => {
    const s = shownWith({ position: 11, window: [rec("b", 11), rec("a", 10)] });
    expect(s.position).toBe(11);
    expect(s.record()?.id).toBe("b");
    s.position = 12;
    expect(s.record()).toBeUndefined();
    s.position = 10;
    s.awaitingWindow = true;
    expect(s.record()).toBeUndefined();
    s.awaitingWindow = false;
    expect(s.record()?.id).toBe("a");
  });

  it("reads empty traits as an empty schema, no records and zero counts", () => {
    const s = shownWith({});
    expect(s.position).toBe(0);
    expect(s.total()).toBe(0);
    expect(s.windowRecords()).toEqual([]);
    expect(s.schema().questions).toEqual([]);
    expect(s.counts().pending).toBe(0);
  });
});

describe("statuses and answers as the view knows them", () => {
  const answered = rec("a", 0, {
    response: { values: { q: "kernel" }, status: "submitted", updated_at: 1 },
    suggestions: { q: { value: "model", agent: null, score: null } },
  });

  it("takes the kernel's ack over its window, and what was sent over both", () => {
    const s = shownWith({ window: [answered, rec("b", 1)] });
    expect(s.statusOf("a")).toBe("submitted");
    expect(s.statusOf("b")).toBe("pending");
    expect(s.statusOf("gone")).toBe("pending");
    s.answers.confirmed.set("a", "discarded");
    expect(s.statusOf("a")).toBe("discarded");
    expect(s.intendedStatus("a")).toBe("discarded");
    s.answers.recordSave.set("a", { state: "saving", status: "draft" });
    expect(s.intendedStatus("a")).toBe("draft");
    expect(s.statusOf("a")).toBe("discarded");
  });

  it("holds what this view sent, else the kernel's answer, else nothing", () => {
    const s = shownWith({ window: [answered, rec("b", 1)] });
    expect(s.held("a")).toEqual({ values: { q: "kernel" }, status: "submitted" });
    expect(s.held("b")).toBeNull();
    s.answers.sent.set("b", { values: { q: "mine" }, status: "draft" });
    expect(s.held("b")).toEqual({ values: { q: "mine" }, status: "draft" });
  });

  it("fills an input with this view's draft, else the answer, else the suggestion", () => {
    const s = shownWith({ window: [answered] });
    expect(s.initialValue(answered, "q")).toBe("kernel");
    const suggested = { ...answered, response: null };
    expect(s.initialValue(suggested, "q")).toBe("model");
    // a draft wins even where it has no value for the question: the labeler emptied it
    s.answers.drafts.set("a", { other: 1 });
    expect(s.initialValue(answered, "q")).toBeUndefined();
  });
});

describe("a pause in typing", () => {
  it("sends a draft only of unsent, non-empty edits that would not demote a finished answer", () => {
    const s = shownWith({ window: [rec("a", 0)] });
    s.answers.drafts.set("a", { q: "x" });
    expect(s.draftToSend("a")).toBeNull(); // nothing unsent
    s.answers.setDraft("a", { q: "x" });
    expect(s.draftToSend("a")).toEqual({ q: "x" });
    s.answers.setDraft("a", {});
    expect(s.draftToSend("a")).toBeNull(); // emptied: nothing to save
    s.answers.setDraft("a", { q: "y" });
    for (const status of ["submitted", "discarded"] as const) {
      s.answers.recordSave.set("a", { state: "saved", status, onDisk: true });
      expect(s.draftToSend("a")).toBeNull();
    }
    s.answers.recordSave.set("a", { state: "saved", status: "draft", onDisk: true });
    expect(s.draftToSend("a")).toEqual({ q: "y" });
  });

  it("an edit of a finished answer is submitted again only when complete", () => {
    expect(editOfFinished("submitted", [])).toEqual({ kept: "submitted", why: " is empty" });
    expect(editOfFinished("submitted", ["Answer", "Rating"])).toEqual({
      kept: "draft",
      why: "Answer, Rating is empty",
    });
    expect(editOfFinished("discarded", [])).toEqual({ kept: "draft", why: "it was discarded" });
  });
});

describe("the kernel's position", () => {
  it("ignores a late echo of an older move of this view, for a while", () => {
    const s = shownWith({});
    s.sentPosition(3, 1000);
    s.sentPosition(4, 1100);
    expect(s.isEcho(3, 1200)).toBe(true);
    expect(s.isEcho(4, 1200)).toBe(false); // the latest move is where the view is anyway
    expect(s.isEcho(7, 1200)).toBe(false); // never sent: the kernel (or another view) moved
    expect(s.isEcho(3, 1100 + ECHO_MS)).toBe(false); // long after: the kernel means it
    s.focusAfterJump = true; // the labeler asked the kernel to move: never an echo
    expect(s.isEcho(3, 1200)).toBe(false);
  });

  it("forgets moves older than the echo window", () => {
    const s = shownWith({});
    s.sentPosition(3, 0);
    s.sentPosition(4, ECHO_MS + 1);
    s.sentPosition(5, ECHO_MS + 2);
    expect(s.isEcho(3, ECHO_MS + 3)).toBe(false);
    expect(s.isEcho(4, ECHO_MS + 3)).toBe(true);
  });
});

describe("records completed by others", () => {
  const done = rec("a", 0, { record_status: "completed" });

  it("moves on once per record, in the annotator's queue only, unless they finished it", () => {
    const t = traits({ window: [done], status_filter: "queue", review: false });
    const s = new Shown(t, new UiState());
    expect(s.completedByOthers()?.id).toBe("a");
    expect(s.completedByOthers()).toBeNull(); // once
    const other = new Shown(t, new UiState());
    other.answers.recordSave.set("a", { state: "saving", status: "submitted" });
    expect(other.completedByOthers()).toBeNull(); // their own answer finished it
    t.values.status_filter = "all";
    expect(new Shown(t, new UiState()).completedByOthers()).toBeNull();
    t.values.status_filter = "queue";
    t.values.review = true; // a reviewer looks at completed records on purpose
    expect(new Shown(t, new UiState()).completedByOthers()).toBeNull();
    t.values.review = false;
    t.values.window = [rec("a", 0, { record_status: "pending" })];
    expect(new Shown(t, new UiState()).completedByOthers()).toBeNull();
  });
});

describe("the end of the filter", () => {
  it("shows after the last record was answered, while the view stays there", () => {
    const s = shownWith({ total: 3, position: 2 });
    expect(s.showsEnd()).toBe(false);
    s.atEnd = true;
    expect(s.showsEnd()).toBe(true);
    s.position = 1;
    expect(s.showsEnd()).toBe(false);
  });
});

describe("the answers' state", () => {
  it("settles a record once the kernel's window holds it, never an unsent or refused edit", () => {
    const a = new UiState();
    a.drafts.set("r", { q: 1 });
    a.confirmed.set("r", "submitted");
    a.recordSave.set("r", { state: "saved", status: "submitted", onDisk: true });
    a.settle("r");
    expect(a.drafts.has("r")).toBe(false);
    expect(a.confirmed.has("r")).toBe(false);
    expect(a.recordSave.has("r")).toBe(false);

    a.setDraft("d", { q: 2 }); // typed, not sent
    a.settle("d");
    expect(a.drafts.get("d")).toEqual({ q: 2 });

    a.drafts.set("u", { q: 3 });
    a.recordSave.set("u", { state: "unsaved", status: "submitted", message: "refused" });
    a.settle("u");
    expect(a.drafts.get("u")).toEqual({ q: 3 });

    a.drafts.set("p", { q: 4 });
    a.pending.set("x-1", {
      kind: "answer",
      recordId: "p",
      status: "draft",
      timer: null,
      writtenAt: 1,
    });
    a.settle("p");
    expect(a.drafts.get("p")).toEqual({ q: 4 });
    expect(a.unsentCount()).toBe(1); // "u": refused, still the labeler's
  });

  it("keeps at most 50 undo steps and numbers requests per view", () => {
    const a = new UiState();
    for (let i = 0; i < 60; i++) {
      a.pushUndo({ recordId: `r${i}`, status: "submitted", values: {}, before: null });
    }
    expect(a.undoStack).toHaveLength(50);
    expect(a.lastAction?.recordId).toBe("r59");
    expect(a.undoStack[0]?.recordId).toBe("r10");
    const first = a.nextRequestId();
    expect(a.nextRequestId()).not.toBe(first);
    expect(first.startsWith(`${a.viewId}-`)).toBe(true);
  });

  it("Undo brings back an earlier finished answer, else keeps what was taken back as a draft", () => {
    const finished = { values: { q: "old" }, status: "submitted" as const };
    expect(
      undoneState({ recordId: "r", status: "discarded", values: { q: "new" }, before: finished }),
    ).toEqual(finished);
    expect(
      undoneState({
        recordId: "r",
        status: "submitted",
        values: { q: "new" },
        before: { values: { q: "d" }, status: "draft" },
      }),
    ).toEqual({ values: { q: "new" }, status: "draft" });
    expect(
      undoneState({ recordId: "r", status: "discarded", values: {}, before: null }),
    ).toBeNull();
  });
});
