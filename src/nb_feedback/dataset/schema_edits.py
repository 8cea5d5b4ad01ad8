"""Argilla v1's schema edits on a dataset with records: metadata properties and vector settings.

``add_metadata_property``, ``update_metadata_properties``, ``delete_metadata_properties``,
``add_vector_settings`` and ``delete_vectors_settings`` as pure functions: each takes the schema
(and the records' metadata where values must be checked) and returns the new schema and what
the tables need (a property's typed column), or raises without changing anything. The dataset
applies the result through its one change path.

v1 checked nothing when a property was added or changed after records existed; here a record
whose metadata does not fit the new property is named in the error, and nothing changes.
Deleting a property keeps the records' metadata values (only the declaration goes), as v1 did.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from nb_feedback.base._arrowtext import loads
from nb_feedback.base.errors import RecordError, SchemaError
from nb_feedback.domain.chat import ChatField, per_turn_check
from nb_feedback.domain.metadata import _METADATA, MetadataProperty
from nb_feedback.domain.schema import Schema, TextField
from nb_feedback.domain.vectors import VectorSettings

MetadataTexts = Sequence[Mapping[str, Any] | str | None]
"""Each record's metadata: a dict, its JSON text, or None for none."""


def typed_column(prop: MetadataProperty, metadata: MetadataTexts, ids: Sequence[str]) -> list[Any]:
    """Return ``prop``'s value per record (None where absent or a list of terms), checked.

    Raises ``RecordError`` naming the first record whose value does not fit ``prop``.
    """
    out: list[Any] = []
    for text, record_id in zip(metadata, ids, strict=True):
        meta = loads(text) if isinstance(text, str) else text
        value = meta.get(prop.name) if isinstance(meta, Mapping) else None
        if value is not None:
            problem = prop.check_value(value)
            if problem:
                raise RecordError(
                    f"record {record_id!r}: metadata {prop.name!r} does not fit the property: "
                    f"{problem}; nothing was changed"
                )
        # lists of terms stay in the metadata JSON only: typed columns hold scalars
        out.append(None if isinstance(value, list) else value)
    return out


def _check_property(prop: object, where: str) -> MetadataProperty:
    if not isinstance(prop, tuple(_METADATA.values())):
        raise SchemaError(
            f"{where}: expected a TermsMetadataProperty, IntegerMetadataProperty or "
            f"FloatMetadataProperty, got {prop!r}"
        )
    return prop  # type: ignore[return-value]


def add_metadata_property(
    schema: Schema, prop: MetadataProperty, metadata: MetadataTexts, ids: Sequence[str]
) -> tuple[Schema, list[Any]]:
    """Return the schema with ``prop`` added, and its typed column over the records."""
    prop = _check_property(prop, "add_metadata_property")
    if schema.metadata_property(prop.name) is not None:
        raise SchemaError(
            f"add_metadata_property: a metadata property {prop.name!r} already exists; "
            "use update_metadata_properties to change it"
        )
    column = typed_column(prop, metadata, ids)
    props = (*schema.metadata_properties, prop)
    return dataclasses.replace(schema, metadata_properties=props), column


def update_metadata_properties(
    schema: Schema,
    props: MetadataProperty | Sequence[MetadataProperty],
    metadata: MetadataTexts,
    ids: Sequence[str],
) -> tuple[Schema, dict[str, list[Any]]]:
    """Return the schema with each property replaced by the one of its name, and their columns.

    A property keeps its kind (a Terms property stays Terms); its title, visibility and
    allowed values or bounds may change, as long as every record's value still fits.
    """
    where = "update_metadata_properties"
    given = [props] if not isinstance(props, Sequence) else list(props)
    by_name = {p.name: p for p in schema.metadata_properties}
    columns: dict[str, list[Any]] = {}
    new: dict[str, MetadataProperty] = {}
    for p in given:
        p = _check_property(p, where)
        old = by_name.get(p.name)
        if old is None:
            raise SchemaError(
                f"{where}: no metadata property {p.name!r}; expected one of {sorted(by_name)}"
            )
        if type(old) is not type(p):
            raise SchemaError(
                f"{where}: {p.name!r} is a {type(old).__name__}; it cannot become a "
                f"{type(p).__name__} (delete it and add a new one)"
            )
        columns[p.name] = typed_column(p, metadata, ids)
        new[p.name] = p
    updated = tuple(new.get(p.name, p) for p in schema.metadata_properties)
    return dataclasses.replace(schema, metadata_properties=updated), columns


N = TypeVar("N", MetadataProperty, VectorSettings)


def _without(
    items: Sequence[N], names: str | Sequence[str], what: str, where: str
) -> tuple[tuple[N, ...], list[N]]:
    """Return (``items`` without the named ones, the named ones), or raise naming a missing one."""
    wanted = [names] if isinstance(names, str) else list(names)
    by_name = {x.name: x for x in items}
    missing = [n for n in wanted if n not in by_name]
    if missing or not wanted:
        raise SchemaError(
            f"{where}: no {what} {missing[0] if missing else names!r}; "
            f"expected one of {sorted(by_name)}"
        )
    return tuple(x for x in items if x.name not in wanted), [by_name[n] for n in wanted]


def delete_metadata_properties(
    schema: Schema, names: str | Sequence[str]
) -> tuple[Schema, list[MetadataProperty]]:
    """Return the schema without the named properties, and the properties deleted."""
    kept, gone = _without(
        schema.metadata_properties, names, "metadata property", "delete_metadata_properties"
    )
    return dataclasses.replace(schema, metadata_properties=kept), gone


def add_vector_settings(schema: Schema, settings: VectorSettings) -> Schema:
    """Return the schema with ``settings`` added (records may carry that vector from then on)."""
    if not isinstance(settings, VectorSettings):
        raise SchemaError(f"add_vector_settings: expected a VectorSettings, got {settings!r}")
    if any(v.name == settings.name for v in schema.vectors_settings):
        raise SchemaError(f"add_vector_settings: a vector {settings.name!r} already exists")
    return dataclasses.replace(schema, vectors_settings=(*schema.vectors_settings, settings))


def delete_vectors_settings(
    schema: Schema, names: str | Sequence[str]
) -> tuple[Schema, list[VectorSettings]]:
    """Return the schema without the named vector settings, and the settings deleted.

    Records keep the vectors they carry (as they keep metadata of a deleted property).
    """
    kept, gone = _without(schema.vectors_settings, names, "vector", "delete_vectors_settings")
    return dataclasses.replace(schema, vectors_settings=kept), gone


def edit_item(
    schema: Schema,
    item: Any,
    attribute: str,
    value: Any,
    stored: Sequence[tuple[str, str, Any]],
) -> tuple[Schema, Any]:
    """Return the schema with one attribute of a field or question changed, and the new item.

    ``stored`` lists ``(record id, what, value)`` for every answer and suggestion to the item
    (or, for a field, every record's text): each must stay valid, else nothing changes.
    """
    kind = "field" if isinstance(item, TextField | ChatField) else "question"
    current: Any = schema.field(item.name) if kind == "field" else schema.question(item.name)
    if current is None:
        raise SchemaError(f"{kind} {item.name!r} is no longer in the dataset")
    try:
        new: Any = dataclasses.replace(current, **{attribute: value})
    except TypeError as exc:
        raise SchemaError(f"{kind} {item.name!r}: {attribute} cannot be set ({exc})") from None
    for record_id, what, stored_value in stored:
        if kind == "field":
            if new.required and (stored_value is None or stored_value == ""):
                raise RecordError(
                    f"record {record_id!r} has no {item.name!r} text: the field cannot become "
                    "required; nothing was changed"
                )
            continue
        check = new.check_value if new.turns_of is None else per_turn_check(new.check_value)
        problem = check(stored_value)
        if problem:
            raise RecordError(
                f"record {record_id!r}: its {what} to {item.name!r} would no longer be valid "
                f"({problem}); nothing was changed"
            )
    if kind == "field":
        fields = tuple(new if f.name == item.name else f for f in schema.fields)
        return dataclasses.replace(schema, fields=fields), new
    questions = tuple(new if q.name == item.name else q for q in schema.questions)
    return dataclasses.replace(schema, questions=questions), new


def metadata_columns(
    old: Schema, new: Schema, records: Any
) -> tuple[dict[str, list[Any]], list[str]]:
    """Return the typed columns a schema change read from a folder implies, and those to drop.

    A folder stores a schema change as the schema alone: the typed column of each new or
    changed metadata property is rebuilt from the records' metadata (values that do not fit
    are left out, None, rather than refusing what another process already committed).
    """
    from nb_feedback.store import _tables as T

    before = {p.name: p for p in old.metadata_properties}
    after = {p.name: p for p in new.metadata_properties}
    drop = [T.meta_column(n) for n in before if n not in after]
    columns: dict[str, list[Any]] = {}
    metadata = records[T.METADATA].tolist() if len(records) else []
    for name, prop in after.items():
        if before.get(name) == prop and T.meta_column(name) in records.columns:
            continue
        out = []
        for text in metadata:
            meta = loads(text) if isinstance(text, str) else text
            value = meta.get(name) if isinstance(meta, Mapping) else None
            fits = value is not None and not isinstance(value, list) and not prop.check_value(value)
            out.append(value if fits else None)
        columns[T.meta_column(name)] = out
    return columns, drop
