"""Progress bars for long work (tqdm.auto), shown only when the work is large."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")

PROGRESS_MIN_ROWS = 100_000
"""Below this many rows, work is quick and no bar is shown unless asked for."""


def progress(
    items: Iterable[T], *, desc: str, rows: int, enabled: bool | None, total: int | None = None
) -> Iterator[T]:
    """Iterate ``items`` with a tqdm bar when ``enabled``, or when None and ``rows`` is large.

    Users turn bars off with ``show_progress=False`` on the call.
    """
    show = rows >= PROGRESS_MIN_ROWS if enabled is None else enabled
    if not show:
        yield from items
        return
    from tqdm.auto import tqdm

    yield from tqdm(items, desc=f"nb_feedback {desc} ({rows:,} rows)", total=total, leave=False)
