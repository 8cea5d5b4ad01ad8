"""Argilla v1 names that have no counterpart here, and what to use instead.

Code written for an Argilla v1 server (``rg.init(...)``, ``dataset.push_to_argilla(...)``) meets
these names first; the error says what this package does in their place rather than a bare
``AttributeError``.
"""

from __future__ import annotations

MODULE = {
    "init": "there is no server to connect to: datasets live in folders "
    "(dataset.save(path), FeedbackDataset.from_disk(path)); to hand a dataset to an Argilla 2 "
    "server use dataset.to_argilla(client, name=...)",
    "log": "records are added with dataset.add_records(...), answers with dataset.add_response(...)",
    "load": "open a saved dataset with FeedbackDataset.from_disk(path), or "
    "FeedbackDataset.from_argilla(...) / from_hub(...)",
    "delete": "a dataset is a folder: delete the folder",
    "set_workspace": "there are no workspaces without a server; see dataset.to_argilla(..., "
    "workspace=...)",
    "get_workspace": "there are no workspaces without a server; see dataset.to_argilla(..., "
    "workspace=...)",
}

DATASET = {
    "push_to_argilla": "save it to a folder with dataset.save(path) (a team shares the folder), "
    "or hand it to an Argilla 2 server with dataset.to_argilla(client, name=...)",
    "pull": "a saved dataset is read with FeedbackDataset.from_disk(path); "
    "dataset.refresh() takes in what other processes wrote",
}


def missing(owner: str, name: str, table: dict[str, str]) -> AttributeError:
    """Return the error for ``owner.name``, saying what to use instead of an Argilla v1 name."""
    if name in table:
        return AttributeError(f"{owner} has no {name!r} (an Argilla v1 name): {table[name]}")
    return AttributeError(f"{owner} has no attribute {name!r}")
