/** What the labeler's commands do (a button, a chord, a pick) and how the view follows the
 * kernel's traits: moves the position (`Shown`), sends answers through `Requests`, and asks the
 * screen to render. Moving on never waits for the kernel. */
import type { AnyModel } from "@anywidget/types";
import type { Action } from "./keys";
import type { AnswerValues, StatusFilter, Traits } from "./protocol";
import { NOT_SENT, type Requests } from "./requests";
import type { Screen } from "./screen";
import { editOfFinished, type Shown } from "./shown";
import { type UiState, undoneState } from "./state";
import { type RecordCard, shownIn } from "./views/record-card";

export const DRAFT_DELAY_MS = 1000;
export const FILTER_WAIT_MS = 1000;

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

export class Actions {
  private draftTimer: ReturnType<typeof setTimeout> | null = null;
  private filterTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly model: AnyModel<Traits>,
    private readonly shown: Shown,
    private readonly requests: Requests,
    private readonly screen: Screen,
  ) {}

  /** Sends one answer and shows its "saving" at once. */
  private send(...args: Parameters<Requests["answer"]>): void {
    this.requests.answer(...args);
    this.screen.render();
  }

  private get answers(): UiState {
    return this.shown.answers;
  }

  onInput(): void {
    const { card } = this.screen;
    if (!card) return;
    const id = card.recordId;
    this.answers.setDraft(id, collect(card));
    this.answers.redoStack.length = 0; // a new edit: what Undo took back is not given again
    for (const input of card.inputs) if (input.getValue() !== undefined) input.setInvalid(null);
    this.clearDraftTimer();
    this.draftTimer = setTimeout(() => this.sendDraft(id), DRAFT_DELAY_MS);
  }

  private clearDraftTimer(): void {
    if (this.draftTimer !== null) clearTimeout(this.draftTimer);
    this.draftTimer = null;
  }

  /** Saves a pause in typing as a draft, unless that would demote a finished answer: an edit
   * of a submitted or discarded answer is decided when the labeler leaves the record. */
  private sendDraft(id: string): void {
    this.clearDraftTimer();
    const values = this.shown.draftToSend(id);
    if (values) this.send(id, values, "draft", null);
  }

  /** Nothing typed is dropped on leaving: a draft goes out; an edit of a submitted answer is
   * submitted again when complete, else kept as a draft, and the view says which. */
  leaveRecord(): void {
    const { card } = this.screen;
    const { shown, answers } = this;
    if (!card || !answers.dirty.has(card.recordId)) return;
    const id = card.recordId;
    const status = shown.intendedStatus(id);
    if (status !== "submitted" && status !== "discarded") {
      this.sendDraft(id);
      return;
    }
    this.clearDraftTimer();
    const values = collect(card);
    if (Object.keys(values).length === 0) return;
    const n = shown.position + 1;
    const missing = missingRequired(card).map((i) => i.question.title || i.question.name);
    const { kept, why } = editOfFinished(status, missing);
    this.send(id, values, kept, null, shownIn(card), shown.reviewSource.get(id) ?? null);
    this.screen.bar.notice(
      answers.disconnected
        ? `Your edit of record ${n} is kept in this page, not saved: ${NOT_SENT}.`
        : kept === "submitted"
          ? `Your edit of record ${n} was submitted.`
          : `Your edit of record ${n} was kept as a draft (${why}).`,
    );
  }

  navigate(position: number, focus: boolean): void {
    const { shown, screen } = this;
    const n = shown.total();
    if (n <= 0) return;
    if (position < 0 || position > n - 1) {
      screen.bar.notice(`There is no record ${position + 1}: this filter has records 1 to ${n}.`);
      return;
    }
    if (position === shown.position && screen.card) return;
    shown.atEnd = false;
    this.leaveRecord();
    shown.position = position;
    shown.focusOnRender = focus;
    screen.render();
    shown.sentPosition(position, Date.now());
    this.model.set("position", position);
    this.model.save_changes();
  }

  answer(status: "submitted" | "discarded", focus = false): void {
    const { shown, answers, screen } = this;
    const { card, bar } = screen;
    const rec = shown.record();
    if (!rec || !card || card.recordId !== rec.id) return;
    const values = collect(card);
    if (status === "submitted") {
      const missing = missingRequired(card);
      const wrong = card.inputs.filter((i) => i.problem() !== null); // e.g. a refused tie
      for (const input of card.inputs) {
        const title = input.question.title || input.question.name;
        input.setInvalid(
          input.problem() ?? (missing.includes(input) ? `${title} is required` : null),
        );
      }
      const first = wrong[0] ?? missing[0];
      if (first) {
        first.focus();
        bar.announce(
          wrong[0]
            ? `Not submitted: ${wrong[0].problem()}`
            : `Not submitted: ${missing.length} required answer(s) missing`,
        );
        return;
      }
    }
    this.clearDraftTimer();
    answers.drafts.set(rec.id, values);
    answers.redoStack.length = 0;
    const elapsed = Math.round(Date.now() - screen.shownAt) / 1000;
    this.send(
      rec.id,
      values,
      status,
      elapsed,
      shownIn(card),
      shown.reviewSource.get(rec.id) ?? null,
    );
    // Kept (stash, "not saved"): leaving it now is no new edit to send again.
    if (answers.disconnected) answers.dirty.delete(rec.id);
    const counts = shown.counts();
    // Never claim an answer the kernel cannot receive: a dead comm shows up on this very send.
    const verb = status === "submitted" ? "Submitted" : "Discarded";
    bar.announce(
      answers.disconnected
        ? `Not saved: record ${shown.position + 1} is kept in this page; ${NOT_SENT}`
        : `${verb} record ${shown.position + 1} of ${shown.total()}; ${counts.submitted + counts.discarded} done`,
    );
    if (shown.position < shown.total() - 1) {
      this.navigate(shown.position + 1, focus || screen.focusInCard());
    } else {
      shown.atEnd = true;
      screen.render();
    }
  }

  /** Undo: the last finished answer is taken back; the record shows, in every question, what
   * it held before (a first answer stays in its boxes as a draft). */
  undo(): void {
    const last = this.answers.lastAction;
    const { bar } = this.screen;
    if (!last) {
      bar.notice("Nothing to undo.");
      return;
    }
    const restored = undoneState(last);
    if (!this.requests.undo(last, restored)) return;
    this.showAgain(last.recordId);
    const n = (this.shown.find(last.recordId)?.index ?? this.shown.position) + 1;
    bar.notice(
      restored?.status === "draft"
        ? `Undone: record ${n} is a draft again, with your answers kept (Alt+Shift+Z redoes).`
        : `Undone: record ${n} is back to ${restored ? `its ${restored.status} answer` : "pending"} (Alt+Shift+Z redoes).`,
    );
  }

  /** Redo: the answer Undo took back is given again. */
  redo(): void {
    const again = this.answers.redoStack.pop();
    const { bar } = this.screen;
    if (!again) {
      bar.notice("Nothing to redo.");
      return;
    }
    this.answers.drafts.set(again.recordId, again.values);
    this.requests.answer(again.recordId, again.values, again.status, null);
    this.showAgain(again.recordId);
    const n = (this.shown.find(again.recordId)?.index ?? this.shown.position) + 1;
    bar.notice(`Redone: record ${n} is ${again.status} again.`);
  }

  /** Shows `id` with the values the view now holds for it, every input rebuilt (the focused
   * one too: its text is what Undo or Redo put there). */
  private showAgain(id: string): void {
    const { shown, screen } = this;
    shown.atEnd = false;
    const rec = shown.find(id);
    if (screen.card?.recordId === id) screen.card = null;
    if (rec && rec.index !== shown.position) this.navigate(rec.index, true);
    else {
      shown.focusOnRender = true;
      screen.render();
    }
  }

  setFilter(value: StatusFilter): void {
    const { shown } = this;
    this.leaveRecord();
    shown.position = 0;
    shown.awaitingWindow = true;
    this.screen.card = null;
    // An unchanged window syncs no change event: after a while, the one we hold is the answer.
    if (this.filterTimer !== null) clearTimeout(this.filterTimer);
    this.filterTimer = setTimeout(() => {
      this.filterTimer = null;
      if (shown.awaitingWindow) this.onWindow();
    }, FILTER_WAIT_MS);
    this.model.set("status_filter", value);
    this.model.set("position", 0);
    this.model.save_changes();
    this.screen.render();
  }

  /** A new window of records arrived. */
  onWindow(): void {
    const { shown } = this;
    shown.awaitingWindow = false;
    for (const rec of shown.windowRecords()) this.answers.settle(rec.id);
    this.screen.render();
    this.moveOnIfCompletedElsewhere();
  }

  /** Others' answers completed the record on screen: say so, keep the typed text as a draft
   * (leaving the record sends it) and move on. */
  private moveOnIfCompletedElsewhere(): void {
    const { shown, screen } = this;
    const rec = shown.completedByOthers();
    if (!rec) return;
    // typed and not yet sent (leaving sends it), or already sent as a draft
    const typed = this.answers.dirty.has(rec.id) || shown.intendedStatus(rec.id) === "draft";
    const kept = typed ? "; what you typed is kept as a draft" : "";
    const text = `Record ${shown.position + 1} was completed by other annotators${kept}`;
    screen.team.notice(text);
    screen.bar.announce(text);
    if (shown.position < shown.total() - 1) {
      this.navigate(shown.position + 1, screen.focusInCard());
    }
  }

  /** The kernel moved `position` (next pending, another view, a late echo of this one). */
  onPosition(): void {
    const { shown } = this;
    const p = this.model.get("position") ?? 0;
    if (p === shown.position) return;
    if (shown.isEcho(p, Date.now())) return;
    this.leaveRecord();
    shown.atEnd = false;
    shown.position = p;
    shown.focusOnRender = shown.focusOnRender || shown.focusAfterJump || this.screen.focusInCard();
    shown.focusAfterJump = false;
  }

  onSchema(): void {
    this.screen.card = null;
    this.screen.renderGuidelines();
  }

  nextPending(): void {
    this.leaveRecord();
    this.shown.focusAfterJump = true;
    this.requests.nextPending(this.shown.position);
  }

  /** Review: copy answer `index` of the shown record into the inputs, to submit or edit. */
  pick(index: number): void {
    const { card, bar } = this.screen;
    const rec = this.shown.record();
    const chosen = rec?.answers?.[index];
    if (!rec || !card || !chosen) return;
    for (const input of card.inputs) input.setValue(chosen.values[input.question.name]);
    this.shown.reviewSource.set(rec.id, chosen.user);
    this.answers.setDraft(rec.id, collect(card));
    card.inputs[0]?.focus();
    bar.announce(`Took ${chosen.user}'s answer: edit it or submit it`);
  }

  /** Escape: give the focus back to the host (JupyterLab's notebook, in command mode). */
  leaveWidget(): void {
    const { help, root } = this.screen;
    if (help.isOpen()) {
      help.close();
      return;
    }
    this.leaveRecord();
    const active = this.screen.focused();
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

  run(action: Action): void {
    const { position } = this.shown;
    if (action === "submit") this.answer("submitted", true);
    else if (action === "discard") this.answer("discarded", true);
    else if (action === "next") this.navigate(position + 1, true);
    else if (action === "prev") this.navigate(position - 1, true);
    else if (action === "next_pending") this.nextPending();
    else if (action === "help") this.screen.help.toggle();
    else if (action === "leave") this.leaveWidget();
    else if (action === "redo") this.redo();
    else this.undo();
  }

  /** The view is closing: what was typed goes out, and no timer fires after. */
  stop(): void {
    this.leaveRecord();
    this.clearDraftTimer();
    if (this.filterTimer !== null) clearTimeout(this.filterTimer);
  }
}
