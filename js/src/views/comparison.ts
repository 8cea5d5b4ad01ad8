/** Comparison view: a ranking question whose options name fields shows those fields' texts as
 * the candidates. Two are shown side by side (stacked on a narrow panel) with keys 1 and 2 for
 * the better one and 0 for a tie; three or more are listed, each with its text, and ranked by
 * pressing a number on the focused item. The order on screen comes from the kernel
 * (`record.display`), shuffled per record and annotator; the answer names options, never
 * positions, so the shuffle is undone by construction and the kernel stores the order shown. */
import { h, isTextEntry, uid } from "../dom";
import { renderMarkdown } from "../markdown";
import type {
  DisplayPayload,
  Field,
  RankItem,
  RankingQuestion,
  RecordPayload,
  SchemaPayload,
  TextField,
} from "../protocol";
import { fieldText, textFields } from "./chat";
import type { Control } from "./control";

/** The fields a ranking question compares, or null: the kernel decides (`compared_fields` in
 * the schema payload); the view only looks the names up. */
export function comparedFields(question: RankingQuestion, fields: Field[]): TextField[] | null {
  const names = question.compared_fields;
  if (!Array.isArray(names)) return null;
  const byName = new Map(textFields(fields).map((f) => [f.name, f]));
  const out = names.map((name) => byName.get(name));
  if (out.some((f) => f === undefined)) return null; // a payload out of step with the fields
  return out as TextField[];
}

/** Names of every field some comparison shows as a candidate (the record card skips them). */
export function candidateFieldNames(schema: SchemaPayload): Set<string> {
  const names = new Set<string>();
  for (const q of schema.questions) {
    if (q.kind !== "ranking_question") continue;
    for (const f of comparedFields(q, schema.fields) ?? []) names.add(f.name);
  }
  return names;
}

/** The order to show: the kernel's, when it is a permutation of the options. */
function shownOrder(values: string[], display: DisplayPayload | undefined): string[] {
  const order = display?.order;
  if (
    Array.isArray(order) &&
    order.length === values.length &&
    new Set(order).size === values.length &&
    order.every((v) => values.includes(v))
  ) {
    return [...order];
  }
  return [...values];
}

export function comparisonInput(
  question: RankingQuestion,
  fields: TextField[],
  record: RecordPayload,
  titleId: string,
  onChange: () => void,
): Control {
  const byName = new Map(fields.map((f) => [f.name, f]));
  const order = shownOrder(
    question.values.map((o) => o.value),
    record.display?.[question.name],
  );
  const two = order.length === 2;
  // two responses may share a rank only when the question allows ties (the kernel refuses
  // them otherwise, naming the record and the question)
  const ties = question.ties === true;
  /** Rank per shown position (1 = best), or null while unranked. */
  let ranks: (number | null)[] = order.map(() => null);

  const candidates = order.map((value, i) => {
    const field = byName.get(value);
    const text = fieldText(record.fields[value]);
    const body = h("div", { class: "nbf-candidate-text" });
    if (field?.use_markdown) {
      body.classList.add("nbf-markdown");
      renderMarkdown(body, text);
    } else {
      body.textContent = text;
    }
    const headId = uid("cand");
    const rankButtons = two
      ? []
      : order.map((_, r) =>
          h("button", {
            type: "button",
            class: "nbf-rank-pick",
            tabindex: -1, // one Tab stop per question: number keys rank the focused response
            "aria-pressed": "false",
            "aria-label": `Rank ${r + 1} for response ${i + 1}`,
            "data-testid": `nbf-rank-${i + 1}-${r + 1}`,
            text: String(r + 1),
          }),
        );
    rankButtons.forEach((b, r) => {
      b.addEventListener("click", () => {
        setRank(i, r + 1);
      });
    });
    const el = h(
      two ? "section" : "li",
      {
        class: "nbf-candidate",
        "data-testid": `nbf-candidate-${i + 1}`,
        "aria-labelledby": headId,
        tabindex: two ? null : i === 0 ? 0 : -1, // a roving stop: the arrows move it
      },
      [
        h("div", { class: "nbf-candidate-head" }, [
          h("span", { id: headId, class: "nbf-candidate-title" }, [`Response ${i + 1}`]),
          two ? null : h("span", { class: "nbf-rank-picks" }, rankButtons),
        ]),
        body,
      ],
    );
    return { el, rankButtons };
  });

  // the Tie pick only where ties are allowed
  const pickSpecs = [
    { label: "Response 1 is better", key: "1", testid: "nbf-pick-1", ranks: [1, 2] },
    { label: "Tie", key: "0", testid: "nbf-pick-tie", ranks: [1, 1] },
    { label: "Response 2 is better", key: "2", testid: "nbf-pick-2", ranks: [2, 1] },
  ].filter((p) => ties || p.key !== "0");
  const picks = two
    ? pickSpecs.map((p) =>
        h(
          "button",
          {
            type: "button",
            role: "radio",
            "aria-checked": "false",
            class: "nbf-btn nbf-pick",
            "data-testid": p.testid,
            "aria-keyshortcuts": p.key,
          },
          [p.label, " ", h("kbd", {}, [p.key])],
        ),
      )
    : [];
  const pickRanks = pickSpecs.map((p) => p.ranks as [number, number]);
  picks.forEach((b, k) => {
    b.addEventListener("click", () => setPair(pickRanks[k] as [number, number]));
  });

  const refusal = h("p", {
    class: "nbf-q-error",
    role: "status",
    hidden: true,
    "data-testid": "nbf-tie-refused",
  });
  const hint = two
    ? `Keys: 1 or 2 picks the better response${ties ? ", 0 is a tie" : ""}.`
    : "Keys: on a response, press its rank (1 is best); arrows move between responses." +
      (ties ? " Responses may share a rank." : " Each response takes its own rank.");
  const input = h(
    "div",
    {
      id: uid("q"),
      role: "group",
      "aria-labelledby": titleId,
      class: `nbf-compare ${two ? "nbf-compare-two" : "nbf-compare-many"}`,
    },
    [
      two
        ? h(
            "div",
            { class: "nbf-candidates" },
            candidates.map((c) => c.el),
          )
        : h(
            "ol",
            { class: "nbf-candidates" },
            candidates.map((c) => c.el),
          ),
      two
        ? h("div", { class: "nbf-picks", role: "radiogroup", "aria-labelledby": titleId }, picks)
        : null,
      h("p", { class: "nbf-compare-hint" }, [hint]),
      refusal,
    ],
  );

  function draw(): void {
    if (two) {
      const a = ranks[0] ?? null;
      const b = ranks[1] ?? null;
      const chosen =
        a === null || b === null
          ? -1
          : pickRanks.findIndex((r) => Math.sign(r[0] - r[1]) === Math.sign(a - b));
      // one Tab stop for the three picks (a radio group): the chosen one, else the first;
      // the arrows move between them
      picks.forEach((p, k) => {
        p.setAttribute("aria-checked", String(k === chosen));
        p.tabIndex = k === Math.max(chosen, 0) ? 0 : -1;
      });
    }
    candidates.forEach((c, i) => {
      c.el.classList.toggle("nbf-best", ranks[i] === 1 && !(two && ranks[0] === ranks[1]));
      c.rankButtons.forEach((b, r) => {
        b.setAttribute("aria-pressed", String(ranks[i] === r + 1));
      });
    });
  }

  function setPair(pair: [number, number]): void {
    refusal.hidden = true;
    ranks = [...pair];
    draw();
    onChange();
  }

  /** Gives response `i` its rank; unless the question allows ties, a rank another response
   * holds is refused and said. Returns whether it was given. */
  function setRank(i: number, rank: number): boolean {
    const holder = ties ? -1 : ranks.findIndex((r, k) => r === rank && k !== i);
    refusal.hidden = holder < 0;
    if (holder >= 0) {
      refusal.textContent = `Rank ${rank} is already response ${holder + 1}'s: this question allows no ties, give each response its own rank.`;
      return false;
    }
    ranks = ranks.map((r, k) => (k === i ? rank : r));
    draw();
    onChange();
    return true;
  }

  /** Moves the one Tab stop of the responses to `i` and focuses it. */
  function focusCandidate(i: number): void {
    const target = candidates[i];
    if (!target) return;
    candidates.forEach((c, k) => {
      c.el.tabIndex = k === i ? 0 : -1;
    });
    target.el.focus();
  }

  function itemOf(target: EventTarget | null): number {
    return candidates.findIndex((c) => target instanceof Node && c.el.contains(target));
  }

  input.addEventListener("keydown", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    if (isTextEntry(target)) return; // keys typed into a text box are text
    const key = event.key;
    if (two) {
      const at = picks.indexOf(target as HTMLButtonElement);
      const arrow = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[key] ?? 0;
      // arrows move the choice along the three picks, as in any radio group
      const k =
        arrow !== 0 && at >= 0
          ? (at + arrow + picks.length) % picks.length
          : pickSpecs.findIndex((p) => p.key === key);
      if (k < 0 && key === "0") {
        event.preventDefault();
        refusal.hidden = false;
        refusal.textContent = "This question allows no ties: pick the better response (1 or 2).";
        return;
      }
      if (k < 0) return;
      event.preventDefault();
      setPair(pickRanks[k] as [number, number]);
      picks[k]?.focus();
      return;
    }
    const i = itemOf(target);
    if (i < 0) return;
    if (key === "ArrowDown" || key === "ArrowUp") {
      event.preventDefault();
      focusCandidate(i + (key === "ArrowDown" ? 1 : -1));
      return;
    }
    const rank = /^[1-9]$/.test(key) ? Number(key) : 0;
    if (rank < 1 || rank > order.length) return;
    event.preventDefault();
    if (!setRank(i, rank)) return;
    // on to the next unranked response, so "2 1 3" ranks three in a row
    const next = ranks.findIndex((r, k) => r === null && k > i);
    const first = ranks.indexOf(null);
    focusCandidate(next >= 0 ? next : first >= 0 ? first : i);
  });

  /** A shared rank the question does not allow (only a stored value can hold one). */
  function refusedTie(): number | null {
    if (ties || ranks.some((r) => r === null)) return null;
    const shared = ranks.find((r, k) => ranks.indexOf(r) !== k);
    return shared ?? null;
  }

  return {
    input,
    getValue(): RankItem[] | undefined {
      if (ranks.some((r) => r === null) || refusedTie() !== null) return undefined;
      return order.map((value, i) => ({ value, rank: ranks[i] as number }));
    },
    problem() {
      const shared = refusedTie();
      return shared === null
        ? null
        : `Two responses share rank ${shared}: this question allows no ties, give each its own rank.`;
    },
    setValue(value) {
      ranks = order.map(() => null);
      if (Array.isArray(value)) {
        const given = new Map<string, number>();
        for (const item of value as RankItem[]) {
          if (item && typeof item === "object") given.set(String(item.value), Number(item.rank));
        }
        const found = order.map((v) => given.get(v));
        if (found.every((r) => typeof r === "number" && Number.isFinite(r))) {
          ranks = found as number[];
        }
      }
      draw();
    },
    focus() {
      if (two) {
        const checked = picks.find((p) => p.getAttribute("aria-checked") === "true");
        (checked ?? picks[0])?.focus();
      } else {
        focusCandidate(Math.max(ranks.indexOf(null), 0));
      }
    },
  };
}
