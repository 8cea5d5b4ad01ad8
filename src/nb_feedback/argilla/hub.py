"""``from_hub`` / ``to_hub``: a dataset as a Hugging Face Hub dataset repo, or a local folder of one.

Layouts written: Argilla 2's SDK layout (``layout="argilla"``, what ``rg.Dataset.to_hub``
writes), the server's Hub export (``"argilla-server"``) and Argilla v1's
``push_to_huggingface`` layout (``"argilla-v1"``). Layouts read: those three, found by their
files, and a plain ``datasets`` folder, whose settings are inferred from its features.

An Argilla 2 folder::

    README.md                      the dataset card
    .argilla/settings.json         fields, questions, metadata, vectors, guidelines, distribution
    .argilla/dataset.json          the dataset's name and options
    .argilla/nb_feedback.json      annotator names by user id (Argilla 2 keeps only the ids)
    data/train-00000-of-00001.parquet

The Hub is reached through ``huggingface_hub`` only when a ``repo_id`` is given without a
``local_dir``; its errors (no token, no network, no such repo) become one ``HubError``.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from nb_feedback.argilla.hub_layout import LAYOUTS, records_from_table, records_table
from nb_feedback.argilla.hub_settings import schema_from_settings, settings_json, user_uuid
from nb_feedback.base._arrowtext import dumps, dumps_document, loads_python
from nb_feedback.base.errors import FeedbackError, HubError

if TYPE_CHECKING:
    from nb_feedback.domain.schema import Question, Schema
    from nb_feedback.store.view import D, DatasetView, Make, NewDataset

ARGILLA_DIR = ".argilla"
SETTINGS = f"{ARGILLA_DIR}/settings.json"
DATASET = f"{ARGILLA_DIR}/dataset.json"
NAMES = f"{ARGILLA_DIR}/nb_feedback.json"
V1_CONFIG = "argilla.yaml"
ALL_LAYOUTS = (*LAYOUTS, "argilla-v1")


# ------------------------------------------------------------------------------------ writing
def to_hub(
    dataset: DatasetView,
    repo_id: str | None = None,
    *,
    local_dir: str | Path | None = None,
    layout: str = "argilla",
    with_records: bool = True,
    token: str | None = None,
    private: bool = False,
) -> Path | str:
    """Write ``dataset`` in an Argilla Hub layout to ``local_dir``, or upload it to ``repo_id``.

    Returns the folder written (with ``local_dir``) or the repo id uploaded to.
    """
    if layout not in ALL_LAYOUTS:
        raise HubError(f"to_hub: layout={layout!r}; expected one of {list(ALL_LAYOUTS)}")
    if repo_id is None and local_dir is None:
        raise HubError("to_hub: pass repo_id (to upload) or local_dir (to write a folder)")
    name = (repo_id or Path(local_dir or "dataset").name).split("/")[-1]
    if local_dir is not None:
        folder = Path(local_dir).expanduser()
        if folder.exists() and any(folder.iterdir()):
            raise HubError(f"to_hub: {folder} is not empty; pass a new or empty folder")
        folder.mkdir(parents=True, exist_ok=True)
        write_folder(dataset, folder, layout=layout, with_records=with_records, name=name)
        return folder
    assert repo_id is not None
    with tempfile.TemporaryDirectory() as tmp:
        write_folder(dataset, Path(tmp), layout=layout, with_records=with_records, name=name)
        _upload(Path(tmp), repo_id, token=token, private=private)
    return repo_id


def write_folder(
    dataset: DatasetView, folder: Path, *, layout: str, with_records: bool, name: str
) -> None:
    """Write the files of ``layout`` for ``dataset`` into ``folder`` (which exists)."""
    data = folder / "data" / "train-00000-of-00001.parquet"
    if layout == "argilla-v1":
        _write_v1(dataset, folder, data if with_records else None)
        _write_card(dataset, folder, name, layout)
        return
    table, users, extra = records_table(dataset, layout)
    (folder / ARGILLA_DIR).mkdir(exist_ok=True)
    schema = dataset.schema
    settings = settings_json(schema)
    _write_json(folder / SETTINGS, settings)
    _write_json(
        folder / DATASET,
        {
            "id": None,
            "inserted_at": None,
            "updated_at": None,
            "name": name,
            "status": "ready",
            "guidelines": schema.guidelines,
            "allow_extra_metadata": schema.allow_extra_metadata,
            "distribution": settings["distribution"],
            "workspace_id": None,
            "last_activity_at": None,
        },
    )
    _write_json(folder / NAMES, {"users": users, "extra_metadata_columns": extra})
    if layout == "argilla-server":
        _write_json(folder / ARGILLA_DIR / "version.json", {"argilla": "2.8.0"})
    if with_records:
        write_parquet(table, data)
    _write_card(dataset, folder, name, layout)


def _write_json(path: Path, value: Any) -> None:
    path.write_text(dumps_document(value, str(path), HubError), encoding="utf-8")


def write_parquet(table: pa.Table, path: Path, features: Any = None) -> None:
    """Write ``table`` as ``datasets`` does: its features in the file, for every reader."""
    from datasets import Features

    if features is None:
        features = Features.from_arrow_schema(table.schema)
    meta = dumps({"info": {"features": legacy_features(features.to_dict())}}, str(path), HubError)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table.replace_schema_metadata({b"huggingface": meta.encode()}), path)


def legacy_features(feature: Any) -> Any:
    """Return ``datasets`` features in the form every version reads (``Sequence``, ``[{...}]``).

    datasets 4 names a list ``List``, which datasets 2 (what Argilla v1 runs on) cannot read;
    datasets 4 and later still read the older names, for the same Arrow types.
    """
    if isinstance(feature, list):
        return [legacy_features(f) for f in feature]
    if not isinstance(feature, Mapping):
        return feature
    if feature.get("_type") == "List":
        inner = legacy_features(feature["feature"])
        length = feature.get("length", -1)
        if isinstance(inner, Mapping) and "_type" not in inner and length == -1:
            return [inner]  # a list of structs
        out = {"feature": inner, "_type": "Sequence"}
        if length != -1:
            out["length"] = length
        return out
    return {k: legacy_features(v) for k, v in feature.items()}


def _write_v1(dataset: DatasetView, folder: Path, data: Path | None) -> None:
    import yaml

    from nb_feedback.argilla.argilla_format import argilla_columns

    (folder / V1_CONFIG).write_text(
        yaml.safe_dump(v1_config(dataset.schema), sort_keys=False, allow_unicode=True),
        encoding="utf-8",
    )
    if data is None:
        return
    columns, features = argilla_columns(dataset)
    for question in dataset.schema.questions:
        if question.kind == "span_question":
            _v1_span_columns(question.name, columns, features)
    users: dict[str, str] = {}
    for q in dataset.schema.question_names:
        for answers in columns[q]:
            for answer in answers:
                # v1 keeps user ids as UUIDs too (its ResponseSchema refuses a name)
                uid = user_uuid(answer["user_id"])
                users[uid] = answer["user_id"]
                answer["user_id"] = uid
    (folder / ARGILLA_DIR).mkdir(exist_ok=True)
    _write_json(folder / NAMES, {"users": users, "extra_metadata_columns": []})
    write_parquet(pa.Table.from_pydict(columns, schema=features.arrow_schema), data, features)


_SPAN_KEYS = ("start", "end", "label", "score")


def _v1_spans(value: Any) -> Any:
    if not isinstance(value, list):
        return value
    return {k: [span.get(k) for span in value] for k in _SPAN_KEYS}


def _v1_span_columns(name: str, columns: dict[str, Any], features: Any) -> None:
    """Write a span question's columns as v1 does: each list of spans per key (``{start: [...]}``)."""
    import datasets

    value = datasets.Value
    keys = {"start": value("int32"), "end": value("int32"), "label": value("string")}
    per_key = datasets.Sequence({**keys, "score": value("float32")})
    for answers in columns[name]:
        for answer in answers:
            answer["value"] = _v1_spans(answer["value"])
    columns[f"{name}-suggestion"] = [_v1_spans(v) for v in columns[f"{name}-suggestion"]]
    features[name] = [{"user_id": value("string"), "value": per_key, "status": value("string")}]
    features[f"{name}-suggestion"] = per_key


def v1_config(schema: Schema) -> dict[str, Any]:
    """Return ``schema`` as Argilla v1's ``argilla.yaml`` (its ``DatasetConfig``)."""
    out = schema.to_dict()
    kinds = {
        "text_question": "text",
        "rating_question": "rating",
        "label_question": "label_selection",
        "multi_label_question": "multi_label_selection",
        "ranking_question": "ranking",
        "span_question": "span",
    }
    for f in out["fields"]:
        if f.pop("kind", "text_field") != "text_field":
            raise HubError(
                f"to_hub: field {f['name']!r} is a conversation; Argilla v1 has text fields only "
                "(layout='argilla' keeps it as Argilla 2's chat field)"
            )
        f["type"] = "text"
    for q in out["questions"]:
        kind = q.pop("kind")
        q["type"] = kinds.get(kind, kind)
        q.pop("ties", None)  # v1 has no such setting: every v1 ranking accepts ties
        for key in ("labels", "values"):
            if key in q and q[key] and isinstance(q[key][0], dict):
                q[key] = {d["value"]: d["text"] for d in q[key]}
    for p in out["metadata_properties"]:
        p["type"] = p.pop("kind", p.get("type"))
    out.pop("distribution", None)
    return out


def _write_card(dataset: DatasetView, folder: Path, name: str, layout: str) -> None:
    schema = dataset.schema
    lines = [
        "---",
        "tags:",
        "- rlfh",
        "- argilla",
        "- human-feedback",
        "- nb_feedback",
        "---",
        "",
        f"# {name}",
        "",
        f"Written by nb_feedback in the `{layout}` layout: {len(dataset)} records.",
        "",
        "## Fields",
        "",
        *[f"- `{f.name}`: {f.label}" for f in schema.fields],
        "",
        "## Questions",
        "",
        *[f"- `{q.name}` ({q.kind}): {q.label}" for q in schema.questions],
        "",
    ]
    if schema.metadata_properties:
        lines += [
            "## Metadata",
            "",
            *[f"- `{p.name}` ({p.kind})" for p in schema.metadata_properties],
            "",
        ]
    if schema.vectors_settings:
        lines += [
            "## Vectors",
            "",
            *[f"- `{v.name}` ({v.dimensions} dimensions)" for v in schema.vectors_settings],
            "",
        ]
    if schema.guidelines:
        lines += ["## Guidelines", "", schema.guidelines, ""]
    lines += [
        "## Load",
        "",
        "```python",
        "import nb_feedback as rg",
        f'ds = rg.FeedbackDataset.from_hub("{name}")  # or local_dir=...',
        "```",
        "",
    ]
    if layout != "argilla-v1":
        lines += [
            'With Argilla 2: `rg.Dataset.from_hub(repo_id, settings="auto")` reads the settings',
            "in `.argilla/`; annotators are Argilla user ids, their names are in",
            "`.argilla/nb_feedback.json`.",
            "",
        ]
    (folder / "README.md").write_text("\n".join(lines), encoding="utf-8")


# ------------------------------------------------------------------------------------ reading
def from_hub(
    make: Make[D],
    repo_id: str | None = None,
    *,
    local_dir: str | Path | None = None,
    split: str = "train",
    questions: Sequence[Question] | None = None,
    token: str | None = None,
) -> D:
    """Read a dataset in any Argilla Hub layout, or a plain ``datasets`` folder, into ``make``'s.

    With ``local_dir``, the folder is read and the Hub is not contacted; else ``repo_id`` is
    downloaded with ``huggingface_hub``. ``questions`` is for a plain folder only (one with no
    Argilla settings): the questions to ask, a column of the same name giving suggestions.
    """
    if local_dir is not None:
        folder = Path(local_dir).expanduser()
        if not folder.is_dir():
            raise HubError(f"from_hub: {folder} is not a folder")
    elif repo_id is not None:
        folder = _download(repo_id, token=token)
    else:
        raise HubError("from_hub: pass repo_id (to download) or local_dir (to read a folder)")
    if (folder / SETTINGS).is_file():
        return _read_argilla2(make, folder, split)
    if (folder / V1_CONFIG).is_file():
        return _read_v1(make, folder, split)
    return _read_plain(make, folder, split, questions)


def _read_json(path: Path, what: str) -> Any:
    try:
        return loads_python(path.read_text(encoding="utf-8"))  # written by Argilla or datasets
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise HubError(f"{path}: cannot read the {what} ({type(exc).__name__}: {exc})") from None


def split_files(folder: Path, split: str) -> list[Path]:
    """Return the parquet files of ``split`` (``data/<split>-*.parquet`` and the like)."""
    files = sorted(
        p
        for p in folder.rglob("*.parquet")
        if ARGILLA_DIR not in p.parts
        and (p.name.startswith(f"{split}-") or p.stem == split or p.parent.name == split)
    )
    return files


def _splits(folder: Path) -> list[str]:
    names = {p.stem.split("-")[0] for p in folder.rglob("*.parquet") if ARGILLA_DIR not in p.parts}
    return sorted(names)


def _table(folder: Path, split: str, *, required: bool) -> pa.Table | None:
    files = split_files(folder, split)
    if not files:
        others = _splits(folder)
        if others:
            raise HubError(f"{folder}: no split {split!r}; it holds {others}: pass split=")
        if required:
            raise HubError(f"{folder}: no data files (parquet) for split {split!r}")
        return None
    try:
        tables = [pq.read_table(f) for f in files]
        if len(tables) == 1:
            return tables[0]
        return pa.concat_tables(tables, promote_options="default")
    except (OSError, pa.ArrowException) as exc:
        raise HubError(f"{folder}: cannot read {split!r} data ({exc})") from None


def _read_argilla2(make: Make[D], folder: Path, split: str) -> D:
    schema = schema_from_settings(_read_json(folder / SETTINGS, "settings"), str(folder / SETTINGS))
    names: dict[str, Any] = {}
    if (folder / NAMES).is_file():
        names = _read_json(folder / NAMES, "annotator names") or {}
    table = _table(folder, split, required=False)
    dataset = empty_dataset(make, schema)
    if table is None:
        return dataset
    where = str(split_files(folder, split)[0])
    records = records_from_table(
        table,
        schema,
        dict(names.get("users") or {}),
        where,
        known_extra=names.get("extra_metadata_columns") or (),
    )
    add_read_records(dataset, records, where)
    return dataset


def empty_dataset(make: Make[D], schema: Schema) -> D:
    """Return a new in-memory dataset of ``schema`` made by ``make``, holding no records."""
    return make(
        fields=schema.fields,
        questions=schema.questions,
        guidelines=schema.guidelines,
        metadata_properties=schema.metadata_properties,
        distribution=schema.distribution,
        allow_extra_metadata=schema.allow_extra_metadata,
        vectors_settings=schema.vectors_settings,
    )


def add_read_records(dataset: NewDataset, records: list[dict[str, Any]], where: str) -> None:
    """Add records read from a layout or a server; an error names ``where`` they came from."""
    from nb_feedback.domain.records import FeedbackRecord

    try:
        dataset.add_records(
            [
                FeedbackRecord(
                    fields=r["fields"],
                    metadata=r.get("metadata"),
                    suggestions=r.get("suggestions"),
                    responses=r.get("responses"),
                    external_id=r.get("external_id"),
                    id=r.get("id"),
                    vectors=r.get("vectors"),
                )
                for r in records
            ],
            show_progress=False,
        )
    except FeedbackError as exc:
        raise HubError(f"{where}: {exc}") from None


# ------------------------------------------------------------------------ Argilla v1's layout
_V1_KINDS = {
    "text": "text_question",
    "rating": "rating_question",
    "label_selection": "label_question",
    "multi_label_selection": "multi_label_question",
    "ranking": "ranking_question",
    "span": "span_question",
}


def schema_from_v1(config: Any, file: str) -> Schema:
    """Read Argilla v1's ``argilla.yaml`` (its ``DatasetConfig``) as a Schema."""
    from nb_feedback.domain.schema import Schema

    if not isinstance(config, Mapping):
        raise HubError(f"{file}: expected a YAML mapping, got {type(config).__name__}")
    try:
        fields = []
        for f in config.get("fields") or []:
            if f.get("type", "text") != "text":
                raise HubError(f"{file}: field {f.get('name')!r} is of type {f.get('type')!r}")
            fields.append({k: v for k, v in f.items() if k != "type"} | {"kind": "text_field"})
        questions = []
        for q in config.get("questions") or []:
            kind = _V1_KINDS.get(q.get("type"))
            if kind is None:
                raise HubError(
                    f"{file}: question {q.get('name')!r} is of type {q.get('type')!r}; "
                    f"nb_feedback reads {sorted(_V1_KINDS)}"
                )
            item = {k: v for k, v in q.items() if k not in ("type", "settings")} | {"kind": kind}
            if kind == "ranking_question":
                item["ties"] = True  # v1 accepts tied ranks on every ranking question
            for key in ("labels", "values"):
                if kind == "span_question" and isinstance(item.get(key), list):
                    item[key] = [_v1_span_label(label) for label in item[key]]
                    continue
                if kind != "rating_question" and isinstance(item.get(key), list):
                    item[key] = {str(v): str(v) for v in item[key]}
                if kind != "rating_question" and isinstance(item.get(key), Mapping):
                    item[key] = [{"value": k, "text": v} for k, v in item[key].items()]
            questions.append(item)
        props = [
            {k: v for k, v in p.items() if k != "type"} | {"kind": p.get("type")}
            for p in config.get("metadata_properties") or []
        ]
        return Schema.from_dict(
            {
                "fields": fields,
                "questions": questions,
                "metadata_properties": props,
                "guidelines": config.get("guidelines"),
                "allow_extra_metadata": config.get("allow_extra_metadata", True),
                "vectors_settings": config.get("vectors_settings") or [],
            }
        )
    except HubError:
        raise
    except (FeedbackError, AttributeError, KeyError, TypeError) as exc:
        raise HubError(f"{file}: malformed Argilla v1 config ({exc})") from None


def _v1_span_label(label: Any) -> Any:
    if isinstance(label, Mapping):  # v1 writes {value, text, description}
        return {"value": label.get("value"), "text": label.get("text") or label.get("value")}
    return {"value": str(label), "text": str(label)}


def _v1_value(kind: str, value: Any) -> Any:
    if kind == "ranking_question" and isinstance(value, Mapping):
        return [
            {"value": v, "rank": r}
            for v, r in zip(value.get("value") or [], value.get("rank") or [], strict=False)
        ]
    if kind == "span_question":
        # v1 writes each span with the text it covers, and per column ({start: [...], ...})
        if isinstance(value, Mapping):
            keys = [k for k in _SPAN_KEYS if value.get(k) is not None]
            columns = [value[k] for k in keys]
            value = [dict(zip(keys, row, strict=False)) for row in zip(*columns, strict=False)]
        if isinstance(value, list):
            return [
                {k: v for k, v in span.items() if k != "text" and (k != "score" or v is not None)}
                if isinstance(span, Mapping)
                else span
                for span in value
            ]
    return value


def _read_v1(make: Make[D], folder: Path, split: str) -> D:
    import yaml

    from nb_feedback.domain.records import DEFAULT_USER

    path = folder / V1_CONFIG
    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise HubError(f"{path}: cannot read the Argilla v1 config ({exc})") from None
    schema = schema_from_v1(config, str(path))
    names: dict[str, Any] = {}
    if (folder / NAMES).is_file():
        names = (_read_json(folder / NAMES, "annotator names") or {}).get("users") or {}
    dataset = empty_dataset(make, schema)
    table = _table(folder, split, required=False)
    if table is None:
        return dataset
    where = str(split_files(folder, split)[0])
    rows = table.to_pylist()
    for f in schema.fields:
        if f.required and f.name not in table.column_names:
            raise HubError(f"{where}: no column {f.name!r} for required field {f.name!r}")
    records = []
    for row in rows:
        responses: dict[str, dict[str, Any]] = {}
        suggestions = []
        for q in schema.questions:
            for item in row.get(q.name) or []:
                user = item.get("user_id") or DEFAULT_USER
                user = names.get(str(user), str(user))
                entry = responses.setdefault(
                    user,
                    {"user_id": user, "values": {}, "status": item.get("status") or "submitted"},
                )
                if item.get("value") is not None:
                    entry["values"][q.name] = {"value": _v1_value(q.kind, item["value"])}
            value = row.get(f"{q.name}-suggestion")
            if value is not None:
                meta = row.get(f"{q.name}-suggestion-metadata") or {}
                suggestions.append(
                    {
                        "question_name": q.name,
                        "value": _v1_value(q.kind, value),
                        "score": meta.get("score"),
                        "agent": meta.get("agent"),
                    }
                )
        metadata = row.get("metadata")
        if isinstance(metadata, str):
            try:
                metadata = loads_python(metadata)  # Argilla writes NaN for a missing number
            except ValueError:
                raise HubError(f"{where}: column 'metadata' holds text that is not JSON") from None
        vectors = {k: v for k, v in (row.get("vectors") or {}).items() if v is not None}
        records.append(
            {
                "fields": {
                    f.name: row.get(f.name) for f in schema.fields if row.get(f.name) is not None
                },
                "metadata": metadata or None,
                "external_id": row.get("external_id"),
                "suggestions": suggestions or None,
                "responses": list(responses.values()) or None,
                "vectors": vectors or None,
            }
        )
    add_read_records(dataset, records, where)
    return dataset


# -------------------------------------------------------------------- a plain datasets folder
def _read_plain(make: Make[D], folder: Path, split: str, questions: Sequence[Question] | None) -> D:
    from nb_feedback.domain.metadata import (
        FloatMetadataProperty,
        IntegerMetadataProperty,
        MetadataProperty,
    )
    from nb_feedback.domain.schema import TextField

    table = _table(folder, split, required=True)
    assert table is not None
    where = str(split_files(folder, split)[0])
    asked = {q.name: q for q in questions or ()}
    fields: list[TextField] = []
    props: list[MetadataProperty] = []
    for name in table.column_names:
        kind = table.schema.field(name).type
        if name in asked:
            continue
        if pa.types.is_string(kind) or pa.types.is_large_string(kind):
            fields.append(TextField(name=name, required=False))
        elif pa.types.is_integer(kind):
            props.append(IntegerMetadataProperty(name=name))
        elif pa.types.is_floating(kind):
            props.append(FloatMetadataProperty(name=name))
        else:
            raise HubError(
                f"{where}: column {name!r} ({kind}) has no nb_feedback counterpart; "
                "remove it or pass it as a question's suggestions (questions=[...])"
            )
    if not asked:
        raise HubError(
            f"{folder}: a plain datasets folder (no .argilla/settings.json, no argilla.yaml) "
            f"with columns {table.column_names}: pass questions=[...] (the questions to ask; "
            "a column of the same name gives their suggestions)"
        )
    if not fields:
        raise HubError(f"{where}: no text column to show as a field ({table.column_names})")
    fields[0] = TextField(name=fields[0].name)  # a dataset needs one required field
    ds = make(fields=fields, questions=list(asked.values()), metadata_properties=props)
    rows = table.to_pylist()
    records = []
    for row in rows:
        suggestions = [
            {"question_name": q, "value": row[q]} for q in asked if q in row and row[q] is not None
        ]
        records.append(
            {
                "fields": {f.name: row[f.name] for f in fields if row.get(f.name) is not None},
                "metadata": {p.name: row[p.name] for p in props if row.get(p.name) is not None}
                or None,
                "suggestions": suggestions or None,
            }
        )
    add_read_records(ds, records, where)
    return ds


# ---------------------------------------------------------------------------------- the Hub
def _hub_error(repo_id: str, action: str, exc: Exception) -> HubError:
    from huggingface_hub import errors

    cause = f"{type(exc).__name__}: {exc}".splitlines()[0]
    if isinstance(exc, errors.LocalTokenNotFoundError):
        hint = "no Hugging Face token: run `hf auth login` or pass token="
    elif isinstance(exc, errors.RepositoryNotFoundError):
        hint = "no such dataset repo, or it is private and the token cannot read it"
    elif isinstance(exc, errors.HfHubHTTPError) and getattr(exc, "response", None) is not None:
        code = exc.response.status_code
        hint = (
            "the token is missing or lacks write access"
            if code in (401, 403)
            else f"the Hub answered HTTP {code}"
        )
    elif isinstance(exc, errors.LocalEntryNotFoundError | ConnectionError | OSError) or (
        type(exc).__module__.startswith(("httpx", "httpcore", "requests", "urllib3"))
    ):
        hint = "the Hub cannot be reached (no network, or HF_HUB_OFFLINE=1)"
    else:
        hint = "the Hub refused"
    return HubError(f"{action} {repo_id!r}: {hint} ({cause})")


def _upload(folder: Path, repo_id: str, *, token: str | None, private: bool) -> None:
    from huggingface_hub import HfApi, get_token

    if token is None and get_token() is None:  # say so before any network call
        raise HubError(
            f"to_hub: cannot upload to {repo_id!r}: no Hugging Face token: run `hf auth login`, "
            "set HF_TOKEN or pass token= (or pass local_dir= to write a folder instead)"
        )
    try:
        api = HfApi(token=token)
        api.create_repo(repo_id=repo_id, repo_type="dataset", private=private, exist_ok=True)
        api.upload_folder(folder_path=str(folder), repo_id=repo_id, repo_type="dataset")
    except HubError:
        raise
    except Exception as exc:  # every Hub and network failure: one error naming the cause
        raise _hub_error(repo_id, "to_hub: cannot upload to", exc) from None


def _download(repo_id: str, *, token: str | None) -> Path:
    from huggingface_hub import snapshot_download

    try:
        return Path(snapshot_download(repo_id=repo_id, repo_type="dataset", token=token))
    except Exception as exc:  # every Hub and network failure: one error naming the cause
        raise _hub_error(repo_id, "from_hub: cannot download", exc) from None
