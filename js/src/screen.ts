/** Rendering: the view's DOM from what is shown (`Shown`) and the state of the answers
 * (`UiState`). It holds the elements and the record card on screen, and decides nothing about
 * answers: what a click or a key does is `actions.ts`. */
import { h, SUPPRESS } from "./dom";
import { type KeepInView, keepInView } from "./keep-in-view";
import type { Shown } from "./shown";
import { followTheme } from "./theme";
import type { TypeAhead } from "./typeahead";
import { guidelines } from "./views/guidelines";
import { type HelpOverlay, helpOverlay } from "./views/help";
import { type Pager, type PagerHandlers, pager } from "./views/pager";
import { type RecordCard, recordCard } from "./views/record-card";
import { reviewPanel } from "./views/review";
import { type StatusBar, statusBar } from "./views/status-bar";
import { type TeamLine, teamLine } from "./views/team";

/** What the screen's controls call: the pager's buttons (but Help, which it opens itself), an
 * input of the record card, and a reviewer's pick of an annotator's answer. */
export interface ScreenHandlers extends Omit<PagerHandlers, "help"> {
  input(): void;
  pick(index: number): void;
}

export class Screen {
  readonly root: HTMLElement;
  readonly bar: StatusBar;
  readonly team: TeamLine;
  readonly pg: Pager;
  readonly help: HelpOverlay;
  readonly body: HTMLElement;
  /** The record on screen, or null while none is (loading, empty filter, a new schema). */
  card: RecordCard | null = null;
  /** The "Loading record n…" line is on screen (keys typed now are held). */
  loadingShown = false;
  /** When the record on screen was shown (ms): the time spent on an answer counts from it. */
  shownAt = Date.now();
  private readonly guideSlot: HTMLElement;
  /** The kernel alert was brought into view once. */
  private alertShown = false;
  /** The answers and Submit stay in view beside a long record (side by side on a wide panel). */
  private readonly keeper: KeepInView;
  private readonly stopTheme: () => void;

  constructor(
    el: HTMLElement,
    private readonly shown: Shown,
    private readonly typeAhead: TypeAhead,
    /** An error from the kernel that answers no request of this view. */
    private readonly generalError: () => string,
    private readonly on: ScreenHandlers,
  ) {
    this.root = h("div", { class: "nbf-root", "data-testid": "nbf-root", [SUPPRESS]: "true" });
    this.bar = statusBar();
    this.team = teamLine();
    this.bar.header.append(this.team.el);
    this.pg = pager({ ...on, help: () => this.help.toggle() });
    this.help = helpOverlay(() => this.focused());
    this.guideSlot = h("div", { class: "nbf-guidelines-slot" });
    this.body = h("div", { class: "nbf-body" });
    const { root, bar, pg } = this;
    root.append(bar.top, bar.header, this.help.el, this.guideSlot, this.body, pg.actions, pg.el);
    root.append(bar.footer);
    el.append(root);
    this.stopTheme = followTheme(root);
    this.keeper = keepInView(() =>
      this.card ? { column: this.card.questions, card: this.card.el } : null,
    );
  }

  /** The focused element as this view sees it: in marimo the view lives in a shadow root, and
   * `document.activeElement` is only its host element. */
  focused(): Element | null {
    const node = this.root.getRootNode() as Document | ShadowRoot;
    return node.activeElement ?? null;
  }

  /** Everything from the current traits and state. */
  render(): void {
    const { shown, bar } = this;
    const answers = shown.answers;
    const traits = shown.traits;
    const counts = shown.counts();
    this.pg.update(
      shown.position,
      shown.total(),
      traits.get("status_filter") ?? "all",
      counts,
      answers.lastAction !== null,
      answers.redoStack.length > 0,
    );
    bar.update({
      user: traits.get("user") ?? "",
      persistent: traits.get("persistent") ?? false,
      folder: traits.get("folder") ?? "",
      counts,
      error: traits.get("error") || this.generalError(),
      save: answers.save,
      disconnected: answers.disconnected,
      unsent: answers.unsentCount(),
    });
    if (answers.disconnected && !this.alertShown) {
      // Said where the widget begins, and brought into view: below a long record the top of
      // the widget is off screen, and the labeler must not go on believing answers are saved.
      this.alertShown = true;
      bar.top.scrollIntoView?.({ block: "nearest" });
    }
    this.team.update(traits.get("team"));
    this.renderRecord();
    if (!this.typeAhead.replaying) this.playHeld();
    this.keeper.update();
  }

  renderGuidelines(): void {
    const g = guidelines(this.shown.schema().guidelines);
    this.guideSlot.replaceChildren(...(g ? [g] : []));
  }

  loadingText(): string {
    const n = this.typeAhead.count;
    const held = n > 0 ? ` ${n} key(s) you typed are held and go into it once it shows.` : "";
    return `Loading record ${this.shown.position + 1}…${held}`;
  }

  /** The loading line counts the keys held so far. */
  updateLoading(): void {
    const loading = this.body.querySelector(".nbf-loading");
    if (loading) loading.textContent = this.loadingText();
  }

  /** The record card has the keyboard focus. */
  focusInCard(): boolean {
    return this.card?.el.contains(this.focused()) ?? false;
  }

  /** Places the answers again (a click may change the record's height). */
  place(): void {
    this.keeper.update();
  }

  stop(): void {
    this.stopTheme();
    this.keeper.stop();
    this.root.remove();
  }

  private renderRecord(): void {
    const { shown, body, root, pg } = this;
    const answers = shown.answers;
    const rec = shown.record();
    const hadFocus = body.contains(this.focused());
    this.loadingShown = false;
    if (!rec) {
      this.card = null;
      this.loadingShown = shown.total() > 0 || shown.awaitingWindow;
      const text = this.loadingShown ? this.loadingText() : "No records in this filter.";
      const loading = h(
        "p",
        { class: "nbf-loading", role: "status", tabindex: -1, "data-testid": "nbf-loading" },
        [text],
      );
      body.replaceChildren(loading);
      root.insertBefore(pg.actions, pg.el);
      // Keep focus inside the view so keys still stay away from the notebook.
      if (hadFocus || shown.focusOnRender) loading.focus();
      return;
    }
    let card = this.card;
    if (card && card.recordId === rec.id) {
      if (!answers.drafts.has(rec.id)) {
        // Another view or the kernel changed this record: refresh every input but the focused one.
        const active = this.focused();
        for (const input of card.inputs) {
          if (!input.el.contains(active))
            input.setValue(shown.initialValue(rec, input.question.name));
        }
      }
    } else {
      const schema = shown.schema();
      card = recordCard(schema, rec, () => this.on.input());
      this.card = card;
      for (const input of card.inputs) input.setValue(shown.initialValue(rec, input.question.name));
      if (shown.traits.get("review")) {
        const panel = reviewPanel(rec.answers ?? [], schema.questions, (i) => this.on.pick(i));
        body.replaceChildren(panel.el, card.el);
      } else {
        body.replaceChildren(card.el);
      }
      // The answer buttons sit with the answers (side by side on a wide panel, both in view).
      card.questions.append(pg.actions);
      this.shownAt = Date.now();
      if (shown.focusOnRender || hadFocus) card.inputs[0]?.focus();
      shown.focusOnRender = false;
    }
    card.setStatus(shown.statusOf(rec.id), answers.recordSave.get(rec.id) ?? null);
    this.renderEnd();
  }

  /** Plays the keys typed while loading into the record now shown. */
  private playHeld(): void {
    const { typeAhead } = this;
    if (typeAhead.count === 0 || !this.card) return;
    if (!this.body.contains(this.focused())) this.card.inputs[0]?.focus();
    typeAhead.replay(
      () => this.card !== null && !this.loadingShown,
      () => this.focused(),
      this.root,
    );
    this.updateLoading();
  }

  /** After the last record of the filter: how many are still pending, and a way to them. */
  private renderEnd(): void {
    const { body, card } = this;
    const old = body.querySelector(".nbf-end");
    const active = this.focused();
    // Focus moves to the message when it comes from the answer (or from its earlier copy).
    const hadFocus = (card?.el.contains(active) ?? false) || (old?.contains(active) ?? false);
    old?.remove();
    if (!this.shown.showsEnd()) return;
    const pending = this.shown.counts().pending;
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
    go?.addEventListener("click", () => this.on.nextPending());
    const panel = h(
      "div",
      { class: "nbf-end", role: "status", tabindex: -1, "data-testid": "nbf-end" },
      [h("p", {}, [text]), go],
    );
    body.prepend(panel);
    if (hadFocus) (go ?? panel).focus();
  }
}
