/** The `?` overlay: every chord of the view, in a dialog that Escape or `?` closes, giving the
 * focus back to where it was. It floats over the record (a manual popover, in the browser's top
 * layer, so no output box clips it), so opening it moves nothing on the page; a browser without
 * popovers shows it absolutely positioned over the record instead. */
import { h } from "../dom";
import { CHORDS } from "../keys";

export interface HelpOverlay {
  readonly el: HTMLElement;
  readonly isOpen: () => boolean;
  toggle(): void;
  close(): void;
}

const HAS_POPOVER =
  typeof HTMLElement !== "undefined" && typeof HTMLElement.prototype.showPopover === "function";

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
      popover: HAS_POPOVER ? "manual" : null,
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
        if (HAS_POPOVER) el.showPopover();
        el.focus();
      } else {
        overlay.close();
      }
    },
    close() {
      if (el.hidden) return;
      if (HAS_POPOVER && el.matches(":popover-open")) el.hidePopover();
      el.hidden = true;
      returnTo?.focus();
      returnTo = null;
    },
  };
  closeBtn.addEventListener("click", () => overlay.close());
  return overlay;
}
