"""Arrow text and JSON: the one string conversion, the one JSON encoder and the one decoder.

Every module that turns Python, pandas or Arrow values into an Arrow string array goes through
``strings``; every JSON text the package writes (answer values, metadata, suggestions, log lines)
comes from ``dumps``, and every one it reads goes through ``loads``. One place means one rule for
missing values and one answer to "is this array contiguous?": pandas' Arrow-backed columns are
*chunked* after a concat or a parquet read, and kernels such as ``replace_with_mask`` refuse a
chunked mask. ``strings`` always returns one contiguous ``pa.Array``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import orjson
import pandas as pd
import pyarrow as pa

from nb_feedback.errors import FeedbackError, ResponseError


class NotText(TypeError):
    """A value given as text is not a str (nor missing)."""


def strings(values: Any, *, large: bool = False) -> pa.Array:
    """Return ``values`` as one contiguous Arrow string array.

    ``values`` may be a ``pa.Array``, a ``pa.ChunkedArray``, a pandas Series or Index (object or
    Arrow-backed), a numpy array or any iterable. Missing cells (None, NaN, ``pd.NA``) become
    null. Every other cell must be a ``str``: anything else raises ``NotText`` (numbers are never
    silently turned into text). An Arrow-backed column is not copied.

    Parameters
    ----------
    values : array-like
        The texts.
    large : bool
        Return ``large_string`` (64-bit offsets) instead of ``string``.
    """
    target = pa.large_string() if large else pa.string()
    if isinstance(values, pd.Series | pd.Index):
        if pd.api.types.is_string_dtype(values.dtype) and values.dtype != object:
            values = pa.array(values.array)  # Arrow-backed: shares the buffers
        else:
            values = values.to_numpy(dtype=object)
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks() if values.num_chunks != 1 else values.chunk(0)
    if isinstance(values, pa.Array):
        if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
            if pa.types.is_null(values.type):
                return pa.nulls(len(values), target)
            raise NotText(f"expected text, got Arrow type {values.type}")
        return values if values.type == target else values.cast(target)
    if not isinstance(values, np.ndarray):
        values = list(values)
    try:
        return pa.array(values, type=target, from_pandas=True)
    except (pa.ArrowTypeError, pa.ArrowInvalid) as exc:
        raise NotText(f"expected text ({exc})") from None


def texts_or_none(values: Any, *, large: bool = False) -> pa.Array | None:
    """Return ``strings(values)``, or None when a cell is neither text nor missing."""
    try:
        return strings(values, large=large)
    except (NotText, UnicodeEncodeError):  # UnicodeEncodeError: a lone surrogate
        return None


def dumps(value: Any, where: str, error: type[FeedbackError] = ResponseError) -> str:
    """Return ``value`` as strict JSON text (no NaN or infinity), or raise ``error`` naming ``where``."""
    try:
        text = orjson.dumps(value)
    except TypeError as exc:
        raise error(f"{where}: expected JSON-compatible values ({exc})") from None
    # orjson writes NaN and infinity as null: look for them only when a float may be inside
    # and a null was written (a flat dict of texts, a typical answer, needs neither look)
    if _may_hold_floats(value) and b"null" in text and _has_non_finite(value):
        raise error(f"{where}: expected JSON-compatible values (NaN or infinity found)")
    return text.decode("utf-8")


def _may_hold_floats(value: Any) -> bool:
    if type(value) is not dict:
        return True
    for item in value.values():
        kind = type(item)
        if kind is not str and kind is not int and item is not None:
            return True
    return False


def loads(text: str | bytes) -> Any:
    """Parse JSON text written by ``dumps``."""
    return orjson.loads(text)


def _has_non_finite(value: Any) -> bool:
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, dict):
        return any(_has_non_finite(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_has_non_finite(v) for v in value)
    return False
