"""A dataset's folder: a manifest, parquet snapshots, and one append-only answer log per annotator.

Layout::

    my-dataset/
      nb_feedback.json            manifest: format_version, schema, parts, answers_dir (atomic)
      records-<tag>.parquet       records, one file per save or per add_records batch
      responses-<tag>.parquet     responses that came with those records
      answers-<gen>/<user>.jsonl  answers given after the snapshot, one JSON line each
      answers-<gen>/<user>.lock   held by the one process writing that annotator's log
      changes-<tag>.jsonl         record and schema edits since the snapshot (format 2), in order

Format 1 (nb_feedback 0.1) had no changes log and no ``inserted_at`` or ``@vectors``; it is read
as is, and the first edit written to such a folder turns it into format 2.

Why: each answer is one appended line, flushed and fsync'd, so its cost does not grow with the
dataset; annotators in separate kernels write separate files, so they never interleave; the
manifest is replaced atomically, so a crash mid-save leaves the previous version readable.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import secrets
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple, cast

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pa_json
import pyarrow.parquet as pq
from filelock import FileLock, Timeout

from nb_feedback import _tables as T
from nb_feedback._arrowtext import dumps, loads, strings
from nb_feedback._changes import (
    AddRecords,
    Change,
    ChangeSchema,
    DeleteRecords,
    EditRecords,
    NoteReview,
    PutResponse,
    PutResponses,
    RemoveResponse,
)
from nb_feedback._durable import append_synced, write_all
from nb_feedback._progress import progress
from nb_feedback._textbuf import data_bytes, has_any
from nb_feedback.errors import StorageError, WriterLockedError
from nb_feedback.records import STATUSES
from nb_feedback.review import append_note
from nb_feedback.schema import Schema

FORMAT_VERSION = 2
REMOVED = "_removed"
"""Status of a log line that withdraws an annotator's response (undo of a first answer)."""
MANIFEST = "nb_feedback.json"
_LOG_SCHEMA = T.RESPONSE_SCHEMA  # the answer logs hold the one response row type


class LoadWarning(UserWarning):
    """Something in a dataset folder was skipped on load (e.g. a torn last write)."""


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomic(target: Path, write: Any) -> None:
    """Write through ``write(tmp_path)``, fsync, then rename over ``target``."""
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        write(tmp)
        with tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)
    _fsync_dir(target.parent)


def _write_parquet(target: Path, frame: pd.DataFrame) -> None:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    # Row groups let a reader decode on every core (one group of 1,000,000 records read on
    # one), and a dictionary only pays for columns of few distinct values: mostly-unique
    # texts and ids skip it. Reopening 1,000,000 records: ~1.2 s -> ~0.7 s here.
    few_values = [c for c in table.column_names if c in _FEW_VALUES or c.startswith(T.META_PREFIX)]
    _write_atomic(
        target,
        lambda tmp: pq.write_table(
            table, tmp, row_group_size=_ROW_GROUP, use_dictionary=few_values or False
        ),
    )


_ROW_GROUP = 131_072
_FEW_VALUES = ("user", "status")


def _write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    data = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
    _write_atomic(folder / MANIFEST, lambda tmp: tmp.write_bytes(data))


def is_dataset_folder(folder: Path) -> bool:
    """Tell whether ``folder`` holds a saved dataset."""
    return (folder / MANIFEST).is_file()


def read_manifest(folder: Path) -> dict[str, Any]:
    """Read and check the manifest, naming the folder and what was expected."""
    path = folder / MANIFEST
    if not path.is_file():
        raise StorageError(f"{folder}: not an nb_feedback dataset folder (no {MANIFEST})")
    try:
        manifest = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StorageError(f"{path}: unreadable manifest ({exc})") from None
    version = manifest.get("format_version") if isinstance(manifest, dict) else None
    if not isinstance(version, int) or isinstance(version, bool):
        raise StorageError(f"{path}: expected an integer format_version, got {version!r}")
    if version > FORMAT_VERSION:
        raise StorageError(
            f"{path}: format_version {version} is newer than this nb_feedback reads "
            f"({FORMAT_VERSION}); upgrade nb_feedback"
        )
    if not isinstance(manifest.get("parts"), list) or not isinstance(manifest.get("schema"), dict):
        raise StorageError(f"{path}: expected 'schema' and 'parts' in the manifest")
    return cast(dict[str, Any], manifest)


def _user_file(user: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9_-]+", "_", user)[:40] or "user"
    return f"{slug}-{hashlib.sha256(user.encode('utf-8', 'surrogatepass')).hexdigest()[:10]}"


def save_folder(
    folder: Path,
    schema: Schema,
    records: pd.DataFrame,
    responses: pd.DataFrame,
    *,
    overwrite: bool,
    show_progress: bool | None,
) -> None:
    """Write a full snapshot of a dataset into ``folder``, atomically."""
    if folder.exists() and not folder.is_dir():
        raise StorageError(f"{folder}: exists and is not a folder")
    old: dict[str, Any] | None = None
    if is_dataset_folder(folder):
        if not overwrite:
            raise StorageError(
                f"{folder}: already holds a dataset; pass overwrite=True to replace it"
            )
        old = read_manifest(folder)
    elif folder.exists() and any(folder.iterdir()):
        if not _only_leftovers(folder):
            raise StorageError(
                f"{folder}: is not empty and holds no nb_feedback dataset; "
                "choose an empty or new folder"
            )
        _remove_leftovers(folder)  # a first save that crashed before its manifest: start over
    folder.mkdir(parents=True, exist_ok=True)
    tag = secrets.token_hex(6)
    part = {
        "records": f"records-{tag}.parquet",
        "responses": f"responses-{tag}.parquet",
        "rows": len(records),
    }
    steps = progress(
        ["records", "responses", "manifest"], desc="save", rows=len(records), enabled=show_progress
    )
    for step in steps:
        if step == "records":
            _write_parquet(folder / f"records-{tag}.parquet", records)
        elif step == "responses":
            _write_parquet(folder / f"responses-{tag}.parquet", T.conform_responses(responses))
        else:
            answers_dir = f"answers-{tag}"
            (folder / answers_dir).mkdir()
            manifest = {
                "format_version": FORMAT_VERSION,
                "schema": schema.to_dict(),
                "parts": [part],
                "answers_dir": answers_dir,
                "changes": f"changes-{tag}.jsonl",
            }
            (folder / f"changes-{tag}.jsonl").touch()
            _write_manifest(folder, manifest)
    if old is not None:  # the new manifest is in place: drop what only the old one named
        _remove_unreferenced(folder, old)


_LEFTOVER = re.compile(
    r"^(records|responses)-[0-9a-f]+\.parquet$|^changes-[0-9a-f]+\.jsonl$|^answers-[0-9a-f]+$|^\..*\.tmp$"
)


def _only_leftovers(folder: Path) -> bool:
    """Tell whether ``folder`` holds only what a save writes before its manifest."""
    return all(_LEFTOVER.match(p.name) for p in folder.iterdir())


def _remove_leftovers(folder: Path) -> None:
    for path in folder.iterdir():
        if path.is_dir():
            for inner in path.iterdir():
                inner.unlink()
            path.rmdir()
        else:
            path.unlink()


def _remove_unreferenced(folder: Path, old: dict[str, Any]) -> None:
    keep = read_manifest(folder)
    live = {p[k] for p in keep["parts"] for k in ("records", "responses") if p.get(k)}
    for p in old["parts"]:
        for k in ("records", "responses"):
            name = p.get(k)
            if name and name not in live:
                (folder / name).unlink(missing_ok=True)
    old_changes = old.get("changes")
    if old_changes and old_changes != keep.get("changes"):
        (folder / old_changes).unlink(missing_ok=True)
    old_answers = old.get("answers_dir")
    if old_answers and old_answers != keep.get("answers_dir"):
        for f in (folder / old_answers).glob("*"):
            f.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            (folder / old_answers).rmdir()


def compact_folder(
    folder: Path,
    schema: Schema,
    records: pd.DataFrame,
    responses: pd.DataFrame,
    deleted: set[str],
    *,
    show_progress: bool | None,
) -> None:
    """Fold the changes log and the record parts into one snapshot, atomically.

    The answer logs stay where they are (other kernels may be appending to them): they are read
    again on load, and a later answer still wins over the snapshot's copy.
    """
    tag = secrets.token_hex(6)
    part = {
        "records": f"records-{tag}.parquet",
        "responses": f"responses-{tag}.parquet",
        "rows": len(records),
    }
    with FileLock(str(folder / ".manifest.lock")):
        old = read_manifest(folder)
        for step in progress(
            ["records", "responses"], desc="save", rows=len(records), enabled=show_progress
        ):
            if step == "records":
                _write_parquet(folder / f"records-{tag}.parquet", records)
            else:
                _write_parquet(folder / f"responses-{tag}.parquet", T.conform_responses(responses))
        changes = f"changes-{tag}.jsonl"
        kept = _change_line(DeleteRecords(sorted(deleted)))  # so answers to them stay gone
        line = (dumps(kept, "change", StorageError) + "\n").encode("utf-8") if deleted else b""
        _write_atomic(folder / changes, lambda tmp: tmp.write_bytes(line))
        manifest = {
            **old,
            "format_version": FORMAT_VERSION,
            "schema": schema.to_dict(),
            "parts": [part],
            "changes": changes,
        }
        _write_manifest(folder, manifest)
        kept_answers = {**old, "answers_dir": manifest.get("answers_dir")}
        _remove_unreferenced(folder, kept_answers)


def append_part(folder: Path, records: pd.DataFrame, responses: pd.DataFrame) -> None:
    """Add a batch of records (and their responses) to a saved dataset, durably."""
    tag = secrets.token_hex(6)
    part: dict[str, Any] = {
        "records": f"records-{tag}.parquet",
        "responses": None,
        "rows": len(records),
    }
    _write_parquet(folder / part["records"], records)
    if not responses.empty:
        part["responses"] = f"responses-{tag}.parquet"
        _write_parquet(folder / part["responses"], T.conform_responses(responses))
    with FileLock(str(folder / ".manifest.lock")):  # other kernels may add records too
        manifest = read_manifest(folder)
        manifest["parts"].append(part)
        _write_manifest(folder, manifest)


class Loaded(NamedTuple):
    """What a dataset folder holds: its schema, records, latest responses and deleted ids."""

    schema: Schema
    records: pd.DataFrame
    responses: pd.DataFrame
    deleted: set[str]


def load_folder(folder: Path, *, show_progress: bool | None) -> Loaded:
    """Read a saved dataset: schema, records, latest response per record and user, deleted ids."""
    manifest = read_manifest(folder)
    schema = Schema.from_dict(manifest["schema"])
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
    schema, records, deleted = replay_changes(folder, manifest, schema, records)
    answers = folder / str(manifest.get("answers_dir", "answers"))
    logs = [read_answer_log(path) for path in sorted(answers.glob("*.jsonl"))]
    logs = [log for log in logs if not log.empty]
    snapshot = (
        pd.concat(response_parts, ignore_index=True)
        if len(response_parts) > 1
        else (response_parts[0] if response_parts else T.empty_responses())
    )
    if logs:
        # Log lines were written by other processes at any time: check them against the
        # records; the snapshot parts were checked when they were written.
        fresh = T.conform_responses(pd.concat(logs, ignore_index=True))
        if deleted:  # answers to records deleted since: gone with them, not damage
            fresh = fresh[~T.isin(fresh["record_id"], list(deleted)).to_numpy()]
        known = T.isin(fresh["record_id"], records[T.ID])
        bad_status = ~T.isin(fresh["status"], [*STATUSES, REMOVED])
        if (~known).any() or bad_status.any():
            warnings.warn(
                f"{folder}: skipped {int((~known).sum())} answer(s) to unknown records and "
                f"{int(bad_status.sum())} with an unknown status",
                LoadWarning,
                stacklevel=3,
            )
            fresh = fresh[(known & ~bad_status).to_numpy()]
        snapshot = pd.concat([snapshot, fresh], ignore_index=True)
    if snapshot.empty:
        return Loaded(schema, records, T.empty_responses(), deleted)
    responses = T.conform_responses(snapshot)
    if logs or len(response_parts) > 1:  # a later answer replaces an earlier one
        responses = T.latest_per_key(responses)
        responses = responses[(responses["status"] != REMOVED).to_numpy()]
    if deleted:
        responses = responses[~T.isin(responses["record_id"], list(deleted)).to_numpy()]
    return Loaded(schema, records, responses.reset_index(drop=True), deleted)


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
    try:
        table = pa_json.read_json(
            io.BytesIO(data), parse_options=pa_json.ParseOptions(explicit_schema=_LOG_SCHEMA)
        )
        return T.conform_responses(table.select(T.RESPONSE_COLUMNS).to_pandas())
    except pa.ArrowException:
        return _read_log_slowly(path, data)


def _read_log_slowly(path: Path, data: bytes) -> pd.DataFrame:
    rows, bad = [], 0
    for line in data.splitlines():
        try:
            row = json.loads(line)
            if not isinstance(row, dict) or not isinstance(row.get("values"), str):
                raise ValueError("not an answer")
            rows.append({c: row.get(c) for c in T.RESPONSE_COLUMNS})
        except ValueError:
            bad += 1
    warnings.warn(f"{path}: skipped {bad} unreadable line(s)", LoadWarning, stacklevel=5)
    return T.conform_responses(pd.DataFrame(rows, columns=T.RESPONSE_COLUMNS))


_WRITERS: dict[str, AnswerLog] = {}
"""The log that holds each annotator's lock in this process, by log path."""


class AnswerLog:
    """The append-only answer log of one annotator in one folder, held by one process.

    Raises ``WriterLockedError`` when another process already writes that annotator's answers
    there. Within one process the newest opener takes over: re-running a notebook cell that
    opens the dataset again must not lock the annotator out, and the older copy's next write
    gets a ``WriterLockedError`` saying which copy now writes (never interleaved lines).
    """

    def __init__(self, folder: Path, user: str) -> None:
        manifest = read_manifest(folder)
        answers = folder / str(manifest.get("answers_dir", "answers"))
        answers.mkdir(exist_ok=True)
        name = _user_file(user)
        self.path = answers / f"{name}.jsonl"
        self.user, self._closed, self._superseded = user, False, False
        key = str(self.path.resolve())
        previous = _WRITERS.get(key)
        if previous is not None:
            previous._superseded = True
            previous.close()
        # thread_local=False + is_singleton=False: one lock object per writer, checked across
        # processes by flock.
        self._lock = FileLock(str(answers / f"{name}.lock"), thread_local=False, is_singleton=False)
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            raise WriterLockedError(
                f"annotator {user!r}: another writer already holds this annotator's answers in "
                f"{folder} (another kernel or process; lock {self._lock.lock_file}); use another "
                "user name, or close the other one (dataset.close() or stop its kernel)"
            ) from None
        self._repair_tail()
        self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        _WRITERS[key] = self

    def _check_open(self) -> None:
        if not self._closed:
            return
        if self._superseded:
            raise WriterLockedError(
                f"annotator {self.user!r}: a newer copy of this dataset opened in this kernel "
                "(a re-run cell, say) now writes this annotator's answers; use that copy"
            )
        raise StorageError(f"annotator {self.user!r}: this dataset was closed; open it again")

    def _repair_tail(self) -> None:
        if not self.path.exists():
            return
        data = self.path.read_bytes()
        if data and not data.endswith(b"\n"):
            warnings.warn(
                f"{self.path}: dropped a torn last write before appending",
                LoadWarning,
                stacklevel=4,
            )
            with self.path.open("r+b") as fh:
                fh.truncate(data.rfind(b"\n") + 1)
                os.fsync(fh.fileno())

    def append(self, row: dict[str, Any]) -> None:
        """Append one answer and return only once it is flushed and synced to disk."""
        self._check_open()
        fields = {c: row.get(c) for c in T.RESPONSE_COLUMNS}
        line = (dumps(fields, "answer") + "\n").encode("utf-8")
        written = os.write(self._fd, line)  # one write() on an O_APPEND fd: no interleaving
        if written != len(line):
            raise StorageError(f"{self.path}: short write ({written} of {len(line)} bytes)")
        os.fsync(self._fd)

    def append_many(self, rows: pd.DataFrame) -> None:
        """Append many answers in one write and one fsync."""
        self._check_open()
        lines = log_lines(rows)
        if lines is None:  # a text JSON must escape: one row at a time
            frame = T.conform_responses(rows).astype(object)
            frame = frame.where(frame.notna(), None)  # NaN (no time_spent) is null, not NaN
            lines = "".join(dumps(row, "answer") + "\n" for row in frame.to_dict("records")).encode(
                "utf-8"
            )
        write_all(self._fd, lines)

    def close(self) -> None:
        """Close the file and release the annotator's lock (once; later calls do nothing)."""
        if self._closed:
            return
        self._closed = True
        with contextlib.suppress(OSError):
            os.close(self._fd)
        self._lock.release()
        key = str(self.path.resolve())
        if _WRITERS.get(key) is self:
            del _WRITERS[key]


def log_lines(rows: pd.DataFrame) -> bytes | None:
    """Return the log lines of many answers, built in Arrow (~20x faster than row by row).

    Returns None when a row needs what only the per-row encoder does: a record id, user or
    status holding a quote, backslash or control character, a control character in
    ``values``, a missing text or a time that is not finite.
    """
    try:
        texts = {c: strings(rows[c]) for c in ("record_id", "user", "status", "values")}
    except (pa.ArrowException, UnicodeEncodeError):
        return None
    if any(t.null_count for t in texts.values()):
        return None
    plain = ("record_id", "user", "status")
    if any(has_any(texts[c], (b'"', b"\\"), below=0x20) for c in plain):
        return None
    if has_any(texts["values"], (), below=0x20):
        return None
    # values is JSON text: as a JSON string, its backslashes and quotes are escaped
    values = texts["values"]
    if has_any(values, (b"\\",)):
        values = pc.replace_substring(values, "\\", "\\\\")
    values = pc.replace_substring(values, '"', '\\"')
    updated = rows["updated_at"].to_numpy(dtype="float64")
    spent = rows["time_spent"].to_numpy(dtype="float64")
    inserted = (
        rows["inserted_at"].fillna(rows["updated_at"]).to_numpy(dtype="float64")
        if "inserted_at" in rows.columns
        else updated
    )
    if not np.isfinite(updated).all() or not np.isfinite(inserted).all() or np.isinf(spent).any():
        return None
    # Arrow writes a float as its shortest round-trip text, a valid JSON number
    updated_text = pa.array(updated).cast(pa.string())
    inserted_text = pa.array(inserted).cast(pa.string())
    spent_text = pc.fill_null(pa.array(spent, from_pandas=True).cast(pa.string()), "null")
    try:
        joined = _joined_lines(texts, values, updated_text, spent_text, inserted_text)
    except pa.ArrowException:  # over 2 GB in one batch: string offsets overflow
        return None
    return data_bytes(joined).tobytes()


def _joined_lines(
    texts: dict[str, pa.Array],
    values: pa.Array,
    updated: pa.Array,
    spent: pa.Array,
    inserted: pa.Array,
) -> pa.Array:
    return pc.binary_join_element_wise(
        '{"record_id":"',
        texts["record_id"],
        '","user":"',
        texts["user"],
        '","status":"',
        texts["status"],
        '","values":"',
        values,
        '","updated_at":',
        updated,
        ',"time_spent":',
        spent,
        ',"inserted_at":',
        inserted,
        "}\n",
        "",  # the separator
    )


def iter_user_logs(folder: Path) -> Iterator[Path]:
    """Yield the answer logs of a saved dataset."""
    manifest = read_manifest(folder)
    yield from sorted((folder / str(manifest.get("answers_dir", "answers"))).glob("*.jsonl"))


# ------------------------------------------------------------------ changes log (format 2)
def _change_line(change: Change) -> dict[str, Any]:
    if isinstance(change, EditRecords):
        return {"op": "edit", "ids": list(change.ids), "columns": change.columns}
    if isinstance(change, DeleteRecords):
        return {"op": "delete", "ids": list(change.ids)}
    if isinstance(change, ChangeSchema):
        return {
            "op": "schema",
            "schema": change.schema.to_dict(),
            "columns": change.columns,
            "drop": list(change.drop),
        }
    raise TypeError(f"not a record or schema change: {change!r}")


def change_of_line(entry: dict[str, Any]) -> Change | None:
    """Return the change a changes-log line holds (``_change_line``'s inverse), None if unknown."""
    op = entry.get("op")
    if op == "edit":
        return EditRecords(list(entry["ids"]), dict(entry["columns"]))
    if op == "delete":
        return DeleteRecords(list(entry["ids"]))
    if op == "schema":
        schema = Schema.from_dict(entry["schema"])
        return ChangeSchema(schema, dict(entry["columns"]), list(entry["drop"]))
    return None


def append_change(folder: Path, change: Change) -> None:
    """Append a record or schema edit to the folder's changes log, flushed and synced.

    The manifest lock is held, so kernels editing one folder at once append whole lines, and a
    compaction (``save``) never starts a new log under a writer's feet.
    """
    line = (dumps(_change_line(change), "change", StorageError) + "\n").encode("utf-8")
    with FileLock(str(folder / ".manifest.lock")):
        manifest = read_manifest(folder)
        name = manifest.get("changes")
        if not name or manifest["format_version"] < FORMAT_VERSION:
            name = name or f"changes-{secrets.token_hex(6)}.jsonl"
            manifest.update(format_version=FORMAT_VERSION, changes=name)
            (folder / name).touch()
            _write_manifest(folder, manifest)
        append_synced(folder / name, line)


def read_changes(folder: Path, manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the changes log's entries in order; a torn last line is skipped with a warning."""
    name = manifest.get("changes")
    path = folder / str(name) if name else None
    if path is None or not path.exists():
        return []
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        warnings.warn(f"{path}: skipped a torn last write", LoadWarning, stacklevel=4)
        data = data[: data.rfind(b"\n") + 1]
    out = []
    for k, line in enumerate(data.splitlines()):
        try:
            entry = loads(line)
        except ValueError:
            raise StorageError(f"{path}: line {k + 1} is not JSON; the folder is damaged") from None
        out.append(entry)
    return out


def replay_changes(
    folder: Path, manifest: dict[str, Any], schema: Schema, records: pd.DataFrame
) -> tuple[Schema, pd.DataFrame, set[str]]:
    """Apply the changes log to the snapshot: (schema, records, ids deleted)."""
    deleted: set[str] = set()
    entries = read_changes(folder, manifest)
    if not entries:
        return schema, records, deleted
    columns: dict[str, np.ndarray] = {}
    positions = dict(zip(records[T.ID].tolist(), range(len(records)), strict=True))
    frame = records
    for entry in entries:
        change = change_of_line(entry)
        if change is None:
            raise StorageError(f"{folder}: unknown change {entry.get('op')!r} in the changes log")
        if isinstance(change, EditRecords):
            at = [positions.get(i) for i in change.ids]
            for column, values in change.columns.items():
                if column not in columns:
                    source = frame[column] if column in frame.columns else [None] * len(frame)
                    columns[column] = np.array(source, dtype=object)
                for p, value in zip(at, values, strict=True):
                    if p is not None:
                        columns[column][p] = value
        else:  # a delete or a schema change: fold the edits so far, then apply it
            frame = _with_columns(frame, columns)
            columns = {}
            if isinstance(change, DeleteRecords):
                deleted.update(change.ids)
                frame = frame[~T.isin(frame[T.ID], change.ids).to_numpy()].reset_index(drop=True)
            else:
                assert isinstance(change, ChangeSchema)  # change_of_line makes no other kind
                schema = change.schema
                frame = frame.drop(columns=[c for c in change.drop if c in frame.columns])
                frame = frame.assign(**change.columns)
            positions = dict(zip(frame[T.ID].tolist(), range(len(frame)), strict=True))
    return schema, _with_columns(frame, columns), deleted


def _with_columns(frame: pd.DataFrame, columns: dict[str, np.ndarray]) -> pd.DataFrame:
    if not columns:
        return frame
    return frame.assign(**{c: pd.Series(v, dtype=object) for c, v in columns.items()})


class FolderWriter:
    """Writes a dataset's changes into its folder: the one place a change reaches the disk."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._logs: dict[str, AnswerLog] = {}

    def log_for(self, user: str) -> AnswerLog:
        """Return ``user``'s answer log, taking the annotator's lock on first use."""
        log = self._logs.get(user)
        if log is None:
            log = self._logs[user] = AnswerLog(self.folder, user)
        return log

    def write(self, change: Change, *, show_progress: bool | None = None) -> None:
        """Append ``change`` durably; returns once it is flushed and synced."""
        if isinstance(change, PutResponse):
            self.log_for(change.row[1]).append(T.row_dict(change.row))
        elif isinstance(change, PutResponses):
            rows = change.rows
            users = pd.unique(rows["user"])
            groups = (
                [(users[0], rows)] if len(users) == 1 else list(rows.groupby("user", sort=False))
            )
            for name, group in progress(
                groups, desc="add_responses", rows=len(rows), enabled=show_progress
            ):
                self.log_for(str(name)).append_many(group)
        elif isinstance(change, RemoveResponse):  # the log is append-only: a tombstone line
            self.log_for(change.user).append(
                {
                    "record_id": change.record_id,
                    "user": change.user,
                    "status": REMOVED,
                    "values": "{}",
                    "updated_at": change.at,
                    "time_spent": None,
                    "inserted_at": change.at,
                }
            )
        elif isinstance(change, AddRecords):
            append_part(self.folder, change.records, change.responses)
        elif isinstance(change, NoteReview):
            append_note(self.folder, change.note)
        else:
            append_change(self.folder, change)

    def close(self) -> None:
        """Release every annotator lock this writer holds."""
        for log in self._logs.values():
            log.close()
        self._logs.clear()
