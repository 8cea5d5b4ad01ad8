"""Appending bytes durably: every byte written, then fsync, before returning.

The answer logs, the changes log and the reviewers' notes are all append-only files written
through an ``O_APPEND`` descriptor (so writers never interleave inside a line), and each write is
acknowledged only once it is on disk.
"""

from __future__ import annotations

import os
from pathlib import Path


def write_all(fd: int, data: bytes) -> None:
    """Write every byte of ``data`` to ``fd`` (``os.write`` may write fewer), then fsync."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
    os.fsync(fd)


def append_synced(path: Path, data: bytes) -> None:
    """Append ``data`` to the file at ``path`` (created if missing), flushed and synced."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        write_all(fd, data)
    finally:
        os.close(fd)
