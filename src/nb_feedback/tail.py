"""Read what other processes appended to a folder's answer logs since the last look.

Every annotator's log is append-only, one JSON line per answer. A ``LogTail`` keeps a byte
offset per log and, on ``read_new()``, reads only the bytes appended since: the cost is the size
of the news, never a reload. A last line without its newline is a write still in progress (or
torn): it is left for the next look. Nothing here runs on a thread; the dataset's ``refresh()``
(called by the widget when its view asks for news) drives it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson

from nb_feedback import persistence

_FIELDS = ("record_id", "user", "status", "values", "updated_at", "time_spent", "inserted_at")


class LogTail:
    """Byte offsets into a folder's answer logs, and the lines appended since."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._offsets: dict[Path, int] = {}
        self.bytes_read = 0
        """Bytes read by ``read_new`` so far (tests check that a look costs only the news)."""

    def logs(self) -> list[Path]:
        """Return the folder's answer logs (a new annotator's log appears between looks)."""
        return list(persistence.iter_user_logs(self.folder))

    def skip_to_ends(self, paths: Iterable[Path] | None = None) -> None:
        """Start reading after what the logs hold now (their lines are already loaded)."""
        for path in self.logs() if paths is None else paths:
            try:
                size = path.stat().st_size
            except FileNotFoundError:
                continue
            self._offsets[path] = _after_last_newline(path, size)

    def read_new(self) -> list[dict[str, Any]]:
        """Return the answer lines appended to any log since the last call, oldest first per log.

        Lines that are not answers (damaged bytes) are skipped; their bytes are not read again.
        """
        rows: list[dict[str, Any]] = []
        for path in self.logs():
            start = self._offsets.get(path, 0)
            try:
                size = path.stat().st_size
            except FileNotFoundError:
                continue
            if size < start:  # the writer dropped a torn tail we had not read past: re-align
                start = _after_last_newline(path, size)
            if size == start:
                continue
            with path.open("rb") as fh:
                fh.seek(start)
                data = fh.read(size - start)
            self.bytes_read += len(data)
            end = data.rfind(b"\n") + 1  # a line still being written waits for the next look
            self._offsets[path] = start + end
            rows.extend(_parse(data[:end]))
        return rows


def _after_last_newline(path: Path, size: int) -> int:
    """Return the offset just after the last complete line within the first ``size`` bytes."""
    if size == 0:
        return 0
    with path.open("rb") as fh:
        chunk = 4096
        pos = size
        while pos > 0:
            step = min(chunk, pos)
            fh.seek(pos - step, os.SEEK_SET)
            data = fh.read(step)
            cut = data.rfind(b"\n")
            if cut >= 0:
                return pos - step + cut + 1
            pos -= step
    return 0


def _parse(data: bytes) -> list[dict[str, Any]]:
    out = []
    for line in data.splitlines():
        try:
            row = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue
        if (
            isinstance(row, dict)
            and isinstance(row.get("record_id"), str)
            and isinstance(row.get("user"), str)
            and isinstance(row.get("status"), str)
            and isinstance(row.get("values"), str)
            and isinstance(row.get("updated_at"), int | float)
        ):
            out.append({k: row.get(k) for k in _FIELDS})
    return out
