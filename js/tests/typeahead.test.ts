import { describe, expect, it } from "vitest";
import { makeRecord } from "./fake-model";
import { mountWidget, press, settle, type } from "./helpers";

/** Presses each character as a key on whatever has the focus, as a fast typist would. */
function typeKeys(text: string): void {
  for (const ch of text) {
    const target = document.activeElement ?? document.body;
    const event = press(target, ch, { code: `Key${ch.toUpperCase()}` });
    // what the browser does with a key nobody prevented: type it into a text box
    if (!event.defaultPrevented && target instanceof HTMLTextAreaElement) {
      target.setRangeText(ch, target.selectionStart, target.selectionEnd, "end");
      target.dispatchEvent(new Event("input", { bubbles: true }));
    }
  }
}

describe("typing ahead of the kernel loses no key", () => {
  it("holds keys typed while a record loads, says so, and plays them into it", async () => {
    // the window holds records 0 and 1 only: record 3 is not here yet
    const { q, model } = mountWidget({ window: [0, 1].map((i) => makeRecord(i)), total: 5 });
    for (const text of ["one", "two", "three"]) {
      type(q<HTMLTextAreaElement>("nbf-q-answer"), "");
      typeKeys(text);
      press(document.activeElement as Element, "Enter", { ctrlKey: true });
      if (text === "two") break;
    }
    // record 3 is loading: keys typed now are held, and the view says how many
    expect(q("nbf-loading").textContent).toContain("Loading record 3…");
    typeKeys("three");
    press(document.activeElement as Element, "Tab");
    press(document.activeElement as Element, "5");
    press(document.activeElement as Element, "Enter", { ctrlKey: true });
    typeKeys("four");
    expect(q("nbf-loading").textContent).toContain("12 key(s) you typed are held");
    expect(model.messages("answer")).toHaveLength(2);

    model.update({ window: [1, 2, 3, 4].map((i) => makeRecord(i)), window_start: 1 });
    await settle();
    const answers = model.messages("answer");
    expect(answers.map((m) => [m.record_id, m.values])).toEqual([
      ["r0", { answer: "one" }],
      ["r1", { answer: "two" }],
      ["r2", { answer: "three", quality: 5 }],
    ]);
    // the keys after the last Ctrl+Enter went into the record after it
    expect(q("nbf-position").textContent).toBe("Record 4 of 5");
    expect(q<HTMLTextAreaElement>("nbf-q-answer").value).toBe("four");
    expect(document.activeElement).toBe(q("nbf-q-answer"));
  });

  it("keys typed into the Go to box while loading are not held", async () => {
    const { q, model } = mountWidget({ window: [makeRecord(0)], total: 3 });
    press(q("nbf-q-answer"), "ArrowRight", { altKey: true });
    expect(q("nbf-loading")).toBeTruthy();
    const jump = q<HTMLInputElement>("nbf-jump");
    const event = press(jump, "3");
    expect(event.defaultPrevented).toBe(false);
    model.update({ window: [0, 1, 2].map((i) => makeRecord(i)) });
    await settle();
    expect(q<HTMLTextAreaElement>("nbf-q-answer").value).toBe("");
  });
});
