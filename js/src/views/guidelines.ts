/** Guidelines as collapsible markdown. */
import { h } from "../dom";
import { renderMarkdown } from "../markdown";

export function guidelines(text: string | null): HTMLElement | null {
  if (!text) return null;
  const body = h("div", { class: "nbf-guidelines-body nbf-markdown" });
  renderMarkdown(body, text);
  return h("details", { class: "nbf-guidelines", "data-testid": "nbf-guidelines" }, [
    h("summary", {}, ["Guidelines"]),
    body,
  ]);
}
