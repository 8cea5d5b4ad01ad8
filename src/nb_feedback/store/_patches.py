"""Record edits kept per key: what ``update_records`` changed, and how an edit lands on a value.

An edit is stored as entries ``(record_id, column, key, present, value)`` (``_changes.PatchRecords``):
for the dict-valued columns (``@metadata``, ``@vectors``) one entry per key that changed, so two
processes editing different metadata keys of one record both keep their edit; for the other
columns (``@suggestions``, ``@meta:<name>``) the whole value. Of two edits of the same entry, the
one with the later (time, writer) wins (``persistence``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from nb_feedback.base._arrowtext import dumps, loads
from nb_feedback.base.errors import RecordError
from nb_feedback.store import _tables as T
from nb_feedback.store._changes import EditRecords, PatchRecords

KEYED = (T.METADATA, T.VECTORS)
"""Columns holding a JSON object, edited key by key."""

Entry = tuple[str, str, "str | None", bool, Any]


def _plain(value: Any) -> Any:
    item = getattr(value, "item", None)  # numpy scalars from typed metadata columns
    return item() if callable(item) and not isinstance(value, str | bytes) else value


def _as_dict(text: Any) -> dict[str, Any]:
    if text is None or (isinstance(text, float) and text != text):
        return {}
    value = loads(text) if isinstance(text, str | bytes) else text
    return dict(value) if isinstance(value, dict) else {}


def patch_of(edit: EditRecords, stored: Callable[[str, str], Any]) -> PatchRecords:
    """Return the entries of ``edit`` that differ from what ``stored(record_id, column)`` holds."""
    entries: list[Entry] = []
    for k, record_id in enumerate(edit.ids):
        for column, values in edit.columns.items():
            new, old = values[k], stored(record_id, column)
            if column in KEYED:
                before, after = _as_dict(old), _as_dict(new)
                for key, value in after.items():
                    if key not in before or before[key] != value:
                        entries.append((record_id, column, key, True, value))
                for key in before.keys() - after.keys():
                    entries.append((record_id, column, key, False, None))
            elif _plain(new) != _plain(old) or (new is None) != (old is None):
                entries.append((record_id, column, None, True, _plain(new)))
    return PatchRecords(entries)


def landed(current: Any, key: str | None, present: bool, value: Any) -> Any:
    """Return the stored value of a cell after one patch entry lands on ``current``."""
    if key is None:
        return value
    merged = _as_dict(current)
    if present:
        merged[key] = value
    else:
        merged.pop(key, None)
    return dumps(merged, "record edit", RecordError) if merged else None


def group_by_record(entries: Sequence[Entry]) -> dict[str, list[Entry]]:
    """Return the entries of each record, in order."""
    out: dict[str, list[Entry]] = {}
    for entry in entries:
        out.setdefault(entry[0], []).append(entry)
    return out
