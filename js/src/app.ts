/** The view, wired: state (`state.ts`: the answers and requests; `shown.ts`: what is on
 * screen), the request/ack machinery (`requests.ts`), rendering (`screen.ts`), the commands
 * (`actions.ts`) and the DOM listeners (`listen.ts`), fed by the model's trait changes and
 * messages. Nothing here decides anything: it connects the parts and takes them down. */
import type { AnyModel } from "@anywidget/types";
import { Actions } from "./actions";
import { listen } from "./listen";
import type { Traits } from "./protocol";
import { Requests } from "./requests";
import { Screen } from "./screen";
import { Shown } from "./shown";
import { Stash } from "./stash";
import { UiState } from "./state";
import { TypeAhead } from "./typeahead";
import { startNews } from "./views/team";

export { DRAFT_DELAY_MS, FILTER_WAIT_MS } from "./actions";
export { ACK_TIMEOUT_MS } from "./requests";

/** The traits the view shows; a change of any of them renders it again. */
const TRAIT_NAMES: (keyof Traits)[] = [
  "window",
  "window_start",
  "position",
  "schema",
  "total",
  "counts",
  "user",
  "persistent",
  "folder",
  "error",
  "status_filter",
  "team",
];

export function mount(model: AnyModel<Traits>, el: HTMLElement): () => void {
  const answers = new UiState();
  const shown = new Shown(model, answers);
  /** Keys typed while a record is loading, played into it once it shows. */
  const typeAhead = new TypeAhead();
  // The screen's controls call the commands, which need the screen: bound once both exist.
  const screen = new Screen(el, shown, typeAhead, () => requests.generalError, {
    prev: () => actions.navigate(shown.position - 1, false),
    next: () => actions.navigate(shown.position + 1, false),
    jump: (p) => actions.navigate(p, false),
    filter: (value) => actions.setFilter(value),
    submit: () => actions.answer("submitted"),
    discard: () => actions.answer("discarded"),
    undo: () => actions.undo(),
    redo: () => actions.redo(),
    nextPending: () => actions.nextPending(),
    input: () => actions.onInput(),
    pick: (index) => actions.pick(index),
  });
  const stash = new Stash(model.get("folder") ?? "", model.get("user") ?? "");
  const requests = new Requests(model, answers, stash, {
    changed: () => screen.render(),
    announce: (text) => screen.bar.announce(text),
    notice: (text) => screen.bar.notice(text),
    held: (id) => shown.held(id),
  });
  const actions = new Actions(model, shown, requests, screen);
  const stopListening = listen(screen, actions, typeAhead, () => model.get("review"));

  // Trait changes are applied together: some hosts (marimo) set the kernel's changes one trait
  // at a time, with a change event after each, so the view renders once they are all in.
  const changed = new Set<string>();
  let flushQueued = false;
  function flush(): void {
    flushQueued = false;
    const names = new Set(changed);
    changed.clear();
    if (names.has("schema")) actions.onSchema();
    if (names.has("position")) actions.onPosition();
    if (names.has("window") || names.has("window_start")) actions.onWindow();
    else screen.render();
  }
  const handlers: [string, () => void][] = TRAIT_NAMES.map((name) => [
    `change:${name}`,
    () => {
      changed.add(name);
      if (flushQueued) return;
      flushQueued = true;
      queueMicrotask(flush);
    },
  ]);
  // JupyterLab marks every model's comm dead when the kernel restarts.
  handlers.push(["comm_live_update", () => requests.disconnect()]);
  for (const [event, handler] of handlers) model.on(event, handler);
  const onMessage = (msg: unknown) => requests.onMessage(msg);
  model.on("msg:custom", onMessage);

  screen.renderGuidelines();
  screen.render();
  const stopNews = startNews(model);
  requests.start();

  return () => {
    stopNews();
    actions.stop();
    requests.stop();
    for (const [event, handler] of handlers) model.off(event, handler);
    model.off("msg:custom", onMessage);
    stopListening();
    screen.stop();
  };
}
