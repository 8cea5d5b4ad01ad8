/** The `?` overlay: every chord of the view, in a dialog that Escape or `?` closes, giving the
 * focus back to where it was. */
import { h } from "../dom";
import { CHORDS } from "../keys";

export interface HelpOverlay {
  readonly el: HTMLElement;
  readonly isOpen: () => boolean;
  toggle(): void;
  close(): void;
}

export function helpOverlay(getFocused: () => Element | null): HelpOverlay {
  const rows = CHORDS.map((c) =>
    h("tr", {}, [h("th", { scope: "row" }, [h("kbd", {}, [c.label])]), h("td", {}, [c.what])]),
  );
  const closeBtn = h(
    "button",
    { type: "button", class: "nbf-btn", "data-testid": "nbf-help-close" },
    ["Close"],
  );
  const el = h(
    "div",
    {
      class: "nbf-help",
      role: "dialog",
      "aria-modal": "false",
      "aria-label": "Keyboard shortcuts",
      "data-testid": "nbf-help",
      tabindex: -1,
      hidden: true,
    },
    [
      h("h3", { class: "nbf-help-title" }, ["Keyboard shortcuts"]),
      h("table", { class: "nbf-help-table" }, [h("tbody", {}, rows)]),
      closeBtn,
    ],
  );
  let returnTo: HTMLElement | null = null;
  const overlay: HelpOverlay = {
    el,
    isOpen: () => !el.hidden,
    toggle() {
      if (el.hidden) {
        const active = getFocused();
        returnTo = active instanceof HTMLElement ? active : null;
        el.hidden = false;
        el.focus();
      } else {
        overlay.close();
      }
    },
    close() {
      if (el.hidden) return;
      el.hidden = true;
      returnTo?.focus();
      returnTo = null;
    },
  };
  closeBtn.addEventListener("click", () => overlay.close());
  return overlay;
}
