/** Team mode: the team's progress line next to the annotator's own, and the timer that asks the
 * kernel for the other annotators' news (the kernel runs no thread: Colab would not push trait
 * changes made from one, so the view asks and the kernel answers in its message handler). */
import type { AnyModel } from "@anywidget/types";
import { h } from "../dom";
import type { TeamPayload, Traits } from "../protocol";

export interface TeamLine {
  readonly el: HTMLElement;
  update(team: TeamPayload | Record<string, never> | undefined): void;
  /** A visible note that stays until the next one (e.g. a record completed by others). */
  notice(text: string): void;
}

export function teamLine(): TeamLine {
  const line = h("span", { class: "nbf-team-progress", "data-testid": "nbf-team" });
  const note = h("span", {
    class: "nbf-team-notice",
    role: "status",
    "data-testid": "nbf-team-notice",
  });
  const el = h("div", { class: "nbf-team" }, [line, note]);
  el.hidden = true;
  return {
    el,
    notice(text) {
      note.textContent = text;
    },
    update(team) {
      const t = team && "total" in team ? team : null;
      el.hidden = t === null;
      line.textContent = t
        ? `team: ${t.completed} of ${t.total} records completed (${t.min_submitted} answer${t.min_submitted === 1 ? "" : "s"} each)`
        : "";
    },
  };
}

/** Sends {"type": "news"} every `team.news_ms` while the view is mounted; returns the stop. */
export function startNews(model: AnyModel<Traits>): () => void {
  let timer: ReturnType<typeof setInterval> | null = null;
  let n = 0;
  const restart = () => {
    if (timer !== null) clearInterval(timer);
    timer = null;
    const team = model.get("team");
    const ms = team && "news_ms" in team ? team.news_ms : 0;
    if (ms > 0) {
      timer = setInterval(() => {
        n += 1;
        model.send({ type: "news", request_id: `news-${n}` });
      }, ms);
    }
  };
  restart();
  model.on("change:team", restart);
  return () => {
    if (timer !== null) clearInterval(timer);
    model.off("change:team", restart);
  };
}
