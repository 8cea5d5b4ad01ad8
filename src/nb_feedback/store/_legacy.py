"""Reading storage formats 1 and 2 (nb_feedback before format 3); nothing here writes.

Format 2's layout::

    my-dataset/
      nb_feedback.json            manifest: format_version, schema, parts, answers_dir, changes
      records-<tag>.parquet       records, one file per save or per add_records batch
      responses-<tag>.parquet     responses that came with those records
      answers-<gen>/<user>.jsonl  answers given after the snapshot, one JSON line each
      changes-<tag>.jsonl         record and schema edits since the snapshot, in order
      reviews/<reviewer>.jsonl    reviewers' notes

Format 1 (nb_feedback 0.1) had no changes log and no ``inserted_at`` or ``@vectors``. Such a folder
is read whole into one state (``load_legacy``); the first write of this version turns it into
format 3: a checkpoint of that state in its writer's folder, then a new manifest
(``persistence.upgrade_legacy``). The old files stay, unread from then on.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from nb_feedback.base._arrowtext import loads
from nb_feedback.base._progress import progress
from nb_feedback.base.errors import StorageError
from nb_feedback.domain.records import STATUSES
from nb_feedback.domain.review import ReviewNote
from nb_feedback.domain.schema import Schema
from nb_feedback.store import _tables as T
from nb_feedback.store._changes import Change, ChangeSchema, DeleteRecords, EditRecords
from nb_feedback.store._durable import LoadWarning
from nb_feedback.store.lines import read_answer_lines

REMOVED = "_removed"
"""Status of a log line that withdraws an annotator's response (undo of a first answer)."""
REVIEWS_DIR = "reviews"


def read_review_notes(folder: Path) -> list[ReviewNote]:
    """Return the reviewers' notes of a format-2 folder (``reviews/<reviewer>.jsonl``)."""
    notes = []
    for path in sorted((folder / REVIEWS_DIR).glob("*.jsonl")):
        for line in path.read_bytes().splitlines():
            try:
                row = loads(line)
                notes.append(
                    ReviewNote(
                        str(row["record_id"]),
                        str(row["reviewer"]),
                        None if row.get("source") is None else str(row["source"]),
                        bool(row.get("edited", False)),
                        float(row["at"]),
                    )
                )
            except (ValueError, KeyError, TypeError):
                continue  # a torn or damaged line: the answer itself is in the answer log
    return notes


class Loaded(NamedTuple):
    """What a format 1 or 2 folder holds, as the dataset's one apply step takes it."""

    schema: Schema
    records: pd.DataFrame
    """The records of the parts, as saved (before the changes log)."""
    snapshot: pd.DataFrame
    """The responses saved with the parts."""
    changes: list[Change]
    """The changes log's edits, deletions and schema changes, in order."""
    answers: pd.DataFrame
    """Every answer-log line (withdrawals included), to apply after the changes."""
    skipped: list[str]


def load_folder(folder: Path, manifest: dict[str, Any], *, show_progress: bool | None) -> Loaded:
    """Read a format 1 or 2 folder: its parts, its changes log and its answer logs."""
    try:
        schema = Schema.from_dict(manifest["schema"])
    except Exception as exc:
        raise StorageError(f"{folder}: unreadable schema in the manifest ({exc})") from None
    record_parts, response_parts = [], []
    rows = sum(int(p.get("rows", 0)) for p in manifest["parts"])
    for part in progress(manifest["parts"], desc="load", rows=rows, enabled=show_progress):
        record_parts.append(_read_parquet(folder / str(part["records"])))
        if part.get("responses"):
            response_parts.append(_read_parquet(folder / str(part["responses"])))
    records = (
        pd.concat(record_parts, ignore_index=True) if len(record_parts) > 1 else record_parts[0]
    )
    _check_records(folder, records, schema, several_parts=len(record_parts) > 1)
    if T.VECTORS not in records.columns:  # a format-1 part
        records[T.VECTORS] = None
    skipped: list[str] = []
    changes = read_changes(folder, manifest, skipped)
    answers = folder / str(manifest.get("answers_dir", "answers"))
    logs = [read_answer_log(path) for path in sorted(answers.glob("*.jsonl"))]
    logs = [log for log in logs if not log.empty]
    snapshot = (
        pd.concat(response_parts, ignore_index=True)
        if len(response_parts) > 1
        else (response_parts[0] if response_parts else T.empty_responses())
    )
    fresh = T.conform_responses(pd.concat(logs, ignore_index=True)) if logs else T.empty_responses()
    bad_status = ~T.isin(fresh["status"], [*STATUSES, REMOVED])
    if bad_status.any():
        skipped.append(f"{answers}: {int(bad_status.sum())} answer(s) with an unknown status")
        fresh = fresh[~bad_status.to_numpy()]
    return Loaded(schema, records, T.conform_responses(snapshot), changes, fresh, skipped)


def _read_parquet(path: Path) -> pd.DataFrame:
    try:
        return pq.read_table(path).to_pandas()
    except (OSError, pa.ArrowException) as exc:
        raise StorageError(f"{path}: unreadable ({exc}); the folder is damaged") from None


def _check_records(
    folder: Path, records: pd.DataFrame, schema: Schema, *, several_parts: bool
) -> None:
    missing = [c for c in (T.ID, *schema.field_names) if c not in records.columns]
    if missing:
        raise StorageError(f"{folder}: records lack column {missing[0]!r}; the folder is damaged")
    # ids are unique within a part when it is written; only parts written by different
    # processes (add_records after save) could clash
    if several_parts and records[T.ID].duplicated().any():
        raise StorageError(f"{folder}: two records share an id; the folder is damaged")


def read_answer_log(path: Path) -> pd.DataFrame:
    """Read one annotator's log; a torn last line is skipped with a ``LoadWarning``."""
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        cut = data.rfind(b"\n") + 1
        warnings.warn(
            f"{path}: skipped a torn last write ({len(data) - cut} bytes); earlier answers kept",
            LoadWarning,
            stacklevel=4,
        )
        data = data[:cut]
    if not data:
        return T.empty_responses()
    frame, bad = read_answer_lines(data)  # the one answer-line parser
    if bad:
        warnings.warn(f"{path}: skipped {bad} unreadable line(s)", LoadWarning, stacklevel=4)
    return frame


# ------------------------------------------------------------------ changes log (format 2)
def change_of_line(entry: dict[str, Any]) -> Change | None:
    """Return the change a format-2 changes-log line holds, None if unknown."""
    op = entry.get("op")
    if op == "edit":
        return EditRecords(list(entry["ids"]), dict(entry["columns"]))
    if op == "delete":
        return DeleteRecords(list(entry["ids"]))
    if op == "schema":
        schema = Schema.from_dict(entry["schema"])
        return ChangeSchema(schema, dict(entry["columns"]), list(entry["drop"]))
    return None


def read_changes(folder: Path, manifest: dict[str, Any], skipped: list[str]) -> list[Change]:
    """Return the changes log's changes in order; damaged lines are counted in ``skipped``."""
    name = manifest.get("changes")
    path = folder / str(name) if name else None
    if path is None or not path.exists():
        return []
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        cut = data.rfind(b"\n") + 1
        skipped.append(f"{path}: a torn last write ({len(data) - cut} bytes)")
        data = data[:cut]
    out: list[Change] = []
    bad = 0
    for line in data.splitlines():
        try:
            change = change_of_line(loads(line))
        except (ValueError, KeyError, TypeError, AttributeError):
            change = None
        except Exception:  # a schema that does not build
            change = None
        if change is None:
            bad += 1
        else:
            out.append(change)
    if bad:
        skipped.append(f"{path}: {bad} unreadable line(s)")
    return out
