/** The front end's layers (docs/ARCHITECTURE.md, "Front end"): every relative import in js/src
 * goes to the same layer or a lower one. `npm run lint` (madge) already fails on a cycle; this
 * fails on an import that points up without closing one. */
import { describe, expect, it } from "vitest";

declare global {
  interface ImportMeta {
    /** Vite's (vitest's) glob import: every matching file's text, by path. */
    glob(
      pattern: string,
      options: { query: "?raw"; import: "default"; eager: true },
    ): Record<string, string>;
  }
}

/** Each module's source, by its path under src without ".ts" ("views/control"). */
const SOURCES = new Map(
  Object.entries(
    import.meta.glob("../src/**/*.ts", { query: "?raw", import: "default", eager: true }),
  ).map(([path, text]) => [path.replace(/^\.\.\/src\//, "").replace(/\.ts$/, ""), text]),
);

/** The layer of each module (path under src, no extension); a view is any views/ module. */
const LAYERS: Record<string, number> = {
  "wire.gen": 0, // generated from src/nb_feedback/widget/protocol.py
  protocol: 0,
  dom: 0,
  keys: 0,
  markdown: 0,
  theme: 0,
  "keep-in-view": 0,
  typeahead: 0,
  state: 1,
  stash: 1,
  shown: 1,
  requests: 1,
  // views/*: 2
  screen: 3,
  actions: 4,
  listen: 5,
  app: 6,
  index: 7,
};

function layerOf(module: string): number {
  if (module.startsWith("views/")) return 2;
  const layer = LAYERS[module];
  if (layer === undefined) throw new Error(`js/src/${module}.ts has no layer: name it in LAYERS`);
  return layer;
}

interface Import {
  from: string;
  to: string;
  typeOnly: boolean;
}

/** `to` resolved against the folder of `from`: "views/x" importing "../state" gives "state". */
function resolve(from: string, to: string): string {
  const parts = from.split("/").slice(0, -1);
  for (const part of to.split("/")) {
    if (part === "..") parts.pop();
    else if (part !== ".") parts.push(part);
  }
  return parts.join("/");
}

function importsOf(module: string): Import[] {
  const text = SOURCES.get(module) ?? "";
  const found: Import[] = [];
  const pattern = /^(?:import|export)\s+(type\s+)?([^;]*?)\s+from\s+"(\.[^"]+)";/gms;
  for (const m of text.matchAll(pattern)) {
    const names = m[2] ?? "";
    const specifiers = names
      .replace(/^\{|\}$/g, "")
      .split(",")
      .map((s) => s.trim());
    const typeOnly =
      m[1] !== undefined ||
      (names.startsWith("{") &&
        specifiers.filter(Boolean).every((s: string) => s.startsWith("type ")));
    const to = resolve(module, m[3] ?? "");
    found.push({ from: module, to, typeOnly });
  }
  return found;
}

const ALL = [...SOURCES.keys()];
const IMPORTS = ALL.flatMap(importsOf);

describe("the front end's layers", () => {
  it("finds the modules and their imports", () => {
    expect(ALL).toContain("app");
    expect(ALL).toContain("views/control");
    expect(IMPORTS.some((i) => i.from === "app" && i.to === "requests")).toBe(true);
    expect(IMPORTS.some((i) => i.from === "views/ranking" && i.to === "views/control")).toBe(true);
    // an import over several lines, and a re-export
    expect(IMPORTS.some((i) => i.from === "requests" && i.to === "protocol")).toBe(true);
    expect(IMPORTS.some((i) => i.from === "app" && i.to === "actions" && !i.typeOnly)).toBe(true);
  });

  it("imports only from the same layer or a lower one", () => {
    const up = IMPORTS.filter((i) => layerOf(i.to) > layerOf(i.from));
    expect(up.map((i) => `${i.from} -> ${i.to}`)).toEqual([]);
  });

  it("keeps the state free of the DOM builders: no view, no dom.ts", () => {
    const state = IMPORTS.filter((i) => layerOf(i.from) === 1);
    expect(state.filter((i) => i.to === "dom" || layerOf(i.to) >= 2)).toEqual([]);
  });

  it("lets a view read the state's types only, never the request machinery", () => {
    const fromViews = IMPORTS.filter((i) => layerOf(i.from) === 2 && layerOf(i.to) === 1);
    expect(fromViews.filter((i) => i.to !== "state" || !i.typeOnly)).toEqual([]);
  });

  it("keeps the leaves off the dispatcher: only the record card imports questions.ts", () => {
    const users = IMPORTS.filter((i) => i.to === "views/questions").map((i) => i.from);
    expect(users).toEqual(["views/record-card"]);
    expect(IMPORTS.filter((i) => i.from === "views/control" && i.to.startsWith("views/"))).toEqual(
      [],
    );
  });
});
