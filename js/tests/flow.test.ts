/** The keyboard flow: one Tab stop per comparison, ties refused among three or more, scroll keys
 * kept in a long field's box. */
import { describe, expect, it } from "vitest";
import type { RecordPayload, SchemaPayload } from "../src/protocol";
import { makeRecord } from "./fake-model";
import { mountWidget, press, type } from "./helpers";

function field(name: string) {
  return { kind: "text_field" as const, name, title: name, required: true, use_markdown: false };
}

function comparison(options: string[], ties = false) {
  const schema: SchemaPayload = {
    fields: [field("prompt"), ...options.map(field)],
    questions: [
      {
        kind: "ranking_question",
        name: "better",
        title: "Which is better?",
        description: null,
        required: true,
        values: options.map((o) => ({ value: o, text: o })),
        ties,
        compared_fields: options, // the kernel's rule (schema_payload)
      },
      {
        kind: "text_question",
        name: "answer",
        title: "Answer",
        description: null,
        required: false,
        use_markdown: false,
      },
    ],
    guidelines: null,
  };
  const fields: Record<string, string> = { prompt: "Q" };
  for (const o of options) fields[o] = `text ${o}`;
  const rec: RecordPayload = makeRecord(0, { fields });
  return mountWidget({ schema, window: [rec], total: 1 });
}

/** Elements of `el` that Tab stops on (in jsdom: focusable and not taken out by tabindex -1). */
function tabStops(el: Element): Element[] {
  return [...el.querySelectorAll("button, input, textarea, select, [tabindex]")].filter(
    (e) => (e as HTMLElement).tabIndex >= 0 && !(e as HTMLButtonElement).disabled,
  );
}

describe("comparisons take one Tab stop", () => {
  it("two: the three picks are a radio group with one stop, arrows and digits", () => {
    const { q } = comparison(["a", "b"], true);
    expect(tabStops(q("nbf-q-better"))).toEqual([q("nbf-pick-1")]);
    press(q("nbf-pick-1"), "1");
    expect(tabStops(q("nbf-q-better"))).toEqual([q("nbf-pick-1")]);
    press(q("nbf-pick-1"), "ArrowRight");
    expect(q("nbf-pick-tie").getAttribute("aria-checked")).toBe("true");
    expect(document.activeElement).toBe(q("nbf-pick-tie"));
    expect(tabStops(q("nbf-q-better"))).toEqual([q("nbf-pick-tie")]);
    press(q("nbf-pick-tie"), "ArrowLeft");
    expect(q("nbf-pick-1").getAttribute("aria-checked")).toBe("true");
  });

  it("four: one stop for the responses (not one per rank button)", () => {
    const { q } = comparison(["a", "b", "c", "d"]);
    expect(tabStops(q("nbf-q-better"))).toEqual([q("nbf-candidate-1")]);
    q("nbf-candidate-1").focus();
    press(q("nbf-candidate-1"), "ArrowDown");
    expect(tabStops(q("nbf-q-better"))).toEqual([q("nbf-candidate-2")]);
  });

  it("a plain ranking (options naming no field) is one stop too: digits place, arrows move", async () => {
    const { q, model } = mountWidget();
    const list = q("nbf-q-rank");
    const items = () => [...list.querySelectorAll("li")];
    expect(tabStops(list)).toEqual([items()[0]]); // not two buttons per reply
    (items()[0] as HTMLElement).focus();
    press(items()[0] as Element, "ArrowDown");
    expect(document.activeElement).toBe(items()[1]);
    press(items()[1] as Element, "3"); // Reply B to the third place
    await Promise.resolve();
    expect(items().map((li) => li.getAttribute("data-value"))).toEqual(["a", "c", "b"]);
    expect(document.activeElement).toBe(items()[2]);
    expect(tabStops(list)).toEqual([items()[2]]);
    press(items()[2] as Element, "ArrowUp", { altKey: true }); // one place up
    await Promise.resolve();
    expect(items().map((li) => li.getAttribute("data-value"))).toEqual(["a", "b", "c"]);
    press(document.activeElement as Element, "1");
    await Promise.resolve();
    type(q<HTMLTextAreaElement>("nbf-q-answer"), "x");
    q("nbf-submit").click();
    expect(
      (model.messages("answer")[0] as { values: Record<string, unknown> }).values.rank,
    ).toEqual([
      { value: "b", rank: 1 },
      { value: "a", rank: 2 },
      { value: "c", rank: 3 },
    ]);
  });

  it("refuses a rank another response holds, and says so", () => {
    const { q, model } = comparison(["a", "b", "c", "d"]);
    q("nbf-candidate-1").focus();
    press(q("nbf-candidate-1"), "1");
    press(q("nbf-candidate-2"), "1");
    expect(q("nbf-rank-2-1").getAttribute("aria-pressed")).toBe("false");
    expect(q("nbf-tie-refused").hidden).toBe(false);
    expect(q("nbf-tie-refused").textContent).toContain("Rank 1 is already response 1's");
    expect(document.activeElement).toBe(q("nbf-candidate-2"));
    for (const [i, r] of [
      [2, "2"],
      [3, "3"],
      [4, "4"],
    ] as const) {
      press(q(`nbf-candidate-${i}`), r);
    }
    expect(q("nbf-tie-refused").hidden).toBe(true);
    press(q("nbf-candidate-4"), "Enter", { ctrlKey: true });
    expect(model.messages("answer")[0]?.values).toMatchObject({
      better: [{ rank: 1 }, { rank: 2 }, { rank: 3 }, { rank: 4 }],
    });
  });
});

describe("a long field's box keeps its scroll keys", () => {
  it("PageDown, Space and End scroll the box and never reach the page", () => {
    const long = makeRecord(0, { fields: { prompt: "line\n".repeat(400), context: "" } });
    const { q } = mountWidget({ window: [long], total: 1 });
    const box = q("nbf-field-prompt");
    expect(box.classList.contains("nbf-long")).toBe(true);
    for (const key of ["PageDown", " ", "End", "ArrowDown", "PageUp", "Home"]) {
      expect(press(box, key).defaultPrevented).toBe(true);
    }
    expect(press(box, "Tab").defaultPrevented).toBe(false);
    q("nbf-expand-prompt").click(); // shown whole: the notebook scrolls, as usual
    expect(press(box, "PageDown").defaultPrevented).toBe(false);
  });
});

describe("a click outside the widget", () => {
  it("takes the focus out of the answer box, and what was typed goes out as a draft", () => {
    const { q, model } = mountWidget();
    const outside = document.createElement("div");
    document.body.append(outside);
    const textbox = q<HTMLTextAreaElement>("nbf-q-answer");
    textbox.focus();
    textbox.value = "half written";
    textbox.dispatchEvent(new Event("input", { bubbles: true }));
    outside.dispatchEvent(new MouseEvent("pointerdown", { bubbles: true, composed: true }));
    expect(document.activeElement).not.toBe(textbox);
    expect(model.messages("answer")[0]).toMatchObject({
      status: "draft",
      values: { answer: "half written" },
    });
    // a click inside keeps it
    textbox.focus();
    textbox.dispatchEvent(new MouseEvent("pointerdown", { bubbles: true, composed: true }));
    expect(document.activeElement).toBe(textbox);
  });
});
