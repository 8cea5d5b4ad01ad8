/** The request/ack machinery without a DOM: what is sent, what each reply (or its absence)
 * does to the answers' state and the stash, and what an earlier view left unsent. */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ViewMessage } from "../src/protocol";
import {
  ACK_TIMEOUT_MS,
  NOT_SENT,
  type RequestEvents,
  Requests,
  type Sender,
} from "../src/requests";
import { liveViews, Stash } from "../src/stash";
import { type Held, UiState } from "../src/state";

const FOLDER = "/data/ds";

const lastOf = <T>(items: T[]): T | undefined => items[items.length - 1];
const USER = "ann";

/** A Requests over a recording sender, with the events it raised. */
function setup(opts: { throwOnSend?: boolean; held?: Record<string, Held> } = {}) {
  const sent: ViewMessage[] = [];
  const sender: Sender = {
    send(msg: ViewMessage) {
      if (opts.throwOnSend) throw new Error("Cannot send");
      sent.push(msg);
    },
  };
  const seen = { changed: 0, announced: [] as string[], notices: [] as string[] };
  const events: RequestEvents = {
    changed: () => {
      seen.changed += 1;
    },
    announce: (text) => seen.announced.push(text),
    notice: (text) => seen.notices.push(text),
    held: (id) => opts.held?.[id] ?? null,
  };
  const state = new UiState();
  const stash = new Stash(FOLDER, USER);
  const requests = new Requests(sender, state, stash, events);
  const last = () => sent[sent.length - 1] as ViewMessage;
  return { sent, seen, state, stash, requests, last };
}

const ack = (request_id: string, saved = true) => ({
  type: "ack",
  request_id,
  record_id: null,
  status: null,
  saved,
});
const refusal = (request_id: string | null, message: string) => ({
  type: "error",
  request_id,
  record_id: null,
  message,
});

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
  localStorage.clear();
  liveViews().clear();
});

describe("an answer and its ack", () => {
  it("is sent with a request id, saving and stashed until the kernel acks it", () => {
    const { sent, state, stash, requests, seen, last } = setup();
    requests.answer("r1", { q: "yes" }, "submitted", 2.5, { q: { order: ["a"] } }, "bob");
    expect(sent).toHaveLength(1);
    const msg = last();
    expect(msg).toMatchObject({
      type: "answer",
      record_id: "r1",
      values: { q: "yes" },
      status: "submitted",
      time_spent: 2.5,
      shown: { q: { order: ["a"] } },
      source: "bob",
    });
    expect("written_at" in msg).toBe(false); // a fresh answer: the kernel stamps it
    expect(state.recordSave.get("r1")).toEqual({ state: "saving", status: "submitted" });
    expect(state.save).toEqual({ state: "saving" });
    expect(stash.all().map((a) => a.recordId)).toEqual(["r1"]);
    expect(state.lastAction?.recordId).toBe("r1");

    requests.onMessage(ack(msg.request_id));
    expect(state.recordSave.get("r1")).toEqual({
      state: "saved",
      status: "submitted",
      onDisk: true,
    });
    expect(state.confirmed.get("r1")).toBe("submitted");
    expect(state.save).toEqual({ state: "saved", onDisk: true });
    expect(stash.all()).toEqual([]);
    expect(state.pending.size).toBe(0);
    expect(seen.announced).toEqual(["Saved"]);
    expect(seen.changed).toBe(1);
  });

  it("says when the kernel holds the answer in memory only", () => {
    const { state, requests, seen, last } = setup();
    requests.answer("r1", { q: "yes" }, "draft", null);
    expect(state.undoStack).toEqual([]); // a draft is no step to undo
    requests.onMessage(ack(last().request_id, false));
    expect(state.recordSave.get("r1")).toMatchObject({ state: "saved", onDisk: false });
    expect(state.save).toEqual({ state: "saved", onDisk: false });
    expect(seen.announced).toEqual(["Saved in memory only"]);
  });

  it("claims no save while a later answer to the same record is still on its way", () => {
    const { state, stash, requests, sent } = setup();
    requests.answer("r1", { q: "draft" }, "draft", null);
    vi.advanceTimersByTime(10); // a later answer is written later
    requests.answer("r1", { q: "final" }, "submitted", 1);
    const [first, second] = sent as [ViewMessage, ViewMessage];
    requests.onMessage(ack(first.request_id));
    expect(state.recordSave.get("r1")).toEqual({ state: "saving", status: "submitted" });
    expect(state.confirmed.has("r1")).toBe(false);
    // the later answer stays stashed: the ack of the earlier one does not cover it
    expect(stash.all().map((a) => a.values)).toEqual([{ q: "final" }]);
    requests.onMessage(ack(second.request_id));
    expect(state.recordSave.get("r1")).toMatchObject({ state: "saved", status: "submitted" });
    expect(stash.all()).toEqual([]);
  });

  it("shows an answer queued when the kernel is busy past the timeout, saved once acked", () => {
    const { state, requests, seen, last } = setup();
    requests.answer("r1", { q: "yes" }, "submitted", 1);
    vi.advanceTimersByTime(ACK_TIMEOUT_MS - 1);
    expect(state.recordSave.get("r1")?.state).toBe("saving");
    vi.advanceTimersByTime(1);
    expect(state.recordSave.get("r1")).toEqual({ state: "queued", status: "submitted" });
    expect(state.save).toEqual({ state: "queued" });
    expect(seen.changed).toBe(1);
    requests.onMessage(ack(last().request_id));
    expect(state.recordSave.get("r1")?.state).toBe("saved");
    expect(state.save.state).toBe("saved");
  });

  it("keeps a refused answer in its box as an unsent edit, and takes it off the undo stack", () => {
    const { state, stash, requests, seen, last } = setup();
    requests.answer("r1", { q: "" }, "submitted", 1);
    requests.onMessage(refusal(last().request_id, "q: expected a non-empty text"));
    expect(state.recordSave.get("r1")).toEqual({
      state: "unsaved",
      status: "submitted",
      message: "q: expected a non-empty text",
    });
    expect(state.dirty.has("r1")).toBe(true);
    expect(state.undoStack).toEqual([]);
    expect(stash.all()).toEqual([]); // resending it would be refused again
    expect(state.save).toMatchObject({ state: "error", message: "q: expected a non-empty text" });
    expect(state.unsentCount()).toBe(1);
    expect(seen.announced).toEqual(["Not saved: q: expected a non-empty text"]);
    // a view's timer is stopped with its request: no "queued" later
    vi.advanceTimersByTime(ACK_TIMEOUT_MS * 2);
    expect(state.recordSave.get("r1")?.state).toBe("unsaved");
  });

  it("ignores replies to other views' requests, and shows an error that answers none", () => {
    const { state, requests, seen, last } = setup();
    requests.answer("r1", { q: "yes" }, "submitted", 1);
    requests.onMessage(ack("someone-else-1"));
    requests.onMessage({ type: "news" });
    requests.onMessage(null);
    expect(state.recordSave.get("r1")?.state).toBe("saving");
    expect(seen.changed).toBe(0);
    requests.onMessage(refusal(null, "the folder is read-only"));
    expect(requests.generalError).toBe("the folder is read-only");
    expect(seen.changed).toBe(1);
    requests.onMessage(ack(last().request_id));
    expect(requests.generalError).toBe(""); // an ack: the kernel writes again
  });
});

describe("undo and next pending", () => {
  it("sends an undo, shows what the record held before at once, and acks it as saved", () => {
    const before: Held = { values: { q: "old" }, status: "submitted" };
    const { state, requests, seen, last } = setup({ held: { r1: before } });
    requests.answer("r1", { q: "new" }, "discarded", 1);
    requests.onMessage(ack(last().request_id));
    const action = state.lastAction;
    expect(action).toMatchObject({ recordId: "r1", status: "discarded", before });
    if (!action) throw new Error("no undo step");
    expect(requests.undo(action, before)).toBe(true);
    expect(last()).toMatchObject({ type: "undo", record_id: "r1" });
    expect(state.undoStack).toEqual([]);
    expect(state.redoStack).toEqual([action]);
    expect(state.drafts.get("r1")).toEqual({ q: "old" });
    expect(state.confirmed.get("r1")).toBe("submitted");
    expect(state.recordSave.get("r1")).toEqual({ state: "saving", status: "submitted" });
    requests.onMessage(ack(last().request_id));
    expect(state.recordSave.get("r1")).toMatchObject({ state: "saved", status: "submitted" });
    expect(lastOf(seen.announced)).toBe("Undone and saved");
  });

  it("undoes a first answer to pending, with empty boxes", () => {
    const { state, requests, last } = setup();
    requests.answer("r1", { q: "new" }, "submitted", 1);
    const action = state.lastAction;
    if (!action) throw new Error("no undo step");
    expect(requests.undo(action, null)).toBe(true);
    expect(last()).toMatchObject({ type: "undo", record_id: "r1" });
    expect(state.drafts.get("r1")).toEqual({});
    expect(state.sent.has("r1")).toBe(false);
    expect(state.recordSave.has("r1")).toBe(false);
    expect(state.confirmed.get("r1")).toBe("pending");
  });

  it("asks the kernel for the next pending record and shows its refusal", () => {
    const { requests, seen, last } = setup();
    requests.nextPending(4);
    expect(last()).toMatchObject({ type: "next_pending", after: 4 });
    requests.onMessage(refusal(last().request_id, "no record is pending"));
    expect(seen.notices).toEqual(["no record is pending"]);
  });
});

describe("a dead comm", () => {
  it("marks every answer not acknowledged unsaved and sends nothing more", () => {
    const { sent, state, stash, requests, seen, last } = setup();
    liveViews().add(state.viewId);
    requests.answer("r1", { q: "a" }, "submitted", 1);
    const first = last();
    requests.disconnect();
    expect(state.disconnected).toBe(true);
    expect(liveViews().has(state.viewId)).toBe(false); // its stash is an orphan now
    expect(state.recordSave.get("r1")).toEqual({
      state: "unsaved",
      status: "submitted",
      message: NOT_SENT,
    });
    expect(state.dirty.has("r1")).toBe(true);
    expect(state.pending.size).toBe(0);
    expect(state.save).toEqual({ state: "unsent", count: 1 });
    expect(lastOf(seen.announced)).toContain(NOT_SENT);

    requests.answer("r2", { q: "b" }, "submitted", 1);
    expect(sent).toHaveLength(1);
    expect(state.recordSave.get("r2")).toMatchObject({ state: "unsaved" });
    expect(state.save).toEqual({ state: "unsent", count: 2 });
    expect(
      stash
        .all()
        .map((a) => a.recordId)
        .sort(),
    ).toEqual(["r1", "r2"]);
    const action = state.lastAction;
    if (!action) throw new Error("no undo step");
    expect(requests.undo(action, null)).toBe(false);
    requests.nextPending(0);
    expect(sent).toHaveLength(1);
    expect(seen.notices).toEqual([
      `Not undone: ${NOT_SENT}. Re-run the cell to reconnect.`,
      `Not moved: ${NOT_SENT}. Re-run the cell to reconnect.`,
    ]);
    // a late ack of the first answer changes nothing: its request is gone
    requests.onMessage(ack(first.request_id));
    expect(state.recordSave.get("r1")?.state).toBe("unsaved");
  });

  it("is found on the send that fails, and keeps that answer stashed", () => {
    const { state, stash, requests } = setup({ throwOnSend: true });
    requests.answer("r1", { q: "a" }, "submitted", 1);
    expect(state.disconnected).toBe(true);
    expect(state.recordSave.get("r1")).toMatchObject({ state: "unsaved", message: NOT_SENT });
    expect(stash.all().map((a) => a.recordId)).toEqual(["r1"]);
  });
});

describe("what an earlier view left unsent", () => {
  it("is sent again with its time, said while it goes, and settled once the kernel replied", () => {
    const earlier = setup();
    liveViews().add(earlier.state.viewId);
    earlier.requests.answer("r1", { q: "a" }, "submitted", 3);
    vi.advanceTimersByTime(1000);
    earlier.requests.answer("r2", { q: "b" }, "draft", null);
    const stashed = earlier.stash.all();
    earlier.requests.disconnect();

    // a second live view of the same dataset does not take over a live view's answers
    const live = setup();
    liveViews().add("still-alive");
    live.stash.put({
      ...(stashed[0] as (typeof stashed)[0]),
      recordId: "r9",
      owner: "still-alive",
    });

    const next = setup();
    next.requests.start();
    expect(liveViews().has(next.state.viewId)).toBe(true);
    const resent = next.sent.filter((m) => m.type === "answer");
    expect(resent.map((m) => m.type === "answer" && m.record_id)).toEqual(["r1", "r2"]);
    for (const m of resent) {
      const from = stashed.find((a) => m.type === "answer" && a.recordId === m.record_id);
      expect(m).toMatchObject({ written_at: from?.writtenAt, status: from?.status });
    }
    expect(next.state.drafts.get("r1")).toEqual({ q: "a" });
    expect(next.seen.notices).toEqual(["Sending 2 answer(s) an earlier view could not save."]);
    expect(next.seen.changed).toBe(1);

    next.requests.onMessage(ack(resent[0]?.request_id ?? ""));
    expect(next.seen.notices).toHaveLength(1); // one is still on its way
    next.requests.onMessage(refusal(resent[1]?.request_id ?? "", "a newer answer is held"));
    expect(lastOf(next.seen.notices)).toBe("");
    expect(lastOf(next.seen.announced)).toBe("The 2 answer(s) an earlier view kept were sent");
    expect(next.stash.all().map((a) => a.recordId)).toEqual(["r9"]);

    next.requests.stop();
    expect(liveViews().has(next.state.viewId)).toBe(false);
  });

  it("sends nothing and says nothing when no earlier view left anything", () => {
    const { sent, seen, requests } = setup();
    requests.start();
    expect(sent).toEqual([]);
    expect(seen.notices).toEqual([]);
    expect(seen.changed).toBe(0);
  });
});
