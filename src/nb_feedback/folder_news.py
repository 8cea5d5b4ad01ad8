"""Read the record and schema changes other processes made to a folder since the last look.

Records added elsewhere arrive as new parts in the manifest (``records-<tag>.parquet``); edits,
deletions and schema changes as lines appended to the changes log. A ``FolderNews`` remembers
the parts it has seen and a byte offset into the changes log, and returns only what is new, as
the typed changes of ``_changes`` (the dataset applies them without writing them again). The
cost is the size of the news: the new parts and the new lines, never a reload.

A ``save()`` by another process compacts the folder into a new snapshot (new parts, a new
changes log and a new answers folder): this copy can then no longer follow it, and
``reopen_needed`` says so.
"""

from __future__ import annotations

from pathlib import Path

import orjson
import pyarrow.parquet as pq

from nb_feedback import persistence
from nb_feedback._changes import AddRecords, Change
from nb_feedback._tables import VECTORS, conform_responses, empty_responses


class FolderNews:
    """The parts and changes-log bytes of a folder seen so far, and what came after."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._parts: set[str] = set()
        self._changes: str | None = None  # the changes log's name, and the bytes read of it
        self._offset = 0
        self._answers_dir: str | None = None
        self.reopen_needed = False
        self.said = False  # whether the dataset warned about it (once)

    def skip_to_now(self) -> None:
        """Start after what the folder holds now (the dataset loads it)."""
        manifest = persistence.read_manifest(self.folder)
        self._parts = {str(p["records"]) for p in manifest["parts"]}
        self._answers_dir = str(manifest.get("answers_dir", "answers"))
        self._changes = manifest.get("changes")
        self._offset = 0
        if self._changes:
            path = self.folder / self._changes
            data = path.read_bytes() if path.exists() else b""
            self._offset = data.rfind(b"\n") + 1

    def read_new(self) -> list[Change]:
        """Return the record and schema changes made since the last look, in commit order."""
        if self.reopen_needed:
            return []
        manifest = persistence.read_manifest(self.folder)
        if self._answers_dir is None:  # a folder this copy saved itself: all it holds is known
            self._answers_dir = str(manifest.get("answers_dir", "answers"))
            self._parts = {str(p["records"]) for p in manifest["parts"]}
        if str(manifest.get("answers_dir", "answers")) != self._answers_dir:
            self.reopen_needed = True  # re-saved (compacted) by another process
            return []
        out: list[Change] = []
        for part in manifest["parts"]:
            name = str(part["records"])
            if name in self._parts:
                continue
            self._parts.add(name)
            records = pq.read_table(self.folder / name).to_pandas()
            if VECTORS not in records.columns:  # a part written by nb_feedback 0.1
                records[VECTORS] = None
            responses = (
                conform_responses(pq.read_table(self.folder / str(part["responses"])).to_pandas())
                if part.get("responses")
                else empty_responses()
            )
            out.append(AddRecords(records, responses))
        log = manifest.get("changes")
        if log and log != self._changes:  # the first edit made the log
            self._changes, self._offset = str(log), 0
        if self._changes:
            out.extend(self._new_changes(self.folder / self._changes))
        return out

    def _new_changes(self, path: Path) -> list[Change]:
        if not path.exists():
            return []
        with path.open("rb") as fh:
            fh.seek(self._offset)
            data = fh.read()
        end = data.rfind(b"\n") + 1  # a line still being written waits for the next look
        self._offset += end
        out: list[Change] = []
        for line in data[:end].splitlines():
            change = persistence.change_of_line(orjson.loads(line))
            if change is not None:  # a kind this copy does not know is left to a reopen
                out.append(change)
        return out
