import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ACK_TIMEOUT_MS } from "../src/app";
import { makeRecord } from "./fake-model";
import { mountWidget, press, type } from "./helpers";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("submit", () => {
  it("rejects a missing required answer inline and sends nothing", () => {
    const { q, model } = mountWidget();
    const box = q<HTMLTextAreaElement>("nbf-q-answer");
    type(box, "   \n ");
    q("nbf-submit").click();
    expect(model.messages("answer")).toHaveLength(0);
    expect(box.getAttribute("aria-invalid")).toBe("true");
    const errorId = box.getAttribute("aria-describedby")?.split(" ").pop() ?? "";
    expect(document.getElementById(errorId)?.textContent).toBe("Your answer is required");
    expect(q("nbf-position").textContent).toBe("Record 1 of 10");
    // Answering clears the mark.
    type(box, "now answered");
    expect(box.hasAttribute("aria-invalid")).toBe(false);
  });

  it("Ctrl+Enter sends one answer and moves on at once, focus in the next record's box", () => {
    vi.advanceTimersByTime(2500);
    const { q, model } = mountWidget();
    const box = q<HTMLTextAreaElement>("nbf-q-answer");
    type(box, "the ideal reply");
    vi.advanceTimersByTime(500); // less than the draft delay
    const event = press(box, "Enter", { ctrlKey: true });
    expect(event.defaultPrevented).toBe(true);

    const answers = model.messages("answer");
    expect(answers).toHaveLength(1);
    const msg = answers[0] as Record<string, unknown>;
    expect(msg.record_id).toBe("r0");
    expect(msg.status).toBe("submitted");
    expect(msg.values).toEqual({ answer: "the ideal reply" });
    expect(typeof msg.request_id).toBe("string");
    expect((msg.request_id as string).length).toBeGreaterThan(0);
    expect(msg.time_spent).toBeTypeOf("number");
    expect(msg.time_spent).toBeCloseTo(0.5, 3);

    // Moved on before any ack.
    expect(q("nbf-position").textContent).toBe("Record 2 of 10");
    expect(q("nbf-field-prompt").textContent).toBe("Prompt number 1");
    expect(model.get("position")).toBe(1);
    expect(model.saves).toBeGreaterThan(0);
    const next = q<HTMLTextAreaElement>("nbf-q-answer");
    expect(next).not.toBe(box);
    expect(document.activeElement).toBe(next);
    expect(next.value).toBe("");
    expect(q("nbf-saved").textContent).toBe("Saving…");
    // No draft for the submitted record follows later.
    vi.advanceTimersByTime(3000);
    expect(model.messages("answer")).toHaveLength(1);
  });

  it("Cmd+Enter submits too", () => {
    const { q, model } = mountWidget();
    type(q<HTMLTextAreaElement>("nbf-q-answer"), "mac");
    press(q("nbf-q-answer"), "Enter", { metaKey: true });
    expect(model.messages("answer")).toHaveLength(1);
  });

  it("marks the answer saved when the ack arrives", () => {
    const { q, model, el } = mountWidget();
    type(q<HTMLTextAreaElement>("nbf-q-answer"), "x");
    q("nbf-submit").click();
    const { request_id } = model.messages("answer")[0] as { request_id: string };
    expect(q("nbf-saved").textContent).toBe("Saving…");
    model.receive({ type: "ack", request_id, record_id: "r0", status: "submitted", saved: true });
    expect(q("nbf-saved").textContent).toBe("Saved");
    expect(el.querySelector('[aria-live="polite"]')?.textContent).toBe("Saved");
    // An ack meant for another view of the same model changes nothing here.
    model.receive({ type: "error", request_id: "other-1", record_id: "r9", message: "boom" });
    expect(q("nbf-saved").textContent).toBe("Saved");
  });

  it("shows a kernel error inline and keeps the answer in its box", () => {
    const { q, model } = mountWidget();
    type(q<HTMLTextAreaElement>("nbf-q-answer"), "keep me");
    q("nbf-submit").click();
    const { request_id } = model.messages("answer")[0] as { request_id: string };
    model.receive({ type: "error", request_id, record_id: "r0", message: "disk full" });
    expect(q("nbf-saved").textContent).toBe("Not saved: disk full");
    q("nbf-prev").click();
    expect(q("nbf-field-prompt").textContent).toBe("Prompt number 0");
    expect(q<HTMLTextAreaElement>("nbf-q-answer").value).toBe("keep me");
    expect(q("nbf-status").textContent).toBe("pending");
  });

  it("says queued, not lost, when a busy kernel has not answered in time", () => {
    const { q, model } = mountWidget();
    type(q<HTMLTextAreaElement>("nbf-q-answer"), "waiting");
    q("nbf-submit").click();
    vi.advanceTimersByTime(ACK_TIMEOUT_MS + 10);
    expect(q("nbf-saved").textContent).toContain("Queued: the kernel is busy");
    expect(q("nbf-saved").textContent).not.toContain("not saved");
    expect(q("nbf-kernel-alert").hidden).toBe(true);
    q("nbf-prev").click();
    expect(q("nbf-status").textContent).toBe("pending"); // not confirmed yet
    expect(q("nbf-record-save").textContent).toBe("Queued as submitted: the kernel is busy");
    expect(q<HTMLTextAreaElement>("nbf-q-answer").value).toBe("waiting");
    // The kernel gets to it once free: the late ack confirms it.
    const { request_id } = model.messages("answer")[0] as { request_id: string };
    model.receive({ type: "ack", request_id, record_id: "r0", status: "submitted", saved: true });
    expect(q("nbf-saved").textContent).toBe("Saved");
    expect(q("nbf-status").textContent).toBe("submitted");
    expect(q("nbf-record-save").textContent).toBe("Saved");
  });

  it("sends rating as int, label as string, multi-label as string[], ranking as ranks", () => {
    const { q, model } = mountWidget();
    type(q<HTMLTextAreaElement>("nbf-q-answer"), "a");
    q("nbf-q-quality").querySelector<HTMLInputElement>('input[value="4"]')?.click();
    q("nbf-q-topic").querySelector<HTMLInputElement>('input[value="code"]')?.click();
    q("nbf-q-flags").querySelector<HTMLInputElement>('input[value="toxic"]')?.click();
    q("nbf-q-flags").querySelector<HTMLInputElement>('input[value="off"]')?.click();
    q("nbf-q-rank")
      .querySelector<HTMLButtonElement>('button[aria-label="Move Reply B up"]')
      ?.click();
    q("nbf-submit").click();
    const { values } = model.messages("answer")[0] as { values: Record<string, unknown> };
    expect(values).toEqual({
      answer: "a",
      quality: 4,
      topic: "code",
      flags: ["toxic", "off"],
      rank: [
        { value: "b", rank: 1 },
        { value: "a", rank: 2 },
        { value: "c", rank: 3 },
      ],
    });
    expect(typeof values.quality).toBe("number");
  });

  it("discards without validation and moves on", () => {
    const { q, model } = mountWidget();
    q("nbf-discard").click();
    const [msg] = model.messages("answer") as { status: string; values: object }[];
    expect(msg?.status).toBe("discarded");
    expect(msg?.values).toEqual({});
    expect(q("nbf-position").textContent).toBe("Record 2 of 10");
  });

  it("resubmits an edited submitted answer", () => {
    const rec = makeRecord(0, {
      response: { values: { answer: "old" }, status: "submitted", updated_at: 1 },
    });
    const { q, model } = mountWidget({ window: [rec, makeRecord(1)] });
    type(q<HTMLTextAreaElement>("nbf-q-answer"), "new");
    vi.advanceTimersByTime(2000);
    expect(model.messages("answer")).toHaveLength(0); // no draft over a submitted answer
    q("nbf-submit").click();
    const [msg] = model.messages("answer") as { status: string; values: object }[];
    expect(msg).toMatchObject({ status: "submitted", values: { answer: "new" } });
  });

  it("undoes the last submit: sends undo and goes back to that record", () => {
    const { q, model } = mountWidget();
    expect(q<HTMLButtonElement>("nbf-undo").disabled).toBe(true);
    type(q<HTMLTextAreaElement>("nbf-q-answer"), "oops");
    q("nbf-submit").click();
    expect(q<HTMLButtonElement>("nbf-undo").disabled).toBe(false);
    q("nbf-undo").click();
    const [undo] = model.messages("undo") as { record_id: string; request_id: string }[];
    expect(undo?.record_id).toBe("r0");
    expect(undo?.request_id).toBeTypeOf("string");
    expect(q("nbf-position").textContent).toBe("Record 1 of 10");
    expect(q<HTMLButtonElement>("nbf-undo").disabled).toBe(true);
  });
});
