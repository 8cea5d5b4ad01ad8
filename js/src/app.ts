/** The view controller: renders the record at the local position from the `window` trait,
 * sends answers as messages and tracks their replies. Moving on never waits for the kernel. */
import type { AnyModel } from "@anywidget/types";
import { h, SUPPRESS } from "./dom";
import { keepInView } from "./keep-in-view";
import { type Action, chordFor } from "./keys";
import type {
  AnswerValues,
  Counts,
  RecordPayload,
  RecordStatus,
  ResponseStatusName,
  SchemaPayload,
  StatusFilter,
  Traits,
} from "./protocol";
import { NOT_SENT, Requests } from "./requests";
import { liveViews, Stash } from "./stash";
import { type Held, UiState, undoneState } from "./state";
import { followTheme } from "./theme";
import { TypeAhead } from "./typeahead";
import { guidelines } from "./views/guidelines";
import { helpOverlay } from "./views/help";
import { pager } from "./views/pager";
import { type RecordCard, recordCard, shownIn } from "./views/record-card";
import { pickChord, reviewPanel } from "./views/review";
import { statusBar } from "./views/status-bar";
import { completedElsewhere, startNews, teamLine } from "./views/team";

export { ACK_TIMEOUT_MS } from "./requests";
export const DRAFT_DELAY_MS = 1000;
export const FILTER_WAIT_MS = 1000;
const EMPTY_SCHEMA: SchemaPayload = { fields: [], questions: [], guidelines: null };
const NO_COUNTS: Counts = { pending: 0, draft: 0, submitted: 0, discarded: 0, total: 0 };

export function mount(model: AnyModel<Traits>, el: HTMLElement): () => void {
  const state = new UiState();
  state.position = model.get("position") ?? 0;
  const root = h("div", { class: "nbf-root", "data-testid": "nbf-root", [SUPPRESS]: "true" });
  const bar = statusBar();
  const team = teamLine();
  bar.header.append(team.el);
  /** Review: the annotator whose answer the reviewer picked, per record. */
  const reviewSource = new Map<string, string>();
  /** Records this view already moved on from because others completed them. */
  const movedOn = new Set<string>();
  const pg = pager({
    prev: () => navigate(state.position - 1, false),
    next: () => navigate(state.position + 1, false),
    jump: (p) => navigate(p, false),
    filter: setFilter,
    submit: () => answer("submitted"),
    discard: () => answer("discarded"),
    undo,
    redo,
    nextPending,
    help: () => help.toggle(),
  });
  const help = helpOverlay(() => focused());
  const stash = new Stash(model.get("folder") ?? "", model.get("user") ?? "");
  const requests = new Requests(model, state, stash, {
    changed: () => renderAll(),
    announce: (text) => bar.announce(text),
    notice: (text) => bar.notice(text),
    held: heldAnswer,
  });
  const send: Requests["answer"] = (...args) => {
    requests.answer(...args);
    renderAll();
  };
  /** Records whose answers an earlier view kept and this one resent, until the kernel replies. */
  const resending = new Set<string>();
  const onMessage = (msg: unknown) => {
    requests.onMessage(msg);
    settleResent();
  };
  const guideSlot = h("div", { class: "nbf-guidelines-slot" });
  const body = h("div", { class: "nbf-body" });
  root.append(bar.top, bar.header, help.el, guideSlot, body, pg.actions, pg.el, bar.footer);
  el.append(root);
  const stopTheme = followTheme(root);

  let card: RecordCard | null = null;
  /** The answers and Submit stay in view beside a long record (side by side on a wide panel). */
  const keeper = keepInView(() => (card ? { column: card.questions, card: card.el } : null));
  /** Keys typed while a record is loading, played into it once it shows. */
  const typeAhead = new TypeAhead();
  /** The "Loading record n…" line is on screen (keys typed now are held). */
  let loadingShown = false;
  let shownAt = Date.now();
  let draftTimer: ReturnType<typeof setTimeout> | null = null;
  let focusOnRender = false;
  /** The kernel alert was brought into view once. */
  let alertShown = false;
  /** The labeler asked for the next pending record: focus its first input once it shows. */
  let focusAfterJump = false;
  /** The labeler answered the last record of the filter: show where that leaves them. */
  let atEnd = false;
  let awaitingWindow = false;
  let filterTimer: ReturnType<typeof setTimeout> | null = null;
  /** Positions this view sent lately, so a late echo of an older one doesn't pull it back. */
  let sentPositions: { position: number; at: number }[] = [];

  const schema = () => model.get("schema") ?? EMPTY_SCHEMA;
  const windowRecords = () => model.get("window") ?? [];
  const total = () => model.get("total") ?? 0;

  /** The focused element as this view sees it: in marimo the view lives in a shadow root, and
   * `document.activeElement` is only its host element. */
  function focused(): Element | null {
    const node = root.getRootNode() as Document | ShadowRoot;
    return node.activeElement ?? null;
  }

  function currentRecord(): RecordPayload | undefined {
    if (awaitingWindow) return undefined;
    // Each record carries its own position: a window that arrives before (or without) its
    // window_start is never read at the wrong offset.
    return windowRecords().find((r) => r.index === state.position);
  }
  function findRecord(id: string): RecordPayload | undefined {
    return windowRecords().find((r) => r.id === id);
  }
  /** The status the kernel confirmed: its ack of this view's answer, else its window. */
  function statusOf(id: string): RecordStatus {
    return state.confirmed.get(id) ?? findRecord(id)?.response?.status ?? "pending";
  }
  /** The status this record will have once what was sent arrives. */
  function intendedStatus(id: string): RecordStatus {
    return state.recordSave.get(id)?.status ?? statusOf(id);
  }
  /** The answer the record holds as far as this view knows: what it sent, else the kernel's. */
  function heldAnswer(id: string): Held | null {
    const sent = state.sent.get(id);
    if (sent) return sent;
    const response = findRecord(id)?.response;
    return response ? { values: response.values as AnswerValues, status: response.status } : null;
  }
  function initialValue(rec: RecordPayload, name: string): unknown {
    const local = state.drafts.get(rec.id);
    if (local) return local[name];
    if (rec.response) return rec.response.values[name];
    return rec.suggestions[name]?.value;
  }
  function collect(c: RecordCard): AnswerValues {
    const values: AnswerValues = {};
    for (const input of c.inputs) {
      const v = input.getValue();
      if (v !== undefined) values[input.question.name] = v;
    }
    return values;
  }
  function missingRequired(c: RecordCard) {
    return c.inputs.filter((i) => i.question.required && i.getValue() === undefined);
  }

  function renderRecord(): void {
    const rec = currentRecord();
    const hadFocus = body.contains(focused());
    loadingShown = false;
    if (!rec) {
      card = null;
      loadingShown = total() > 0 || awaitingWindow;
      const text = loadingShown ? loadingText() : "No records in this filter.";
      const loading = h(
        "p",
        { class: "nbf-loading", role: "status", tabindex: -1, "data-testid": "nbf-loading" },
        [text],
      );
      body.replaceChildren(loading);
      root.insertBefore(pg.actions, pg.el);
      // Keep focus inside the view so keys still stay away from the notebook.
      if (hadFocus || focusOnRender) loading.focus();
      return;
    }
    if (card && card.recordId === rec.id) {
      if (!state.drafts.has(rec.id)) {
        // Another view or the kernel changed this record: refresh every input but the focused one.
        const active = focused();
        for (const input of card.inputs) {
          if (!input.el.contains(active)) input.setValue(initialValue(rec, input.question.name));
        }
      }
    } else {
      card = recordCard(schema(), rec, onInput);
      for (const input of card.inputs) input.setValue(initialValue(rec, input.question.name));
      if (model.get("review")) {
        const panel = reviewPanel(rec.answers ?? [], schema().questions, pick);
        body.replaceChildren(panel.el, card.el);
      } else {
        body.replaceChildren(card.el);
      }
      // The answer buttons sit with the answers (side by side on a wide panel, both in view).
      card.questions.append(pg.actions);
      shownAt = Date.now();
      if (focusOnRender || hadFocus) card.inputs[0]?.focus();
      focusOnRender = false;
    }
    card.setStatus(statusOf(rec.id), state.recordSave.get(rec.id) ?? null);
    renderEnd();
  }

  function loadingText(): string {
    const n = typeAhead.count;
    const held = n > 0 ? ` ${n} key(s) you typed are held and go into it once it shows.` : "";
    return `Loading record ${state.position + 1}…${held}`;
  }

  /** Plays the keys typed while loading into the record now shown. */
  function playHeld(): void {
    if (typeAhead.count === 0 || !card) return;
    if (!body.contains(focused())) card.inputs[0]?.focus();
    typeAhead.replay(() => card !== null && !loadingShown, focused, root);
    const loading = body.querySelector(".nbf-loading");
    if (loading) loading.textContent = loadingText();
  }

  /** After the last record of the filter: how many are still pending, and a way to them. */
  function renderEnd(): void {
    const old = body.querySelector(".nbf-end");
    const active = focused();
    // Focus moves to the message when it comes from the answer (or from its earlier copy).
    const hadFocus = (card?.el.contains(active) ?? false) || (old?.contains(active) ?? false);
    old?.remove();
    if (!atEnd || state.position !== total() - 1) return;
    const pending = (model.get("counts") ?? NO_COUNTS).pending;
    const text =
      pending > 0
        ? `End of this filter: ${pending} record(s) still pending.`
        : "End of this filter: every record has an answer.";
    const go =
      pending > 0
        ? h(
            "button",
            { type: "button", class: "nbf-btn nbf-primary", "data-testid": "nbf-end-go" },
            ["Go to the next pending record"],
          )
        : null;
    go?.addEventListener("click", nextPending);
    const panel = h(
      "div",
      { class: "nbf-end", role: "status", tabindex: -1, "data-testid": "nbf-end" },
      [h("p", {}, [text]), go],
    );
    body.prepend(panel);
    if (hadFocus) (go ?? panel).focus();
  }

  function renderAll(): void {
    const counts = model.get("counts") ?? NO_COUNTS;
    pg.update(
      state.position,
      total(),
      model.get("status_filter") ?? "all",
      counts,
      state.lastAction !== null,
      state.redoStack.length > 0,
    );
    bar.update({
      user: model.get("user") ?? "",
      persistent: model.get("persistent") ?? false,
      folder: model.get("folder") ?? "",
      counts,
      error: model.get("error") || requests.generalError,
      save: state.save,
      disconnected: state.disconnected,
      unsent: state.unsentCount(),
    });
    if (state.disconnected && !alertShown) {
      // Said where the widget begins, and brought into view: below a long record the top of
      // the widget is off screen, and the labeler must not go on believing answers are saved.
      alertShown = true;
      bar.top.scrollIntoView?.({ block: "nearest" });
    }
    team.update(model.get("team"));
    renderRecord();
    if (!typeAhead.replaying) playHeld();
    keeper.update();
  }

  /** Review: copy answer `index` of the shown record into the inputs, to submit or edit. */
  function pick(index: number): void {
    const rec = currentRecord();
    const chosen = rec?.answers?.[index];
    if (!rec || !card || !chosen) return;
    for (const input of card.inputs) input.setValue(chosen.values[input.question.name]);
    reviewSource.set(rec.id, chosen.user);
    state.setDraft(rec.id, collect(card));
    card.inputs[0]?.focus();
    bar.announce(`Took ${chosen.user}'s answer: edit it or submit it`);
  }

  function renderGuidelines(): void {
    const g = guidelines(schema().guidelines);
    guideSlot.replaceChildren(...(g ? [g] : []));
  }

  function onInput(): void {
    if (!card) return;
    const id = card.recordId;
    state.setDraft(id, collect(card));
    state.redoStack.length = 0; // a new edit: what Undo took back is not given again
    for (const input of card.inputs) if (input.getValue() !== undefined) input.setInvalid(null);
    if (draftTimer !== null) clearTimeout(draftTimer);
    draftTimer = setTimeout(() => sendDraft(id), DRAFT_DELAY_MS);
  }

  /** Saves a pause in typing as a draft, unless that would demote a finished answer: an edit
   * of a submitted or discarded answer is decided when the labeler leaves the record. */
  function sendDraft(id: string): void {
    if (draftTimer !== null) clearTimeout(draftTimer);
    draftTimer = null;
    const status = intendedStatus(id);
    if (!state.dirty.has(id) || status === "submitted" || status === "discarded") return;
    const values = state.drafts.get(id);
    if (!values || Object.keys(values).length === 0) return;
    send(id, values, "draft", null);
  }

  /** Nothing typed is dropped on leaving: a draft goes out; an edit of a submitted answer is
   * submitted again when complete, else kept as a draft, and the view says which. */
  function leaveRecord(): void {
    if (!card || !state.dirty.has(card.recordId)) return;
    const id = card.recordId;
    const status = intendedStatus(id);
    if (status !== "submitted" && status !== "discarded") {
      sendDraft(id);
      return;
    }
    if (draftTimer !== null) clearTimeout(draftTimer);
    draftTimer = null;
    const values = collect(card);
    if (Object.keys(values).length === 0) return;
    const n = state.position + 1;
    const missing = missingRequired(card);
    let kept: ResponseStatusName = "draft";
    if (status === "submitted" && missing.length === 0) kept = "submitted";
    send(id, values, kept, null, shownIn(card), reviewSource.get(id) ?? null);
    const why =
      status === "discarded"
        ? "it was discarded"
        : `${missing.map((i) => i.question.title || i.question.name).join(", ")} is empty`;
    bar.notice(
      state.disconnected
        ? `Your edit of record ${n} is kept in this page, not saved: ${NOT_SENT}.`
        : kept === "submitted"
          ? `Your edit of record ${n} was submitted.`
          : `Your edit of record ${n} was kept as a draft (${why}).`,
    );
  }

  function navigate(position: number, focus: boolean): void {
    const n = total();
    if (n <= 0) return;
    if (position < 0 || position > n - 1) {
      bar.notice(`There is no record ${position + 1}: this filter has records 1 to ${n}.`);
      return;
    }
    const p = position;
    if (p === state.position && card) return;
    atEnd = false;
    leaveRecord();
    state.position = p;
    focusOnRender = focus;
    renderAll();
    const now = Date.now();
    sentPositions = [...sentPositions.filter((s) => now - s.at < 3000), { position: p, at: now }];
    model.set("position", p);
    model.save_changes();
  }

  function answer(status: "submitted" | "discarded", focus = false): void {
    const rec = currentRecord();
    if (!rec || !card || card.recordId !== rec.id) return;
    const values = collect(card);
    if (status === "submitted") {
      const missing = missingRequired(card);
      for (const input of card.inputs) {
        const title = input.question.title || input.question.name;
        input.setInvalid(missing.includes(input) ? `${title} is required` : null);
      }
      const first = missing[0];
      if (first) {
        first.focus();
        bar.announce(`Not submitted: ${missing.length} required answer(s) missing`);
        return;
      }
    }
    if (draftTimer !== null) clearTimeout(draftTimer);
    draftTimer = null;
    state.drafts.set(rec.id, values);
    state.redoStack.length = 0;
    const elapsed = Math.round(Date.now() - shownAt) / 1000;
    send(rec.id, values, status, elapsed, shownIn(card), reviewSource.get(rec.id) ?? null);
    // Kept (stash, "not saved"): leaving it now is no new edit to send again.
    if (state.disconnected) state.dirty.delete(rec.id);
    const counts = model.get("counts") ?? NO_COUNTS;
    // Never claim an answer the kernel cannot receive: a dead comm shows up on this very send.
    const verb = status === "submitted" ? "Submitted" : "Discarded";
    bar.announce(
      state.disconnected
        ? `Not saved: record ${state.position + 1} is kept in this page; ${NOT_SENT}`
        : `${verb} record ${state.position + 1} of ${total()}; ${counts.submitted + counts.discarded} done`,
    );
    if (state.position < total() - 1) navigate(state.position + 1, focus || keyboardFocusInCard());
    else {
      atEnd = true;
      renderAll();
    }
  }

  function keyboardFocusInCard(): boolean {
    return card?.el.contains(focused()) ?? false;
  }

  /** Undo: the last finished answer is taken back; the record shows, in every question, what
   * it held before (a first answer stays in its boxes as a draft). */
  function undo(): void {
    const last = state.lastAction;
    if (!last) {
      bar.notice("Nothing to undo.");
      return;
    }
    const restored = undoneState(last);
    if (!requests.undo(last, restored)) return;
    showAgain(last.recordId);
    const n = (findRecord(last.recordId)?.index ?? state.position) + 1;
    bar.notice(
      restored?.status === "draft"
        ? `Undone: record ${n} is a draft again, with your answers kept (Alt+Shift+Z redoes).`
        : `Undone: record ${n} is back to ${restored ? `its ${restored.status} answer` : "pending"} (Alt+Shift+Z redoes).`,
    );
  }

  /** Redo: the answer Undo took back is given again. */
  function redo(): void {
    const again = state.redoStack.pop();
    if (!again) {
      bar.notice("Nothing to redo.");
      return;
    }
    state.drafts.set(again.recordId, again.values);
    requests.answer(again.recordId, again.values, again.status, null);
    showAgain(again.recordId);
    const n = (findRecord(again.recordId)?.index ?? state.position) + 1;
    bar.notice(`Redone: record ${n} is ${again.status} again.`);
  }

  /** Shows `id` with the values the view now holds for it, every input rebuilt (the focused
   * one too: its text is what Undo or Redo put there). */
  function showAgain(id: string): void {
    atEnd = false;
    const rec = findRecord(id);
    if (card?.recordId === id) card = null;
    if (rec && rec.index !== state.position) navigate(rec.index, true);
    else {
      focusOnRender = true;
      renderAll();
    }
  }

  function setFilter(value: StatusFilter): void {
    leaveRecord();
    state.position = 0;
    awaitingWindow = true;
    card = null;
    // An unchanged window syncs no change event: after a while, the one we hold is the answer.
    if (filterTimer !== null) clearTimeout(filterTimer);
    filterTimer = setTimeout(() => {
      filterTimer = null;
      if (awaitingWindow) onWindow();
    }, FILTER_WAIT_MS);
    model.set("status_filter", value);
    model.set("position", 0);
    model.save_changes();
    renderAll();
  }

  function onWindow(): void {
    awaitingWindow = false;
    for (const rec of windowRecords()) state.settle(rec.id);
    renderAll();
    moveOnIfCompletedElsewhere();
  }

  /** Others' answers completed the record on screen: say so, keep the typed text as a draft
   * (leaving the record sends it) and move on. */
  function moveOnIfCompletedElsewhere(): void {
    const rec = currentRecord();
    if (!rec || model.get("review") || model.get("status_filter") !== "queue") return;
    const status = intendedStatus(rec.id);
    if (movedOn.has(rec.id) || !completedElsewhere(rec, status)) return;
    movedOn.add(rec.id);
    // typed and not yet sent (leaving sends it), or already sent as a draft
    const typed = state.dirty.has(rec.id) || status === "draft";
    const kept = typed ? "; what you typed is kept as a draft" : "";
    const text = `Record ${state.position + 1} was completed by other annotators${kept}`;
    team.notice(text);
    bar.announce(text);
    if (state.position < total() - 1) navigate(state.position + 1, keyboardFocusInCard());
  }

  function onPosition(): void {
    const p = model.get("position") ?? 0;
    if (p === state.position) return;
    const latest = sentPositions[sentPositions.length - 1];
    const stale = sentPositions.some((s) => s.position === p) && latest?.position !== p;
    // (A move the labeler asked the kernel for is never an echo.)
    if (stale && !focusAfterJump && Date.now() - (latest?.at ?? 0) < 3000) return;
    leaveRecord();
    atEnd = false;
    state.position = p;
    focusOnRender = focusOnRender || focusAfterJump || keyboardFocusInCard();
    focusAfterJump = false;
  }

  function nextPending(): void {
    leaveRecord();
    focusAfterJump = true;
    requests.nextPending(state.position);
  }

  /** Escape: give the focus back to the host (JupyterLab's notebook, in command mode). */
  function leaveWidget(): void {
    if (help.isOpen()) {
      help.close();
      return;
    }
    leaveRecord();
    const active = focused();
    if (active instanceof HTMLElement) active.blur();
    let node: Node | null = root.parentNode;
    while (node) {
      if (node instanceof HTMLElement && node.hasAttribute("tabindex")) {
        node.focus();
        return;
      }
      node = node instanceof ShadowRoot ? node.host : node.parentNode;
    }
  }

  function onSchema(): void {
    card = null;
    renderGuidelines();
  }

  // Trait changes are applied together: some hosts (marimo) set the kernel's changes one trait
  // at a time, with a change event after each, so the view renders once they are all in.
  const changed = new Set<string>();
  let flushQueued = false;
  function traitChanged(name: string): void {
    changed.add(name);
    if (flushQueued) return;
    flushQueued = true;
    queueMicrotask(flush);
  }
  function flush(): void {
    flushQueued = false;
    const names = new Set(changed);
    changed.clear();
    if (names.has("schema")) onSchema();
    if (names.has("position")) onPosition();
    if (names.has("window") || names.has("window_start")) onWindow();
    else renderAll();
  }

  function run(action: Action): void {
    if (action === "submit") answer("submitted", true);
    else if (action === "discard") answer("discarded", true);
    else if (action === "next") navigate(state.position + 1, true);
    else if (action === "prev") navigate(state.position - 1, true);
    else if (action === "next_pending") nextPending();
    else if (action === "help") help.toggle();
    else if (action === "leave") leaveWidget();
    else if (action === "redo") redo();
    else undo();
  }

  const onKeydown = (event: KeyboardEvent) => {
    // The record is loading (or keys typed while it loaded still wait): hold this one too, in
    // order, rather than let it fall on the loading line.
    const holding = loadingShown || typeAhead.count > 0;
    const inRecord = event.target instanceof Node && body.contains(event.target);
    if (!typeAhead.replaying && holding && inRecord && typeAhead.hold(event)) {
      event.preventDefault();
      event.stopPropagation();
      const loading = body.querySelector(".nbf-loading");
      if (loading) loading.textContent = loadingText();
      return;
    }
    const picked = model.get("review") ? pickChord(event) : null;
    if (picked !== null) {
      event.preventDefault();
      event.stopPropagation();
      pick(picked);
      return;
    }
    const action = chordFor(event);
    if (action) {
      event.preventDefault();
      run(action);
    }
    event.stopPropagation();
  };
  const stop = (event: Event) => event.stopPropagation();
  // Tab from the notebook into the widget lands in the first answer box; Shift+Tab from there
  // still reaches the guidelines and the record's text. A click goes where it points.
  let pointerAt = 0;
  const onPointer = () => {
    pointerAt = Date.now();
  };
  // A click outside the view (the cell's prompt, another cell) takes the focus out of it: the
  // host does not always move it, and Shift+Enter would then type a newline into an answer.
  const onPointerAnywhere = (event: Event) => {
    if (event.composedPath().includes(root)) return;
    const active = focused();
    if (active instanceof HTMLElement && root.contains(active)) {
      leaveRecord();
      active.blur();
    }
  };
  document.addEventListener("pointerdown", onPointerAnywhere, true);
  const onFocusIn = (event: FocusEvent) => {
    const from = event.relatedTarget;
    if (from instanceof Node && root.contains(from)) return;
    if (Date.now() - pointerAt < 500 || help.isOpen()) return;
    const first = card?.inputs[0];
    const target = event.target;
    if (!first || !(target instanceof Node) || first.el.contains(target)) return;
    if (target.compareDocumentPosition(first.el) & Node.DOCUMENT_POSITION_FOLLOWING) first.focus();
  };
  root.addEventListener("pointerdown", onPointer, true);
  // "Show all" (or any click) may change the record's height: place the answers again.
  const onClick = () => keeper.update();
  root.addEventListener("click", onClick);
  // Closing or reloading the page: what was typed since the last pause goes out now, and into
  // the stash, so the next view of this dataset has it even if the message never arrives.
  const onPageHide = () => leaveRecord();
  globalThis.addEventListener?.("pagehide", onPageHide);
  root.addEventListener("focusin", onFocusIn);
  root.addEventListener("keydown", onKeydown);
  root.addEventListener("keyup", stop);
  root.addEventListener("keypress", stop);

  const traitNames = [
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
  const traitHandlers: [string, () => void][] = traitNames.map((name) => [
    `change:${name}`,
    () => traitChanged(name),
  ]);
  // JupyterLab marks every model's comm dead when the kernel restarts.
  const onCommLive = () => requests.disconnect();
  traitHandlers.push(["comm_live_update", onCommLive]);
  for (const [event, handler] of traitHandlers) model.on(event, handler);
  model.on("msg:custom", onMessage);

  renderGuidelines();
  renderAll();
  const stopNews = startNews(model);
  liveViews().add(state.viewId);
  resendOrphans();

  /** Answers an earlier view of this dataset stashed and never saw acknowledged. */
  function resendOrphans(): void {
    const live = liveViews();
    const orphans = stash.all().filter((a) => !live.has(a.owner));
    for (const a of orphans) {
      state.drafts.set(a.recordId, a.values);
      requests.answer(a.recordId, a.values, a.status, a.timeSpent, a.shown, a.source, a.writtenAt);
    }
    if (orphans.length > 0) {
      for (const a of orphans) resending.add(a.recordId);
      bar.notice(`Sending ${orphans.length} answer(s) an earlier view could not save.`);
      renderAll();
    }
  }

  /** Once the kernel answered every resent answer, the "Sending…" line goes: what became of
   * each is on its record and in the footer. */
  function settleResent(): void {
    if (resending.size === 0) return;
    for (const id of resending) if (state.hasPendingFor(id)) return;
    const n = resending.size;
    resending.clear();
    bar.notice("");
    bar.announce(`The ${n} answer(s) an earlier view kept were sent`);
  }

  return () => {
    stopNews();
    stopTheme();
    leaveRecord();
    if (draftTimer !== null) clearTimeout(draftTimer);
    if (filterTimer !== null) clearTimeout(filterTimer);
    state.clearTimers();
    liveViews().delete(state.viewId);
    for (const [event, handler] of traitHandlers) model.off(event, handler);
    model.off("msg:custom", onMessage);
    root.removeEventListener("keydown", onKeydown);
    root.removeEventListener("keyup", stop);
    root.removeEventListener("keypress", stop);
    root.removeEventListener("pointerdown", onPointer, true);
    document.removeEventListener("pointerdown", onPointerAnywhere, true);
    root.removeEventListener("click", onClick);
    keeper.stop();
    globalThis.removeEventListener?.("pagehide", onPageHide);
    root.removeEventListener("focusin", onFocusIn);
    root.remove();
  };
}
