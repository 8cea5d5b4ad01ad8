"""The line codec of a writer's logs: a change per ``changes.jsonl`` line, an answer per answer line.

``line_of`` / ``change_of`` turn a change into its line and back (``BadLine`` for a line that is not
one); ``answer_line`` writes an answer and ``read_answer_lines`` reads a run of them.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pyarrow as pa

from nb_feedback.base._arrowtext import dumps, loads
from nb_feedback.base.errors import StorageError
from nb_feedback.domain.review import ReviewNote
from nb_feedback.domain.schema import Schema
from nb_feedback.store import _tables as T
from nb_feedback.store._changes import (
    Change,
    ChangeSchema,
    DeleteRecords,
    NoteReview,
    PatchRecords,
    UnifyAnswers,
    WithdrawReview,
)
from nb_feedback.store._durable import (
    LoadWarning,
)

__all__ = ["LoadWarning", "StorageError"]

_LOG_SCHEMA = T.RESPONSE_SCHEMA  # the answer logs hold the one response row type


def line_of(change: Change, at: float) -> dict[str, Any]:
    """Return the changes-log line of ``change`` made at time ``at``."""
    if isinstance(change, PatchRecords):
        return {"op": "patch", "at": at, "set": [list(e) for e in change.entries]}
    if isinstance(change, DeleteRecords):
        return {"op": "delete", "at": at, "ids": list(change.ids)}
    if isinstance(change, ChangeSchema):
        return {"op": "schema", "at": at, "schema": change.schema.to_dict()}
    if isinstance(change, NoteReview):
        note = {k: v for k, v in change.note.to_dict().items() if k != "at"}
        return {"op": "review", **note, "at_wall": change.note.at, "at": at}
    if isinstance(change, WithdrawReview):
        return {"op": "unreview", "at": at, "record_id": change.record_id, "user": change.reviewer}
    if isinstance(change, UnifyAnswers):
        return {"op": "unify", "at": at, "question": change.question, "values": change.by_record}
    raise TypeError(f"not a record or schema change: {change!r}")


def unified_values(values: Any) -> dict[str, list[dict[str, Any]]]:
    """Return a stored ``{record_id: [{"value", "strategy"}, ...]}``, checked; else raise."""
    if not isinstance(values, dict):
        raise TypeError(f"unified values must be an object, got {type(values).__name__}")
    out: dict[str, list[dict[str, Any]]] = {}
    for record_id, items in values.items():
        out[str(record_id)] = [{"value": i["value"], "strategy": str(i["strategy"])} for i in items]
    return out


class BadLine(ValueError):
    """A line of a log that is not a change this version understands."""


def change_of(entry: Any) -> tuple[float, Change | None]:
    """Return (time, change) of a changes-log line; an ``add`` line gives (time, None).

    Raises ``BadLine`` for a line that is not a change (damaged bytes, a wrong type).
    """
    try:
        at = float(entry["at"])
        op = entry["op"]
        if op == "patch":
            entries = [
                (str(i), str(c), None if k is None else str(k), bool(p), v)
                for i, c, k, p, v in entry["set"]
            ]
            return at, PatchRecords(entries)
        if op == "delete":
            return at, DeleteRecords([str(i) for i in entry["ids"]])
        if op == "schema":
            return at, ChangeSchema(Schema.from_dict(entry["schema"]), {})
        if op == "review":
            note = ReviewNote(
                str(entry["record_id"]),
                str(entry["reviewer"]),
                None if entry.get("source") is None else str(entry["source"]),
                bool(entry.get("edited", False)),
                float(entry.get("at_wall", at)),
            )
            return at, NoteReview(note)
        if op == "unreview":
            return at, WithdrawReview(str(entry["record_id"]), str(entry["user"]))
        if op == "unify":
            return at, UnifyAnswers(str(entry["question"]), unified_values(entry["values"]))
        if op in ("add", "answers"):
            return at, None
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise BadLine(f"{type(exc).__name__}: {exc}") from None
    except Exception as exc:  # a schema that does not build
        raise BadLine(f"{type(exc).__name__}: {exc}") from None
    raise BadLine(f"unknown op {op!r}")


def line_bytes(entry: dict[str, Any]) -> bytes:
    return (dumps(entry, "change", StorageError) + "\n").encode("utf-8")


def answer_line(row: dict[str, Any]) -> bytes:
    """Return the log line of one answer."""
    fields = {c: row.get(c) for c in T.RESPONSE_COLUMNS}
    return (dumps(fields, "answer") + "\n").encode("utf-8")


def read_answer_lines(data: bytes) -> tuple[pd.DataFrame, int]:
    """Parse answer lines: (the answers, how many lines were not answers).

    The one parser of answer-log lines (``answer_line`` writes them), for this format's logs
    and for format 1 and 2 folders' (``_legacy.read_answer_log``) alike.
    """
    import io

    import pyarrow.json as pa_json

    try:
        table = pa_json.read_json(
            io.BytesIO(data), parse_options=pa_json.ParseOptions(explicit_schema=_LOG_SCHEMA)
        )
        frame = table.select(T.RESPONSE_COLUMNS).to_pandas()
        if not frame[[*T.REQUIRED_RESPONSE_COLUMNS, "updated_at"]].isna().any().any():
            return T.conform_responses(frame), 0
    except pa.ArrowException:
        pass
    rows, bad = [], 0
    for line in data.splitlines():
        try:
            row = loads(line)
            if not (
                isinstance(row, dict)
                and isinstance(row.get("record_id"), str)
                and isinstance(row.get("user"), str)
                and isinstance(row.get("status"), str)
                and isinstance(row.get("values"), str)
                and isinstance(row.get("updated_at"), int | float)
                and not isinstance(row.get("updated_at"), bool)
            ):
                raise ValueError("not an answer")
            spent = row.get("time_spent")
            rows.append(
                {
                    **{c: row.get(c) for c in T.RESPONSE_COLUMNS},
                    "time_spent": spent if isinstance(spent, int | float) else None,
                    "inserted_at": row.get("inserted_at")
                    if isinstance(row.get("inserted_at"), int | float)
                    else None,
                    "provenance": row.get("provenance")
                    if isinstance(row.get("provenance"), str)
                    else None,
                }
            )
        except ValueError:
            bad += 1
    frame = pd.DataFrame(rows, columns=T.RESPONSE_COLUMNS)
    return T.conform_responses(frame), bad
