import { describe, expect, it } from "vitest";
import { MAX_LINES } from "../src/views/text-answer";
import { makeRecord, SCHEMA } from "./fake-model";
import { mountWidget, type } from "./helpers";

describe("a layout made for writing", () => {
  it("grows the answer box with its text up to a cap, then it scrolls", () => {
    const { q } = mountWidget();
    const box = q<HTMLTextAreaElement>("nbf-q-answer");
    const before = box.rows;
    type(box, Array.from({ length: 10 }, (_, i) => `line ${i}`).join("\n"));
    expect(box.rows).toBeGreaterThanOrEqual(11);
    expect(box.rows).toBeGreaterThan(before);
    type(box, Array.from({ length: 200 }, (_, i) => `line ${i}`).join("\n"));
    expect(box.rows).toBe(MAX_LINES);
    type(box, "short");
    expect(box.rows).toBe(before);
  });

  it("lays every field and answer out in the writer's direction", () => {
    const rtl = makeRecord(0, {
      fields: { prompt: "מה השעה?", context: "فقرة أولى\n\n| a | b |\n|---|---|\n| ١ | ٢ |" },
    });
    const { q, el } = mountWidget({ window: [rtl, makeRecord(1)] });
    expect(q("nbf-field-prompt").getAttribute("dir")).toBe("auto");
    const context = q("nbf-field-context");
    expect(context.getAttribute("dir")).toBe("auto");
    const blocks = context.querySelectorAll("p, td, th");
    expect(blocks.length).toBeGreaterThan(0);
    for (const b of blocks) expect(b.getAttribute("dir")).toBe("auto");
    expect(q("nbf-q-answer").getAttribute("dir")).toBe("auto");
    expect(el.querySelectorAll('textarea:not([dir="auto"])')).toHaveLength(0);
  });

  it("shows that a long field continues, scrollable and expandable by keyboard", () => {
    const long = "A long prompt line.\n".repeat(80);
    const { q } = mountWidget({
      window: [makeRecord(0, { fields: { prompt: long, context: "x" } })],
    });
    const body = q("nbf-field-prompt");
    expect(body.classList.contains("nbf-long")).toBe(true);
    expect(body.getAttribute("tabindex")).toBe("0");
    expect(body.getAttribute("role")).toBe("region");
    expect(body.getAttribute("aria-label")).toBe("Prompt (scrolls)");
    const toggle = q<HTMLButtonElement>("nbf-expand-prompt");
    expect(toggle.textContent).toContain("81 lines");
    expect(toggle.getAttribute("aria-expanded")).toBe("false");
    toggle.click();
    expect(toggle.getAttribute("aria-expanded")).toBe("true");
    expect(body.classList.contains("nbf-long")).toBe(false);
    // a short field is shown whole, with no box and no button
    expect(q("nbf-field-context").classList.contains("nbf-long")).toBe(false);
    expect(q("nbf-field-context").hasAttribute("tabindex")).toBe(false);
  });

  it("renders markdown tables and code readably", () => {
    const md =
      "| col | other |\n|---|---|\n| 1 | 2 |\n\n```\ncode line\n```\n\nhttps://example.org/a/very/long/url";
    const { q } = mountWidget({
      window: [makeRecord(0, { fields: { prompt: "p", context: md } })],
    });
    const context = q("nbf-field-context");
    expect(context.querySelectorAll("table th")).toHaveLength(2);
    expect(context.querySelector("pre code")?.textContent).toBe("code line\n");
    expect(context.querySelector("a")?.getAttribute("href")).toBe(
      "https://example.org/a/very/long/url",
    );
  });

  it("previews a use_markdown text answer as it is typed", () => {
    const schema = {
      ...SCHEMA,
      questions: SCHEMA.questions.map((question) =>
        question.kind === "text_question" ? { ...question, use_markdown: true } : question,
      ),
    };
    const { q } = mountWidget({ schema });
    const preview = q("nbf-preview");
    type(q<HTMLTextAreaElement>("nbf-q-answer"), "Some **bold** and <img src=x onerror=alert(1)>");
    expect(preview.querySelector("strong")?.textContent).toBe("bold");
    expect(preview.querySelector("[onerror]")).toBeNull();
    // without use_markdown there is no preview
    const plain = mountWidget();
    expect(plain.el.querySelector('[data-testid="nbf-preview"]')).toBeNull();
  });

  it("keeps the answer buttons with the answers", () => {
    const { q } = mountWidget();
    const questions = q("nbf-q-answer").closest(".nbf-questions");
    expect(questions?.contains(q("nbf-submit"))).toBe(true);
    expect(questions?.contains(q("nbf-discard"))).toBe(true);
  });
});
