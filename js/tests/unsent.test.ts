import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { makeRecord } from "./fake-model";
import { mountWidget, press, settle, type } from "./helpers";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const submitted = (answer: string, quality?: number) =>
  makeRecord(0, {
    response: {
      values: quality === undefined ? { answer } : { answer, quality },
      status: "submitted",
      updated_at: 1,
    },
  });

function stashed(): Record<string, { values: unknown; status: string }> {
  const key = Object.keys(localStorage).find((k) => k.startsWith("nb_feedback.unsent:"));
  return key ? JSON.parse(localStorage.getItem(key) ?? "{}") : {};
}

describe("an edit of a submitted answer is never dropped", () => {
  it("is submitted again on leaving the record, and the view says so", () => {
    const { q, model } = mountWidget({ window: [submitted("old"), makeRecord(1)] });
    type(q<HTMLTextAreaElement>("nbf-q-answer"), "new text");
    vi.advanceTimersByTime(3000); // no draft demotes the submitted answer meanwhile
    expect(model.messages("answer")).toHaveLength(0);
    press(q("nbf-q-answer"), "ArrowRight", { altKey: true });
    const [msg] = model.messages("answer");
    expect(msg).toMatchObject({
      record_id: "r0",
      status: "submitted",
      values: { answer: "new text" },
    });
    expect(q("nbf-notice").hidden).toBe(false);
    expect(q("nbf-notice").textContent).toBe("Your edit of record 1 was submitted.");
    // Back on the record: the badge waits for the kernel, the text is the edit.
    press(q("nbf-q-answer"), "ArrowLeft", { altKey: true });
    expect(q<HTMLTextAreaElement>("nbf-q-answer").value).toBe("new text");
    expect(q("nbf-record-save").textContent).toBe("Saving as submitted…");
  });

  it("is kept as a draft when a required answer was emptied, and the view says so", () => {
    const { q, model } = mountWidget({ window: [submitted("old", 3), makeRecord(1)] });
    type(q<HTMLTextAreaElement>("nbf-q-answer"), "  ");
    q("nbf-q-quality").querySelector<HTMLInputElement>('input[value="5"]')?.click();
    q("nbf-next").click();
    const [msg] = model.messages("answer");
    expect(msg).toMatchObject({ record_id: "r0", status: "draft", values: { quality: 5 } });
    expect(q("nbf-notice").textContent).toBe(
      "Your edit of record 1 was kept as a draft (Your answer is empty).",
    );
  });

  it("an unchanged submitted record sends nothing on leaving", () => {
    const { q, model } = mountWidget({ window: [submitted("old"), makeRecord(1)] });
    q("nbf-next").click();
    expect(model.sent).toHaveLength(0);
    expect(q("nbf-notice").hidden).toBe(true);
  });
});

describe("a dead comm is said at once and loses nothing", () => {
  it("alerts in the widget when the kernel restarts, and keeps unsent answers", async () => {
    const { q, model } = mountWidget();
    type(q<HTMLTextAreaElement>("nbf-q-answer"), "sent before the restart");
    press(q("nbf-q-answer"), "Enter", { ctrlKey: true });
    expect(q("nbf-kernel-alert").hidden).toBe(true);
    model.commDied();
    const alert = q("nbf-kernel-alert");
    expect(alert.hidden).toBe(false);
    expect(alert.getAttribute("role")).toBe("alert");
    expect(alert.textContent).toContain("Re-run the cell to reconnect");
    expect(alert.textContent).toContain("1 unsent answer(s) kept in this browser");
    expect(q("nbf-saved").textContent).toBe("Not saved: 1 answer(s) kept in this page");
    // An answer given after the restart is not sent (nothing would receive it) but kept.
    type(q<HTMLTextAreaElement>("nbf-q-answer"), "typed after");
    press(q("nbf-q-answer"), "Enter", { ctrlKey: true });
    expect(model.messages("answer")).toHaveLength(1);
    expect(q("nbf-kernel-alert").textContent).toContain("2 unsent answer(s)");
    expect(Object.keys(stashed()).sort()).toEqual(["r0", "r1"]);
    q("nbf-prev").click();
    expect(q<HTMLTextAreaElement>("nbf-q-answer").value).toBe("typed after");
    expect(q("nbf-status").textContent).toBe("pending");
    expect(q("nbf-record-save").textContent).toContain("Not saved");
    // A late reply can't make it look saved: the view no longer waits for one.
    await settle();
    vi.advanceTimersByTime(10_000);
    expect(q("nbf-saved").textContent).toBe("Not saved: 2 answer(s) kept in this page");
  });

  it("treats a send that throws (disposed comm) as a dead comm, without an uncaught error", () => {
    const { q, model } = mountWidget();
    model.sendThrows = true;
    type(q<HTMLTextAreaElement>("nbf-q-answer"), "into the void");
    expect(() => press(q("nbf-q-answer"), "Enter", { ctrlKey: true })).not.toThrow();
    expect(q("nbf-kernel-alert").hidden).toBe(false);
    expect(stashed().r0).toMatchObject({
      status: "submitted",
      values: { answer: "into the void" },
    });
  });

  it("a new view of the same dataset sends what the dead one kept, once", async () => {
    const first = mountWidget();
    type(first.q<HTMLTextAreaElement>("nbf-q-answer"), "kept answer");
    press(first.q("nbf-q-answer"), "Enter", { ctrlKey: true });
    first.model.commDied();
    // Re-running the cell makes a new widget (a new model) of the same folder and annotator.
    const second = mountWidget();
    const [resent] = second.model.messages("answer") as Record<string, unknown>[];
    expect(resent).toMatchObject({
      record_id: "r0",
      status: "submitted",
      values: { answer: "kept answer" },
    });
    expect(resent?.written_at).toBeTypeOf("number");
    expect(second.q("nbf-notice").textContent).toBe(
      "Sending 1 answer(s) an earlier view could not save.",
    );
    second.model.receive({
      type: "ack",
      request_id: resent?.request_id,
      record_id: "r0",
      status: "submitted",
      saved: true,
    });
    expect(stashed()).toEqual({});
    // sent: the "Sending…" line goes, and "Saved" says what became of it
    expect(second.q("nbf-notice").hidden).toBe(true);
    expect(second.q("nbf-saved").textContent).toBe("Saved");
    // A third view finds nothing left to send.
    const third = mountWidget();
    expect(third.model.messages("answer")).toHaveLength(0);
  });

  it("text typed just before the page closes is sent and stashed, not dropped", () => {
    const { q, model } = mountWidget();
    type(q<HTMLTextAreaElement>("nbf-q-answer"), "typed a moment ago");
    expect(model.messages("answer")).toHaveLength(0); // the pause before a draft has not passed
    window.dispatchEvent(new Event("pagehide"));
    expect(model.messages("answer")[0]).toMatchObject({
      status: "draft",
      values: { answer: "typed a moment ago" },
    });
    expect(stashed().r0).toMatchObject({
      status: "draft",
      values: { answer: "typed a moment ago" },
    });
  });

  it("a new view leaves alone answers a live view is still waiting for", () => {
    const first = mountWidget();
    type(first.q<HTMLTextAreaElement>("nbf-q-answer"), "in flight");
    press(first.q("nbf-q-answer"), "Enter", { ctrlKey: true });
    const second = mountWidget();
    expect(second.model.messages("answer")).toHaveLength(0);
  });

  it("another dataset's or annotator's stash is not sent", () => {
    const first = mountWidget();
    type(first.q<HTMLTextAreaElement>("nbf-q-answer"), "ada's");
    press(first.q("nbf-q-answer"), "Enter", { ctrlKey: true });
    first.model.commDied();
    expect(mountWidget({ user: "bob" }).model.messages("answer")).toHaveLength(0);
    expect(mountWidget({ folder: "/tmp/other" }).model.messages("answer")).toHaveLength(0);
  });

  it("a dataset with no folder keeps unsent answers in the page only, and says so", () => {
    const { q, model } = mountWidget({ folder: "", persistent: false });
    type(q<HTMLTextAreaElement>("nbf-q-answer"), "memory");
    press(q("nbf-q-answer"), "Enter", { ctrlKey: true });
    model.commDied();
    expect(localStorage.length).toBe(0);
    expect(q("nbf-kernel-alert").textContent).toContain("kept in this page only");
  });
});

describe("trait changes applied one at a time (marimo)", () => {
  it("renders no stale record and keeps focus in the answer box inside a shadow root", async () => {
    const hostEl = document.createElement("div");
    document.body.append(hostEl);
    const shadow = hostEl.attachShadow({ mode: "open" });
    const records = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => makeRecord(i));
    const { el, model } = mountWidget({ window: records.slice(0, 5) }, undefined, shadow);
    const box = () => el.querySelector<HTMLTextAreaElement>('[data-testid="nbf-q-answer"]');
    const prompt = () => el.querySelector('[data-testid="nbf-field-prompt"]')?.textContent;
    for (let i = 0; i < 4; i++) {
      const current = box();
      if (!current) throw new Error("no answer box");
      type(current, `answer ${i}`);
      press(current, "Enter", { ctrlKey: true });
      expect(shadow.activeElement).toBe(box());
      // The kernel's reply: each trait set on its own, with a change event after each.
      const start = Math.max(0, i + 1 - 2);
      model.set("position", i + 1);
      model.set("window_start", start);
      expect(prompt()).toBe(`Prompt number ${i + 1}`);
      model.set("window", records.slice(start, i + 1 + 4));
      await settle();
      expect(prompt()).toBe(`Prompt number ${i + 1}`);
      expect(shadow.activeElement).toBe(box());
    }
    expect(model.messages("answer").map((m) => m.record_id)).toEqual(["r0", "r1", "r2", "r3"]);
  });
});
