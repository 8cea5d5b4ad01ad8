"""Turn whatever ``add_records`` receives into checked record and response frames, all or nothing.

Fields are checked column by column (vectorised where pandas allows), so a batch of 200,000
records is validated in bulk rather than one object at a time. A frame of answers for
``add_responses`` is checked in ``_answers``.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from nb_feedback.base._arrowtext import dumps
from nb_feedback.base._gc import gc_paused
from nb_feedback.base.errors import FeedbackError, RecordError
from nb_feedback.domain._checks import MAX_TEXT_CHARS, is_unicode, text_problem
from nb_feedback.domain.chat import ChatField, as_messages, conversation_problem, encode
from nb_feedback.domain.records import (
    FeedbackRecord,
    given_values,
    normalize_response,
    normalize_suggestions,
)
from nb_feedback.domain.schema import Schema
from nb_feedback.domain.spans import span_text_problem
from nb_feedback.domain.validation import check_values, is_missing
from nb_feedback.domain.vectors import check_vectors
from nb_feedback.store import _tables as T
from nb_feedback.store._answers import mark_bulk
from nb_feedback.store._columnar import SPECIAL, Columns, column_names, columns_of, frame_of

_SPECIAL = SPECIAL
_MAX_LISTED = 3


def _where(i: int, external_id: object = None) -> str:
    return f"record {i}" + (
        f" (external_id {external_id!r})" if not is_missing(external_id) else ""
    )


def to_frame(data: Any, schema: Schema) -> pd.DataFrame:
    """Return one row per record: field columns, then '@'-prefixed special columns."""
    if isinstance(data, pd.DataFrame):
        return _from_columns(data, schema)
    if type(data).__module__.startswith("datasets.") and hasattr(data, "to_pandas"):
        return _from_columns(data.to_pandas(), schema)
    if isinstance(data, FeedbackRecord | Mapping):
        data = [data]
    if not isinstance(data, Iterable) or isinstance(data, str | bytes):
        raise RecordError(
            "add_records: expected a FeedbackRecord, a dict, a list of either, a pandas "
            f"DataFrame or a datasets.Dataset, got {type(data).__name__}"
        )
    items = list(data)
    # one tuple or dict per record while reading, freed right after: the cyclic collector
    # would walk every live object a few times over for nothing (200,000 records: ~1.7 s here)
    with gc_paused():
        columns = columns_of(items, schema)  # one pass per column for lists of one shape
        if columns is None:  # anything else, and every error, row by row
            columns = rows_to_columns(items, schema)
        return frame_of(columns, schema)


def rows_to_columns(items: list[Any], schema: Schema) -> Columns:
    """Read ``items`` one record at a time (the plain path ``columns_of`` is pinned to)."""
    rows = [_row(item, i, schema) for i, item in enumerate(items)]
    return {name: [row.get(name) for row in rows] for name in column_names(schema)}


def _row(item: Any, i: int, schema: Schema) -> dict[str, Any]:
    if isinstance(item, FeedbackRecord):
        item = given_values(item)
    if not isinstance(item, Mapping):
        raise RecordError(f"record {i}: expected a FeedbackRecord or a dict, got {item!r:.80}")
    if isinstance(item.get("fields"), Mapping):
        fields = dict(item["fields"])
        extra = set(item) - {"fields", *_SPECIAL}
        if extra:
            raise RecordError(
                f"record {i}: unknown key {sorted(extra)[0]!r}: expected fields, "
                f"metadata, suggestions, responses, external_id, id or vectors"
            )
        special = {s: item.get(s) for s in _SPECIAL}
    else:  # a flat dict: field names, metadata property names and the special keys
        fields = {k: v for k, v in item.items() if k in schema.field_names}
        special = {s: item.get(s) for s in _SPECIAL if s not in schema.field_names}
        given = special.get("metadata")  # absent when a field is named "metadata"
        meta = dict(given or {}) if isinstance(given, Mapping) else {}
        for prop in schema.metadata_properties:
            if prop.name in item and prop.name not in schema.field_names:
                meta[prop.name] = item[prop.name]
        if "metadata" not in schema.field_names:
            special["metadata"] = meta or given
        known = {*schema.field_names, *_SPECIAL, *(p.name for p in schema.metadata_properties)}
        extra = set(item) - known
        if extra:
            raise RecordError(_unknown_key_message(i, sorted(extra)[0], schema))
    unknown = set(fields) - set(schema.field_names)
    if unknown:
        raise RecordError(
            f"{_where(i, special.get('external_id'))}: unknown field {sorted(unknown)[0]!r}: "
            f"expected fields {schema.field_names}"
        )
    return {
        **{f: fields.get(f) for f in schema.field_names},
        **{"@" + k: v for k, v in special.items()},
    }


def _unknown_key_message(i: int, key: str, schema: Schema) -> str:
    return (
        f"record {i}: unknown column {key!r}: expected a field ({schema.field_names}), a "
        "declared metadata property, or one of metadata, suggestions, responses, external_id, "
        "id. Declare it with metadata_properties=[TermsMetadataProperty(...)] or drop it."
    )


def _from_columns(frame: pd.DataFrame, schema: Schema) -> pd.DataFrame:
    props = {p.name for p in schema.metadata_properties}
    for col in frame.columns:
        if col not in schema.field_names and col not in _SPECIAL and col not in props:
            raise RecordError(_unknown_key_message(0, str(col), schema).replace("record 0: ", ""))
    out = pd.DataFrame(index=range(len(frame)))
    for name in schema.field_names:
        # .array keeps Arrow-backed text as it is; to_numpy() would make a Python str per cell
        out[name] = frame[name].array if name in frame else None
    for s in _SPECIAL:
        out["@" + s] = frame[s].to_numpy() if s in frame and s not in schema.field_names else None
    meta_cols = [p for p in props if p in frame.columns and p not in schema.field_names]
    if meta_cols:
        extra = frame[meta_cols].to_dict("records")
        base = out["@metadata"].tolist()
        out["@metadata"] = [
            {
                **(b if isinstance(b, Mapping) else {}),
                **{k: v for k, v in e.items() if not is_missing(v)},
            }
            for b, e in zip(base, extra, strict=True)
        ]
    return out


def _field_problems(frame: pd.DataFrame, schema: Schema) -> list[tuple[int, str]]:
    problems: list[tuple[int, str]] = []
    for field in schema.fields:
        col = frame[field.name]
        if isinstance(field, ChatField):
            problems.extend(_chat_problems(col, field.name, field.required))
            continue
        if pd.api.types.is_string_dtype(col.dtype) and col.dtype != object:
            # Arrow-backed strings: only NA, blanks and length can be wrong, all vectorised.
            # utf8_is_space: non-empty and all Unicode whitespace, computed without a copy
            arrow = pa.array(col.array)
            # bytes first (read off the offsets): a text is never longer in characters than in
            # bytes, so characters are counted (a scan of every byte) only if a text may be long
            nbytes = pc.binary_length(arrow).fill_null(0).to_numpy(zero_copy_only=False)
            missing = col.isna().to_numpy()
            spaces = pc.utf8_is_space(arrow).fill_null(False).to_numpy(zero_copy_only=False)
            blank = ~missing & ((nbytes == 0) | spaces)
            long_ = ~missing & (nbytes > MAX_TEXT_CHARS)
            if long_.any():
                chars = pc.utf8_length(arrow).fill_null(0).to_numpy(zero_copy_only=False)
                long_ &= chars > MAX_TEXT_CHARS
            bad = pd.Series((missing & field.required) | blank | long_)
            for i in bad[bad].index[: _MAX_LISTED + 1]:
                problems.append(
                    (int(i), f"field {field.name!r}: {_text_problem(col[i], field.required)}")
                )
            continue
        for i, value in enumerate(col.tolist()):
            problem = _text_problem(value, field.required)
            if problem:
                problems.append((i, f"field {field.name!r}: {problem}"))
                if len(problems) > _MAX_LISTED:
                    break
    return problems


def _chat_problems(col: pd.Series, name: str, required: bool) -> list[tuple[int, str]]:
    problems: list[tuple[int, str]] = []
    for i, value in enumerate(col.tolist()):
        value = as_messages(value)
        if is_missing(value) or (isinstance(value, list) and not value and not required):
            problem = "required field: expected a conversation, got nothing" if required else None
        else:
            problem = conversation_problem(value)
        if problem:
            problems.append((i, f"field {name!r}: {problem}"))
            if len(problems) > _MAX_LISTED:
                break
    return problems


def _chat_texts(col: pd.Series) -> Any:
    """Return a checked conversation column as its stored form: canonical JSON text per cell."""
    texts = [
        None if is_missing(v := as_messages(value)) or not v else encode(v)
        for value in col.tolist()
    ]
    return pd.array(pa.array(texts, type=pa.string()), dtype="str")


def _text_problem(value: object, required: bool) -> str | None:
    if is_missing(value):
        return "required field: expected text, got nothing" if required else None
    return text_problem(value)


def check_frame(
    frame: pd.DataFrame, schema: Schema, taken_ids: pd.Index
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Check every record of ``frame``; return (records, responses) or raise naming the first bad one."""
    problems = _field_problems(frame, schema)
    if problems:
        problems.sort()
        i, message = problems[0]
        more = f" ({len(problems) - 1} more problem(s) in this batch)" if len(problems) > 1 else ""
        raise RecordError(
            f"{_where(i, frame['@external_id'].iloc[i])}: {message}{more}; "
            "no record of this batch was added"
        )
    chats = set(schema.chat_field_names)
    columns: dict[str, Any] = {
        name: _chat_texts(frame[name]) if name in chats else frame[name].array
        for name in schema.field_names
    }
    columns[T.ID] = _ids(frame, taken_ids)
    columns[T.EXTERNAL_ID] = _external_ids(frame)
    columns[T.METADATA], meta_columns = _metadata(frame, schema)
    for name, values in meta_columns.items():
        columns[T.meta_column(name)] = values
    columns[T.SUGGESTIONS] = _suggestions(frame, schema)
    columns[T.VECTORS] = _vectors(frame, schema)
    # one frame from every column at once: a column set on a frame one at a time copies
    # the frame's blocks each time (~5-8 ms a column for 200,000 records here); a column of
    # nothing given goes in as an array, not a list pandas would read value by value
    order = T.record_columns(schema.field_names, schema.metadata_names)
    records = pd.DataFrame({name: _as_column(columns[name]) for name in order}, columns=order)
    responses = _responses(frame, schema, records[T.ID])
    return records, responses


def _as_column(values: Any) -> Any:
    if type(values) is list and values.count(None) == len(values):
        return np.full(len(values), None, dtype=object)
    return values


def check_edits(updates: pd.DataFrame, schema: Schema) -> dict[str, list[Any]]:
    """Check new metadata / suggestions / vectors of records; return their stored columns.

    ``updates`` has an ``@external_id`` column (for messages) and any of ``@metadata``,
    ``@suggestions`` and ``@vectors``; each is checked as ``add_records`` checks it.
    """
    out: dict[str, list[Any]] = {}
    if "@metadata" in updates:
        out[T.METADATA], typed = _metadata(updates, schema)
        for name, values in typed.items():
            out[T.meta_column(name)] = values
    if "@suggestions" in updates:
        out[T.SUGGESTIONS] = _suggestions(updates, schema)
    if "@vectors" in updates:
        out[T.VECTORS] = _vectors(updates, schema)
    return out


def _fail(i: int, frame: pd.DataFrame, message: str) -> RecordError:
    return RecordError(
        f"{_where(i, frame['@external_id'].iloc[i])}: {message}; no record of this batch was added"
    )


def _ids(frame: pd.DataFrame, taken: pd.Index) -> pd.api.extensions.ExtensionArray | list[str]:
    prefix = secrets.token_hex(4)  # distinct per batch, so two kernels adding at once never clash
    if frame["@id"].isna().all():  # the common case: every id is ours to make
        # built in Arrow: no Python string per record (200,000 of them cost ~12 MB and ~50 ms)
        numbers = pa.array(np.arange(len(frame), dtype=np.int64)).cast(pa.string())
        ids = pc.binary_join_element_wise(prefix + "-", pc.utf8_lpad(numbers, 7, "0"), "")
        return pd.array(ids, dtype="str")
    given = frame["@id"].tolist()
    ids = []
    for i, value in enumerate(given):
        if is_missing(value):
            ids.append(f"{prefix}-{i:07d}")
        elif not isinstance(value, str) or not value.strip():
            hint = (
                "; an id of your own (a number, a CSV row id) goes in external_id: rename the "
                "column to 'external_id' (or pass FeedbackRecord(..., external_id=...))"
                if not isinstance(value, str)
                else ""
            )
            raise _fail(i, frame, f"id must be a non-empty string, got {value!r}{hint}")
        else:
            ids.append(value)
    index = pd.Index(ids)
    if index.has_duplicates:
        dup = index[index.duplicated()][0]
        raise _fail(ids.index(dup), frame, f"id {dup!r} appears twice in this batch")
    clash = T.isin(pd.Series(ids), taken).to_numpy()
    if clash.any():
        i = int(clash.argmax())
        raise _fail(i, frame, f"id {ids[i]!r} is already in the dataset")
    return ids


def _external_ids(frame: pd.DataFrame) -> list[str | None]:
    if frame["@external_id"].isna().all():
        return [None] * len(frame)
    out: list[str | None] = []
    for i, value in enumerate(frame["@external_id"].tolist()):
        if is_missing(value):
            out.append(None)
        elif isinstance(value, str | int) and not isinstance(value, bool):
            out.append(str(value))
        else:
            raise _fail(i, frame, f"external_id must be a string, got {value!r}")
    return out


def _metadata(frame: pd.DataFrame, schema: Schema) -> tuple[list[str | None], dict[str, list[Any]]]:
    if frame["@metadata"].isna().all():
        n = len(frame)
        return [None] * n, {p.name: [None] * n for p in schema.metadata_properties}
    texts: list[str | None] = []
    typed: dict[str, list[Any]] = {p.name: [] for p in schema.metadata_properties}
    for i, meta in enumerate(frame["@metadata"].tolist()):
        if is_missing(meta) or meta == {}:
            meta = {}
        elif not isinstance(meta, Mapping):
            raise _fail(i, frame, f"metadata must be a dict, got {meta!r:.80}")
        if not schema.allow_extra_metadata:
            extra = [k for k in meta if k not in typed]
            if extra:
                raise _fail(
                    i,
                    frame,
                    f"metadata {extra[0]!r} is not a declared metadata property "
                    f"(allow_extra_metadata=False); expected one of {sorted(typed)}",
                )
        for prop in schema.metadata_properties:
            value = meta.get(prop.name)
            if value is not None:
                problem = prop.check_value(value)
                if problem:
                    raise _fail(i, frame, f"metadata {prop.name!r}: {problem}")
            # a list of terms stays in the metadata JSON only: typed columns hold scalars
            typed[prop.name].append(None if isinstance(value, list) else value)
        try:
            texts.append(dumps(dict(meta), "metadata") if meta else None)
        except FeedbackError as exc:
            raise _fail(i, frame, str(exc)) from None
    return texts, typed


def _vectors(frame: pd.DataFrame, schema: Schema) -> list[str | None]:
    if "@vectors" not in frame or frame["@vectors"].isna().all():
        return [None] * len(frame)
    out: list[str | None] = []
    for i, raw in enumerate(frame["@vectors"].tolist()):
        vectors, problem = check_vectors(None if is_missing(raw) else raw, schema.vectors_settings)
        if problem:
            raise _fail(i, frame, problem)
        out.append(dumps(vectors, "vectors") if vectors else None)
    return out


def _suggestions(frame: pd.DataFrame, schema: Schema) -> list[str | None]:
    if frame["@suggestions"].isna().all():
        return [None] * len(frame)
    out: list[str | None] = []
    for i, raw in enumerate(frame["@suggestions"].tolist()):
        if (
            raw is None
            or (isinstance(raw, float) and is_missing(raw))
            or (isinstance(raw, list | tuple) and not raw)
        ):
            out.append(None)
            continue
        try:
            items = normalize_suggestions(raw, _where(i))
            for s in items:
                question = schema.question(s.question_name)
                if question is None:
                    raise RecordError(
                        f"suggestion for unknown question {s.question_name!r}: "
                        f"expected one of {schema.question_names}"
                    )
                # by name: a question asked of each turn checks a {"<turn>": value} suggestion
                problem = schema.value_checks[question.name](s.value)
                span_question = schema.span_questions.get(s.question_name)
                if not problem and span_question is not None:
                    texts = _span_fields(frame, schema, i) or {}
                    problem = span_text_problem(span_question, s.value, texts)
                if problem:
                    raise RecordError(f"suggestion for question {s.question_name!r}: {problem}")
                if isinstance(s.score, list) and (
                    question.kind
                    not in ("multi_label_question", "ranking_question", "span_question")
                    or len(s.score) != len(s.value)
                ):
                    raise RecordError(
                        f"suggestion for question {s.question_name!r}: a list of scores needs "
                        "a multi-label, ranking or span question and one score per suggested item, "
                        f"got {len(s.score)} for {s.value!r:.80}"
                    )
            out.append(dumps([s.to_dict() for s in items], "suggestions"))
        except FeedbackError as exc:
            message = str(exc).removeprefix(_where(i) + ": ")
            raise _fail(i, frame, message) from None
    return out


def _span_fields(frame: pd.DataFrame, schema: Schema, i: int) -> dict[str, Any] | None:
    """Row ``i``'s texts of the fields span questions point into (None without such questions)."""
    if not schema.span_questions:
        return None
    return {q.field: frame[q.field].iat[i] for q in schema.span_questions.values()}


def _responses(frame: pd.DataFrame, schema: Schema, ids: pd.Series) -> pd.DataFrame:
    rows: list[dict[str, Any]] = []
    if frame["@responses"].isna().all():
        return T.empty_responses()
    for i, raw in enumerate(frame["@responses"].tolist()):
        if raw is None or (isinstance(raw, float) and is_missing(raw)):
            continue
        if not isinstance(raw, list | tuple):
            raise _fail(i, frame, f"responses must be a list, got {raw!r:.80}")
        seen: set[str] = set()
        for j, item in enumerate(raw):
            try:
                response = normalize_response(item, f"response {j}")
                check_values(
                    schema,
                    response.plain_values(),
                    response.status,
                    f"response {j}",
                    _span_fields(frame, schema, i),
                )
            except FeedbackError as exc:
                raise _fail(i, frame, str(exc)) from None
            if response.user in seen:
                raise _fail(i, frame, f"user {response.user!r} has two responses to this record")
            seen.add(response.user)
            rows.append(
                {
                    "record_id": ids.iloc[i],
                    "user": response.user,
                    "status": response.status,
                    "values": dumps(response.plain_values(), f"response {j}"),
                    "updated_at": response.updated_at,
                    "time_spent": response.time_spent,
                    "inserted_at": response.inserted_at,
                }
            )
    out = pd.DataFrame(rows, columns=T.RESPONSE_COLUMNS)
    # answers that come with records come in bulk (a model's drafts, an import): a person's
    # answer given here ranks above them in to_sft
    return mark_bulk(T.conform_responses(out), "add_records")


def lone_surrogate_error(data: Any, schema: Schema) -> RecordError:
    """Name the record and key whose text holds a lone surrogate (which UTF-8 cannot store)."""
    if isinstance(data, pd.DataFrame) or hasattr(data, "to_pandas"):
        frame = data if isinstance(data, pd.DataFrame) else data.to_pandas()
        items: Any = frame.to_dict("records")
    elif isinstance(data, FeedbackRecord | Mapping):
        items = [data]
    else:
        items = data
    for i, item in enumerate(items):
        if isinstance(item, FeedbackRecord):
            item = vars(item)
        if not isinstance(item, Mapping):
            continue
        flat = {k: v for k, v in item.items() if k != "fields"}
        if isinstance(item.get("fields"), Mapping):
            flat = {**item["fields"], **flat}
        for key, value in flat.items():
            if _has_lone_surrogate(key) or _has_lone_surrogate(value):
                what = f"field {key!r}" if key in schema.field_names else repr(key)
                return RecordError(
                    f"record {i}: {what}: expected valid Unicode text, got a lone surrogate "
                    "character; no record of this batch was added"
                )
    return RecordError(
        "add_records: a text holds a lone surrogate character, which cannot be stored; "
        "no record of this batch was added"
    )


def _has_lone_surrogate(value: Any, depth: int = 0) -> bool:
    if isinstance(value, str):
        return not is_unicode(value)
    if depth > 50:
        return False
    if isinstance(value, Mapping):
        return any(
            _has_lone_surrogate(k, depth + 1) or _has_lone_surrogate(v, depth + 1)
            for k, v in value.items()
        )
    if isinstance(value, list | tuple):
        return any(_has_lone_surrogate(v, depth + 1) for v in value)
    if hasattr(value, "__dataclass_fields__"):  # Suggestion
        return _has_lone_surrogate(vars(value), depth + 1)
    if hasattr(value, "to_dict"):  # Response, FeedbackRecord
        return _has_lone_surrogate(value.to_dict(), depth + 1)
    return False
