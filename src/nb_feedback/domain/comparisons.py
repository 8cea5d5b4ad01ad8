"""Comparisons in the widget: which ranking questions compare field texts, and in what order.

A ``RankingQuestion`` whose options each name a text field is a comparison: the widget shows
those fields' texts as the candidates. ``compared_fields`` is the one rule: the preference
export reads its candidates from it, and the widget's schema payload carries its answer to the
view (``compared_fields`` on each ranking question), so the view never decides on its own. To keep position bias out of the data, each annotator sees a
record's candidates in an order shuffled by a seed made from the record id and the annotator's
name (the same in every process). The answer names options, not positions, so reading it needs
no un-shuffling; the order shown and its seed are stored with the answer (its provenance), so
the bias can still be measured.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from typing import Any

from nb_feedback.domain.schema import RankingQuestion, Schema


def compared_fields(schema: Schema, question: str) -> list[str] | None:
    """Return the fields a ranking question compares, or None if it is no comparison.

    Parameters
    ----------
    schema : Schema
        The dataset's schema.
    question : str
        A question name.

    Returns
    -------
    list of str or None
        The option values (each a text field's name), in the question's order. A chat field
        holds a conversation, not a candidate text: an option naming one makes no comparison.

    Examples
    --------
    >>> import nb_feedback as rg
    >>> s = rg.FeedbackDataset(
    ...     fields=[rg.TextField(name="a"), rg.TextField(name="b")],
    ...     questions=[rg.RankingQuestion(name="best", values=["a", "b"])]).schema
    >>> compared_fields(s, "best")
    ['a', 'b']
    """
    q = schema.question(question)
    if not isinstance(q, RankingQuestion):
        return None
    values = [o["value"] for o in q.to_dict()["values"]]
    chats = schema.chat_field_names
    if len(values) < 2 or any(schema.field(v) is None or v in chats for v in values):
        return None
    return values


def shuffle_seed(record_id: str, user: str) -> int:
    """Return the seed of the order ``user`` sees ``record_id``'s candidates in (31 bits)."""
    digest = hashlib.sha256(f"{record_id}\x1f{user}".encode()).digest()
    return int.from_bytes(digest[:4], "big") >> 1


def shown_order(values: Sequence[str], seed: int) -> list[str]:
    """Return ``values`` shuffled by ``seed`` (Python's Mersenne Twister: stable across versions)."""
    order = list(values)
    random.Random(seed).shuffle(order)
    return order


def display(schema: Schema, record_id: str, user: str) -> dict[str, dict[str, Any]]:
    """Return ``{question: {"order": [...], "seed": n}}`` for each comparison of the schema.

    Parameters
    ----------
    schema : Schema
        The dataset's schema.
    record_id : str
        The record shown.
    user : str
        The annotator it is shown to.

    Returns
    -------
    dict
        What the widget's record payload carries as ``display``.
    """
    out: dict[str, dict[str, Any]] = {}
    for q in schema.questions:
        values = compared_fields(schema, q.name)
        if values is not None:
            seed = shuffle_seed(record_id, f"{user}\x1f{q.name}")
            out[q.name] = {"order": shown_order(values, seed), "seed": seed}
    return out
