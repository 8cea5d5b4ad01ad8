"""Resident memory of the current process, for the split benchmark (Linux, standard library only).

Imported from the project venv and from benchmarks/.venv-argilla alike.
"""

from __future__ import annotations

import re
from pathlib import Path


def _status_mb(key: str) -> float:
    status = Path("/proc/self/status").read_text(encoding="ascii")
    match = re.search(rf"^{key}:\s+(\d+) kB", status, re.MULTILINE)
    if match is None:
        raise RuntimeError(f"no {key} in /proc/self/status")
    return int(match.group(1)) / 1024


def rss_mb() -> float:
    """Resident memory now (VmRSS), MB."""
    return _status_mb("VmRSS")


def peak_mb() -> float:
    """Peak resident memory (VmHWM) since the process started or since the last reset_peak()."""
    return _status_mb("VmHWM")


def reset_peak() -> None:
    """Reset the peak to the current RSS (Linux >= 4.0), so that peak_mb() covers what follows."""
    Path("/proc/self/clear_refs").write_text("5", encoding="ascii")
