/** A text question's answer box: laid out in the writer's direction (`dir="auto"`), growing
 * with its text up to a cap and scrolling after it, and, for `use_markdown`, a live preview of
 * the answer rendered as it will read. */
import { h, uid } from "../dom";
import { renderMarkdown } from "../markdown";
import type { Control } from "./control";

/** The box grows to this many lines, then scrolls. */
export const MAX_LINES = 24;
const MIN_ROWS = 4;

export function textAnswer(onChange: () => void, useMarkdown: boolean): Control {
  const input = h("textarea", {
    id: uid("q"),
    rows: MIN_ROWS,
    dir: "auto",
    class: "nbf-textarea",
  });
  const preview = useMarkdown
    ? h("div", { class: "nbf-preview-body nbf-markdown", dir: "auto", "aria-live": "off" })
    : null;
  const previewBox = preview
    ? h("details", { class: "nbf-preview", open: true, "data-testid": "nbf-preview" }, [
        h("summary", {}, ["Preview"]),
        preview,
      ])
    : null;

  function grow(): void {
    // Rows follow the text (wrapped lines included once laid out), between the floor and the cap.
    const lines = input.value.split("\n").length;
    input.rows = Math.min(Math.max(lines + 1, MIN_ROWS), MAX_LINES);
    if (input.scrollHeight > input.clientHeight && input.rows < MAX_LINES) {
      const lineHeight = input.clientHeight / input.rows || 0;
      if (lineHeight > 0) {
        const needed = Math.ceil(input.scrollHeight / lineHeight);
        input.rows = Math.min(Math.max(needed, input.rows), MAX_LINES);
      }
    }
  }
  function showPreview(): void {
    if (!preview) return;
    renderMarkdown(preview, input.value);
    for (const block of preview.querySelectorAll("p, li, td, th, h1, h2, h3, h4, blockquote")) {
      block.setAttribute("dir", "auto");
    }
  }
  input.addEventListener("input", () => {
    grow();
    showPreview();
    onChange();
  });
  return {
    input,
    extra: previewBox ?? undefined,
    getValue: () => (input.value.trim() === "" ? undefined : input.value),
    setValue: (value) => {
      input.value = typeof value === "string" ? value : "";
      grow();
      showPreview();
    },
    focus: () => input.focus(),
  };
}
