"""Resident memory of the current process, for the workflow benchmarks (Linux, stdlib only).

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


def split_memory(rss_before: float, peak_build: float, peak_split: float) -> dict[str, float]:
    """The split benchmark's memory fields, the same on both sides (MB, one decimal)."""
    return {
        "rss_before_split_mb": round(rss_before, 1),
        "peak_during_split_mb": round(peak_split, 1),
        "peak_before_split_mb": round(peak_build, 1),
        "process_peak_mb": round(max(peak_build, peak_split), 1),
        "split_peak_increase_mb": round(peak_split - rss_before, 1),
    }
