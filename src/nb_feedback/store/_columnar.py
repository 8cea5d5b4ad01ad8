"""Column-wise reading of a list of dicts or ``FeedbackRecord``s for ``add_records``.

``_ingest.to_frame`` reads a list row by row: one dict per record, checked key by key (~10 us
a record). Lists written the way Argilla users write them give every item one shape
(``[{"prompt": p}, ...]``, ``[FeedbackRecord(fields={"prompt": p}), ...]``), so ``columns_of``
reads each column with one pass over the list instead. It only accepts inputs it reads exactly
as the row path does; anything else (mixed item types, a key or field the schema does not
know, field names that clash with the reserved keys) returns None, and the row path reads it
and raises its usual error naming the record. ``tests/unit/test_columnar.py`` pins the two
readers to the same columns (and ``add_records`` to the same result or error) on generated
inputs.

Both readers end in ``frame_of``: text fields become Arrow-backed strings when every value is
text, which ``check_frame`` checks without a Python call per value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import repeat
from operator import attrgetter
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from nb_feedback.base._arrowtext import from_texts
from nb_feedback.domain.records import FIELD_PARTS, GIVEN_PARTS, FeedbackRecord, read_in_full
from nb_feedback.domain.schema import Schema

SPECIAL = ("metadata", "suggestions", "responses", "external_id", "id", "vectors")
"""Keys of a record besides its fields; each is read into the column '@' + key."""

Columns = dict[str, list[Any]]
"""One list per frame column: the field names, then '@' + each key of ``SPECIAL``."""

_FIELDS, _FIELD_NAME, _FIELD_TEXT = map(attrgetter, FIELD_PARTS)
_GIVEN = {key: attrgetter(name) for key, name in zip(SPECIAL, GIVEN_PARTS, strict=True)}
"""What a FeedbackRecord holds for each special key, as given (``records.GIVEN_PARTS``)."""
_TEXT_OR_NONE = {str, type(None)}
_EMPTY = {"metadata": dict, "suggestions": list, "responses": list, "vectors": dict}


def column_names(schema: Schema) -> list[str]:
    """Return the columns both readers give: the fields, then '@' + each special key."""
    return [*schema.field_names, *("@" + key for key in SPECIAL)]


def columns_of(items: Sequence[Any], schema: Schema) -> Columns | None:
    """Read ``items`` column by column, or return None when the row path must read them."""
    field_names = schema.field_names
    if not items or set(field_names) & {"fields", *SPECIAL}:
        return None
    kinds = set(map(type, items))
    if kinds == {FeedbackRecord}:  # also records read (lazily) from another dataset
        read_in_full(items)  # records read lazily (from another dataset)
        fields = _record_fields(items, field_names)
        if fields is None:
            return None  # the row path names the record and the unknown field
        # what each record holds, as given: one C-level pass per attribute (GIVEN_PARTS)
        return {**fields, **{"@" + key: list(map(get, items)) for key, get in _GIVEN.items()}}
    if kinds != {dict}:
        return None
    read = _read_dicts(items, schema)
    if read is None:
        return None
    field_dicts, specials = read
    if field_dicts is not items and (
        set(map(type, field_dicts)) != {dict} or set().union(*field_dicts) - set(field_names)
    ):
        return None  # the row path names the record and the unknown field
    out = _dict_fields(field_dicts, field_names)
    n = len(items)
    for key in SPECIAL:
        out["@" + key] = specials[key] if key in specials else [None] * n
    return out


def _record_fields(records: Sequence[FeedbackRecord], field_names: list[str]) -> Columns | None:
    """Return the field columns of ``records``, or None when one holds a field not in the schema.

    A record of one field holds its name and text, and no dict (``FeedbackRecord.__init__``):
    a batch of such records, all naming the same field, is read in two C-level passes.
    """
    n = len(records)
    dicts: list[Any] = list(map(_FIELDS, records))
    if dicts.count(None) == n:
        names = list(map(_FIELD_NAME, records))
        name = names[0]
        if type(name) is str and name in field_names and names.count(name) == n:
            texts = list(map(_FIELD_TEXT, records))
            return {f: texts if f == name else [None] * n for f in field_names}
    if None in dicts:  # records of one field among others: their dicts
        dicts = [record.fields for record in records]
    if set().union(*dicts) - set(field_names):
        return None
    return _dict_fields(dicts, field_names)


def _dict_fields(dicts: Sequence[Any], field_names: list[str]) -> Columns:
    return {name: list(map(dict.get, dicts, repeat(name))) for name in field_names}


def _read_dicts(
    items: Sequence[dict[str, Any]], schema: Schema
) -> tuple[Sequence[Any], Columns] | None:
    """Split plain dicts into field dicts and special columns, as the row path reads them."""
    keys: set[str] = set().union(*items)
    given = {key: list(map(dict.get, items, repeat(key))) for key in SPECIAL if key in keys}
    if "fields" in keys:  # the nested form {"fields": {...}, "metadata": ...}
        nested = list(map(dict.get, items, repeat("fields")))
        if set(map(type, nested)) != {dict} or keys - {"fields", *SPECIAL}:
            return None
        return nested, given
    props = [p.name for p in schema.metadata_properties if p.name in keys]
    if keys - {*schema.field_names, *SPECIAL, *props}:
        return None  # an unknown column: the row path says which one and how to declare it
    if props:  # flat metadata columns join the record's metadata dict
        merged = []
        for d, meta_given in zip(items, given.get("metadata", [None] * len(items)), strict=True):
            meta = dict(meta_given) if isinstance(meta_given, Mapping) else {}
            for name in props:
                if name in d:
                    meta[name] = d[name]
            merged.append(meta or meta_given)
        given["metadata"] = merged
    return items, given  # flat: the fields are read from the items themselves


def frame_of(columns: Columns, schema: Schema) -> pd.DataFrame:
    """Build ``to_frame``'s frame: text fields as Arrow strings where they can be, the rest as given.

    Special columns stay Python objects (no dtype guessing: an external_id of 1 stays 1, not
    1.0), and an empty metadata dict or suggestion/response list counts as not given, as
    ``check_frame`` reads it, so that a column of nothing given is recognised in one step.
    """
    out: dict[str, Any] = {name: _text_column(columns[name]) for name in schema.field_names}
    for key in SPECIAL:
        values = columns["@" + key]
        if _all_none(values):  # the usual column: nothing given on any record
            out["@" + key] = np.full(len(values), None, dtype=object)
        else:
            out["@" + key] = _objects(_without_empties(values, _EMPTY.get(key)))
    return pd.DataFrame(out, columns=column_names(schema))


def _all_none(values: list[Any]) -> bool:
    try:  # list.count tests identity first: one C-level pass over a column of Nones
        return values.count(None) == len(values)
    except (TypeError, ValueError):  # a value whose == None has no truth value (pd.NA, arrays)
        return False


def _without_empties(values: list[Any], empty: type[Any] | None) -> list[Any]:
    if empty is None:
        return values
    n = len(values)
    # the usual column (FeedbackRecord's {} or [] on every record) in two C-level passes;
    # the truth test only once every value is a dict (or list) or None: an array's is an error
    if set(map(type, values)) <= {empty, type(None)} and not any(values):
        return [None] * n
    return [None if type(v) is empty and not v else v for v in values]


def _objects(values: list[Any]) -> np.ndarray:
    # fromiter: one slot per value even when the values are equal-length lists (np.array
    # would make a 2-D array of them), ~10x faster than pandas' object array constructor
    return np.fromiter(values, dtype=object, count=len(values))


def _text_column(values: list[Any]) -> Any:
    """Arrow-backed strings when every value is a str or None; the values as given otherwise.

    Anything else (numbers, NaN, bytes, a lone surrogate) stays a Python object column, which
    ``check_frame`` checks value by value and names what is wrong.
    """
    kinds = set(map(type, values))
    if not kinds <= _TEXT_OR_NONE:  # pyarrow would take bytes as text
        return _objects(values)
    try:
        arrow = from_texts(values) if kinds == {str} else None
        if arrow is None:
            # The system allocator: the builder grows its buffer by doubling, and Arrow's
            # default pool keeps what it outgrew (46 MB of RSS for 15 MB of text here); realloc
            # with the system's ends at ~16 MB, but costs ~5x the time of the default pool
            arrow = pa.array(values, type=pa.string(), memory_pool=pa.system_memory_pool())
    except (pa.ArrowException, UnicodeEncodeError, TypeError, ValueError):
        return _objects(values)
    return pd.array(arrow, dtype="str")
