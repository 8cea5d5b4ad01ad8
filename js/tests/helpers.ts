/** Renders the widget into a fresh container with a fake model. */
import { afterEach } from "vitest";
import widget from "../src/index";
import type { Traits } from "../src/protocol";
import { FakeModel } from "./fake-model";

const cleanups: (() => void)[] = [];

afterEach(() => {
  for (const c of cleanups.splice(0)) c();
  document.body.replaceChildren();
  localStorage.clear(); // each test starts with no answers stashed by an earlier one
});

/** Lets the view apply trait changes, which it batches in a microtask. */
export async function settle(): Promise<void> {
  await Promise.resolve();
}

export interface Mounted {
  model: FakeModel;
  el: HTMLElement;
  cleanup: () => void;
  q<T extends Element = HTMLElement>(testid: string): T;
}

/** Renders a view; pass `model` to render a second view of the same model. */
export function mountWidget(
  traits: Partial<Traits> = {},
  shared?: FakeModel,
  host: Element | ShadowRoot = document.body,
): Mounted {
  const model = shared ?? new FakeModel(traits);
  const el = document.createElement("div");
  host.append(el);
  // Only model and el are used by the view; anywidget's host and experimental are not.
  const props = {
    model: model.asModel(),
    el,
    signal: new AbortController().signal,
    host: {},
    experimental: {},
  } as unknown as Parameters<typeof widget.render>[0];
  const cleanup = widget.render(props);
  cleanups.push(cleanup);
  return {
    model,
    el,
    cleanup,
    q<T extends Element = HTMLElement>(testid: string): T {
      const found = el.querySelector<T>(`[data-testid="${testid}"]`);
      if (!found) throw new Error(`no element with data-testid=${testid}`);
      return found;
    },
  };
}

export function type(textarea: HTMLTextAreaElement, text: string): void {
  textarea.focus();
  textarea.value = text;
  textarea.dispatchEvent(new Event("input", { bubbles: true }));
}

export function press(target: Element, key: string, init: KeyboardEventInit = {}): KeyboardEvent {
  const event = new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true, ...init });
  target.dispatchEvent(event);
  return event;
}

/** The accessible name of an element, enough for this view: aria-label, aria-labelledby or
 * <label for>, else its text. */
export function accessibleName(el: Element): string {
  const label = el.getAttribute("aria-label");
  if (label) return label;
  const by = el.getAttribute("aria-labelledby");
  if (by) {
    return by
      .split(" ")
      .map((id) => visibleText(el.ownerDocument.getElementById(id)))
      .join(" ")
      .trim();
  }
  if (el.id) {
    const lab = el.ownerDocument.querySelector(`label[for="${el.id}"]`);
    if (lab) return visibleText(lab);
  }
  return visibleText(el);
}

/** Text content without aria-hidden parts (such as the required mark). */
function visibleText(el: Element | null): string {
  if (!el) return "";
  let text = "";
  for (const node of el.childNodes) {
    if (node.nodeType === Node.TEXT_NODE) text += node.textContent ?? "";
    else if (node instanceof Element && node.getAttribute("aria-hidden") !== "true") {
      text += visibleText(node);
    }
  }
  return text.trim();
}
