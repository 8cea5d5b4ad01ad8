/** A stand-in for anywidget's model: keeps traits, records sent messages and lets a test emit
 * `msg:custom` and trait changes as the kernel would. */
import type { AnyModel } from "@anywidget/types";
import type { RecordPayload, SchemaPayload, Traits } from "../src/protocol";

type Handler = (...args: unknown[]) => void;

export class FakeModel {
  readonly sent: Record<string, unknown>[] = [];
  saves = 0;
  private traits: Traits;
  private readonly handlers = new Map<string, Set<Handler>>();

  constructor(traits: Partial<Traits> = {}) {
    this.traits = { ...defaultTraits(), ...traits };
  }

  get<K extends keyof Traits>(key: K): Traits[K] {
    return this.traits[key];
  }

  set<K extends keyof Traits>(key: K, value: Traits[K]): void {
    const changed = this.traits[key] !== value;
    this.traits = { ...this.traits, [key]: value };
    if (changed) this.emit(`change:${String(key)}`);
  }

  save_changes(): void {
    this.saves += 1;
  }

  on(event: string, handler: Handler): void {
    let set = this.handlers.get(event);
    if (!set) {
      set = new Set();
      this.handlers.set(event, set);
    }
    set.add(handler);
  }

  off(event?: string | null, handler?: Handler | null): void {
    if (!event) {
      this.handlers.clear();
      return;
    }
    if (!handler) this.handlers.delete(event);
    else this.handlers.get(event)?.delete(handler);
  }

  /** When set, `send` throws as JupyterLab's does once the kernel's comms are disposed. */
  sendThrows = false;

  send(content: unknown): void {
    if (this.sendThrows) throw new Error("Cannot send");
    this.sent.push(content as Record<string, unknown>);
  }

  /** JupyterLab's widget manager marks the comm dead when the kernel restarts. */
  commDied(): void {
    this.emit("comm_live_update");
  }

  /** The kernel sends a custom message. */
  receive(msg: unknown): void {
    this.emit("msg:custom", msg, []);
  }

  /** The kernel changes several traits at once (as `hold_sync` would). */
  update(traits: Partial<Traits>): void {
    const keys = Object.keys(traits) as (keyof Traits)[];
    this.traits = { ...this.traits, ...traits };
    for (const key of keys) this.emit(`change:${String(key)}`);
  }

  listenerCount(): number {
    let n = 0;
    for (const set of this.handlers.values()) n += set.size;
    return n;
  }

  messages(type: string): Record<string, unknown>[] {
    return this.sent.filter((m) => m.type === type);
  }

  asModel(): AnyModel<Traits> {
    return this as unknown as AnyModel<Traits>;
  }

  private emit(event: string, ...args: unknown[]): void {
    for (const h of [...(this.handlers.get(event) ?? [])]) h(...args);
  }
}

export const SCHEMA: SchemaPayload = {
  fields: [
    { kind: "text_field", name: "prompt", title: "Prompt", required: true, use_markdown: false },
    { kind: "text_field", name: "context", title: "Context", required: false, use_markdown: true },
  ],
  questions: [
    {
      kind: "text_question",
      name: "answer",
      title: "Your answer",
      description: "Write the ideal reply",
      required: true,
      use_markdown: false,
    },
    {
      kind: "rating_question",
      name: "quality",
      title: "Quality",
      description: null,
      required: false,
      values: [1, 2, 3, 4, 5],
    },
    {
      kind: "label_question",
      name: "topic",
      title: "Topic",
      description: null,
      required: false,
      labels: [
        { value: "math", text: "Math" },
        { value: "code", text: "Code" },
      ],
      visible_labels: null,
    },
    {
      kind: "multi_label_question",
      name: "flags",
      title: "Flags",
      description: null,
      required: false,
      labels: [
        { value: "toxic", text: "Toxic" },
        { value: "pii", text: "Personal data" },
        { value: "off", text: "Off topic" },
      ],
      visible_labels: null,
      labels_order: "natural",
    },
    {
      kind: "ranking_question",
      name: "rank",
      title: "Rank the replies",
      description: null,
      required: false,
      values: [
        { value: "a", text: "Reply A" },
        { value: "b", text: "Reply B" },
        { value: "c", text: "Reply C" },
      ],
      ties: false,
      compared_fields: null, // its options name no field: no comparison
    },
  ],
  guidelines: "Be **kind**. See [docs](https://example.org).",
};

export function makeRecord(i: number, extra: Partial<RecordPayload> = {}): RecordPayload {
  return {
    id: `r${i}`,
    index: i,
    fields: { prompt: `Prompt number ${i}`, context: `Context *${i}*` },
    suggestions: {},
    response: null,
    record_status: "pending",
    ...extra,
  };
}

export function defaultTraits(): Traits {
  const window = [0, 1, 2, 3, 4].map((i) => makeRecord(i));
  return {
    schema: SCHEMA,
    user: "ada",
    persistent: true,
    folder: "/tmp/ds",
    status_filter: "all",
    total: 10,
    position: 0,
    window_start: 0,
    window,
    counts: { pending: 10, draft: 0, submitted: 0, discarded: 0, total: 10 },
    error: "",
    review: false,
    team: {},
  };
}
