"""Files with one writer: append-only logs and files written whole, each durable before return.

Every file a process writes in a dataset folder is its own (see ``persistence``), so nothing here
takes a lock. What can still go wrong is the machine: a write cut short by a full disk, a
SIGKILL between two ``write`` calls, a read-only or unplugged disk. ``OwnedLog`` makes every
append all-or-nothing: a failed append is rolled back to the last whole line before the error is
raised, and a torn tail left by a killed process is cut before the next append, so a later line
is never glued to half of an earlier one.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import warnings
from collections.abc import Callable
from pathlib import Path

from nb_feedback.base.errors import StorageError


class LoadWarning(UserWarning):
    """Something in a dataset folder was skipped or repaired (a torn last write, a bad line).

    ``items`` lists each thing skipped, naming its file (empty when not given).
    """

    items: tuple[str, ...] = ()


_CAUSES = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is exceeded",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EIO: "an input/output error (the disk or network share failed)",
}


def cause_of(exc: BaseException) -> str:
    """Say in words why a write failed (disk full, read-only, permission, ...)."""
    if isinstance(exc, OSError) and exc.errno in _CAUSES:
        return _CAUSES[exc.errno]
    return f"{type(exc).__name__}: {exc}"


def storage_error(path: Path, exc: BaseException, what: str = "could not write") -> StorageError:
    """Return the package's error for a failed write of ``path``, naming the cause."""
    return StorageError(f"{path}: {what} ({cause_of(exc)}); nothing of this change was saved")


def write_all(fd: int, data: bytes) -> None:
    """Write every byte of ``data`` to ``fd`` (``os.write`` may write fewer), then fsync."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
    os.fsync(fd)


def fsync_dir(path: Path) -> None:
    """Make a rename or a new file in ``path`` durable."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems (network shares) refuse fsync on a folder
    finally:
        os.close(fd)


def write_atomic(target: Path, write: Callable[[Path], object]) -> None:
    """Write ``target`` through ``write(tmp_path)``, fsync, then rename it into place.

    On any failure the temporary file is removed and a ``StorageError`` naming ``target`` and
    the cause is raised: ``target`` is either absent, as before, or whole.
    """
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        write(tmp)
        with tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        tmp.replace(target)
    except StorageError:
        raise
    except Exception as exc:  # pyarrow raises its own errors for a full disk
        raise storage_error(target, exc) from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
    fsync_dir(target.parent)


class OwnedLog:
    """An append-only file of JSON lines that this object alone writes.

    Appends are flushed and fsync'd before ``append`` returns. The end of the last whole line is
    remembered: a failed append truncates the file back to it before raising, and if even that
    fails (the disk went read-only), the next append truncates first.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self._end = 0  # bytes of whole lines in the file

    def _open(self) -> int:
        if self._fd is not None:
            return self._fd
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        except OSError as exc:
            raise storage_error(self.path, exc, "could not open for writing") from None
        size = os.fstat(fd).st_size
        end = size
        if size:
            end = _last_newline_end(fd, size)
            if end != size:
                warnings.warn(
                    f"{self.path}: cut a torn last write ({size - end} bytes) before appending",
                    LoadWarning,
                    stacklevel=4,
                )
        self._fd, self._end = fd, end
        if end != size:
            self._truncate()
        return fd

    def _truncate(self) -> None:
        assert self._fd is not None
        os.ftruncate(self._fd, self._end)
        os.fsync(self._fd)

    @property
    def size(self) -> int:
        """Bytes of whole lines written so far (0 before the first append)."""
        if self._fd is None and self.path.exists():
            self._open()
        return self._end

    def append(self, data: bytes) -> None:
        """Append whole lines ``data`` durably, or raise ``StorageError`` having written nothing."""
        fd = self._open()
        try:
            if os.fstat(fd).st_size != self._end:  # an earlier failed append left bytes
                self._truncate()
            write_all(fd, data)
        except OSError as exc:
            with contextlib.suppress(OSError):  # else cut before the next append (size check)
                self._truncate()
            raise storage_error(self.path, exc) from None
        self._end += len(data)

    def close(self) -> None:
        """Close the file (appending again reopens it)."""
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None


def _last_newline_end(fd: int, size: int) -> int:
    pos = size
    while pos > 0:
        step = min(65536, pos)
        chunk = os.pread(fd, step, pos - step)
        cut = chunk.rfind(b"\n")
        if cut >= 0:
            return pos - step + cut + 1
        pos -= step
    return 0
