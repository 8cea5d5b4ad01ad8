/** Radios (a rating, a label) or checkboxes (multi-label): a leaf of the question dispatcher. */
import { h, uid } from "../dom";
import type { AnswerValue, LabelOption } from "../protocol";
import type { Control } from "./control";

/** Radios (rating, label) or checkboxes (multi-label) in a group named by the title. */
export function choiceInput(
  options: LabelOption[],
  titleId: string,
  type: "radio" | "checkbox",
  onChange: () => void,
  cast: (v: string | undefined) => AnswerValue | undefined,
  digitIsValue = false,
): Control {
  const name = uid("group");
  const boxes = options.map((opt) =>
    h("input", { type, name, value: opt.value, id: uid("opt"), class: "nbf-choice-input" }),
  );
  const input = h(
    "div",
    {
      id: uid("q"),
      role: type === "radio" ? "radiogroup" : "group",
      "aria-labelledby": titleId,
      class: "nbf-choices",
    },
    options.map((opt, i) => {
      const box = boxes[i] as HTMLInputElement;
      box.addEventListener("change", onChange);
      // A rating's options are their own digits; labels get their number shown.
      const digit =
        !digitIsValue && i < 9
          ? h("kbd", { class: "nbf-kbd", "aria-hidden": "true" }, [String(i + 1)])
          : null;
      return h("label", { class: "nbf-choice", for: box.id }, [box, opt.text || opt.value, digit]);
    }),
  );
  // A digit picks an option while focus is on this question: a rating's option of that value,
  // else the n-th label; on checkboxes it toggles.
  input.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || !/^[1-9]$/.test(event.key)) return;
    const box = digitIsValue
      ? boxes.find((b) => b.value === event.key)
      : boxes[Number(event.key) - 1];
    if (!box) return;
    event.preventDefault();
    box.checked = type === "checkbox" ? !box.checked : true;
    box.focus();
    box.dispatchEvent(new Event("change", { bubbles: true }));
  });
  return {
    input,
    getValue() {
      const checked = boxes.filter((b) => b.checked).map((b) => b.value);
      if (type === "checkbox") return checked.length > 0 ? checked : undefined;
      return cast(checked[0]);
    },
    setValue(value) {
      const wanted = new Set(
        (Array.isArray(value) ? value : value === null || value === undefined ? [] : [value]).map(
          String,
        ),
      );
      for (const b of boxes) b.checked = wanted.has(b.value);
    },
    focus() {
      (boxes.find((b) => b.checked) ?? boxes[0])?.focus();
    },
  };
}
