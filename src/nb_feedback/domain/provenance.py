"""Provenance of an answer: what the labeler was shown, and how much of the model's draft stayed.

The widget sends, with each answer, what each question showed (``shown``): the suggestion it
pre-filled (and its agent), and for a comparison the order of the candidates and its seed.
``provenance`` checks that against the schema and says, per question, whether the suggestion
was ``accepted`` unchanged, ``edited`` (text within ``EDITED_UP_TO`` of it, with the edit
distance in characters) or ``replaced``. The result is stored with the answer.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from rapidfuzz.distance import Levenshtein

from nb_feedback.base.errors import ResponseError
from nb_feedback.domain.comparisons import compared_fields
from nb_feedback.domain.schema import Schema

OUTCOMES = ("accepted", "edited", "replaced", "unanswered")
EDITED_UP_TO = 0.5
"""A text answer whose edit distance to the suggestion is at most this share of the longer of
the two counts as an edit of it; further than that, the labeler replaced it."""


def judge(kind: str, suggestion: Any, answer: Any) -> tuple[str, int | None]:
    """Return (outcome, edit distance in characters or None) of ``answer`` against a suggestion.

    Parameters
    ----------
    kind : str
        The question's kind (``text_question``, ``label_question``, ...).
    suggestion : Any
        The value shown pre-filled.
    answer : Any
        The value stored; None when the question was left unanswered.

    Returns
    -------
    tuple
        One of ``OUTCOMES``, and for text the Levenshtein distance.

    Examples
    --------
    >>> judge("text_question", "The capital is Paris.", "The capital is Paris!")
    ('edited', 1)
    >>> judge("label_question", "spam", "ham")
    ('replaced', None)
    """
    if answer is None:
        return "unanswered", None
    if kind == "text_question" and isinstance(suggestion, str) and isinstance(answer, str):
        a, b = suggestion.strip(), answer.strip()
        distance = int(Levenshtein.distance(a, b))
        if distance == 0:
            return "accepted", 0
        longest = max(len(a), len(b), 1)
        return ("edited" if distance <= EDITED_UP_TO * longest else "replaced"), distance
    if kind == "ranking_question":
        suggestion, answer = _ranks(suggestion), _ranks(answer)
    elif (
        kind == "multi_label_question" and isinstance(suggestion, list) and isinstance(answer, list)
    ):
        if set(map(str, suggestion)) == set(map(str, answer)):
            return "accepted", None
        # some of the model's labels kept: an edit; none kept: a replacement
        kept = set(map(str, suggestion)) & set(map(str, answer))
        return ("edited" if kept else "replaced"), None
    return ("accepted" if suggestion == answer else "replaced"), None


def _ranks(value: Any) -> Any:
    if isinstance(value, list):
        try:
            return sorted((str(i["value"]), i["rank"]) for i in value)
        except (TypeError, KeyError):
            return value
    return value


def provenance(
    schema: Schema,
    values: Mapping[str, Any],
    shown: Any,
    where: str,
    earlier: Mapping[str, Any] | None = None,
) -> dict[str, dict[str, Any]] | None:
    """Check what the widget says it showed; return the provenance to store, or None.

    Parameters
    ----------
    schema : Schema
        The dataset's schema.
    values : mapping
        The answer's plain values (``{question: value}``).
    shown : dict or None
        ``{question: {"suggestion", "agent", "order", "seed"}}`` from the widget (all optional).
    where : str
        Names the record, for messages.
    earlier : dict, optional
        The provenance of the answer this one replaces (the labeler's draft, say). What it
        says was shown, and this answer does not, still holds: a draft saved while editing a
        suggestion, then submitted from a view that showed the draft, keeps the suggestion,
        judged against the new value.

    Returns
    -------
    dict or None
        Per question: ``suggestion``, ``agent``, ``outcome`` and ``edit_distance`` when a
        suggestion was shown; ``order`` and ``seed`` for a comparison.
    """
    out = _checked(schema, values, {} if shown is None else shown, where)
    for name, entry in (earlier or {}).items():
        if schema.question(str(name)) is None or not isinstance(entry, Mapping):
            continue  # a question deleted since
        kept = dict(out.get(name, {}))
        if "suggestion" in entry and "suggestion" not in kept:
            question = schema.question(str(name))
            assert question is not None
            outcome, distance = judge(question.kind, entry["suggestion"], values.get(name))
            kept.update(suggestion=entry["suggestion"], agent=entry.get("agent"), outcome=outcome)
            if distance is not None:
                kept["edit_distance"] = distance
        if "order" in entry and "order" not in kept:
            kept.update(order=entry["order"], seed=entry.get("seed"))
        if kept:
            out[str(name)] = kept
    return out or None


def _checked(
    schema: Schema, values: Mapping[str, Any], shown: Any, where: str
) -> dict[str, dict[str, Any]]:
    """Check ``shown`` against the schema and judge each suggestion it names."""
    if not isinstance(shown, Mapping):
        raise ResponseError(
            f"{where}: 'shown' must map questions to what they showed, got {shown!r:.80}"
        )
    out: dict[str, dict[str, Any]] = {}
    for name, info in shown.items():
        question = schema.question(str(name))
        if question is None or not isinstance(info, Mapping):
            raise ResponseError(
                f"{where}: 'shown' names {name!r}: expected a question among "
                f"{schema.question_names} mapped to an object, got {info!r:.80}"
            )
        entry: dict[str, Any] = {}
        if "suggestion" in info:
            agent = info.get("agent")
            if agent is not None and not isinstance(agent, str):
                raise ResponseError(
                    f"{where}, question {name!r}: agent must be a string, got {agent!r:.80}"
                )
            outcome, distance = judge(question.kind, info["suggestion"], values.get(name))
            entry.update(suggestion=info["suggestion"], agent=agent, outcome=outcome)
            if distance is not None:
                entry["edit_distance"] = distance
        if "order" in info or "seed" in info:
            options = compared_fields(schema, str(name))
            order, seed = info.get("order"), info.get("seed")
            if (
                options is None
                or not isinstance(order, list)
                or sorted(map(str, order)) != sorted(options)
                or isinstance(seed, bool)
                or not isinstance(seed, int)
            ):
                raise ResponseError(
                    f"{where}, question {name!r}: 'shown' order must list each of "
                    f"{options} once, with an integer seed; got {order!r:.80}, {seed!r:.20}"
                )
            entry.update(order=[str(v) for v in order], seed=seed)
        if entry:
            out[str(name)] = entry
    return out


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def summary(responses: Any) -> dict[str, Any]:
    """Return acceptance and edit rates per annotator and per agent, and position bias.

    Parameters
    ----------
    responses : pandas.DataFrame
        ``dataset.responses_frame()``: one row per record and user, with ``status`` and
        ``provenance`` (a dict or None). Only submitted answers count.

    Returns
    -------
    dict
        ``by_annotator`` and ``by_agent``: for each, the number of suggestions ``shown`` and
        how many were ``accepted``, ``edited``, ``replaced`` or left ``unanswered``, with
        ``acceptance_rate``, ``edit_rate`` and ``median_edit_distance`` (text only).
        ``comparisons``: per question, the answers with a shown order and the share in which
        the candidate shown first won (about 1/n when position has no effect).
    """
    groups: dict[str, dict[str, dict[str, Any]]] = {"by_annotator": {}, "by_agent": {}}
    distances: dict[tuple[str, str], list[int]] = {}
    firsts: dict[str, list[int]] = {}
    if "provenance" not in responses.columns or responses.empty:
        return {**groups, "comparisons": {}}
    submitted = responses[responses["status"] == "submitted"]
    for user, values, prov in zip(
        submitted["user"], submitted["values"], submitted["provenance"], strict=True
    ):
        if not isinstance(prov, Mapping):
            continue
        for question, entry in prov.items():
            if question.startswith("@") or not isinstance(entry, Mapping):
                continue  # not a question: how the answer came (an answer added in bulk)
            if "outcome" in entry:
                agent = entry.get("agent") or "(no agent)"
                for kind, key in (("by_annotator", str(user)), ("by_agent", str(agent))):
                    row = groups[kind].setdefault(key, {"shown": 0, **dict.fromkeys(OUTCOMES, 0)})
                    row["shown"] += 1
                    row[entry["outcome"]] += 1
                    if "edit_distance" in entry and entry["outcome"] != "accepted":
                        distances.setdefault((kind, key), []).append(int(entry["edit_distance"]))
            order = entry.get("order")
            answer = values.get(question) if isinstance(values, Mapping) else None
            if order and isinstance(answer, list):
                ranks: dict[str, int] = {
                    str(i.get("value")): int(i.get("rank", 0))
                    for i in answer
                    if isinstance(i, Mapping)
                }
                best = min(ranks.values(), default=None)
                if best is not None and list(ranks.values()).count(best) == 1:  # no tie on top
                    firsts.setdefault(question, []).append(int(ranks.get(order[0]) == best))
    for kind, rows in groups.items():
        for key, row in rows.items():
            row["acceptance_rate"] = _rate(row["accepted"], row["shown"])
            row["edit_rate"] = _rate(row["edited"], row["shown"])
            found = sorted(distances.get((kind, key), []))
            row["median_edit_distance"] = found[len(found) // 2] if found else None
    comparisons = {
        q: {"answers": len(won), "first_shown_won": _rate(sum(won), len(won))}
        for q, won in firsts.items()
    }
    return {**groups, "comparisons": comparisons}


def summary_html(s: Mapping[str, Any]) -> str:
    """Return ``summary``'s tables as an HTML fragment (names escaped), for ``report()``."""
    e = html.escape

    def pct(v: float | None) -> str:
        return "n/a" if v is None else f"{100 * v:.0f}%"

    parts = []
    for kind, caption in (("by_annotator", "annotator"), ("by_agent", "agent")):
        rows = "".join(
            f"<tr><td>{e(name)}</td><td style='text-align:right'>{r['shown']}</td>"
            f"<td>{pct(r['acceptance_rate'])}</td><td>{pct(r['edit_rate'])}</td>"
            f"<td>{pct(_rate(r['replaced'], r['shown']))}</td>"
            f"<td>{'n/a' if r['median_edit_distance'] is None else r['median_edit_distance']}</td></tr>"
            for name, r in sorted(s[kind].items())
        )
        if rows:
            parts.append(
                f"<table><caption>Model drafts by {caption}</caption><tr><th>{caption}</th>"
                "<th>shown</th><th>accepted</th><th>edited</th><th>replaced</th>"
                f"<th>median edit distance</th></tr>{rows}</table>"
            )
    for question, c in sorted(s["comparisons"].items()):
        parts.append(
            f"<p>Comparison <b>{e(question)}</b>: the candidate shown first won "
            f"{pct(c['first_shown_won'])} of {c['answers']} answers without a tie on top.</p>"
        )
    return "<div style='display:flex;gap:24px;flex-wrap:wrap'>" + "".join(parts) + "</div>"
