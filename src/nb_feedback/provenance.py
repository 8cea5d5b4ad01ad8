"""Provenance of an answer: what the labeler was shown, and how much of the model's draft stayed.

The widget sends, with each answer, what each question showed (``shown``): the suggestion it
pre-filled (and its agent), and for a comparison the order of the candidates and its seed.
``provenance`` checks that against the schema and says, per question, whether the suggestion
was ``accepted`` unchanged, ``edited`` (text within ``EDITED_UP_TO`` of it, with the edit
distance in characters) or ``replaced``. The result is stored with the answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rapidfuzz.distance import Levenshtein

from nb_feedback.comparison import compared_fields
from nb_feedback.errors import ResponseError
from nb_feedback.schema import Schema

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
    schema: Schema, values: Mapping[str, Any], shown: Any, where: str
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

    Returns
    -------
    dict or None
        Per question: ``suggestion``, ``agent``, ``outcome`` and ``edit_distance`` when a
        suggestion was shown; ``order`` and ``seed`` for a comparison.
    """
    if shown is None:
        return None
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
    return out or None
