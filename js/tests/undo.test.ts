import { describe, expect, it } from "vitest";
import { makeRecord } from "./fake-model";
import { mountWidget, press, type } from "./helpers";

function answerAll(q: ReturnType<typeof mountWidget>["q"], text: string): void {
  type(q<HTMLTextAreaElement>("nbf-q-answer"), text);
  q("nbf-q-quality").querySelector<HTMLInputElement>('input[value="4"]')?.click();
  q("nbf-q-topic").querySelector<HTMLInputElement>('input[value="code"]')?.click();
}

function shown(q: ReturnType<typeof mountWidget>["q"]) {
  return {
    answer: q<HTMLTextAreaElement>("nbf-q-answer").value,
    quality: q("nbf-q-quality").querySelector<HTMLInputElement>("input:checked")?.value,
    topic: q("nbf-q-topic").querySelector<HTMLInputElement>("input:checked")?.value,
  };
}

describe("Undo gives back the whole earlier state, from anywhere, and Redo gives it again", () => {
  it("Alt+Z in the next record's answer box brings every answer of the record back", () => {
    const { q, model } = mountWidget();
    answerAll(q, "my reply");
    press(q("nbf-q-answer"), "Enter", { ctrlKey: true });
    expect(q("nbf-position").textContent).toBe("Record 2 of 10");
    const box = q<HTMLTextAreaElement>("nbf-q-answer");
    expect(document.activeElement).toBe(box);
    const event = press(box, "z", { altKey: true, code: "KeyZ" });
    expect(event.defaultPrevented).toBe(true); // no "Ω" typed on macOS
    expect(model.messages("undo")).toMatchObject([{ record_id: "r0" }]);
    expect(q("nbf-position").textContent).toBe("Record 1 of 10");
    expect(shown(q)).toEqual({ answer: "my reply", quality: "4", topic: "code" });
    expect(q("nbf-status").textContent).toBe("draft");
    expect(document.activeElement).toBe(q("nbf-q-answer"));
    expect(q("nbf-notice").textContent).toContain("draft again, with your answers kept");
    // leave and come back: still there (the kernel holds it as a draft; the view too meanwhile)
    press(q("nbf-q-answer"), "ArrowRight", { altKey: true });
    press(q("nbf-q-answer"), "ArrowLeft", { altKey: true });
    expect(shown(q)).toEqual({ answer: "my reply", quality: "4", topic: "code" });
  });

  it("an edit of a submitted answer undone shows the earlier submitted answer, in every input", () => {
    const earlier = makeRecord(0, {
      response: {
        values: { answer: "old", quality: 2, topic: "math" },
        status: "submitted",
        updated_at: 1,
      },
    });
    const { q } = mountWidget({ window: [earlier, makeRecord(1), makeRecord(2)] });
    answerAll(q, "new");
    press(q("nbf-q-answer"), "Enter", { ctrlKey: true });
    press(q("nbf-q-answer"), "z", { altKey: true, code: "KeyZ" });
    expect(shown(q)).toEqual({ answer: "old", quality: "2", topic: "math" });
    expect(q("nbf-status").textContent).toBe("submitted");
  });

  it("Alt+Shift+Z redoes: the answer undone is submitted again", () => {
    const { q, model } = mountWidget();
    answerAll(q, "twice");
    press(q("nbf-q-answer"), "Enter", { ctrlKey: true });
    press(q("nbf-q-answer"), "z", { altKey: true, code: "KeyZ" });
    expect(q<HTMLButtonElement>("nbf-redo").hidden).toBe(false);
    press(q("nbf-q-answer"), "Z", { altKey: true, shiftKey: true, code: "KeyZ" });
    const answers = model.messages("answer");
    expect(answers).toHaveLength(2);
    expect(answers[1]).toMatchObject({
      record_id: "r0",
      status: "submitted",
      values: { answer: "twice", quality: 4, topic: "code" },
    });
    expect(q("nbf-notice").textContent).toBe("Redone: record 1 is submitted again.");
    // and that can be undone again
    press(q("nbf-q-answer"), "z", { altKey: true, code: "KeyZ" });
    expect(model.messages("undo")).toHaveLength(2);
  });

  it("from the end of the queue, Undo keeps the text too", () => {
    const last = [8, 9].map((i) => makeRecord(i));
    const { q } = mountWidget({ window: last, window_start: 8, position: 9, total: 10 });
    answerAll(q, "the last one");
    press(q("nbf-q-answer"), "Enter", { ctrlKey: true });
    expect(q("nbf-end")).toBeTruthy();
    press(q("nbf-undo"), "z", { altKey: true, code: "KeyZ" });
    expect(shown(q)).toEqual({ answer: "the last one", quality: "4", topic: "code" });
  });

  it("the Undo button shows its chord; the ? list names Alt+Z, Alt+Shift+Z and Alt+1 … 9", () => {
    const { q } = mountWidget();
    expect(q("nbf-undo").querySelector("kbd")?.textContent).toBe("Alt+Z");
    expect(q("nbf-undo").getAttribute("aria-keyshortcuts")).toBe("Alt+Z");
    const list = q("nbf-help").textContent ?? "";
    for (const chord of ["Alt+Z", "Alt+Shift+Z", "Alt+1 … 9"]) expect(list).toContain(chord);
  });
});
