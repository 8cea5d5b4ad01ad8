"""Demonstrations for chat models: a conversation and the next assistant message, in TRL's forms.

A ``TextQuestion`` beside a ``ChatField`` is the next assistant message. ``to_sft`` with a chat
field as the prompt renders each kept answer here:

- ``format="messages"``: ``messages`` = the conversation followed by
  ``{"role": "assistant", "content": <answer>}``;
- ``format="prompt_completion"``: ``prompt`` = the conversation, ``completion`` =
  ``[{"role": "assistant", "content": <answer>}]`` (TRL's conversational prompt-completion).

A ``system_prompt`` is put first unless the conversation already starts with a system message.
The plan (grouping, the split, which answers are kept) is ``to_sft``'s own: a conversation is
stored as canonical JSON text, so equal conversations are one prompt group.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from nb_feedback.base._arrowtext import loads
from nb_feedback.domain.chat import Message

MESSAGES = pa.list_(pa.struct([("role", pa.string()), ("content", pa.string())]))
"""The Arrow type of a list of messages (``datasets.List({"role", "content"})``)."""


def with_system(conversation: list[Message], system_prompt: str | None) -> list[Message]:
    """Return ``conversation`` with ``system_prompt`` first, unless it has a system message."""
    if system_prompt is None or any(m["role"] == "system" for m in conversation):
        return conversation
    return [{"role": "system", "content": system_prompt}, *conversation]


def conversational_columns(
    prompts: pa.Array, completions: pa.Array, format: str, system_prompt: str | None
) -> dict[str, pa.Array]:
    """Return the output columns for conversations (JSON texts) and their next assistant messages.

    Parameters
    ----------
    prompts : pyarrow.Array
        The stored conversations (canonical JSON text), one per kept answer.
    completions : pyarrow.Array
        The answers (the next assistant message), one per kept answer.
    format : {"messages", "prompt_completion"}
        The output form.
    system_prompt : str, optional
        A system message put first unless the conversation has one.

    Returns
    -------
    dict
        ``{"messages": ...}`` or ``{"prompt": ..., "completion": ...}`` as Arrow arrays.
    """
    conversations = [with_system(loads(text), system_prompt) for text in prompts.to_pylist()]
    replies: list[Any] = [[{"role": "assistant", "content": c}] for c in completions.to_pylist()]
    if format == "messages":
        whole = [c + r for c, r in zip(conversations, replies, strict=True)]
        return {"messages": pa.array(whole, type=MESSAGES)}
    return {
        "prompt": pa.array(conversations, type=MESSAGES),
        "completion": pa.array(replies, type=MESSAGES),
    }
