"""Rows of a dataset's Arrow columns read a block at a time, for iteration.

Records handed out by iteration and ``dataset[i]`` are lazy ``FeedbackRecord``s (see
``FeedbackRecord.lazy``): made from the id alone, read in full on first use. A loop reads its
records in order, so the reader converts a block of rows at a time.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa


class RowBlocks:
    """Rows of Arrow columns as Python values, converted a block of rows at a time.

    Reading records in order through this costs ~1 us a record where reading cell by cell
    costs ~1 us a cell; only the current block is held (a few MB at most).
    """

    def __init__(self, columns: dict[str, pa.Array | pa.ChunkedArray], block: int = 1024) -> None:
        self.columns = columns
        self._block = block
        self._start = -1
        self._rows: dict[str, list[Any]] = {}

    def row(self, position: int) -> dict[str, Any]:
        """Return ``{column: value}`` at ``position``."""
        start = position - position % self._block
        if start != self._start:
            self._rows = {
                c: a.slice(start, self._block).to_pylist() for c, a in self.columns.items()
            }
            self._start = start
        k = position - start
        return {c: values[k] for c, values in self._rows.items()}
