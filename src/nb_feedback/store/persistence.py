"""A dataset's folder (storage format 3): no file in it has two writers.

Layout::

    my-dataset/
      nb_feedback.json                 the format and the schema it was created with; written
                                       once, when the folder is made, never rewritten
      writers/<writer>/                one process's session of writing; only it writes here
        answers.jsonl                  its answers, one JSON line each (the response row type)
        changes.jsonl                  its record and schema changes, review notes, and the
                                       lines that add its record parts and answer batches
        answers-<n>.parquet            a batch of answers (``add_responses``), all or none
        records-<n>.parquet            records it added (named by a line of changes.jsonl)
        responses-<n>.parquet          responses that came with them
        checkpoint-<n>.json            a checkpoint it made (``save()``): the whole state it had
        checkpoint-<n>.records.parquet     read, and which bytes of which files that covers
        checkpoint-<n>.responses.parquet
      locks/<user>.lock                the annotator lock (one kernel per annotator, local disks)

The folder's state is a merge of every writer's files, the same whoever reads them and in
whatever order (see ``docs/ARCHITECTURE.md``):

- every change carries a time from the hybrid logical clock (``_hlc``): later in one writer
  than all that writer's earlier changes, and later than every change its writer had read;
- an answer per (record, user), a record edit per (record, column, key), the schema as a whole
  and a review note per (record, reviewer): the latest time wins; a tie (two writers, the same
  time) goes to the larger content, so it is decided by the changes alone;
- records: every added batch, less every deleted id (deletion is final; a deleted id cannot be
  added again);
- a checkpoint is a state plus the bytes of each file it covers: a reader starts from the
  latest checkpoint and reads only what it does not cover. Nothing is ever removed from a file
  another process owns; a writer removes only its own superseded checkpoints.

Why: the answer logs of format 2 (one writer each) survived every concurrent run; its shared
snapshot, changes log and manifest did not. A file with one writer needs no lock, so this also
holds on network shares and on folders a sync service copies between machines (a file appears
late, whole or in part: a torn tail is left for the next read).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from filelock import FileLock, Timeout

from nb_feedback.base._arrowtext import dumps, dumps_document, loads, loads_python
from nb_feedback.base.errors import StorageError, WriterLockedError
from nb_feedback.domain.review import ReviewNote
from nb_feedback.domain.schema import Schema
from nb_feedback.store import _tables as T
from nb_feedback.store._changes import (
    AddRecords,
    Change,
    PutResponse,
    PutResponses,
    RemoveResponse,
    Stamped,
)
from nb_feedback.store._durable import (
    LoadWarning,
    OwnedLog,
    fsync_dir,
    storage_error,
    write_atomic,
)
from nb_feedback.store._hlc import CLOCK
from nb_feedback.store.lines import (
    BadLine,
    answer_line,
    change_of,
    line_bytes,
    line_of,
    read_answer_lines,
    unified_values,
)

__all__ = ["LoadWarning", "StorageError"]

FORMAT_VERSION = 3
NOT_THERE_YET = "is not there yet"
"""How a reader says a line names a part that has not arrived (a synced folder delivers files
one by one): waiting, not damage; ``nb_feedback check`` tells the two apart by it."""
MANIFEST = "nb_feedback.json"
WRITERS = "writers"
ANSWERS = "answers.jsonl"
CHANGES = "changes.jsonl"
LOCKS = "locks"
REMOVED = "_removed"
"""Status of an answer line that withdraws an annotator's response (undo of a first answer)."""

_ROW_GROUP = 131_072
_FEW_VALUES = ("user", "status")


# ---------------------------------------------------------------------------------- the manifest
def is_dataset_folder(folder: Path) -> bool:
    """Tell whether ``folder`` holds a saved dataset."""
    return (folder / MANIFEST).is_file()


def read_manifest(folder: Path) -> dict[str, Any]:
    """Read and check the manifest, naming the folder and what was expected."""
    path = folder / MANIFEST
    if not path.is_file():
        hint = ""
        if (folder / WRITERS).is_dir() or any(folder.glob("answers*")):
            hint = "; it holds dataset files: `nb_feedback repair` can salvage them"
        raise StorageError(f"{folder}: not an nb_feedback dataset folder (no {MANIFEST}){hint}")
    try:
        manifest = loads_python(path.read_text("utf-8"))  # older versions wrote it with json
    except (OSError, ValueError) as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise StorageError(f"{path}: unreadable manifest ({exc})") from None
    version = manifest.get("format_version") if isinstance(manifest, dict) else None
    if not isinstance(version, int) or isinstance(version, bool):
        raise StorageError(f"{path}: expected an integer format_version, got {version!r}")
    if version > FORMAT_VERSION:
        raise StorageError(
            f"{path}: format_version {version} is newer than this nb_feedback reads "
            f"({FORMAT_VERSION}); upgrade nb_feedback"
        )
    if not isinstance(manifest.get("schema"), dict):
        raise StorageError(f"{path}: expected a 'schema' object in the manifest")
    if version < FORMAT_VERSION and not isinstance(manifest.get("parts"), list):
        raise StorageError(f"{path}: expected 'parts' in a format {version} manifest")
    return cast(dict[str, Any], manifest)


def _schema_of(value: Any, where: str) -> Schema:
    try:
        return Schema.from_dict(value)
    except Exception as exc:  # a damaged schema: say where, never a bare traceback
        raise StorageError(f"{where}: unreadable schema ({type(exc).__name__}: {exc})") from None


def manifest_schema(folder: Path) -> Schema:
    """Return the schema the manifest of ``folder`` was written with (``StorageError`` if none)."""
    return _schema_of(read_manifest(folder)["schema"], str(folder / MANIFEST))


def _write_manifest_once(folder: Path, schema: Schema, writer: str) -> None:
    """Write the manifest of a new folder; refuse if another process made one meanwhile."""
    manifest = {"format_version": FORMAT_VERSION, "schema": schema.to_dict(), "created_by": writer}
    data = dumps_document(manifest, str(folder / MANIFEST)).encode("utf-8")
    tmp = folder / f".{MANIFEST}.{secrets.token_hex(4)}.tmp"
    try:
        tmp.write_bytes(data)
        with tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        os.link(tmp, folder / MANIFEST)  # put-if-absent: fails if the manifest exists
    except FileExistsError:
        raise StorageError(
            f"{folder}: another process made a dataset here at the same time"
        ) from None
    except OSError as exc:
        raise storage_error(folder / MANIFEST, exc) from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    fsync_dir(folder)


def _upgrade_manifest(folder: Path, schema: Schema, writer: str) -> None:
    """Turn a format 1 or 2 folder into format 3 (its first write by this version)."""
    manifest = {
        "format_version": FORMAT_VERSION,
        "schema": schema.to_dict(),
        "created_by": writer,
        "upgraded_from": read_manifest(folder).get("format_version"),
    }
    data = dumps_document(manifest, str(folder / MANIFEST)).encode("utf-8")
    write_atomic(folder / MANIFEST, lambda tmp: tmp.write_bytes(data))


# --------------------------------------------------------------------------- parquet parts
def _write_parquet(target: Path, frame: pd.DataFrame) -> None:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    # Row groups let a reader decode on every core, and a dictionary only pays for columns of
    # few distinct values: mostly-unique texts and ids skip it.
    few_values = [c for c in table.column_names if c in _FEW_VALUES or c.startswith(T.META_PREFIX)]
    write_atomic(
        target,
        lambda tmp: pq.write_table(
            table, tmp, row_group_size=_ROW_GROUP, use_dictionary=few_values or False
        ),
    )


def read_parquet(path: Path) -> pd.DataFrame:
    """Read a parquet part, or raise ``StorageError`` naming it (``FileNotFoundError`` as is)."""
    try:
        return pq.read_table(path).to_pandas()
    except FileNotFoundError:
        raise
    except (OSError, pa.ArrowException) as exc:
        if not path.exists():
            raise FileNotFoundError(path) from None
        raise StorageError(f"{path}: unreadable ({exc}); the folder is damaged") from None


# ------------------------------------------------------------------------- change lines


# ------------------------------------------------------------------------ answer lines


# ---------------------------------------------------------------------------- the writer
def new_writer_id() -> str:
    """Return a writer name no other process uses: the time it started and 64 random bits."""
    return f"{int(time.time() * 1000):012x}-{secrets.token_hex(8)}"


def user_file(user: str) -> str:
    """Return the file-name form of an annotator's name (for the annotator lock)."""
    import hashlib

    slug = re.sub(r"[^A-Za-z0-9_-]+", "_", user)[:40] or "user"
    return f"{slug}-{hashlib.sha256(user.encode('utf-8', 'surrogatepass')).hexdigest()[:10]}"


_LOCKS: dict[str, FolderWriter] = {}
"""Which writer of this process holds each annotator lock, by lock path."""


class FolderWriter:
    """Write this process's changes to one dataset folder: the one place a change reaches the disk.

    Its files live in ``writers/<id>/``, made on the first write; nobody else writes there.
    An annotator's answers are written by one process at a time (a lock per annotator, on
    disks where locks work): two kernels writing the same person's answers is almost always a
    mistake (the same notebook opened twice).
    """

    def __init__(self, folder: Path, writer_id: str | None = None) -> None:
        self.folder = folder
        self.id = writer_id or new_writer_id()
        self.dir = folder / WRITERS / self.id
        self.answers = OwnedLog(self.dir / ANSWERS)
        self.changes = OwnedLog(self.dir / CHANGES)
        self._users: dict[str, FileLock] = {}
        self._superseded: set[str] = set()
        self._parts = 0
        self._checkpoints = 0
        self.closed = False

    @property
    def users(self) -> list[str]:
        """The annotators whose answers this writer writes (it holds their locks)."""
        return list(self._users)

    # ---- annotator locks
    def claim(self, user: str) -> None:
        """Take ``user``'s annotator lock (raises ``WriterLockedError`` if another process has it).

        Within one process the newest writer takes over: re-running a notebook cell that opens
        the dataset again must not lock the annotator out; the older copy's next write of that
        annotator raises saying which copy now writes.
        """
        if self.closed:
            raise StorageError(f"annotator {user!r}: this dataset was closed; open it again")
        if user in self._superseded:
            raise WriterLockedError(
                f"annotator {user!r}: a newer copy of this dataset opened in this kernel "
                "(a re-run cell, say) now writes this annotator's answers; use that copy"
            )
        if user in self._users:
            return
        locks = self.folder / LOCKS
        try:
            locks.mkdir(exist_ok=True)
        except OSError as exc:
            raise storage_error(locks, exc, "could not make the locks folder") from None
        path = str((locks / f"{user_file(user)}.lock").resolve())
        previous = _LOCKS.get(path)
        if previous is not None and previous is not self:
            previous._release(user, superseded=True)
        lock = FileLock(path, thread_local=False, is_singleton=False)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            raise WriterLockedError(
                f"annotator {user!r}: another writer already holds this annotator's answers in "
                f"{self.folder} (another kernel or process; lock {path}); use another user "
                "name, or close the other one (dataset.close() or stop its kernel)"
            ) from None
        except OSError as exc:  # a read-only folder: no lock can be made
            raise storage_error(Path(path), exc, "could not take the annotator lock") from None
        self._users[user] = lock
        _LOCKS[path] = self

    def _release(self, user: str, *, superseded: bool = False) -> None:
        lock = self._users.pop(user, None)
        if superseded:
            self._superseded.add(user)
        if lock is not None:
            lock.release()
            key = str(Path(lock.lock_file).resolve())
            if _LOCKS.get(key) is self:
                del _LOCKS[key]

    # ---- writing
    def write(self, change: Change, at: float, *, show_progress: bool | None = None) -> None:
        """Write ``change`` (made at time ``at``) durably; returns once it is on disk.

        Raises ``StorageError`` (naming the file and the cause) having written nothing.
        """
        if self.closed:
            raise StorageError(f"{self.folder}: this dataset was closed; open it again")
        if isinstance(change, PutResponse):
            self.claim(change.row[1])
            self.answers.append(answer_line(T.row_dict(change.row)))
        elif isinstance(change, PutResponses):
            for user in pd.unique(change.rows["user"]):
                self.claim(str(user))
            self._add_answers(change.rows, at)
        elif isinstance(change, RemoveResponse):  # the log is append-only: a tombstone line
            self.claim(change.user)
            row = {
                "record_id": change.record_id,
                "user": change.user,
                "status": REMOVED,
                "values": "{}",
                "updated_at": change.at,
                "time_spent": None,
                "inserted_at": change.at,
            }
            self.answers.append(answer_line(row))
        elif isinstance(change, AddRecords):
            self._add_part(change, at)
        else:
            self.changes.append(line_bytes(line_of(change, at)))

    def _add_part(self, change: AddRecords, at: float) -> None:
        """Write a batch of records as a part, then the line that adds it (the commit point)."""
        self._parts += 1
        tag = f"{self._parts}-{secrets.token_hex(3)}"
        entry: dict[str, Any] = {
            "op": "add",
            "at": at,
            "part": f"records-{tag}.parquet",
            "responses": None,
            "rows": len(change.records),
        }
        self.dir.mkdir(parents=True, exist_ok=True)
        _write_parquet(self.dir / entry["part"], change.records)
        if not change.responses.empty:
            entry["responses"] = f"responses-{tag}.parquet"
            _write_parquet(self.dir / entry["responses"], T.conform_responses(change.responses))
        # a part with no line naming it is not part of the dataset (a kill right here leaves
        # an orphan file that `nb_feedback check` reports and nothing reads)
        self.changes.append(line_bytes(entry))

    def _add_answers(self, rows: pd.DataFrame, at: float) -> None:
        """Write a batch of answers as a part, then the line that adds it: all or none.

        Lines appended one by one would let a kill in the middle keep half a batch; a part is
        either renamed into place whole or not at all, and only its line makes it count.
        """
        self._parts += 1
        part = f"answers-{self._parts}-{secrets.token_hex(3)}.parquet"
        entry = {"op": "answers", "at": at, "part": part, "rows": len(rows)}
        self.dir.mkdir(parents=True, exist_ok=True)
        _write_parquet(self.dir / part, T.conform_responses(rows))
        self.changes.append(line_bytes(entry))

    def write_checkpoint(self, state: Checkpoint, *, show_progress: bool | None = None) -> None:
        """Write ``state`` as this writer's next checkpoint, then drop its earlier ones."""
        from nb_feedback.base._progress import progress

        self.dir.mkdir(parents=True, exist_ok=True)
        self._checkpoints += 1
        name = f"checkpoint-{int(state.at * 1e6):x}-{self._checkpoints}"
        steps = ["records", "responses", "state"]
        for step in progress(steps, desc="save", rows=len(state.records), enabled=show_progress):
            if step == "records":
                _write_parquet(self.dir / f"{name}.records.parquet", state.records)
            elif step == "responses":
                _write_parquet(
                    self.dir / f"{name}.responses.parquet", T.conform_responses(state.responses)
                )
            else:
                body = dumps(state.to_dict(name), f"{name}.json", StorageError).encode("utf-8")
                _write_bytes_atomic(self.dir / f"{name}.json", body)
        for old in self.dir.glob("checkpoint-*.json"):  # its own superseded ones
            if old.name != f"{name}.json":
                _remove_checkpoint(old)
        collect_debris(self.folder, keep=self.dir / f"{name}.json")

    def close(self) -> None:
        """Release every annotator lock this writer holds and close its files."""
        for user in list(self._users):
            self._release(user)
        self.answers.close()
        self.changes.close()
        self.closed = True


DEBRIS_AGE = 3600.0
"""Seconds after which a file no reader needs is collected (no write takes this long)."""


def collect_debris(
    folder: Path, *, keep: Path | None = None, age: float = DEBRIS_AGE
) -> list[Path]:
    """Remove what no reader needs and no writer will finish; return what was removed.

    Only files older than ``age``: temporary files of writes that were killed, checkpoint parts
    whose checkpoint file was never written (a killed checkpoint), and checkpoints superseded
    by a later one (``keep``, or the latest): a reader starts from the latest, so nothing in
    an earlier one is needed (every line it covers is still in its writer's log). Logs and
    record parts are never removed.
    """
    now = time.time()
    latest = keep or next(iter(checkpoint_files(folder)), None)
    removed: list[Path] = []

    def old(path: Path) -> bool:
        try:
            return now - path.stat().st_mtime > age
        except OSError:
            return False

    for wdir in writer_dirs(folder):
        for path in wdir.iterdir():
            name = path.name
            if name.startswith(".") and name.endswith(".tmp") and old(path):
                removed.append(path)
            elif name.startswith("checkpoint-") and name.endswith(".parquet"):
                stem = name.rsplit(".", 2)[0]
                if not (wdir / f"{stem}.json").exists() and old(path):
                    removed.append(path)
            elif _superseded(path, latest) and old(path):
                stem = name[: -len(".json")]
                removed += [
                    path,
                    wdir / f"{stem}.records.parquet",
                    wdir / f"{stem}.responses.parquet",
                ]
    for path in removed:
        with contextlib.suppress(OSError):
            path.unlink()
    return removed


def _superseded(path: Path, latest: Path | None) -> bool:
    """Tell whether ``path`` is a checkpoint file other than the latest."""
    return path.name.startswith("checkpoint-") and path.name.endswith(".json") and path != latest


def _write_bytes_atomic(target: Path, body: bytes) -> None:
    write_atomic(target, lambda tmp: tmp.write_bytes(body))


def _remove_checkpoint(path: Path) -> None:
    stem = path.name[: -len(".json")]
    for name in (path.name, f"{stem}.records.parquet", f"{stem}.responses.parquet"):
        with contextlib.suppress(OSError):
            (path.parent / name).unlink()


# ------------------------------------------------------------------------ the checkpoint
@dataclass
class Checkpoint:
    """A whole state of a dataset and what of the folder's files it covers."""

    at: float
    writer: str
    schema: Schema
    schema_at: float
    records: pd.DataFrame
    responses: pd.DataFrame
    deleted: set[str] = field(default_factory=set)
    removed: dict[tuple[str, str], float] = field(default_factory=dict)
    edit_clocks: dict[tuple[str, str, str | None], tuple[float, str]] = field(default_factory=dict)
    notes: dict[tuple[str, str], tuple[float, ReviewNote | None]] = field(default_factory=dict)
    unified: dict[str, tuple[float, dict[str, list[dict[str, Any]]]]] = field(default_factory=dict)
    """Per question, the time and values of its latest ``UnifyAnswers``."""
    covers: dict[str, int] = field(default_factory=dict)
    """Bytes of each writer file (``<writer>/<file>``) whose lines this state holds."""
    held: int = 0
    """How many of the last rows of ``responses`` answer records not read yet (kept aside)."""
    torn: dict[str, int] = field(default_factory=dict)
    """Bytes after the last whole line of each file when the state was taken (already
    reported: a torn tail of a writer that died is warned about once, not at every open)."""
    waiting: dict[str, list[str]] = field(default_factory=dict)
    """Per writer, the lines read whose part had not arrived (a synced folder delivers files
    late): ``covers`` includes them, so they are read again from here until the part is there."""
    held_edits: list[tuple[float, str, tuple[Any, ...]]] = field(default_factory=list)
    """Record edits (time, writer, entry) to records not read yet, applied when they arrive."""

    def to_dict(self, name: str) -> dict[str, Any]:
        """Return the JSON form of the checkpoint file."""
        return {
            "at": self.at,
            "writer": self.writer,
            "schema": self.schema.to_dict(),
            "schema_at": self.schema_at,
            "records": f"{name}.records.parquet",
            "responses": f"{name}.responses.parquet",
            "rows": len(self.records),
            "deleted": sorted(self.deleted),
            "removed": [[r, u, t] for (r, u), t in self.removed.items()],
            "edit_clocks": [[r, c, k, t, w] for (r, c, k), (t, w) in self.edit_clocks.items()],
            "notes": [
                [r, u, t, None if n is None else n.to_dict()]
                for (r, u), (t, n) in self.notes.items()
            ],
            "unified": {q: [at, values] for q, (at, values) in self.unified.items()},
            "covers": self.covers,
            "torn": self.torn,
            "held": self.held,
            "waiting": self.waiting,
            "held_edits": [[t, w, list(e)] for t, w, e in self.held_edits],
        }


def read_checkpoint(path: Path) -> Checkpoint:
    """Read a checkpoint file and its parts (``FileNotFoundError`` if one went meanwhile)."""
    try:
        body = loads_python(path.read_bytes())  # older versions wrote it with json
        at, writer = float(body["at"]), str(body["writer"])
        schema = _schema_of(body["schema"], str(path))
        records = read_parquet(path.parent / str(body["records"]))
        responses = T.conform_responses(read_parquet(path.parent / str(body["responses"])))
        notes: dict[tuple[str, str], tuple[float, ReviewNote | None]] = {}
        for r, u, t, n in body.get("notes", []):
            note = (
                None
                if n is None
                else ReviewNote(
                    str(n["record_id"]),
                    str(n["reviewer"]),
                    n.get("source"),
                    bool(n["edited"]),
                    float(n["at"]),
                )
            )
            notes[(str(r), str(u))] = (float(t), note)
        return Checkpoint(
            at=at,
            writer=writer,
            schema=schema,
            schema_at=float(body.get("schema_at", 0.0)),
            records=records,
            responses=responses,
            deleted={str(i) for i in body.get("deleted", [])},
            removed={(str(r), str(u)): float(t) for r, u, t in body.get("removed", [])},
            edit_clocks={
                (str(r), str(c), k): (float(t), str(w))
                for r, c, k, t, w in body.get("edit_clocks", [])
            },
            notes=notes,
            unified={
                str(q): (float(at), unified_values(values))
                for q, (at, values) in body.get("unified", {}).items()
            },
            covers={str(k): int(v) for k, v in body.get("covers", {}).items()},
            torn={str(k): int(v) for k, v in body.get("torn", {}).items()},
            held=int(body.get("held", 0)),
            waiting={
                str(w): [str(x) for x in lines] for w, lines in body.get("waiting", {}).items()
            },
            held_edits=[(float(t), str(w), tuple(e)) for t, w, e in body.get("held_edits", [])],
        )
    except (FileNotFoundError, StorageError):
        raise
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise StorageError(f"{path}: unreadable checkpoint ({type(exc).__name__}: {exc})") from None


def checkpoint_files(folder: Path) -> list[Path]:
    """Return the folder's checkpoint files, the latest first (by time, then name)."""
    found = []
    for path in (folder / WRITERS).glob("*/checkpoint-*.json"):
        match = re.match(r"checkpoint-([0-9a-f]+)-", path.name)
        found.append((int(match.group(1), 16) if match else 0, path.as_posix(), path))
    return [p for _, _, p in sorted(found, reverse=True)]


def writer_dirs(folder: Path) -> list[Path]:
    """Return every writer's folder, by name."""
    base = folder / WRITERS
    try:
        return sorted(p for p in base.iterdir() if p.is_dir())
    except FileNotFoundError:
        return []


# ---------------------------------------------------------------------------- reading news
@dataclass
class News:
    """What a folder's writers wrote that this reader had not read yet."""

    answers: pd.DataFrame
    changes: list[Stamped]
    """Record parts added, edits, deletions, schema changes and notes, in (time, writer) order."""
    batches: list[pd.DataFrame] = field(default_factory=list)
    """Batches of answers (``add_responses``), read from their parts."""
    bad_lines: int = 0
    skipped: list[str] = field(default_factory=list)
    """What was skipped, and where (for the warning)."""

    @property
    def empty(self) -> bool:
        """Tell whether nothing new was read."""
        return self.answers.empty and not self.changes


class FolderReader:
    """Byte offsets into every writer file of a folder, and the lines written after them.

    ``read_new`` reads only the bytes appended since the last call (a line still being written,
    or the torn tail of a killed writer, waits for the next call, and is skipped for good only
    once a whole line follows it). Used both to open a folder (from a checkpoint's offsets) and
    to follow other processes (``FeedbackDataset.refresh``): one reading path.
    """

    def __init__(
        self,
        folder: Path,
        covers: dict[str, int] | None = None,
        waiting: dict[str, list[str]] | None = None,
    ) -> None:
        self.folder = folder
        self.offsets: dict[str, int] = dict(covers or {})
        self.waiting: dict[str, list[bytes]] = {
            w: [x.encode("utf-8") for x in lines] for w, lines in (waiting or {}).items() if lines
        }
        """Per writer, the lines already read whose part is not there yet (a synced folder
        delivers each file on its own, late): read again at every look until it arrives."""
        self._told: set[bytes] = set()  # lines whose part was reported as not there yet
        self._manifest = self._manifest_stamp()
        self.replaced = False
        """Whether another dataset was saved over this folder since (``overwrite=True``)."""
        self.bytes_read = 0
        """Bytes read by ``read_new`` so far (tests check that a look costs only the news)."""
        self.partial: dict[str, int] = {}
        """Bytes after the last whole line of each file, at the last look (a write in
        progress, or the torn tail of a writer that died)."""

    def _manifest_stamp(self) -> tuple[int, int] | None:
        try:
            st = (self.folder / MANIFEST).stat()
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_ino)

    def read_new(self, *, skip_writer: str | None = None) -> News:
        """Return what every writer (but ``skip_writer``) appended since the last call."""
        if self._manifest_stamp() != self._manifest:
            self.replaced = True  # only an overwrite (or an upgrade) rewrites the manifest
        answers: list[pd.DataFrame] = []
        changes: list[Stamped] = []
        news = News(T.empty_responses(), changes)
        for wdir in writer_dirs(self.folder):
            writer = wdir.name
            if writer == skip_writer:
                continue
            data = self._new_bytes(f"{writer}/{ANSWERS}")
            if data:
                frame, bad = read_answer_lines(data)
                if bad:
                    news.bad_lines += bad
                    news.skipped.append(f"{wdir / ANSWERS}: {bad} unreadable line(s)")
                if not frame.empty:
                    answers.append(frame)
            data = self._new_bytes(f"{writer}/{CHANGES}")
            waited = self.waiting.pop(writer, [])
            if waited:  # lines whose part had not arrived: before the new ones, once more
                data = b"\n".join(waited) + b"\n" + data
            if data:
                self._read_changes(wdir, data, news)
        answers += [T.conform_responses(b) for b in news.batches if len(b)]
        news.batches = []
        if answers:
            news.answers = T.conform_responses(
                pd.concat(answers, ignore_index=True) if len(answers) > 1 else answers[0]
            )
            CLOCK.observe(float(news.answers["updated_at"].max()))
        if changes:
            CLOCK.observe(max(c[0] for c in changes))
        changes.sort(key=lambda c: (c[0], c[1]))
        return news

    def _new_bytes(self, name: str) -> bytes:
        path = self.folder / WRITERS / name
        start = self.offsets.get(name, 0)
        try:
            with path.open("rb") as fh:
                size = os.fstat(fh.fileno()).st_size
                if size < start:  # its writer rolled back a failed write we had seen part of
                    start = _whole_lines_before(fh, size)
                    self.offsets[name] = start
                if size <= start:
                    return b""
                fh.seek(start)
                data = fh.read(size - start)
        except FileNotFoundError:
            return b""
        except OSError as exc:
            raise StorageError(f"{path}: unreadable ({exc})") from None
        end = data.rfind(b"\n") + 1  # a line still being written waits for the next look
        self.bytes_read += len(data)
        self.offsets[name] = start + end
        if end < len(data):
            self.partial[name] = len(data) - end
        else:
            self.partial.pop(name, None)
        return data[:end]

    def _read_changes(self, wdir: Path, data: bytes, news: News) -> None:
        bad = 0
        for line in data.splitlines():
            try:
                entry = loads(line)
                at, change = change_of(entry)
                if change is None and entry["op"] == "answers":  # a batch of answers
                    where = wdir / str(entry["part"])
                    news.batches.append(checked_responses(where, read_parquet(where)))
                elif change is None:  # a records part
                    news.changes.append((at, wdir.name, self._part(wdir, entry)))
                else:
                    news.changes.append((at, wdir.name, change))
            except FileNotFoundError as exc:  # not there yet: read the line again next time
                self.waiting.setdefault(wdir.name, []).append(line)
                if line not in self._told:
                    self._told.add(line)
                    news.skipped.append(
                        f"{wdir / CHANGES}: a part it names {NOT_THERE_YET} ({exc}); its batch "
                        "is taken in when it arrives (a synced folder delivers files late), "
                        "and is missing until then"
                    )
            except StorageError as exc:  # before ValueError: a subclass
                news.skipped.append(
                    f"{wdir / CHANGES}: a record part is missing or damaged ({exc})"
                )
            except (ValueError, BadLine):  # orjson's errors are ValueErrors
                bad += 1
        if bad:
            news.bad_lines += bad
            news.skipped.append(f"{wdir / CHANGES}: {bad} unreadable line(s)")

    def _part(self, wdir: Path, entry: dict[str, Any]) -> AddRecords:
        path = wdir / str(entry["part"])
        records = read_parquet(path)
        check_record_part(path, records)
        if T.VECTORS not in records.columns:
            records[T.VECTORS] = None
        responses = T.empty_responses()
        if entry.get("responses"):
            where = wdir / str(entry["responses"])
            responses = checked_responses(where, read_parquet(where))
        return AddRecords(records, responses)


def check_record_part(path: Path, records: pd.DataFrame) -> None:
    """Refuse a records part whose ids are missing or not text (``StorageError`` naming it)."""
    if T.ID not in records.columns:
        raise StorageError(f"{path}: no {T.ID} column; the part is damaged")
    ids = records[T.ID]
    if len(ids) and (ids.isna().any() or not all(isinstance(i, str) for i in ids.head(1000))):
        raise StorageError(f"{path}: record ids are not text ({ids.dtype}); the part is damaged")


def checked_responses(path: Path, frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` as the response row type, or raise ``StorageError`` naming ``path``."""
    try:
        out = T.conform_responses(frame)
    except (KeyError, ValueError, TypeError) as exc:
        raise StorageError(
            f"{path}: not a table of answers ({type(exc).__name__}: {exc})"
        ) from None
    for column in T.REQUIRED_RESPONSE_COLUMNS:
        if out[column].isna().any():
            raise StorageError(f"{path}: answers without a {column}; the part is damaged")
    return out


def _whole_lines_before(fh: Any, size: int) -> int:
    fh.seek(max(0, size - 65536))
    data = fh.read(size - max(0, size - 65536))
    cut = data.rfind(b"\n")
    return max(0, size - len(data)) + cut + 1 if cut >= 0 else 0


# ---------------------------------------------------------------------- a folder's state
def latest_checkpoint(folder: Path) -> tuple[Checkpoint | None, list[str]]:
    """Return the latest readable checkpoint and what was skipped (damaged checkpoints)."""
    skipped: list[str] = []
    for path in checkpoint_files(folder):
        try:
            return read_checkpoint(path), skipped
        except FileNotFoundError:
            continue  # superseded and removed by its writer meanwhile: the next one
        except StorageError as exc:
            skipped.append(str(exc))
    return None, skipped


def save_new_folder(
    folder: Path,
    state: Checkpoint,
    writer: FolderWriter,
    *,
    overwrite: bool,
    show_progress: bool | None,
) -> None:
    """Make ``folder`` a dataset holding ``state`` (a first save, or ``overwrite=True``).

    Overwriting never removes another process's files: the old writers' folders are left in
    place, covered in full by the new checkpoint (what they hold is no longer part of the
    dataset). A folder another process is writing (an annotator lock is held) is refused.
    """
    if folder.exists() and not folder.is_dir():
        raise StorageError(f"{folder}: exists and is not a folder")
    existing = is_dataset_folder(folder)
    if existing:
        if not overwrite:
            raise StorageError(
                f"{folder}: already holds a dataset; pass overwrite=True to replace it"
            )
        _refuse_if_written(folder)
    elif folder.exists() and any(folder.iterdir()):
        if _only_a_crashed_first_save(folder):
            CLOCK.observe(_latest_time_in(folder))  # the retry's checkpoint is the latest
            state.at = CLOCK.tick()
        elif (folder / WRITERS).is_dir() or any(folder.glob("answers*")):
            raise StorageError(
                f"{folder}: holds dataset files but no {MANIFEST} (damaged); nothing was "
                "written. Run `nb_feedback repair` on it, or choose another folder"
            )
        else:
            raise StorageError(
                f"{folder}: is not empty and holds no nb_feedback dataset; choose an empty "
                "or new folder"
            )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise storage_error(folder, exc, "could not make the folder") from None
    if existing:
        # what the old dataset's writers wrote is covered by the new checkpoint: read none of it
        state.covers = _sizes_of_every_file(folder)
        state.at = max(state.at, _latest_time_in(folder))
        writer.write_checkpoint(state, show_progress=show_progress)
        _upgrade_manifest(folder, state.schema, writer.id)
    else:
        writer.write_checkpoint(state, show_progress=show_progress)
        _write_manifest_once(folder, state.schema, writer.id)


def _only_a_crashed_first_save(folder: Path) -> bool:
    """Tell whether ``folder`` holds only what a first save writes before its manifest."""
    names = {p.name for p in folder.iterdir()}
    if names != {WRITERS}:
        return False
    for wdir in writer_dirs(folder):
        for path in wdir.iterdir():
            if not (path.name.startswith("checkpoint-") or path.name.endswith(".tmp")):
                return False
    return True


def _latest_time_in(folder: Path) -> float:
    latest = 0.0
    for path in checkpoint_files(folder)[:1]:
        with contextlib.suppress(StorageError, FileNotFoundError):
            latest = read_checkpoint(path).at
    return CLOCK.tick() if latest < CLOCK.last else max(latest, CLOCK.tick())


def _sizes_of_every_file(folder: Path) -> dict[str, int]:
    out = {}
    for wdir in writer_dirs(folder):
        for name in (ANSWERS, CHANGES):
            with contextlib.suppress(OSError):
                out[f"{wdir.name}/{name}"] = (wdir / name).stat().st_size
    return out


def _refuse_if_written(folder: Path) -> None:
    """Raise if another process holds an annotator lock in ``folder`` (it is writing there)."""
    for path in sorted((folder / LOCKS).glob("*.lock")):
        if _LOCKS.get(str(path.resolve())) is not None:
            continue  # this process's own lock
        lock = FileLock(str(path), thread_local=False, is_singleton=False)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            raise StorageError(
                f"{folder}: another process is writing this dataset (annotator lock "
                f"{path.name} is held); overwriting it would lose its answers. Close it first"
            ) from None
        except OSError:
            continue
        lock.release()


def upgrade_legacy(folder: Path, state: Checkpoint, writer: FolderWriter) -> None:
    """Turn a format 1 or 2 folder into format 3: a checkpoint of what it holds, then the manifest.

    The old files stay where they are (an old version may still read them).
    """
    writer.write_checkpoint(state)
    _upgrade_manifest(folder, state.schema, writer.id)


def missing_covered(folder: Path, covers: dict[str, int]) -> list[str]:
    """Name the files a checkpoint covers that are gone (what they held is in the checkpoint)."""
    out = []
    for name, size in sorted(covers.items()):
        if size and not (folder / WRITERS / name).exists():
            out.append(
                f"{folder / WRITERS / name}: missing; the {size} bytes the checkpoint covers are "
                "kept in it, anything written after them is lost"
            )
    return out


def torn_tails(reader: FolderReader, known: dict[str, int] | None = None) -> list[str]:
    """Describe the files whose end is not a whole line (skipped until a whole line follows).

    ``known``: torn tails a checkpoint already reported (the same bytes are not told again).
    """
    known = known or {}
    return [
        f"{reader.folder / WRITERS / name}: {n} bytes at the end are not a whole line (a write "
        "in progress, or cut by a crash)"
        for name, n in sorted(reader.partial.items())
        if known.get(name) != n
    ]


def warn_skipped(folder: Path, skipped: list[str], stacklevel: int = 3) -> None:
    """Warn once about what reading ``folder`` skipped (each item names its file).

    The warning keeps the items (``LoadWarning.items``), so that ``nb_feedback check`` tells
    parts still on their way (``NOT_THERE_YET``) from damage without parsing the message.
    """
    if skipped:
        late = all(NOT_THERE_YET in item for item in skipped)
        head = "parts a sync has not delivered yet" if late else "skipped damaged data"
        warning = LoadWarning(f"{folder}: {head}; everything else was kept: " + "; ".join(skipped))
        warning.items = tuple(skipped)
        warnings.warn(warning, stacklevel=stacklevel)
