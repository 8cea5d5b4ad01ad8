"""Conversations: ``ChatField``, the rule for a conversation, its one stored form, and its turns.

A conversation is a list of messages ``{"role": "system" | "user" | "assistant", "content": str}``.
It is stored in the record table's field column as canonical JSON text (each message exactly
``{"role", "content"}`` in that order, through ``_arrowtext.dumps``), so the store, the logs and
the parquet parts hold text as for any field; ``decode`` turns it back into the list when a
record's fields are read. Equal conversations have equal stored texts, which is what grouping
prompts for a split compares.

A question can be asked of each assistant turn (``turns_of=<chat field>`` on a question): its
answer is ``{"<turn index>": value, ...}``, the index counting every message of the
conversation from 0. ``turn_problem`` checks such an answer against the record's conversation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from nb_feedback.base._arrowtext import dumps, loads
from nb_feedback.base.errors import RecordError
from nb_feedback.domain._checks import (
    MAX_TEXT_CHARS,
    is_unicode,
    short_repr,
    text_problem,
)
from nb_feedback.domain.field_base import FieldBase

ROLES = ("system", "user", "assistant")
"""The roles a message may have."""

Message = dict[str, str]


@dataclass(frozen=True)
class ChatField(FieldBase):
    """A conversation shown to annotators: a list of ``{"role", "content"}`` messages.

    Examples
    --------
    >>> ChatField(name="chat").to_dict()["kind"]
    'chat_field'
    >>> conversation_problem([{"role": "user", "content": "Hi"}]) is None
    True
    """

    use_markdown: bool = True
    kind: ClassVar[str] = "chat_field"


def as_messages(value: Any) -> Any:
    """Return ``value`` as a list when it is a sequence a DataFrame or Dataset gives for a list.

    ``datasets.Dataset.to_pandas`` and Arrow give a list column as numpy arrays of dicts.
    """
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, tuple):
        return list(value)
    return value


def conversation_problem(value: Any) -> str | None:
    """Say what is wrong with ``value`` as a conversation, or return None when it is one."""
    value = as_messages(value)
    if not isinstance(value, list):
        return f"expected a list of {{'role', 'content'}} messages, got {short_repr(value)}"
    if not value:
        return "expected at least one message, got an empty list"
    for i, message in enumerate(value):
        if not isinstance(message, Mapping):
            return (
                f"message {i}: expected a dict with 'role' and 'content', got {short_repr(message)}"
            )
        extra = set(message) - {"role", "content"}
        if extra or "role" not in message or "content" not in message:
            return (
                f"message {i}: expected exactly the keys 'role' and 'content', "
                f"got {sorted(map(str, message))}"
            )
        role = message["role"]
        if role not in ROLES:
            return f"message {i}: role must be one of {list(ROLES)}, got {short_repr(role)}"
        content = message["content"]
        if not isinstance(content, str):
            return f"message {i}: content must be a string, got {short_repr(content)}"
        if len(content) > MAX_TEXT_CHARS or not is_unicode(content):
            return f"message {i}: content: {text_problem(content)}"
    return None


def encode(value: Any) -> str:
    """Return the canonical JSON text of a conversation checked by ``conversation_problem``."""
    messages = as_messages(value)
    return dumps(
        [{"role": str(m["role"]), "content": str(m["content"])} for m in messages],
        "conversation",
        RecordError,
    )


def decode(text: Any) -> list[Message] | None:
    """Return the conversation stored as ``text`` (a missing cell, None or NA, gives None)."""
    return loads(text) if isinstance(text, str) else None


def assistant_turns(conversation: list[Message]) -> list[int]:
    """Return the index of each assistant message of ``conversation``."""
    return [i for i, m in enumerate(conversation) if m["role"] == "assistant"]


def per_turn_check(inner: Callable[[object], str | None]) -> Callable[[object], str | None]:
    """Return the check of a per-turn answer: ``{"<turn index>": value}``, each value by ``inner``."""

    def check(value: object) -> str | None:
        if not isinstance(value, Mapping) or not value:
            return (
                "expected a non-empty dict of answers by turn, such as {'1': ...} "
                f"(keys: the index of an assistant turn, as text), got {short_repr(value)}"
            )
        for key, item in value.items():
            if not isinstance(key, str) or not key.isdigit() or key != str(int(key)):
                return f"turn {short_repr(key)}: expected a turn index as text, such as '1'"
            problem = inner(item)
            if problem:
                return f"turn {key}: {problem}"
        return None

    return check


def turn_problem(value: Mapping[str, Any], conversation: list[Message] | None) -> str | None:
    """Say which key of a per-turn answer names no assistant turn of ``conversation``, or None."""
    turns = set(assistant_turns(conversation or []))
    for key in value:
        if int(key) not in turns:
            return (
                f"turn {key} is not an assistant turn of this conversation; "
                f"expected one of {sorted(map(str, turns))}"
            )
    return None
