"""The raw-byte scans agree with a per-string check, on sliced arrays of both offset widths."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nb_feedback.base import _textbuf as textbuf
from nb_feedback.base._textbuf import count_byte, data_bytes, has_any, is_ascii, may_have_edge_space

TEXT = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=12)
ROWS = st.lists(st.one_of(st.none(), TEXT), max_size=12)
TYPES = [pa.string(), pa.large_string()]


def _arrays(rows: list[str | None], start: int) -> list[pa.Array]:
    """The rows as each string type, and as a slice of a longer array (a non-zero offset)."""
    padded = ["pad", *rows, "tail"]
    out = []
    for kind in TYPES:
        out.append(pa.array(rows, type=kind))
        out.append(pa.array(padded, type=kind).slice(1, len(rows))[start:])
    return out


@settings(max_examples=300, deadline=None)
@given(ROWS, st.integers(0, 2))
def test_byte_scans_agree_with_each_string(rows: list[str | None], start: int) -> None:
    for arr in _arrays(rows, start):
        texts = [t for t in arr.to_pylist() if t is not None]
        assert data_bytes(arr).tobytes() == "".join(texts).encode()
        assert is_ascii(arr) == all(t.isascii() for t in texts)
        for byte in (b'"', b"\\", b"a"):
            assert count_byte(arr, byte[0]) == sum(t.encode().count(byte) for t in texts)
        single = (b'"', b"\\", b"\xe2")
        assert has_any(arr, single, below=0x20) == any(
            any(n in t.encode() for n in single) or any(b < 0x20 for b in t.encode()) for t in texts
        )
        # several bytes: a needle may also straddle two strings, which only errs on "maybe"
        longer = (b"  ", "\u2028".encode())
        if any(n in t.encode() for n in longer for t in texts):
            assert has_any(arr, longer)
        if not any(n in "".join(texts).encode() for n in longer):
            assert not has_any(arr, longer)
        # conservative: whenever Arrow's trim would change a string, the scan says "maybe"
        if arr.to_pylist() != pc.utf8_trim_whitespace(arr).to_pylist():
            assert may_have_edge_space(arr)


@pytest.mark.parametrize("kind", TYPES)
def test_edge_space_is_false_for_clean_text(kind: pa.DataType) -> None:
    assert not may_have_edge_space(pa.array(["a b", "x", None, ""], type=kind))
    assert may_have_edge_space(pa.array(["a b", "x "], type=kind))
    assert may_have_edge_space(pa.array(["\u00a0a"], type=kind))


@pytest.mark.parametrize("kind", TYPES)
@pytest.mark.parametrize("at", range(7))
def test_has_any_finds_a_needle_across_chunks(
    kind: pa.DataType, at: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(textbuf, "_CHUNK", 4)
    text = "abcdefghij"
    for needle in ("\u2028", "  ", '"'):
        hit = text[:at] + needle + text[at:]
        assert has_any(pa.array(["xy", hit], type=kind), (needle.encode(),))
        assert not has_any(pa.array(["xy", text], type=kind), (needle.encode(),))


def test_count_byte_counts_across_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(textbuf, "_COUNT_CHUNK", 3)
    arr = pa.array(['a"b', '""', "", 'x"y"z"'])
    assert count_byte(arr, ord('"')) == 6
