"""Feedback on each assistant turn of a conversation, turned into preference and KTO rows.

A question with ``turns_of=<chat field>`` is answered per assistant turn:
``{"<turn index>": value}`` (the index counts every message from 0). From the submitted answers:

- ``turn_pair_rows``: each corrected turn (a per-turn text question) gives a preference pair:
  ``prompt`` = the conversation up to that turn, ``chosen`` = the correction, ``rejected`` =
  the original turn. A correction equal to the original gives none.
- ``turn_kto_rows``: each turn rated (a per-turn rating or label question) gives the original
  turn a label (desirable when rated at or above ``threshold``, or labelled one of
  ``desirable``). A corrected turn is undesirable whatever its rating, and its correction is a
  desirable completion of the same prompt.

Every prompt here is a conversation, kept as its canonical JSON text (``nb_feedback.domain.chat``)
until rendered; rows carry the record's whole conversation as ``group``, so every row of one
conversation lands in the same split.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pandas as pd

from nb_feedback.base.errors import ExportError
from nb_feedback.domain.chat import encode
from nb_feedback.exports._reading import submitted_answers, the_only

if TYPE_CHECKING:
    from nb_feedback.store.view import DatasetView


def per_turn_question(ds: DatasetView, name: str | None, kinds: tuple[str, ...], where: str) -> Any:
    """Return the per-turn question called ``name`` (or the only one of ``kinds``), or raise."""
    found = [q for q in ds.schema.questions if q.turns_of is not None and q.kind in kinds]
    if name is None:
        what = f"per-turn questions of kind {list(kinds)}"
        return the_only(found, what, "pass the question's name", where)
    question = ds.schema.question(name)
    if question is None or question not in found:
        raise ExportError(
            f"{where}: {name!r} is not a per-turn question of kind {list(kinds)}; expected one "
            f"of {[q.name for q in found]}"
        )
    return question


def _submitted_turns(ds: DatasetView, question: Any) -> list[tuple[int, str, str, Any, int, Any]]:
    """Return (record position, record id, user, conversation, turn, value), in record order."""
    records, submitted = submitted_answers(ds)
    conversations = records[question.turns_of].tolist()
    out = []
    for k, record_id, user, values in submitted:
        conversation = conversations[k]
        for key, value in (values.get(question.name) or {}).items():
            turn = int(key)
            if conversation and turn < len(conversation):
                out.append((k, str(record_id), str(user), conversation, turn, value))
    out.sort(key=lambda x: (x[0], x[2], x[4]))
    return out


def turn_pair_rows(ds: DatasetView, corrections: str | None, where: str) -> pd.DataFrame:
    """Return one preference row per corrected assistant turn (see the module docstring).

    Columns: ``record_id``, ``user``, ``prompt``, ``chosen``, ``rejected``, ``source``
    ("turn") and ``group``; ``prompt`` and ``group`` are conversations as JSON text.
    """
    question = per_turn_question(ds, corrections, ("text_question",), where)
    rows = []
    for _, record_id, user, conversation, turn, value in _submitted_turns(ds, question):
        original = conversation[turn]["content"]
        chosen = value.strip() if isinstance(value, str) else ""
        if chosen and chosen != original.strip():
            rows.append(
                [
                    record_id,
                    user,
                    encode(conversation[:turn]),
                    chosen,
                    original,
                    "turn",
                    encode(conversation),
                ]
            )
    columns = ["record_id", "user", "prompt", "chosen", "rejected", "source", "group"]
    return pd.DataFrame(rows, columns=columns, dtype=object)


def turn_kto_rows(
    ds: DatasetView,
    question: Any,
    is_good: Callable[[Any], bool],
    corrections: str | None,
    where: str,
) -> pd.DataFrame:
    """Return one KTO row per rated turn, and two per corrected turn (see the module docstring).

    Columns: ``record_id``, ``user``, ``prompt``, ``completion``, ``label`` and ``group``.
    """
    fixes: dict[tuple[str, str, int], str] = {}
    fix_question = None
    texts = [
        q
        for q in ds.schema.questions
        if q.kind == "text_question" and q.turns_of == question.turns_of
    ]
    if corrections is not None or len(texts) == 1:
        name = corrections if corrections is not None else texts[0].name
        fix_question = per_turn_question(ds, name, ("text_question",), where)
        for _, record_id, user, conversation, turn, value in _submitted_turns(ds, fix_question):
            text = value.strip() if isinstance(value, str) else ""
            if text and text != conversation[turn]["content"].strip():
                fixes[(record_id, user, turn)] = text
    rows: list[tuple[int, str, int, list[Any]]] = []
    done: set[tuple[str, str, int]] = set()
    for k, record_id, user, conversation, turn, value in _submitted_turns(ds, question):
        key = (record_id, user, turn)
        prompt, group = encode(conversation[:turn]), encode(conversation)
        original = conversation[turn]["content"]
        if key in fixes:
            rows.append((k, user, turn, [record_id, user, prompt, original, False, group]))
            rows.append((k, user, turn, [record_id, user, prompt, fixes[key], True, group]))
            done.add(key)
        else:
            rows.append((k, user, turn, [record_id, user, prompt, original, is_good(value), group]))
    if fix_question is not None:  # corrected turns that were not rated
        for k, record_id, user, conversation, turn, _ in _submitted_turns(ds, fix_question):
            key = (record_id, user, turn)
            if key in fixes and key not in done:
                prompt, group = encode(conversation[:turn]), encode(conversation)
                original = conversation[turn]["content"]
                rows.append((k, user, turn, [record_id, user, prompt, original, False, group]))
                rows.append((k, user, turn, [record_id, user, prompt, fixes[key], True, group]))
    rows.sort(key=lambda x: x[:3])
    frame = pd.DataFrame(
        [row for *_, row in rows],
        columns=["record_id", "user", "prompt", "completion", "label", "group"],
        dtype=object,
    )
    frame["label"] = frame["label"].astype(bool)
    return frame
