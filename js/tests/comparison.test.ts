import { describe, expect, it } from "vitest";
import type { RecordPayload, SchemaPayload } from "../src/protocol";
import { makeRecord } from "./fake-model";
import { accessibleName, mountWidget, press, type } from "./helpers";

function field(name: string, title = name) {
  return { kind: "text_field" as const, name, title, required: true, use_markdown: false };
}

function comparisonSchema(options: string[], ties = false): SchemaPayload {
  return {
    fields: [field("prompt", "Prompt"), ...options.map((o) => field(o, `Reply ${o}`))],
    questions: [
      {
        kind: "ranking_question",
        name: "better",
        title: "Which reply is better?",
        description: null,
        required: true,
        values: options.map((o) => ({ value: o, text: o })),
        ties,
        compared_fields: options, // the kernel's rule (schema_payload)
      },
    ],
    guidelines: null,
  };
}

function record(i: number, options: string[], order: string[]): RecordPayload {
  const fields: Record<string, string> = { prompt: `Question ${i}` };
  for (const o of options) fields[o] = `text of ${o} ${i}`;
  return makeRecord(i, { fields, display: { better: { order, seed: 7 + i } } });
}

function mountComparison(options: string[], order: string[], ties = false) {
  const window = [record(0, options, order), record(1, options, options)];
  return mountWidget({ schema: comparisonSchema(options, ties), window, total: 2 });
}

describe("who decides", () => {
  it("the kernel: options naming fields without its compared_fields show a plain ranking", () => {
    const schema = comparisonSchema(["a", "b"]);
    const ranking = schema.questions[0] as { compared_fields?: string[] | null };
    ranking.compared_fields = null; // e.g. the kernel found a chat field among the options
    const window = [record(0, ["a", "b"], ["b", "a"])];
    const { el } = mountWidget({ schema, window, total: 1 });
    expect(el.querySelector('[data-testid="nbf-candidate-1"]')).toBeNull();
    expect(el.querySelector('[data-testid="nbf-field-a"]')).not.toBeNull(); // a plain field
  });
});

describe("two candidates", () => {
  it("shows both texts side by side in the kernel's order, not as plain fields", () => {
    const { q, el } = mountComparison(["a", "b"], ["b", "a"]);
    expect(q("nbf-candidate-1").textContent).toContain("text of b 0");
    expect(q("nbf-candidate-2").textContent).toContain("text of a 0");
    expect(el.querySelector('[data-testid="nbf-field-a"]')).toBeNull(); // shown once only
    expect(q("nbf-field-prompt").textContent).toBe("Question 0");
    expect(accessibleName(q("nbf-q-better"))).toBe("Which reply is better?");
    expect(accessibleName(q("nbf-candidate-1"))).toBe("Response 1");
  });

  it("key 1 picks the first shown; the answer names options and carries what was shown", () => {
    const { q, model } = mountComparison(["a", "b"], ["b", "a"]);
    const pick = q("nbf-pick-1");
    pick.focus();
    press(pick, "1");
    expect(q("nbf-pick-1").getAttribute("aria-checked")).toBe("true");
    press(document.activeElement as Element, "Enter", { ctrlKey: true });
    const [msg] = model.messages("answer");
    expect(msg).toMatchObject({
      record_id: "r0",
      status: "submitted",
      values: {
        better: [
          { value: "b", rank: 1 },
          { value: "a", rank: 2 },
        ],
      },
      shown: { better: { order: ["b", "a"], seed: 7 } },
    });
  });

  it("key 0 is a tie where ties are allowed, and key 2 picks the second", () => {
    const { q, model } = mountComparison(["a", "b"], ["a", "b"], true);
    press(q("nbf-pick-1"), "0");
    expect(q("nbf-pick-tie").getAttribute("aria-checked")).toBe("true");
    press(q("nbf-pick-1"), "2");
    expect(q("nbf-pick-2").getAttribute("aria-checked")).toBe("true");
    expect(q("nbf-pick-tie").getAttribute("aria-checked")).toBe("false");
    q("nbf-submit").click();
    expect(model.messages("answer")[0]?.values).toEqual({
      better: [
        { value: "a", rank: 2 },
        { value: "b", rank: 1 },
      ],
    });
  });

  it("without ties there is no Tie pick, and key 0 says why nothing was picked", () => {
    const { q, el, model } = mountComparison(["a", "b"], ["a", "b"]);
    expect(el.querySelector('[data-testid="nbf-pick-tie"]')).toBeNull();
    press(q("nbf-pick-1"), "0");
    expect(q("nbf-tie-refused").hidden).toBe(false);
    expect(q("nbf-tie-refused").textContent).toContain("This question allows no ties");
    expect(q("nbf-pick-1").getAttribute("aria-checked")).toBe("false");
    press(q("nbf-pick-1"), "1");
    expect(q("nbf-tie-refused").hidden).toBe(true);
    q("nbf-submit").click();
    expect(model.messages("answer")).toHaveLength(1);
  });

  it("a stored tie the question does not allow is shown as a problem and not submitted", () => {
    const rec = record(0, ["a", "b"], ["a", "b"]);
    rec.response = {
      values: {
        better: [
          { value: "a", rank: 1 },
          { value: "b", rank: 1 },
        ],
      },
      status: "draft",
      updated_at: 1,
    };
    const { q, model } = mountWidget({
      schema: comparisonSchema(["a", "b"]),
      window: [rec],
      total: 1,
    });
    q("nbf-submit").click();
    expect(model.messages("answer")).toHaveLength(0);
    expect(q("nbf-q-better").getAttribute("aria-invalid")).toBe("true");
    expect(q("nbf-q-better").closest(".nbf-question")?.textContent).toContain(
      "Two responses share rank 1: this question allows no ties",
    );
    press(q("nbf-pick-1"), "2");
    q("nbf-submit").click();
    expect(model.messages("answer")[0]?.values).toEqual({
      better: [
        { value: "a", rank: 2 },
        { value: "b", rank: 1 },
      ],
    });
  });

  it("a submit with no pick is refused inline", () => {
    const { q, model } = mountComparison(["a", "b"], ["a", "b"]);
    q("nbf-submit").click();
    expect(model.messages("answer")).toHaveLength(0);
    expect(q("nbf-q-better").getAttribute("aria-invalid")).toBe("true");
  });

  it("shows a stored answer in the shuffled order", () => {
    const rec = record(0, ["a", "b"], ["b", "a"]);
    rec.response = {
      values: {
        better: [
          { value: "a", rank: 1 },
          { value: "b", rank: 2 },
        ],
      },
      status: "submitted",
      updated_at: 1,
    };
    const { q } = mountWidget({ schema: comparisonSchema(["a", "b"]), window: [rec], total: 1 });
    expect(q("nbf-pick-2").getAttribute("aria-checked")).toBe("true"); // a is shown second
    expect(q("nbf-candidate-2").classList.contains("nbf-best")).toBe(true);
  });
});

describe("three or more candidates", () => {
  it("ranks by pressing a number on each item, moving on to the next", () => {
    const options = ["a", "b", "c"];
    const { q, model } = mountComparison(options, ["c", "a", "b"]);
    expect(q("nbf-candidate-3").textContent).toContain("text of b 0");
    q("nbf-candidate-1").focus();
    press(q("nbf-candidate-1"), "2");
    expect(document.activeElement).toBe(q("nbf-candidate-2"));
    press(q("nbf-candidate-2"), "3");
    press(q("nbf-candidate-3"), "1");
    expect(q("nbf-rank-3-1").getAttribute("aria-pressed")).toBe("true");
    expect(accessibleName(q("nbf-rank-3-1"))).toBe("Rank 1 for response 3");
    press(q("nbf-candidate-3"), "Enter", { ctrlKey: true });
    expect(model.messages("answer")[0]?.values).toEqual({
      better: [
        { value: "c", rank: 2 },
        { value: "a", rank: 3 },
        { value: "b", rank: 1 },
      ],
    });
  });

  it("refuses a rank another response holds, unless the question allows ties", () => {
    const strict = mountComparison(["a", "b", "c"], ["a", "b", "c"]);
    strict.q("nbf-candidate-1").focus();
    press(strict.q("nbf-candidate-1"), "1");
    press(strict.q("nbf-candidate-2"), "1");
    expect(strict.q("nbf-tie-refused").textContent).toContain(
      "Rank 1 is already response 1's: this question allows no ties",
    );
    expect(strict.q("nbf-rank-2-1").getAttribute("aria-pressed")).toBe("false");
    strict.el.remove();
    const loose = mountComparison(["a", "b", "c"], ["a", "b", "c"], true);
    loose.q("nbf-candidate-1").focus();
    for (const k of ["1", "1", "2"]) press(document.activeElement as Element, k);
    expect(loose.q("nbf-tie-refused").hidden).toBe(true);
    press(document.activeElement as Element, "Enter", { ctrlKey: true });
    expect(loose.model.messages("answer")[0]?.values).toEqual({
      better: [
        { value: "a", rank: 1 },
        { value: "b", rank: 1 },
        { value: "c", rank: 2 },
      ],
    });
  });

  it("ignores numbers out of range and arrow keys move between items", () => {
    const { q } = mountComparison(["a", "b", "c"], ["a", "b", "c"]);
    q("nbf-candidate-1").focus();
    press(q("nbf-candidate-1"), "7");
    expect(q("nbf-rank-1-1").getAttribute("aria-pressed")).toBe("false");
    press(q("nbf-candidate-1"), "ArrowDown");
    expect(document.activeElement).toBe(q("nbf-candidate-2"));
  });
});

describe("a pre-filled suggestion", () => {
  it("is marked as the model's until accepted with Alt+A, and is sent as shown", () => {
    const rec = makeRecord(0, {
      suggestions: { answer: { value: "Model draft", agent: "tiny-llm", score: 0.5 } },
    });
    const { q, model } = mountWidget({ window: [rec], total: 1 });
    const box = q<HTMLTextAreaElement>("nbf-q-answer");
    const question = box.closest(".nbf-question") as HTMLElement;
    expect(box.value).toBe("Model draft");
    expect(question.classList.contains("nbf-from-model")).toBe(true);
    expect(q("nbf-suggested-answer").textContent).toContain("tiny-llm");
    press(box, "a", { altKey: true, code: "KeyA" });
    expect(question.classList.contains("nbf-from-model")).toBe(false);
    q("nbf-submit").click();
    expect(model.messages("answer")[0]).toMatchObject({
      values: { answer: "Model draft" },
      shown: { answer: { suggestion: "Model draft", agent: "tiny-llm" } },
    });
  });

  it("loses the mark when the labeler edits it", () => {
    const rec = makeRecord(0, {
      suggestions: { answer: { value: "Model draft", agent: null, score: null } },
    });
    const { q } = mountWidget({ window: [rec], total: 1 });
    const box = q<HTMLTextAreaElement>("nbf-q-answer");
    type(box, "My own text");
    expect(box.closest(".nbf-question")?.classList.contains("nbf-from-model")).toBe(false);
  });
});
