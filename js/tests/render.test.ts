import { describe, expect, it } from "vitest";
import { markdownToHtml } from "../src/markdown";
import { MEMORY_ONLY } from "../src/views/status-bar";
import { makeRecord, SCHEMA } from "./fake-model";
import { accessibleName, mountWidget, settle } from "./helpers";

const EVIL = '<script>alert(1)</script><img src=x onerror="alert(2)"> [x](javascript:alert(1))';

describe("record text is untrusted", () => {
  it("renders markdown fields sanitized: no script, no on* attribute, no javascript: href", () => {
    const rec = makeRecord(0, { fields: { prompt: "plain", context: EVIL } });
    const { q, el } = mountWidget({ window: [rec, makeRecord(1)] });
    const field = q("nbf-field-context");
    expect(field.querySelectorAll("script")).toHaveLength(0);
    expect(el.querySelectorAll("script")).toHaveLength(0);
    for (const node of el.querySelectorAll("*")) {
      for (const attr of node.attributes) {
        expect(attr.name.startsWith("on"), `${node.tagName} has ${attr.name}`).toBe(false);
        expect(attr.value.toLowerCase()).not.toContain("javascript:");
      }
    }
    // The harmless parts survive: the image (without handler) and the link text.
    expect(field.querySelector("img")?.getAttribute("src")).toBe("x");
    expect(field.textContent).toContain("x");
  });

  it("shows HTML in a plain field literally, as text", () => {
    const rec = makeRecord(0, { fields: { prompt: EVIL, context: "" } });
    const { q } = mountWidget({ window: [rec] });
    const field = q("nbf-field-prompt");
    expect(field.querySelector("script, img, a")).toBeNull();
    expect(field.textContent).toContain("<script>alert(1)</script>");
    expect(field.textContent).toContain('onerror="alert(2)"');
  });

  it("opens markdown links in a new tab with rel=noopener", () => {
    const rec = makeRecord(0, {
      fields: { prompt: "p", context: "[site](https://example.org)" },
    });
    const { q } = mountWidget({ window: [rec] });
    const link = q("nbf-field-context").querySelector("a");
    expect(link?.getAttribute("href")).toBe("https://example.org");
    expect(link?.getAttribute("target")).toBe("_blank");
    expect(link?.getAttribute("rel")).toContain("noopener");
  });
});

describe("markdown keeps its structure", () => {
  it("reads a single line break as soft, a blank line as a new paragraph", () => {
    const html = markdownToHtml("one line\nthe same paragraph\n\na new one");
    expect(html).not.toContain("<br");
    expect(html.match(/<p>/g)).toHaveLength(2);
  });
  it("keeps headings, numbered lists and code blocks as their elements", () => {
    const html = markdownToHtml("# T\n\n3. c\n4. d\n\n- x\n\n```\ncode\n```");
    expect(html).toContain("<h1>");
    expect(html).toContain('<ol start="3">');
    expect(html).toContain("<ul>");
    expect(html).toContain("<pre><code>");
  });
});

describe("layout and accessible names", () => {
  it("names the buttons Submit, Discard, Previous, Next and Undo", () => {
    const { q } = mountWidget();
    const names = ["submit", "discard", "prev", "next", "undo"].map((id) =>
      accessibleName(q(`nbf-${id}`)),
    );
    expect(names).toEqual(["Submit", "Discard", "Previous", "Next", "Undo"]);
    for (const id of ["submit", "discard", "prev", "next", "undo"]) {
      expect(q(`nbf-${id}`).tagName).toBe("BUTTON");
    }
  });

  it("names every question input by its title and marks required ones", () => {
    const { q } = mountWidget();
    for (const question of SCHEMA.questions) {
      expect(accessibleName(q(`nbf-q-${question.name}`))).toBe(question.title);
    }
    expect(q("nbf-q-answer").tagName).toBe("TEXTAREA");
    expect(q("nbf-q-answer").getAttribute("aria-required")).toBe("true");
    expect(q("nbf-q-quality").getAttribute("role")).toBe("radiogroup");
    expect(q("nbf-q-topic").getAttribute("role")).toBe("radiogroup");
    expect(q("nbf-q-flags").getAttribute("role")).toBe("group");
    expect(q("nbf-q-flags").querySelectorAll("input[type=checkbox]")).toHaveLength(3);
    expect(q("nbf-q-quality").querySelectorAll("input[type=radio]")).toHaveLength(5);
  });

  it("names the jump input and the status filter", () => {
    const { el } = mountWidget();
    expect(el.querySelector('input[aria-label="Jump to record"]')).not.toBeNull();
    const select = el.querySelector('select[aria-label="Status filter"]') as HTMLSelectElement;
    expect([...select.options].map((o) => o.value)).toEqual([
      "all",
      "queue",
      "pending",
      "draft",
      "submitted",
      "discarded",
    ]);
  });

  it("shows fields, annotator, position, status and progress with counts", () => {
    const { q, el } = mountWidget({
      position: 2,
      total: 120,
      counts: { pending: 100, draft: 5, submitted: 12, discarded: 3, total: 120 },
    });
    expect(q("nbf-field-prompt").textContent).toContain("Prompt number 2");
    expect(q("nbf-position").textContent).toBe("Record 3 of 120");
    expect(q("nbf-status").textContent).toBe("pending");
    expect(el.textContent).toContain("ada");
    const progress = q("nbf-progress");
    expect(progress.getAttribute("role")).toBe("progressbar");
    expect(progress.getAttribute("aria-valuenow")).toBe("15");
    expect(progress.getAttribute("aria-valuemax")).toBe("120");
    expect(el.textContent).toContain("submitted 12");
    expect(el.querySelector('[aria-live="polite"]')).not.toBeNull();
  });

  it("renders guidelines as collapsible sanitized markdown", () => {
    const { q } = mountWidget();
    const details = q("nbf-guidelines");
    expect(details.tagName).toBe("DETAILS");
    expect(details.querySelector("summary")?.textContent).toBe("Guidelines");
    expect(details.querySelector("strong")?.textContent).toBe("kind");
  });

  it("puts data-lm-suppress-shortcuts on the root and on every focusable element", () => {
    const rec = makeRecord(0, { fields: { prompt: "p", context: "[a](https://a.org)" } });
    const { q, el } = mountWidget({ window: [rec, makeRecord(1)] });
    expect(q("nbf-root").getAttribute("data-lm-suppress-shortcuts")).toBe("true");
    const focusables = el.querySelectorAll(
      "a, button, input, select, textarea, details, summary, [tabindex]",
    );
    expect(focusables.length).toBeGreaterThan(20);
    for (const node of focusables) {
      expect(node.getAttribute("data-lm-suppress-shortcuts"), node.outerHTML).toBe("true");
    }
  });

  it("says so when answers live in memory only", () => {
    const memory = mountWidget({ persistent: false });
    const notice = memory.q("nbf-memory-notice");
    expect(notice.hidden).toBe(false);
    expect(notice.textContent).toBe(MEMORY_ONLY);
    expect(notice.textContent).toBe(
      "Answers live in memory only: call dataset.save(path) to keep them",
    );
    const saved = mountWidget({ persistent: true });
    expect(saved.q("nbf-memory-notice").hidden).toBe(true);
  });

  it("shows the error trait in an alert", async () => {
    const { q, model } = mountWidget();
    expect(q("nbf-error").hidden).toBe(true);
    model.update({ error: "position 99 is out of range" });
    await settle();
    expect(q("nbf-error").hidden).toBe(false);
    expect(q("nbf-error").getAttribute("role")).toBe("alert");
    expect(q("nbf-error").textContent).toBe("position 99 is out of range");
  });

  it("pre-fills a suggestion and says who suggested it", () => {
    const rec = makeRecord(0, {
      suggestions: {
        answer: { value: "model says hi", agent: "gpt-x", score: 0.9 },
        quality: { value: 4, agent: "judge", score: null },
      },
    });
    const { q } = mountWidget({ window: [rec] });
    expect(q<HTMLTextAreaElement>("nbf-q-answer").value).toBe("model says hi");
    expect(q("nbf-q-quality").querySelector<HTMLInputElement>("input:checked")?.value).toBe("4");
    expect(q("nbf-q-answer").parentElement?.textContent).toContain("suggested by gpt-x");
  });

  it("pre-fills the existing response rather than the suggestion", () => {
    const rec = makeRecord(0, {
      suggestions: { answer: { value: "suggested", agent: "m", score: null } },
      response: {
        values: { answer: "mine", flags: ["pii"], rank: [{ value: "c", rank: 1 }] },
        status: "submitted",
        updated_at: 1,
      },
    });
    const { q } = mountWidget({ window: [rec] });
    expect(q<HTMLTextAreaElement>("nbf-q-answer").value).toBe("mine");
    expect(q("nbf-q-answer").parentElement?.textContent).not.toContain("suggested by");
    expect(q("nbf-q-flags").querySelector<HTMLInputElement>("input:checked")?.value).toBe("pii");
    expect(q("nbf-q-rank").querySelector("li")?.getAttribute("data-value")).toBe("c");
    expect(q("nbf-status").textContent).toBe("submitted");
  });

  it("removes its listeners and DOM on cleanup", () => {
    const { model, cleanup, el } = mountWidget();
    expect(model.listenerCount()).toBeGreaterThan(0);
    cleanup();
    expect(model.listenerCount()).toBe(0);
    expect(el.querySelector('[data-testid="nbf-root"]')).toBeNull();
  });
});
