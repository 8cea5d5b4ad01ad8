import { describe, expect, it } from "vitest";
import { mountWidget, press, type } from "./helpers";

describe("a dead kernel is said at the top, and nothing claims a save", () => {
  it("puts the alert first in the widget, before the header", () => {
    const { q, model } = mountWidget();
    model.commDied();
    const root = q("nbf-root");
    expect(root.firstElementChild).toBe(q("nbf-kernel-alert"));
    expect(q("nbf-kernel-alert").hidden).toBe(false);
  });

  it("a submit the kernel cannot hear is announced as not saved, never as submitted", () => {
    const { q, model } = mountWidget();
    model.sendThrows = true; // the restart is found out on this very send
    type(q<HTMLTextAreaElement>("nbf-q-answer"), "lost?");
    press(q("nbf-q-answer"), "Enter", { ctrlKey: true });
    const live = q("nbf-live").textContent ?? "";
    expect(live).toContain("Not saved: record 1 is kept in this page");
    expect(live).not.toContain("Submitted");
    expect(q("nbf-kernel-alert").hidden).toBe(false);
    expect(q("nbf-kernel-alert").textContent).toContain("1 unsent answer(s) kept in this browser");
    // back on the record: it says "not saved", with the text still in its box
    press(q("nbf-q-answer"), "ArrowLeft", { altKey: true });
    expect(q("nbf-record-save").textContent).toContain("Not saved");
    expect(q<HTMLTextAreaElement>("nbf-q-answer").value).toBe("lost?");
  });
});
