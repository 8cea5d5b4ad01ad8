import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CHORDS } from "../src/keys";
import { makeRecord } from "./fake-model";
import { accessibleName, mountWidget, press, settle, type } from "./helpers";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("a keyboard you can discover", () => {
  it("shows each chord on its button and exposes it with aria-keyshortcuts", () => {
    const { q } = mountWidget();
    const want: Record<string, [string, string]> = {
      "nbf-submit": ["Submit", "Control+Enter Meta+Enter"],
      "nbf-discard": ["Discard", "Alt+D Control+Shift+D"],
      "nbf-next": ["Next", "Alt+ArrowRight"],
      "nbf-prev": ["Previous", "Alt+ArrowLeft"],
      "nbf-undo": ["Undo", "Alt+Z"],
      "nbf-next-pending": ["Next pending", "Alt+N"],
      "nbf-keys": ["Keys", "Shift+?"],
    };
    for (const [id, [name, aria]] of Object.entries(want)) {
      const button = q(id);
      expect(accessibleName(button)).toBe(name); // the hint is not part of the name
      expect(button.getAttribute("aria-keyshortcuts")).toBe(aria);
      const shown = button.querySelector("kbd")?.textContent ?? "";
      expect(shown.length).toBeGreaterThan(0);
      expect(CHORDS.some((c) => c.label === shown)).toBe(true);
    }
  });

  it("? outside a text box toggles a list of every chord; Escape closes it, focus returns", () => {
    const { q } = mountWidget();
    const box = q<HTMLTextAreaElement>("nbf-q-answer");
    press(box, "?", { shiftKey: true });
    expect(q("nbf-help").hidden).toBe(true); // typed into the box, not a command
    const next = q("nbf-next");
    next.focus();
    const event = press(next, "?", { shiftKey: true });
    expect(event.defaultPrevented).toBe(true);
    const help = q("nbf-help");
    expect(help.hidden).toBe(false);
    expect(help.getAttribute("role")).toBe("dialog");
    expect(document.activeElement).toBe(help);
    for (const c of CHORDS) expect(help.textContent).toContain(c.label);
    press(help, "Escape");
    expect(help.hidden).toBe(true);
    expect(document.activeElement).toBe(next);
    q("nbf-keys").click();
    expect(q("nbf-help").hidden).toBe(false);
  });

  it("number keys pick a rating or a label while focus is on that question", () => {
    const { q, model } = mountWidget();
    type(q<HTMLTextAreaElement>("nbf-q-answer"), "text");
    const quality = q("nbf-q-quality");
    // labels show the digit that picks them; a rating's options are digits already
    expect([...q("nbf-q-topic").querySelectorAll("kbd")].map((k) => k.textContent)).toEqual([
      "1",
      "2",
    ]);
    expect(quality.querySelectorAll("kbd")).toHaveLength(0);
    quality.querySelector<HTMLInputElement>("input")?.focus();
    press(document.activeElement as Element, "4");
    expect(quality.querySelector<HTMLInputElement>("input:checked")?.value).toBe("4");
    const topic = q("nbf-q-topic");
    topic.querySelector<HTMLInputElement>("input")?.focus();
    press(document.activeElement as Element, "2");
    expect(topic.querySelector<HTMLInputElement>("input:checked")?.value).toBe("code");
    const flags = q("nbf-q-flags");
    flags.querySelector<HTMLInputElement>("input")?.focus();
    press(document.activeElement as Element, "1");
    press(document.activeElement as Element, "3");
    press(document.activeElement as Element, "1"); // toggles off again
    const checked = [...flags.querySelectorAll<HTMLInputElement>("input:checked")].map(
      (b) => b.value,
    );
    expect(checked).toEqual(["off"]);
    // a digit typed in the text box stays text
    const box = q<HTMLTextAreaElement>("nbf-q-answer");
    press(box, "5");
    expect(quality.querySelector<HTMLInputElement>("input:checked")?.value).toBe("4");
    press(box, "Enter", { ctrlKey: true });
    expect(model.messages("answer")[0]?.values).toMatchObject({
      quality: 4,
      topic: "code",
      flags: ["off"],
    });
  });

  it("Alt+N asks the kernel for the next pending record and focuses it when it arrives", async () => {
    const { q, model } = mountWidget({ position: 1 });
    press(q("nbf-q-answer"), "n", { altKey: true, code: "KeyN" });
    const [msg] = model.messages("next_pending");
    expect(msg).toMatchObject({ after: 1 });
    model.receive({
      type: "ack",
      request_id: msg?.request_id,
      record_id: null,
      status: null,
      saved: true,
      position: 4,
    });
    model.update({ position: 4 });
    await settle();
    expect(q("nbf-position").textContent).toBe("Record 5 of 10");
    expect(document.activeElement).toBe(q("nbf-q-answer"));
    // none left: the kernel's error is said visibly, not as a failed save
    press(q("nbf-q-answer"), "n", { altKey: true, code: "KeyN" });
    const second = model.messages("next_pending")[1];
    model.receive({
      type: "error",
      request_id: second?.request_id,
      record_id: null,
      message: "no pending record left in this filter ('all') for 'ada'",
    });
    expect(q("nbf-notice").textContent).toContain("no pending record left");
    expect(q("nbf-saved").textContent).not.toContain("Not saved");
  });

  it("Escape leaves the widget for the host's focusable container", () => {
    const host = document.createElement("div");
    host.tabIndex = -1;
    document.body.append(host);
    const { q } = mountWidget({}, undefined, host);
    const box = q<HTMLTextAreaElement>("nbf-q-answer");
    box.focus();
    press(box, "Escape");
    expect(document.activeElement).toBe(host);
  });

  it("Tab into the widget lands in the first answer box, a click where it points", () => {
    const { q, el } = mountWidget();
    const outside = document.createElement("button");
    document.body.prepend(outside);
    const summary = el.querySelector<HTMLElement>("summary");
    if (!summary) throw new Error("no guidelines summary");
    summary.dispatchEvent(new FocusEvent("focusin", { bubbles: true, relatedTarget: outside }));
    expect(document.activeElement).toBe(q("nbf-q-answer"));
    summary.dispatchEvent(new Event("pointerdown", { bubbles: true }));
    summary.focus();
    expect(document.activeElement).toBe(summary);
  });
});

describe("endings and jumps", () => {
  it("after the last record says how many are pending and offers a jump to the next", async () => {
    const window = [7, 8, 9].map((i) => makeRecord(i));
    const { q, model } = mountWidget({ position: 9, window_start: 7, window });
    const box = q<HTMLTextAreaElement>("nbf-q-answer");
    type(box, "last one");
    press(box, "Enter", { ctrlKey: true });
    const end = q("nbf-end");
    expect(end.textContent).toContain("End of this filter: 10 record(s) still pending.");
    expect(document.activeElement).toBe(q("nbf-end-go"));
    model.update({ counts: { pending: 3, draft: 0, submitted: 7, discarded: 0, total: 10 } });
    await settle();
    expect(q("nbf-end").textContent).toContain("3 record(s) still pending");
    q("nbf-end-go").click();
    expect(model.messages("next_pending")[0]).toMatchObject({ after: 9 });
    model.update({ counts: { pending: 0, draft: 0, submitted: 10, discarded: 0, total: 10 } });
    await settle();
    expect(q("nbf-end").textContent).toBe("End of this filter: every record has an answer.");
  });

  it('"Go to" a record out of range says so and stays', () => {
    const { q, model } = mountWidget();
    const jump = q<HTMLInputElement>("nbf-jump");
    jump.value = "99";
    press(jump, "Enter");
    expect(q("nbf-notice").textContent).toBe(
      "There is no record 99: this filter has records 1 to 10.",
    );
    expect(q("nbf-position").textContent).toBe("Record 1 of 10");
    expect(model.get("position")).toBe(0);
    jump.value = "0";
    press(jump, "Enter");
    expect(q("nbf-notice").textContent).toBe(
      "There is no record 0: this filter has records 1 to 10.",
    );
  });
});
