import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { makeRecord } from "./fake-model";
import { mountWidget, press, settle, type } from "./helpers";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const TEAM = { total: 10, completed: 3, pending: 7, min_submitted: 2, news_ms: 2000 };

describe("team mode", () => {
  it("shows the team's progress and asks for news on a timer, only in team mode", async () => {
    const solo = mountWidget();
    vi.advanceTimersByTime(10_000);
    expect(solo.model.messages("news")).toHaveLength(0);
    expect(solo.q("nbf-team").closest(".nbf-team")?.hasAttribute("hidden")).toBe(true);

    const { q, model, cleanup } = mountWidget({ team: TEAM, status_filter: "queue" });
    expect(q("nbf-team").textContent).toBe("team: 3 of 10 records completed (2 answers each)");
    vi.advanceTimersByTime(4100);
    const news = model.messages("news");
    expect(news).toHaveLength(2);
    expect(news[0]?.request_id).not.toBe(news[1]?.request_id);
    model.update({ team: { ...TEAM, completed: 4 } });
    await settle(); // trait changes are applied together, in a microtask
    expect(q("nbf-team").textContent).toContain("4 of 10");
    cleanup();
    vi.advanceTimersByTime(10_000);
    expect(model.messages("news")).toHaveLength(2); // the timer stopped with the view
  });

  it("moves on when others complete the shown record, keeping the typed text as a draft", async () => {
    const { q, model } = mountWidget({ team: TEAM, status_filter: "queue" });
    type(q<HTMLTextAreaElement>("nbf-q-answer"), "half written");
    const window = model
      .get("window")
      .map((r, i) => (i === 0 ? { ...r, record_status: "completed" as const } : r));
    model.update({ window });
    await settle();
    expect(q("nbf-position").textContent).toBe("Record 2 of 10");
    expect(q("nbf-team-notice").textContent).toBe(
      "Record 1 was completed by other annotators; what you typed is kept as a draft",
    );
    const drafts = model.messages("answer");
    expect(drafts).toHaveLength(1);
    expect(drafts[0]).toMatchObject({
      record_id: "r0",
      status: "draft",
      values: { answer: "half written" },
    });
  });

  it("says the draft is kept when it was already sent before the news came", async () => {
    const { q, model } = mountWidget({ team: TEAM, status_filter: "queue" });
    type(q<HTMLTextAreaElement>("nbf-q-answer"), "typed a while ago");
    vi.advanceTimersByTime(1500); // the draft went out after the pause in typing
    expect(model.messages("answer")).toHaveLength(1);
    const window = model
      .get("window")
      .map((r, i) => (i === 0 ? { ...r, record_status: "completed" as const } : r));
    model.update({ window });
    await settle();
    expect(q("nbf-position").textContent).toBe("Record 2 of 10");
    expect(q("nbf-team-notice").textContent).toContain("what you typed is kept as a draft");
    expect(model.messages("answer")).toHaveLength(1); // nothing sent twice
  });

  it("stays on a record completed elsewhere in the plain dataset order", async () => {
    const { q, model } = mountWidget({ team: TEAM, status_filter: "all" });
    const window = model.get("window").map((r) => ({ ...r, record_status: "completed" as const }));
    model.update({ window });
    await settle();
    expect(q("nbf-position").textContent).toBe("Record 1 of 10");
  });
});

describe("review", () => {
  const answers = [
    {
      user: "bob",
      values: { answer: "bob's reply", quality: 2 },
      status: "submitted" as const,
      updated_at: 1,
    },
    { user: "cy", values: { answer: "cy's reply" }, status: "submitted" as const, updated_at: 2 },
  ];

  it("shows every answer with its author and submits a picked, edited one with its source", () => {
    const window = [0, 1, 2].map((i) => makeRecord(i, { answers }));
    const { q, el, model } = mountWidget({ review: true, window, total: 3 });
    const cards = el.querySelectorAll('[data-testid="nbf-review-answer"]');
    expect([...cards].map((c) => c.getAttribute("aria-label"))).toEqual([
      "Answer by bob",
      "Answer by cy",
    ]);
    expect(cards[0]?.textContent).toContain("bob's reply");
    expect(cards[0]?.textContent).toContain("Quality: 2");
    const box = q<HTMLTextAreaElement>("nbf-q-answer");
    // Alt+2 takes cy's answer into the inputs, with the focus in the first one
    press(box, "2", { altKey: true, code: "Digit2" });
    const picked = q<HTMLTextAreaElement>("nbf-q-answer");
    expect(picked.value).toBe("cy's reply");
    type(picked, "cy's reply, fixed");
    press(picked, "Enter", { ctrlKey: true });
    const sent = model.messages("answer");
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      record_id: "r0",
      status: "submitted",
      values: { answer: "cy's reply, fixed" },
      source: "cy",
    });
    // a new answer written from scratch names no source
    const next = q<HTMLTextAreaElement>("nbf-q-answer");
    type(next, "my own");
    press(next, "Enter", { ctrlKey: true });
    expect(model.messages("answer")[1]?.source).toBeUndefined();
  });

  it("picks with the Use buttons too", () => {
    const window = [makeRecord(0, { answers })];
    const { q } = mountWidget({ review: true, window, total: 1 });
    const use = q("nbf-review-use-0");
    // its chord shows on it (kept out of its name) and in the ? list
    expect(use.querySelector("kbd")?.textContent).toBe("Alt+1");
    expect(use.classList.contains("nbf-btn")).toBe(true);
    expect(q("nbf-help").textContent).toContain("Alt+1 … 9");
    use.click();
    expect(q<HTMLTextAreaElement>("nbf-q-answer").value).toBe("bob's reply");
  });
});
