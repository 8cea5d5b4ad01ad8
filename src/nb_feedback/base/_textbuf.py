"""Whole-array scans of the UTF-8 bytes behind an Arrow string array.

Arrow's per-row kernels (regex, utf8_is_ascii, trim) decode every string; most batches need
none of that work, and one pass over the raw bytes says so: ~5 ms for 30 MB against ~50 ms for
a regex. Each test here is conservative: "maybe" sends the caller to its exact per-row path.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

_CHUNK = 1 << 23
"""Bytes copied at a time for ``in`` (a fast C search numpy lacks) so no full copy is made."""


def _offsets(text: pa.Array) -> np.ndarray | None:
    """Return the ``len(text) + 1`` offsets of ``text``'s strings (a view), or None if empty."""
    offsets_buffer = text.buffers()[1]
    if offsets_buffer is None or not len(text):
        return None
    width = np.int64 if pa.types.is_large_string(text.type) else np.int32
    offsets = np.frombuffer(offsets_buffer, dtype=width)
    return offsets[text.offset : text.offset + len(text) + 1]


def data_bytes(text: pa.Array) -> np.ndarray:
    """Return the UTF-8 bytes of every string of ``text``, back to back (a view, no copy)."""
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks()
    offsets = _offsets(text)
    data_buffer = None if offsets is None else text.buffers()[2]
    if offsets is None or data_buffer is None:
        return np.zeros(0, dtype=np.uint8)
    return np.frombuffer(data_buffer, dtype=np.uint8)[int(offsets[0]) : int(offsets[-1])]


def row_bounds(text: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Return where each string of ``text`` starts and stops within ``data_bytes(text)``."""
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks()
    offsets = _offsets(text)
    if offsets is None:
        empty = np.zeros(len(text), dtype=np.int64)
        return empty, empty
    offsets = offsets.astype(np.int64) - int(offsets[0])
    return offsets[:-1], offsets[1:]


def has_any(text: pa.Array, needles: tuple[bytes, ...], *, below: int = 0) -> bool:
    """Tell whether any string of ``text`` holds a byte below ``below`` or one of ``needles``."""
    data = data_bytes(text)
    if not data.size:
        return False
    if below and int(data.min()) < below:
        return True
    # two ASCII bytes (two spaces, say) have a frequent first byte: numpy compares word-wise
    pairs = [n for n in needles if len(n) == 2 and n[0] < 0x80]
    if any(_has_pair(data, pair) for pair in pairs):
        return True
    others = [n for n in needles if n not in pairs]
    if not others:
        return False
    # bytes' `in` is a fast C search (memchr for one byte) that numpy lacks: copy a chunk at a
    # time (overlapping by the longest needle less one byte) and look for every needle in it,
    # its first byte first (a rare lead byte rules a needle out at memchr speed)
    overlap = max(len(n) for n in others) - 1
    for start in range(0, data.size, _CHUNK):
        chunk = data[start : start + _CHUNK + overlap].tobytes()
        if any(n[:1] in chunk and n in chunk for n in others):
            return True
    return False


def count_byte(text: pa.Array, byte: int) -> int:
    """Return how many times ``byte`` occurs in the strings of ``text``.

    A megabyte at a time into one reused mask: comparing the whole buffer at once would make a
    mask as large as the text, fresh memory the kernel must fault in page by page.
    """
    data = data_bytes(text)
    mask = np.empty(min(data.size, _COUNT_CHUNK), dtype=bool)
    found = 0
    for start in range(0, data.size, _COUNT_CHUNK):
        part = data[start : start + _COUNT_CHUNK]
        hits = mask[: part.size]
        np.equal(part, byte, out=hits)
        found += int(np.count_nonzero(hits))
    return found


_COUNT_CHUNK = 1 << 20


def _has_pair(data: np.ndarray, pair: bytes) -> bool:
    # every two adjacent bytes, as 16-bit words from even and from odd offsets: two passes,
    # ~4x faster than `in` for a pair whose first byte is frequent
    value = int.from_bytes(pair, "little")
    n = data.size
    even = data[: n // 2 * 2].view("<u2")
    odd = data[1 : 1 + (n - 1) // 2 * 2].view("<u2")
    return bool((even == value).any() or (odd == value).any())


def is_ascii(text: pa.Array) -> bool:
    """Tell whether every string of ``text`` is ASCII."""
    data = data_bytes(text)
    return not data.size or int(data.max()) < 0x80


def may_have_edge_space(text: pa.Array) -> bool:
    """Tell whether a string of ``text`` may start or end with whitespace (so needs a trim).

    Whitespace is ASCII <= 0x20 or a non-ASCII character; a string whose first and last bytes
    are printable ASCII has none at its edges.
    """
    data = data_bytes(text)
    if not data.size:
        return False
    starts, stops = row_bounds(text)
    filled = stops > starts
    edges = np.concatenate((data[starts[filled]], data[stops[filled] - 1]))
    return bool(((edges <= 0x20) | (edges >= 0x7F)).any())
