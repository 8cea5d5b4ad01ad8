"""Argilla v1's ``format_as("datasets")`` layout of a dataset, as a ``datasets.Dataset``.

One row per record: a column per field and, per question, its answers, its suggestion and the
suggestion's metadata, then ``external_id`` and ``metadata``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa

from nb_feedback.base._arrowtext import dumps, loads
from nb_feedback.base.errors import ExportError
from nb_feedback.domain.chat import decode as decode_chat
from nb_feedback.exports.datasets_bridge import arrow_dataset, require_datasets
from nb_feedback.store import _tables as T

if TYPE_CHECKING:
    from datasets import Dataset

    from nb_feedback.store.view import DatasetView


def _value_feature(kind: str) -> Any:
    datasets = require_datasets()
    value = datasets.Value
    if kind == "rating_question":
        return value("int32")
    if kind == "multi_label_question":
        return datasets.List(value("string"))
    if kind == "ranking_question":
        # v1's layout: a Sequence of dicts reads back as {"rank": [...], "value": [...]}
        return datasets.Sequence({"rank": value("uint8"), "value": value("string")})
    if kind == "span_question":  # a list of spans, each as the answer holds it
        span = {"start": value("int32"), "end": value("int32"), "label": value("string")}
        return datasets.List({**span, "score": value("float32")})
    return value("string")


def _same(value: Any) -> Any:
    return value


def _json_text(value: Any) -> Any:
    """Return a per-turn answer (``{"<turn>": value}``) as JSON text."""
    return None if value is None else dumps(value, "per-turn answer")


def _ranking_layout(value: Any) -> Any:
    """Return a ranking as v1's ``format_as`` gives it: ``{"rank": [...], "value": [...]}``."""
    if not isinstance(value, list):
        return value
    return {"rank": [item["rank"] for item in value], "value": [item["value"] for item in value]}


def argilla_columns(ds: DatasetView) -> tuple[dict[str, list[Any]], Any]:
    """Return Argilla v1's ``format_as("datasets")`` columns (Python lists) and features.

    Parameters
    ----------
    ds : FeedbackDataset
        The dataset.

    Returns
    -------
    tuple
        ``(columns, features)``: ``columns`` maps column name to one value per record.
    """
    datasets = require_datasets()
    value = datasets.Value
    schema = ds.schema
    records = ds.tables().records
    n = len(records)
    columns: dict[str, list[Any]] = {}
    spec: dict[str, Any] = {}
    chats = schema.chat_field_names
    message = datasets.List({"role": value("string"), "content": value("string")})
    for f in schema.fields:
        columns[f.name] = list(records[f.name].to_numpy(dtype=object, na_value=None))
        spec[f.name] = value("string")
        if f.name in chats:  # a conversation: its messages (stored as JSON text)
            columns[f.name] = [decode_chat(text) for text in columns[f.name]]
            spec[f.name] = message

    raw = ds.tables().responses
    pos = pd.Index(records[T.ID]).get_indexer(raw["record_id"])
    order = np.argsort(pos, kind="stable")
    parsed = [loads(v) for v in raw["values"].to_numpy(dtype=object)[order]]
    users = raw["user"].to_numpy(dtype=object)[order]
    statuses = raw["status"].to_numpy(dtype=object)[order]
    sorted_pos = pos[order]

    suggestions: list[dict[str, dict[str, Any]]] = [{} for _ in range(n)]
    for i, text in enumerate(records[T.SUGGESTIONS].to_numpy(dtype=object)):
        if isinstance(text, str):
            for s in loads(text):
                suggestions[i].setdefault(s["question_name"], s)

    for q in schema.questions:
        shape = _ranking_layout if q.kind == "ranking_question" else _same
        if q.turns_of is not None:  # {"<turn>": value}: v1 has no such column type
            shape = _json_text
        answers: list[list[dict[str, Any]]] = [[] for _ in range(n)]
        for p, vals, user, st in zip(sorted_pos, parsed, users, statuses, strict=True):
            if q.name in vals:
                answers[p].append({"user_id": user, "value": shape(vals[q.name]), "status": st})
        columns[q.name] = answers
        feat = _value_feature(q.kind) if q.turns_of is None else value("string")
        spec[q.name] = [{"user_id": value("string"), "value": feat, "status": value("string")}]
        per_item = q.kind in ("multi_label_question", "ranking_question", "span_question")
        score = datasets.List(value("float32")) if per_item else value("float32")
        sugg_values, sugg_meta = [], []
        for per in suggestions:
            s = per.get(q.name)
            sugg_values.append(None if s is None else shape(s.get("value")))
            if s is None:
                sugg_meta.append({"type": None, "score": None, "agent": None})
                continue
            given = s.get("score")
            if per_item and given is not None and not isinstance(given, list):
                # v1 scores each label (or ranked item) of such a suggestion: ours has one
                # score for the whole suggestion, given to each of its items
                given = [given] * len(s.get("value") or [])
            sugg_meta.append({"type": s.get("type"), "score": given, "agent": s.get("agent")})
        columns[f"{q.name}-suggestion"] = sugg_values
        spec[f"{q.name}-suggestion"] = feat
        columns[f"{q.name}-suggestion-metadata"] = sugg_meta
        spec[f"{q.name}-suggestion-metadata"] = {
            "type": value("string"),
            "score": score,
            "agent": value("string"),
        }
    columns["external_id"] = list(records[T.EXTERNAL_ID].to_numpy(dtype=object, na_value=None))
    spec["external_id"] = value("string")
    columns["metadata"] = [
        m if isinstance(m, str) else None for m in records[T.METADATA].to_numpy(dtype=object)
    ]
    spec["metadata"] = value("string")
    if schema.vectors_settings:  # v1 adds {name: [float] or None} per record
        names = [v.name for v in schema.vectors_settings]
        stored = records[T.VECTORS] if T.VECTORS in records else [None] * n
        columns["vectors"] = [
            dict.fromkeys(names) | (loads(t) if isinstance(t, str) else {}) for t in stored
        ]
        spec["vectors"] = {name: datasets.List(value("float32")) for name in names}
    return columns, datasets.Features(spec)


def format_as(ds: DatasetView, format: str) -> Dataset:
    """Return the dataset as a ``datasets.Dataset`` in Argilla v1's column layout.

    Parameters
    ----------
    ds : FeedbackDataset
        The dataset.
    format : {"datasets"}
        The only format Argilla v1 had.

    Returns
    -------
    datasets.Dataset
        One row per record: a column per field; per question ``q``, ``q`` (a list of
        ``{"user_id", "value", "status"}``), ``q-suggestion`` and ``q-suggestion-metadata``
        (``{"type", "score", "agent"}``); ``external_id``; ``metadata`` as JSON text.
    """
    if format != "datasets":
        raise ExportError(f"format_as: format={format!r}; expected 'datasets'")
    columns, features = argilla_columns(ds)
    # pyarrow converts the nested lists and dicts in C++ against the features' schema;
    # Dataset.from_dict would encode every value in Python first (~10x slower at 200k rows)
    return arrow_dataset(pa.Table.from_pydict(columns, schema=features.arrow_schema), features)
