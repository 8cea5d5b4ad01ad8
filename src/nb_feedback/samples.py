"""The bundled sample prompts and conversations (written for this project, CC0-1.0; see data/README.md)."""

from __future__ import annotations

from importlib import resources

import pandas as pd


def load_sample_prompts(n: int | None = None) -> pd.DataFrame:
    """Return the bundled prompts as a DataFrame with columns ``prompt`` and ``topic``.

    Parameters
    ----------
    n : int, optional
        Return only the first ``n`` prompts.

    Examples
    --------
    >>> from nb_feedback.samples import load_sample_prompts
    >>> load_sample_prompts(3).columns.tolist()
    ['prompt', 'topic']
    """
    path = resources.files("nb_feedback") / "data" / "sample_prompts.jsonl"
    with resources.as_file(path) as file:
        frame = pd.read_json(file, lines=True, dtype={"prompt": str, "topic": str})
    frame = frame[["prompt", "topic"]]
    return frame if n is None else frame.head(n).reset_index(drop=True)


def load_sample_conversations(n: int | None = None) -> pd.DataFrame:
    """Return the bundled conversations as a DataFrame with columns ``messages`` and ``topic``.

    Each conversation is a list of ``{"role", "content"}`` messages ending on a user turn, with
    earlier assistant turns to rate or correct (a few of them wrong on purpose).

    Parameters
    ----------
    n : int, optional
        Return only the first ``n`` conversations.

    Examples
    --------
    >>> from nb_feedback.samples import load_sample_conversations
    >>> frame = load_sample_conversations(2)
    >>> frame["messages"][0][-1]["role"]
    'user'
    """
    path = resources.files("nb_feedback") / "data" / "sample_conversations.jsonl"
    with resources.as_file(path) as file:
        frame = pd.read_json(file, lines=True, dtype={"topic": str})
    frame = frame[["messages", "topic"]]
    return frame if n is None else frame.head(n).reset_index(drop=True)
