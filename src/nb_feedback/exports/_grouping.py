"""Prompt groups and the seeded split by group, shared by ``to_sft`` and the training tasks.

Prompts that are the same after normalisation (NFKC, casefold, collapsed whitespace) form one
group, and a split puts whole groups on one side, so no prompt ever lands in both train and
test. Groups are ordered by a keyed hash of (seed, normalised prompt): the same seed gives the
same split in any process and any order of records.
"""

from __future__ import annotations

import hashlib
import math
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from nb_feedback.base._arrowtext import strings
from nb_feedback.base._textbuf import has_any, is_ascii, may_have_edge_space
from nb_feedback.base.errors import ExportError


def normalize_prompts(values: Any) -> pa.Array:
    r"""Return the grouping key of each prompt: NFKC, casefolded, whitespace collapsed, stripped.

    Parameters
    ----------
    values : sequence of str
        Prompt texts (None stays None).

    Returns
    -------
    pyarrow.Array
        The normalised texts, as strings.

    Examples
    --------
    >>> normalize_prompts(["  Hello\u00a0  WORLD ", "hello world"]).to_pylist()
    ['hello world', 'hello world']
    """
    arr = strings(values)
    if is_ascii(arr):  # one scan of the bytes; NFKC leaves ASCII as it is
        arr = pc.ascii_lower(arr)
    else:
        arr = pc.utf8_normalize(arr, form="NFKC")
        # casefold is stricter than lower() ("ß" -> "ss") and pyarrow has none: ASCII rows go
        # through pyarrow's ascii_lower (the same thing there, and 5x faster than utf8_lower),
        # the others are replaced whole through Python.
        non_ascii = pc.invert(pc.fill_null(pc.string_is_ascii(arr), True))
        arr = _python_where(
            pc.ascii_lower(arr), non_ascii, lambda s: unicodedata.normalize("NFKC", s.casefold())
        )
    # Collapse whitespace as str.split() sees it; only rows that need it go through Python,
    # and a scan of the bytes tells whether any row may (most batches: none).
    if has_any(arr, _MESSY_SPACE_BYTES, below=0x20):
        messy = pc.fill_null(pc.match_substring_regex(arr, pattern=_MESSY_SPACE), False)
        arr = _python_where(arr, messy, lambda s: " ".join(s.split()))
    return pc.utf8_trim_whitespace(arr) if may_have_edge_space(arr) else arr


_MESSY_SPACE = "  |[\t\n\r\x0b\x0c\x1c-\x1f\x85\u1680\u2028\u2029]"
"""Whitespace that NFKC leaves alone and a single-space collapse must handle."""
_MESSY_SPACE_BYTES = (
    b"  ",
    "\x85".encode(),
    "\u1680".encode(),
    "\u2028".encode(),
    "\u2029".encode(),
)
"""The UTF-8 of ``_MESSY_SPACE`` but its control characters (``below=0x20`` finds those)."""


def _python_where(arr: pa.Array, mask: pa.Array, fn: Callable[[str], str]) -> pa.Array:
    """Apply ``fn`` to the strings of ``arr`` where ``mask`` holds; others stay as they are."""
    where = mask.to_numpy(zero_copy_only=False)
    if not where.any():
        return arr
    chosen = arr.filter(mask).to_pylist()
    fixed = pa.array([None if s is None else fn(s) for s in chosen], type=pa.string())
    return pc.replace_with_mask(arr, mask, fixed)


def _hash_key(seed: int) -> str:
    return hashlib.sha256(f"nb_feedback split seed={seed}".encode()).hexdigest()[:16]


def group_hashes(keys: Any, seed: int) -> np.ndarray:
    """Return a uint64 hash of (seed, key) per key, the same in every process.

    Parameters
    ----------
    keys : sequence of str
        Group keys (normalised prompts).
    seed : int
        The split seed.

    Returns
    -------
    numpy.ndarray
        One uint64 per key: SipHash keyed by ``seed`` (never Python's salted ``hash()``).
    """
    arr = strings(keys)
    key = _hash_key(seed)
    out = np.empty(len(arr), dtype=np.uint64)
    # in slices: a Python str per key costs ~350 bytes for a 300-character prompt, and only a
    # slice of them is alive at once
    for start in range(0, len(arr), _HASH_SLICE):
        part = arr.slice(start, _HASH_SLICE).to_numpy(zero_copy_only=False)
        out[start : start + len(part)] = pd.util.hash_array(
            np.asarray(part, dtype=object), hash_key=key, categorize=False
        )
    return out


_HASH_SLICE = 16_384


def prompt_groups(
    prompts: pa.Array, seed: int, rows: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Group equal prompts (after ``normalize_prompts``): return (group per row, hash per group).

    Rows are grouped by the seeded 64-bit hash of their normalised prompt, with no table of
    the texts themselves; rows that share a hash are then compared, so that two different
    prompts never share a group even if their hashes collide.

    Parameters
    ----------
    prompts : pyarrow.Array
        Prompt texts, none missing (those at ``rows``).
    seed : int
        The split seed.
    rows : numpy.ndarray, optional
        The positions in ``prompts`` to group (default: every one). They are gathered a slice
        at a time: no copy of all their texts is made.

    Returns
    -------
    tuple of numpy.ndarray
        The group (0..k-1) of each row, and the ``group_hashes`` value of each group.
    """
    prompts = strings(prompts)
    at = np.arange(len(prompts)) if rows is None else np.asarray(rows, dtype=np.int64)

    def keys_at(which: np.ndarray) -> pa.Array:
        return normalize_prompts(prompts.take(pa.array(at[which])))

    hashes = np.empty(len(at), dtype=np.uint64)
    for start in range(0, len(at), _HASH_SLICE):
        which = np.arange(start, min(start + _HASH_SLICE, len(at)))
        hashes[which] = group_hashes(keys_at(which), seed)
    unique, first, group = np.unique(hashes, return_index=True, return_inverse=True)
    shared = np.flatnonzero(np.bincount(group)[group] > 1)
    if shared.size and not pc.all(pc.equal(keys_at(shared), keys_at(first[group[shared]]))).as_py():
        # two different prompts with one hash: group by the texts themselves
        encoded = pc.dictionary_encode(keys_at(np.arange(len(at))))
        codes = np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
        present, group = np.unique(codes, return_inverse=True)
        first = np.full(len(present), len(codes))
        np.minimum.at(first, group, np.arange(len(codes)))
        return group, hashes[first]
    return group.reshape(-1), unique


def check_seed(seed: object, where: str) -> int:
    """Return ``seed`` as an int, or raise an ExportError naming ``where`` and the bad value."""
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise ExportError(f"{where}: seed must be an integer, got {seed!r}")
    return int(seed)


def n_test_groups(n_groups: int, test_size: float | int, where: str) -> int:
    """Return how many of ``n_groups`` groups go to test, or raise if a split would be empty.

    Parameters
    ----------
    n_groups : int
        Number of prompt groups to split.
    test_size : float or int
        A fraction in (0, 1) of the groups, or a number of groups.
    where : str
        The caller's name, for messages.

    Returns
    -------
    int
        The number of test groups (at least 1, at most ``n_groups - 1``).
    """
    if isinstance(test_size, bool) or not isinstance(test_size, int | float | np.number):
        raise ExportError(f"{where}: test_size must be a number, got {test_size!r}")
    if isinstance(test_size, int | np.integer):
        n_test = int(test_size)
        if n_test < 1:
            raise ExportError(f"{where}: test_size must be at least 1 group, got {test_size}")
    else:
        if not 0.0 < float(test_size) < 1.0:
            raise ExportError(
                f"{where}: test_size must be a fraction in (0, 1) or a number of prompt groups, "
                f"got {test_size!r}"
            )
        n_test = math.ceil(float(test_size) * n_groups - 1e-9)
    if n_groups < 2 or n_test >= n_groups:
        raise ExportError(
            f"{where}: too few rows to split: {n_groups} distinct prompt(s) after grouping "
            f"duplicates, test_size={test_size!r} leaves the train split with "
            f"{max(n_groups - n_test, 0)} and the test split with {min(n_test, n_groups)}; "
            "need at least one prompt in each (add answers or lower test_size)"
        )
    return n_test


def split_groups(
    keys: pa.Array | Sequence[str],
    strata: Sequence[Any] | None,
    test_size: float | int,
    seed: int,
    where: str,
) -> tuple[np.ndarray, np.ndarray]:
    """Assign each unique group to train or test; return (order, is_test) per group.

    Groups are ranked by the seeded hash (within their stratum when ``strata`` is given, each
    stratum spread evenly over the ranking), and the first ones go to test.

    Parameters
    ----------
    keys : sequence of str
        Unique group keys.
    strata : sequence, optional
        One stratum per group.
    test_size : float or int
        See ``n_test_groups``.
    seed : int
        The split seed.
    where : str
        The caller's name, for messages.

    Returns
    -------
    tuple of numpy.ndarray
        ``order`` (position of each group in the output) and ``is_test`` (bool per group).
    """
    return split_by_hash(group_hashes(keys, seed), strata, test_size, where)


def split_by_hash(
    h: np.ndarray, strata: Sequence[Any] | None, test_size: float | int, where: str
) -> tuple[np.ndarray, np.ndarray]:
    """``split_groups`` for groups whose ``group_hashes`` are known: (order, is_test) per group."""
    n = len(h)
    n_test = n_test_groups(n, test_size, where)
    if strata is None:
        primary = np.zeros(n)
    else:
        filled = pd.Series(strata, dtype=object).fillna("\x00missing").astype(str)
        code = pd.factorize(filled.to_numpy(dtype=object))[0]
        by_stratum = np.lexsort((h, code))
        size = np.bincount(code)
        start = np.concatenate(([0], np.cumsum(size)[:-1]))
        rank = np.empty(n, dtype=np.int64)
        rank[by_stratum] = np.arange(n) - start[code[by_stratum]]
        primary = (rank + 0.5) / size[code]
    order = np.lexsort((h, primary))  # by primary, ties by hash
    position = np.empty(n, dtype=np.int64)
    position[order] = np.arange(n)
    return position, position < n_test
