import { describe, expect, it } from "vitest";
import type { ChatMessage, RecordPayload, SchemaPayload } from "../src/protocol";
import { makeRecord } from "./fake-model";
import { accessibleName, mountWidget, press, type } from "./helpers";

function chatSchema(): SchemaPayload {
  return {
    fields: [
      {
        kind: "chat_field",
        name: "chat",
        title: "Conversation",
        required: true,
        use_markdown: true,
      },
    ],
    questions: [
      {
        kind: "text_question",
        name: "reply",
        title: "Next assistant message",
        description: null,
        required: false,
        use_markdown: false,
      },
      {
        kind: "rating_question",
        name: "turn_rating",
        title: "Rate this turn",
        description: null,
        required: false,
        values: [1, 2, 3, 4, 5],
        turns_of: "chat",
      },
      {
        kind: "text_question",
        name: "turn_fix",
        title: "Correct this turn",
        description: null,
        required: false,
        use_markdown: false,
        turns_of: "chat",
      },
    ],
    guidelines: null,
  };
}

const LONG = Array.from({ length: 30 }, (_, i) => `line ${i}`).join("\n");

function conversation(i: number): ChatMessage[] {
  return [
    { role: "system", content: "Be brief." },
    { role: "user", content: `Question **${i}**\n\n- one\n- two` },
    { role: "assistant", content: `Answer ${i}` },
    { role: "user", content: "ما هي عاصمة المغرب؟" },
    { role: "assistant", content: LONG },
    { role: "user", content: "Thanks" },
  ];
}

function record(i: number): RecordPayload {
  return makeRecord(i, { fields: { chat: conversation(i) } });
}

function mountChat() {
  return mountWidget({ schema: chatSchema(), window: [record(0), record(1)], total: 2 });
}

describe("a chat field", () => {
  it("shows each turn with its role, its own direction and markdown structure", () => {
    const { q } = mountChat();
    const list = q("nbf-field-chat");
    expect(list.tagName).toBe("OL");
    expect(accessibleName(list)).toContain("Conversation");
    const turns = [...list.querySelectorAll<HTMLElement>("li.nbf-turn")];
    expect(turns.map((t) => t.getAttribute("aria-label"))).toEqual([
      "Turn 1 of 6, system",
      "Turn 2 of 6, user",
      "Turn 3 of 6, assistant",
      "Turn 4 of 6, user",
      "Turn 5 of 6, assistant",
      "Turn 6 of 6, user",
    ]);
    expect(turns[1]?.classList.contains("nbf-turn-user")).toBe(true);
    // markdown keeps its structure: a bold span and a list, each block in its own direction
    expect(turns[1]?.querySelector("strong")?.textContent).toBe("0");
    expect(turns[1]?.querySelectorAll("li")).toHaveLength(2);
    for (const block of turns[1]?.querySelectorAll("p, li") ?? []) {
      expect(block.getAttribute("dir")).toBe("auto");
    }
    const arabic = turns[3]?.querySelector(".nbf-turn-body");
    expect(arabic?.getAttribute("dir")).toBe("auto");
    expect(arabic?.textContent).toContain("عاصمة");
  });

  it("renders record text as text: no script runs from a turn", () => {
    const evil: ChatMessage[] = [
      { role: "user", content: '<img src=x onerror="window.__pwned=1"><script>alert(1)</script>' },
    ];
    const { q } = mountWidget({
      schema: chatSchema(),
      window: [makeRecord(0, { fields: { chat: evil } })],
      total: 1,
    });
    const body = q("nbf-field-chat");
    expect(body.querySelector("script")).toBeNull();
    expect(body.querySelector("[onerror]")).toBeNull();
  });

  it("is one tab stop (the newest turn); arrows move between turns, Enter expands a long one", () => {
    const { q } = mountChat();
    const list = q("nbf-field-chat");
    const turns = [...list.querySelectorAll<HTMLElement>("li.nbf-turn")];
    expect(turns.map((t) => t.getAttribute("tabindex"))).toEqual([
      "-1",
      "-1",
      "-1",
      "-1",
      "-1",
      "0",
    ]);
    const last = turns[5] as HTMLElement;
    last.focus();
    const up = press(last, "ArrowUp");
    expect(up.defaultPrevented).toBe(true);
    expect(document.activeElement).toBe(turns[4]);
    expect(turns[4]?.getAttribute("tabindex")).toBe("0");
    expect(last.getAttribute("tabindex")).toBe("-1");
    // the long assistant turn is folded; Enter shows all of it, Enter again folds it
    const long = turns[4] as HTMLElement;
    expect(long.getAttribute("aria-expanded")).toBe("false");
    expect(long.querySelector(".nbf-turn-body")?.classList.contains("nbf-long")).toBe(true);
    press(long, "Enter");
    expect(long.getAttribute("aria-expanded")).toBe("true");
    expect(long.querySelector(".nbf-turn-body")?.classList.contains("nbf-long")).toBe(false);
    press(long, "Enter");
    expect(long.getAttribute("aria-expanded")).toBe("false");
    press(long, "Home");
    expect(document.activeElement).toBe(turns[0]);
    press(turns[0] as HTMLElement, "End");
    expect(document.activeElement).toBe(turns[5]);
    // Enter on a short turn does nothing here (it is the view's)
    expect(press(turns[5] as HTMLElement, "Enter").defaultPrevented).toBe(false);
  });
});

describe("questions asked of each assistant turn", () => {
  it("one input per assistant turn, named by the question and the turn", () => {
    const { q } = mountChat();
    const group = q("nbf-q-turn_rating");
    expect(accessibleName(group)).toBe("Rate this turn");
    const first = q("nbf-q-turn_rating-turn-2");
    const second = q("nbf-q-turn_rating-turn-4");
    expect(accessibleName(first)).toBe("Rate this turn Turn 3, assistant: Answer 0");
    expect(accessibleName(second)).toContain("Turn 5, assistant: line 0 line 1");
    expect(() => q("nbf-q-turn_rating-turn-1")).toThrow(); // a user turn is not asked about
    expect(q("nbf-q-turn_fix-turn-4").tagName).toBe("TEXTAREA");
  });

  it("digits rate a turn, a correction is typed per turn, Ctrl+Enter sends them by turn", () => {
    const { q, model } = mountChat();
    const rating = q("nbf-q-turn_rating-turn-4");
    rating.querySelector<HTMLInputElement>("input")?.focus();
    press(document.activeElement as Element, "2");
    type(q<HTMLTextAreaElement>("nbf-q-turn_fix-turn-2"), "A corrected answer");
    type(q<HTMLTextAreaElement>("nbf-q-reply"), "The next message");
    press(document.activeElement as Element, "Enter", { ctrlKey: true });
    const [msg] = model.messages("answer");
    expect((msg as Record<string, unknown>).values).toEqual({
      reply: "The next message",
      turn_rating: { "4": 2 },
      turn_fix: { "2": "A corrected answer" },
    });
  });

  it("a stored per-turn answer is shown back on its turn", () => {
    const answered = makeRecord(0, {
      fields: { chat: conversation(0) },
      response: {
        values: { turn_rating: { "2": 5 }, turn_fix: { "4": "short" } },
        status: "submitted",
        updated_at: 1,
      },
    });
    const { q } = mountWidget({ schema: chatSchema(), window: [answered], total: 1 });
    const checked = q("nbf-q-turn_rating-turn-2").querySelector<HTMLInputElement>("input:checked");
    expect(checked?.value).toBe("5");
    expect(q("nbf-q-turn_rating-turn-4").querySelector("input:checked")).toBeNull();
    expect(q<HTMLTextAreaElement>("nbf-q-turn_fix-turn-4").value).toBe("short");
    expect(q<HTMLTextAreaElement>("nbf-q-turn_fix-turn-2").value).toBe("");
  });
});

describe("reviewing answers given per turn", () => {
  it("shows each annotator's per-turn values with their turns, and Use takes them by turn", () => {
    const answers = [
      {
        user: "bob",
        values: { reply: "bob's reply", turn_rating: { "2": 4, "4": 1 } },
        status: "submitted" as const,
        updated_at: 1,
      },
    ];
    const window = [makeRecord(0, { fields: { chat: conversation(0) }, answers })];
    const { q, el } = mountWidget({ schema: chatSchema(), review: true, window, total: 1 });
    const card = el.querySelector('[data-testid="nbf-review-answer"]');
    expect(card?.textContent).toContain("Turn 3: 4; Turn 5: 1");
    q("nbf-review-use-0").click();
    const checked = (turn: number) =>
      q(`nbf-q-turn_rating-turn-${turn}`).querySelector<HTMLInputElement>("input:checked")?.value;
    expect([checked(2), checked(4)]).toEqual(["4", "1"]);
  });
});
