import { describe, expect, it } from "vitest";
import type { RecordPayload, SchemaPayload } from "../src/protocol";
import { makeRecord } from "./fake-model";
import { mountWidget, press } from "./helpers";

const TEXT = "Ada Lovelace met Charles Babbage in London.";

function spanSchema(allowOverlapping = false): SchemaPayload {
  return {
    fields: [
      { kind: "text_field", name: "text", title: "Text", required: true, use_markdown: false },
    ],
    questions: [
      {
        kind: "span_question",
        name: "ents",
        title: "Entities",
        description: null,
        required: true,
        field: "text",
        labels: [
          { value: "PER", text: "Person" },
          { value: "LOC", text: "Place" },
        ],
        allow_overlapping: allowOverlapping,
        visible_labels: null,
      },
    ],
    guidelines: null,
  };
}

function mountSpans(text = TEXT, extra: Partial<RecordPayload> = {}, allowOverlapping = false) {
  const window = [
    makeRecord(0, { fields: { text }, ...extra }),
    makeRecord(1, { fields: { text } }),
  ];
  const mounted = mountWidget({ schema: spanSchema(allowOverlapping), window, total: 2 });
  const editor = mounted.q("nbf-q-ents");
  editor.focus();
  return { ...mounted, editor };
}

function keys(el: HTMLElement, ...names: (string | [string, KeyboardEventInit])[]): number {
  for (const k of names) {
    if (Array.isArray(k)) press(el, k[0], k[1]);
    else press(el, k);
  }
  return names.length;
}

function submitted(model: ReturnType<typeof mountSpans>["model"]): unknown {
  const answers = model.messages("answer");
  return (answers[answers.length - 1] as Record<string, unknown>).values;
}

describe("span editor, by keyboard", () => {
  it("submits a text with nothing marked as no spans (a required question never blocks it)", () => {
    const { editor, model } = mountSpans("Nothing to mark here.");
    press(editor, "Enter", { ctrlKey: true });
    expect(submitted(model)).toEqual({ ents: [] });
    const answers = model.messages("answer");
    expect((answers[answers.length - 1] as Record<string, unknown>).status).toBe("submitted");
  });

  it("selects by word and labels by digit: 3 keys a span", () => {
    const { editor, q, model } = mountSpans();
    // "Ada Lovelace": two word steps with Shift, then 1 (Person)
    const used = keys(
      editor,
      ["ArrowRight", { ctrlKey: true, shiftKey: true }],
      ["ArrowRight", { ctrlKey: true, shiftKey: true }],
      "1",
    );
    expect(used).toBe(3);
    // "London": the caret walks there by word; a digit with no selection labels the word at the caret
    keys(editor, ...Array(5).fill(["ArrowRight", { ctrlKey: true }]), "2");
    expect(q("nbf-span-list-ents").textContent).toContain("Person “Ada Lovelace”");
    expect(q("nbf-span-list-ents").textContent).toContain("Place “London”");
    // the span carries its label as text next to the highlight
    const marks = q("nbf-span-text-ents").querySelectorAll(".nbf-span-mark");
    expect([...marks].map((m) => m.textContent)).toEqual(["Ada Lovelace", "London"]);
    press(editor, "Enter", { ctrlKey: true });
    expect(submitted(model)).toEqual({
      ents: [
        { start: 0, end: 12, label: "PER" },
        { start: 36, end: 42, label: "LOC" },
      ],
    });
  });

  it("moves by character, extends with Shift, and Ctrl+arrows stay in the editor", () => {
    const { editor, model, q } = mountSpans();
    keys(
      editor,
      "ArrowRight",
      ["ArrowRight", { shiftKey: true }],
      ["ArrowRight", { shiftKey: true }],
      "1",
    );
    const event = press(editor, "ArrowRight", { ctrlKey: true });
    expect(event.defaultPrevented).toBe(true);
    expect(q("nbf-position").textContent).toBe("Record 1 of 2"); // not the next record
    press(editor, "Enter", { ctrlKey: true });
    expect(submitted(model)).toEqual({ ents: [{ start: 1, end: 3, label: "PER" }] });
  });

  it("removes the span at the caret with Delete, and refuses overlaps by replacing", () => {
    const { editor, q } = mountSpans();
    keys(editor, ["End", { shiftKey: true }], "1"); // the whole text as a person
    keys(editor, "Home", ["ArrowRight", { ctrlKey: true, shiftKey: true }], "2"); // "Ada": overlaps
    expect(q("nbf-span-list-ents").querySelectorAll("li")).toHaveLength(1);
    expect(q("nbf-span-list-ents").textContent).toContain("Place “Ada”");
    keys(editor, ["ArrowLeft", {}], "Delete");
    expect(q("nbf-span-list-ents").querySelectorAll("li")).toHaveLength(0);
  });

  it("keeps overlapping spans when the question allows them", () => {
    const { editor, q } = mountSpans(TEXT, {}, true);
    keys(
      editor,
      ["ArrowRight", { ctrlKey: true, shiftKey: true }],
      ["ArrowRight", { ctrlKey: true, shiftKey: true }],
      "1",
    );
    keys(editor, "Home", ["ArrowRight", { ctrlKey: true, shiftKey: true }], "2");
    expect(q("nbf-span-list-ents").querySelectorAll("li")).toHaveLength(2);
    expect(q("nbf-span-text-ents").querySelector(".nbf-span-nested")?.textContent).toBe("Ada");
  });

  it("counts offsets in code points, as Python does", () => {
    const { editor, model } = mountSpans("🙂 Ada");
    keys(editor, ["End", {}], ["ArrowLeft", { ctrlKey: true, shiftKey: true }], "1");
    press(editor, "Enter", { ctrlKey: true });
    expect(submitted(model)).toEqual({ ents: [{ start: 2, end: 5, label: "PER" }] });
  });

  it("reads right-to-left text in logical order: ← moves forward", () => {
    const { editor, model, q } = mountSpans("שלום עולם");
    expect(q("nbf-span-text-ents").getAttribute("dir")).toBe("rtl");
    keys(editor, ["ArrowLeft", { ctrlKey: true, shiftKey: true }], "1");
    press(editor, "Enter", { ctrlKey: true });
    expect(submitted(model)).toEqual({ ents: [{ start: 0, end: 4, label: "PER" }] });
  });
});

describe("span editor, suggestions and mouse", () => {
  const suggestion = {
    value: [
      { start: 0, end: 12, label: "PER" },
      { start: 36, end: 42, label: "LOC" },
    ],
    agent: "ner-model",
    score: null,
  };

  it("pre-fills suggested spans; Enter accepts one, Delete rejects one", () => {
    const { editor, q, model } = mountSpans(TEXT, { suggestions: { ents: suggestion } });
    const list = q("nbf-span-list-ents");
    expect(list.querySelectorAll(".nbf-span-suggested")).toHaveLength(2);
    keys(editor, "ArrowRight", "Enter");
    expect(list.querySelectorAll(".nbf-span-suggested")).toHaveLength(1);
    keys(editor, ["End", {}], "ArrowLeft", "Delete");
    expect(list.querySelectorAll("li")).toHaveLength(1);
    press(editor, "Enter", { ctrlKey: true });
    expect(submitted(model)).toEqual({ ents: [{ start: 0, end: 12, label: "PER" }] });
  });

  it("Alt+A accepts every suggested span", () => {
    const { editor, q } = mountSpans(TEXT, { suggestions: { ents: suggestion } });
    press(editor, "a", { altKey: true, code: "KeyA" });
    expect(q("nbf-span-list-ents").querySelectorAll(".nbf-span-suggested")).toHaveLength(0);
  });

  it("labels a mouse selection with a click on the label", () => {
    const { editor, q, model } = mountSpans();
    const textEl = q("nbf-span-text-ents");
    const run = textEl.querySelector(".nbf-span-run") as HTMLElement;
    const node = run.firstChild as Text;
    const range = document.createRange();
    range.setStart(node, 17); // "Charles"
    range.setEnd(node, 24);
    const sel = window.getSelection() as Selection;
    sel.removeAllRanges();
    sel.addRange(range);
    textEl.dispatchEvent(new MouseEvent("mouseup", { bubbles: true }));
    q("nbf-span-label-ents-PER").click();
    press(editor, "Enter", { ctrlKey: true });
    expect(submitted(model)).toEqual({ ents: [{ start: 17, end: 24, label: "PER" }] });
  });
});
