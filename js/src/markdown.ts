/** Markdown for fields and guidelines with use_markdown: marked, then DOMPurify.
 * Record text is untrusted: no scripts, no event handlers, no javascript: links. */
import DOMPurify from "dompurify";
import { marked } from "marked";
import { markFocusables } from "./dom";

const FORBID_TAGS = [
  "style",
  "script",
  "iframe",
  "object",
  "embed",
  "form",
  "input",
  "button",
  "select",
  "textarea",
  "link",
  "meta",
  "base",
];

let hooked = false;

function ensureHook(): void {
  if (hooked) return;
  hooked = true;
  DOMPurify.addHook("afterSanitizeAttributes", (node) => {
    if (node instanceof Element && node.tagName === "A" && node.hasAttribute("href")) {
      node.setAttribute("target", "_blank");
      node.setAttribute("rel", "noopener noreferrer");
    }
  });
}

/** Sanitized HTML for a markdown string. */
export function markdownToHtml(text: string): string {
  ensureHook();
  // A single line break is soft (as in CommonMark and GitHub): a paragraph wrapped at 80
  // columns reads as one paragraph; a blank line or two trailing spaces break it.
  const html = marked.parse(text, { async: false, gfm: true, breaks: false });
  return DOMPurify.sanitize(html, {
    FORBID_TAGS,
    FORBID_ATTR: ["style", "srcset", "formaction", "action"],
    ALLOW_DATA_ATTR: false,
  });
}

/** Renders markdown into `target`, replacing its content. */
export function renderMarkdown(target: HTMLElement, text: string): void {
  // Safe: the string comes out of DOMPurify just above.
  target.innerHTML = markdownToHtml(text);
  markFocusables(target);
}
