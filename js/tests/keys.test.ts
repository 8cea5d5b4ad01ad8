import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DRAFT_DELAY_MS, FILTER_WAIT_MS } from "../src/app";
import { mountWidget, press, type } from "./helpers";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("navigation chords", () => {
  it("Alt+ArrowRight / Alt+ArrowLeft move next and previous, setting position", () => {
    const { q, model } = mountWidget();
    const box = q("nbf-q-answer");
    press(box, "ArrowRight", { altKey: true });
    expect(q("nbf-position").textContent).toBe("Record 2 of 10");
    expect(model.get("position")).toBe(1);
    expect(document.activeElement).toBe(q("nbf-q-answer"));
    press(q("nbf-q-answer"), "ArrowLeft", { altKey: true });
    expect(q("nbf-position").textContent).toBe("Record 1 of 10");
    expect(model.get("position")).toBe(0);
  });

  it("Ctrl+Arrow navigates from a button but is left to the text box for word moves", () => {
    const { q } = mountWidget();
    press(q("nbf-q-answer"), "ArrowRight", { ctrlKey: true });
    expect(q("nbf-position").textContent).toBe("Record 1 of 10");
    q("nbf-next").focus();
    press(q("nbf-next"), "ArrowRight", { ctrlKey: true });
    expect(q("nbf-position").textContent).toBe("Record 2 of 10");
  });

  it("Previous and Next buttons navigate and are disabled at the ends", () => {
    const { q } = mountWidget({ total: 2, window: [] });
    expect(q<HTMLButtonElement>("nbf-prev").disabled).toBe(true);
    q("nbf-next").click();
    expect(q("nbf-position").textContent).toBe("Record 2 of 2");
    expect(q<HTMLButtonElement>("nbf-next").disabled).toBe(true);
  });

  it("Ctrl+Shift+D and Alt+D discard", () => {
    const { q, model } = mountWidget();
    press(q("nbf-q-answer"), "D", { ctrlKey: true, shiftKey: true, code: "KeyD" });
    press(q("nbf-q-answer"), "∂", { altKey: true, code: "KeyD" });
    const statuses = model.messages("answer").map((m) => [m.record_id, m.status]);
    expect(statuses).toEqual([
      ["r0", "discarded"],
      ["r1", "discarded"],
    ]);
    expect(q("nbf-position").textContent).toBe("Record 3 of 10");
  });

  it("Ctrl+Z outside a text box undoes; inside a text box it is left alone", () => {
    const { q, model } = mountWidget();
    q("nbf-discard").click();
    press(q("nbf-q-answer"), "z", { ctrlKey: true });
    expect(model.messages("undo")).toHaveLength(0);
    q("nbf-next").focus();
    press(q("nbf-next"), "z", { ctrlKey: true });
    expect(model.messages("undo")).toHaveLength(1);
  });

  it("plain keys and Backspace do nothing while a button has focus", () => {
    const { q, model, el } = mountWidget();
    const outside = vi.fn();
    document.addEventListener("keydown", outside);
    document.addEventListener("keyup", outside);
    document.addEventListener("keypress", outside);
    try {
      for (const id of ["nbf-submit", "nbf-discard", "nbf-next"]) {
        const button = q(id);
        button.focus();
        for (const key of ["Backspace", "a", "b", "m", "r", "1", "d", "d", "Delete", "Enter"]) {
          const down = press(button, key);
          expect(down.defaultPrevented).toBe(false);
          button.dispatchEvent(new KeyboardEvent("keypress", { key, bubbles: true }));
          button.dispatchEvent(new KeyboardEvent("keyup", { key, bubbles: true }));
        }
      }
      expect(model.sent).toHaveLength(0);
      expect(q("nbf-position").textContent).toBe("Record 1 of 10");
      expect(outside).not.toHaveBeenCalled();
      // The view itself still sees them: propagation stops at its root, not before.
      const inside = vi.fn();
      el.querySelector('[data-testid="nbf-root"]')?.addEventListener("keydown", inside);
      press(q("nbf-next"), "a");
      expect(inside).toHaveBeenCalledTimes(1);
    } finally {
      document.removeEventListener("keydown", outside);
      document.removeEventListener("keyup", outside);
      document.removeEventListener("keypress", outside);
    }
  });

  it("chords don't propagate out of the root either", () => {
    const { q } = mountWidget();
    const outside = vi.fn();
    document.addEventListener("keydown", outside);
    press(q("nbf-q-answer"), "ArrowRight", { altKey: true });
    document.removeEventListener("keydown", outside);
    expect(outside).not.toHaveBeenCalled();
  });

  it("jumps to a record typed in the jump box", () => {
    const { el, q, model } = mountWidget();
    const jump = el.querySelector<HTMLInputElement>('input[aria-label="Jump to record"]');
    if (!jump) throw new Error("no jump input");
    jump.value = "4";
    press(jump, "Enter");
    expect(q("nbf-position").textContent).toBe("Record 4 of 10");
    expect(model.get("position")).toBe(3);
  });

  it("sets the status filter and position 0 on the model", () => {
    const { el, model, q } = mountWidget({ position: 3 });
    const select = el.querySelector<HTMLSelectElement>('select[aria-label="Status filter"]');
    if (!select) throw new Error("no select");
    select.value = "pending";
    select.dispatchEvent(new Event("change"));
    expect(model.get("status_filter")).toBe("pending");
    expect(model.get("position")).toBe(0);
    expect(model.saves).toBeGreaterThan(0);
    // The old window belongs to the old filter: wait for the kernel's.
    expect(q("nbf-loading").textContent).toContain("Loading");
  });
});

describe("drafts", () => {
  it("sends one draft after a pause in typing, and only when something changed", () => {
    const { q, model } = mountWidget();
    const box = q<HTMLTextAreaElement>("nbf-q-answer");
    type(box, "h");
    vi.advanceTimersByTime(DRAFT_DELAY_MS / 2);
    type(box, "he");
    vi.advanceTimersByTime(DRAFT_DELAY_MS / 2);
    type(box, "hel");
    expect(model.messages("answer")).toHaveLength(0);
    vi.advanceTimersByTime(DRAFT_DELAY_MS + 10);
    const drafts = model.messages("answer");
    expect(drafts).toHaveLength(1);
    expect(drafts[0]).toMatchObject({
      status: "draft",
      record_id: "r0",
      values: { answer: "hel" },
    });
    vi.advanceTimersByTime(DRAFT_DELAY_MS * 3);
    expect(model.messages("answer")).toHaveLength(1);
    // The badge shows what the kernel confirmed, not what was only sent.
    expect(q("nbf-status").textContent).toBe("pending");
    expect(q("nbf-record-save").textContent).toBe("Saving as draft…");
    const { request_id } = drafts[0] as { request_id: string };
    model.receive({ type: "ack", request_id, record_id: "r0", status: "draft", saved: true });
    expect(q("nbf-status").textContent).toBe("draft");
  });

  it("keeps typed text per record when navigating away and back", () => {
    const { q, model } = mountWidget();
    type(q<HTMLTextAreaElement>("nbf-q-answer"), "first record text");
    q("nbf-next").click();
    // Leaving flushes the pending draft at once.
    expect(model.messages("answer")).toHaveLength(1);
    expect(q<HTMLTextAreaElement>("nbf-q-answer").value).toBe("");
    type(q<HTMLTextAreaElement>("nbf-q-answer"), "second");
    q("nbf-prev").click();
    expect(q<HTMLTextAreaElement>("nbf-q-answer").value).toBe("first record text");
    q("nbf-next").click();
    expect(q<HTMLTextAreaElement>("nbf-q-answer").value).toBe("second");
  });
});

describe("status filter with an unchanged window", () => {
  it("renders the held window when no new one arrives", () => {
    const { el, q } = mountWidget();
    const select = el.querySelector<HTMLSelectElement>('select[aria-label="Status filter"]');
    if (!select) throw new Error("no select");
    select.value = "pending";
    select.dispatchEvent(new Event("change"));
    expect(q("nbf-loading")).toBeTruthy();
    vi.advanceTimersByTime(FILTER_WAIT_MS + 10);
    expect(q("nbf-field-prompt").textContent).toBe("Prompt number 0");
  });
});
