import { describe, expect, it } from "vitest";
import { makeRecord } from "./fake-model";
import { mountWidget, press, settle, type } from "./helpers";

describe("following the kernel's traits", () => {
  it("shows a loading state when the next record is not in the window, then renders it", async () => {
    const { q, model } = mountWidget({ window: [makeRecord(0)], total: 5 });
    type(q<HTMLTextAreaElement>("nbf-q-answer"), "done");
    press(q("nbf-q-answer"), "Enter", { ctrlKey: true });
    expect(model.messages("answer")).toHaveLength(1);
    const loading = q("nbf-loading");
    expect(loading.textContent).toBe("Loading record 2…");
    // Focus stays inside the view while loading.
    expect(document.activeElement).toBe(loading);
    model.update({ window_start: 1, window: [makeRecord(1), makeRecord(2)] });
    await settle();
    expect(q("nbf-field-prompt").textContent).toBe("Prompt number 1");
    expect(document.activeElement).toBe(q("nbf-q-answer"));
  });

  it("does not clobber the focused input when the window changes under it", async () => {
    const { q, model } = mountWidget();
    const box = q<HTMLTextAreaElement>("nbf-q-answer");
    box.focus();
    box.value = "typing in progress"; // no input event yet: mid-keystroke
    const updated = makeRecord(0, {
      response: {
        values: { answer: "from elsewhere", quality: 2 },
        status: "draft",
        updated_at: 2,
      },
    });
    model.update({ window: [updated, makeRecord(1)] });
    await settle();
    expect(q<HTMLTextAreaElement>("nbf-q-answer")).toBe(box);
    expect(box.value).toBe("typing in progress");
    // Inputs without focus follow the other view.
    expect(q("nbf-q-quality").querySelector<HTMLInputElement>("input:checked")?.value).toBe("2");
    expect(q("nbf-status").textContent).toBe("draft");
  });

  it("follows a position and counts set by the kernel or another view", async () => {
    const { q, model } = mountWidget();
    model.update({ position: 3 });
    await settle();
    expect(q("nbf-position").textContent).toBe("Record 4 of 10");
    expect(q("nbf-field-prompt").textContent).toBe("Prompt number 3");
    model.update({ counts: { pending: 6, draft: 0, submitted: 3, discarded: 1, total: 10 } });
    await settle();
    expect(q("nbf-progress").getAttribute("aria-valuenow")).toBe("4");
  });

  it("marks a previous answer saved when its ack arrives after moving on", async () => {
    const { q, model } = mountWidget();
    type(q<HTMLTextAreaElement>("nbf-q-answer"), "one");
    press(q("nbf-q-answer"), "Enter", { ctrlKey: true });
    type(q<HTMLTextAreaElement>("nbf-q-answer"), "two");
    press(q("nbf-q-answer"), "Enter", { ctrlKey: true });
    const [a, b] = model.messages("answer") as { request_id: string; record_id: string }[];
    expect([a?.record_id, b?.record_id]).toEqual(["r0", "r1"]);
    expect(a?.request_id).not.toBe(b?.request_id);
    model.receive({
      type: "ack",
      request_id: a?.request_id,
      record_id: "r0",
      status: "submitted",
      saved: true,
    });
    expect(q("nbf-saved").textContent).toBe("Saving…"); // r1 still pending
    model.receive({
      type: "ack",
      request_id: b?.request_id,
      record_id: "r1",
      status: "submitted",
      saved: true,
    });
    expect(q("nbf-saved").textContent).toBe("Saved");
    expect(q("nbf-position").textContent).toBe("Record 3 of 10");
  });

  it("keeps two views of one model in step", async () => {
    const one = mountWidget();
    const two = mountWidget({}, one.model);
    const model = one.model;
    type(one.q<HTMLTextAreaElement>("nbf-q-answer"), "x");
    one.q("nbf-submit").click();
    await settle();
    const [msg] = model.messages("answer") as { request_id: string }[];
    // Both views share the position trait, so both move on.
    expect(two.q("nbf-position").textContent).toBe("Record 2 of 10");
    model.receive({
      type: "ack",
      request_id: msg?.request_id,
      record_id: "r0",
      status: "submitted",
      saved: true,
    });
    model.update({
      window: [
        makeRecord(0, {
          response: { values: { answer: "x" }, status: "submitted", updated_at: 3 },
        }),
        makeRecord(1),
      ],
      counts: { pending: 9, draft: 0, submitted: 1, discarded: 0, total: 10 },
    });
    await settle();
    expect(one.q("nbf-saved").textContent).toBe("Saved");
    expect(two.q("nbf-saved").textContent).toBe(""); // not its request
    expect(two.q("nbf-progress").getAttribute("aria-valuenow")).toBe("1");
    two.q("nbf-prev").click();
    expect(two.q("nbf-status").textContent).toBe("submitted");
    expect(two.q<HTMLTextAreaElement>("nbf-q-answer").value).toBe("x");
  });
});

describe("kernel truth after the ack", () => {
  it("follows a status changed elsewhere once this view's answer is acknowledged", async () => {
    const { q, model } = mountWidget();
    type(q<HTMLTextAreaElement>("nbf-q-answer"), "mine");
    q("nbf-submit").click();
    const [msg] = model.messages("answer") as { request_id: string }[];
    model.receive({
      type: "ack",
      request_id: msg?.request_id,
      record_id: "r0",
      status: "submitted",
      saved: true,
    });
    q("nbf-prev").focus(); // as a real click leaves it
    q("nbf-prev").click();
    expect(q("nbf-status").textContent).toBe("submitted");
    // Another view (or add_response from code) turns it into a draft with other text.
    model.update({
      window: [
        makeRecord(0, {
          response: { values: { answer: "theirs" }, status: "draft", updated_at: 9 },
        }),
        makeRecord(1),
      ],
    });
    await settle();
    expect(q("nbf-status").textContent).toBe("draft");
    expect(q<HTMLTextAreaElement>("nbf-q-answer").value).toBe("theirs");
  });
});
