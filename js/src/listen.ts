/** The view's DOM listeners: keys (held while a record loads, a reviewer's pick, the chords),
 * the pointer and the focus (Tab from the notebook lands in the first answer; a click outside
 * takes the focus out of the view), and the page closing. */
import type { Actions } from "./actions";
import { chordFor } from "./keys";
import type { Screen } from "./screen";
import type { TypeAhead } from "./typeahead";
import { pickChord } from "./views/review";

/** Adds the listeners; returns the function that removes them. `review`: the reviewer's view,
 * where Alt+digit picks an annotator's answer. */
export function listen(
  screen: Screen,
  actions: Actions,
  typeAhead: TypeAhead,
  review: () => boolean,
): () => void {
  const { root, body } = screen;
  const onKeydown = (event: KeyboardEvent) => {
    // The record is loading (or keys typed while it loaded still wait): hold this one too, in
    // order, rather than let it fall on the loading line.
    const holding = screen.loadingShown || typeAhead.count > 0;
    const inRecord = event.target instanceof Node && body.contains(event.target);
    if (!typeAhead.replaying && holding && inRecord && typeAhead.hold(event)) {
      event.preventDefault();
      event.stopPropagation();
      screen.updateLoading();
      return;
    }
    const picked = review() ? pickChord(event) : null;
    if (picked !== null) {
      event.preventDefault();
      event.stopPropagation();
      actions.pick(picked);
      return;
    }
    const action = chordFor(event);
    if (action) {
      event.preventDefault();
      actions.run(action);
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
    const active = screen.focused();
    if (active instanceof HTMLElement && root.contains(active)) {
      actions.leaveRecord();
      active.blur();
    }
  };
  const onFocusIn = (event: FocusEvent) => {
    const from = event.relatedTarget;
    if (from instanceof Node && root.contains(from)) return;
    if (Date.now() - pointerAt < 500 || screen.help.isOpen()) return;
    const first = screen.card?.inputs[0];
    const target = event.target;
    if (!first || !(target instanceof Node) || first.el.contains(target)) return;
    if (target.compareDocumentPosition(first.el) & Node.DOCUMENT_POSITION_FOLLOWING) first.focus();
  };
  // "Show all" (or any click) may change the record's height: place the answers again.
  const onClick = () => screen.place();
  // Closing or reloading the page: what was typed since the last pause goes out now, and into
  // the stash, so the next view of this dataset has it even if the message never arrives.
  const onPageHide = () => actions.leaveRecord();

  document.addEventListener("pointerdown", onPointerAnywhere, true);
  root.addEventListener("pointerdown", onPointer, true);
  root.addEventListener("click", onClick);
  globalThis.addEventListener?.("pagehide", onPageHide);
  root.addEventListener("focusin", onFocusIn);
  root.addEventListener("keydown", onKeydown);
  root.addEventListener("keyup", stop);
  root.addEventListener("keypress", stop);
  return () => {
    root.removeEventListener("keydown", onKeydown);
    root.removeEventListener("keyup", stop);
    root.removeEventListener("keypress", stop);
    root.removeEventListener("pointerdown", onPointer, true);
    document.removeEventListener("pointerdown", onPointerAnywhere, true);
    root.removeEventListener("click", onClick);
    globalThis.removeEventListener?.("pagehide", onPageHide);
    root.removeEventListener("focusin", onFocusIn);
  };
}
