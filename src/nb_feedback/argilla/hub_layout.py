"""Records as the columns of Argilla 2's Hub layouts, both ways.

One row per record. The SDK's layout (``layout="argilla"``): ``id``, ``status``, ``_server_id``,
a column per field, metadata and vectors under their own names, and per question ``q``:
``q.responses`` / ``q.responses.users`` / ``q.responses.status`` (one item per answer, aligned)
and ``q.suggestion`` / ``q.suggestion.score`` / ``q.suggestion.agent``. The server's export
(``layout="argilla-server"``) names metadata ``metadata.<n>`` and vectors ``vector.<n>``, holds
terms metadata as lists, adds ``inserted_at`` / ``updated_at``, and lists every annotator of a
record under every question (``None`` where that one was not answered: read here, but written
in the SDK's form, which Argilla 2's reader takes; see ``_responses``).

Where Argilla 2 loses data in its own files, the writers here keep it: a response with no
answer (a bare discard) is written under the first question with a null value; every
suggestion column is written for every record; ranking suggestions take the form each
reader of that layout understands.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from nb_feedback.argilla.hub_settings import field_kind_of, kind_of, spans_in, user_uuid
from nb_feedback.base._arrowtext import loads_python
from nb_feedback.base.errors import HubError
from nb_feedback.domain.metadata import (
    FloatMetadataProperty,
    IntegerMetadataProperty,
    TermsMetadataProperty,
)
from nb_feedback.domain.schema import (
    LabelQuestion,
    MultiLabelQuestion,
    Schema,
)
from nb_feedback.domain.spans import SpanQuestion

if TYPE_CHECKING:
    from nb_feedback.domain.records import FeedbackRecord
    from nb_feedback.store.view import DatasetView

LAYOUTS = ("argilla", "argilla-server")
# columns each Argilla 2 layout holds beside fields, questions, metadata and vectors
RECORD_COLUMNS = {"id", "status", "_server_id", "inserted_at", "updated_at", "external_id"}


def value_type(question: Any, *, suggestion: bool = False) -> pa.DataType:
    """Return the Arrow type of one answer (or suggestion) of ``question`` in the columns."""
    kind = kind_of(question)
    if suggestion and kind.suggestion_type is not None:
        return kind.suggestion_type
    return kind.answer_type


def _metadata_type(prop: Any, values: list[Any], layout: str) -> pa.DataType:
    if isinstance(prop, IntegerMetadataProperty):
        return pa.int64()
    if isinstance(prop, FloatMetadataProperty):
        return pa.float64()
    if layout == "argilla-server" or any(isinstance(v, list) for v in values):
        return pa.list_(pa.string())
    return pa.string()


def _terms(value: Any, as_list: bool) -> Any:
    if not as_list or value is None:
        return value
    return value if isinstance(value, list) else [value]


def _timestamp(seconds: float | None) -> dt.datetime | None:
    if seconds is None:
        return None
    return dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc)


def records_table(
    dataset: DatasetView, layout: str = "argilla"
) -> tuple[pa.Table, dict[str, str], list[str]]:
    """Return ``layout``'s table of ``dataset``, its annotators ``{uuid: name}``, extra columns.

    The extra columns hold undeclared metadata keys (one column each).

    Parameters
    ----------
    dataset : FeedbackDataset
        What to write.
    layout : {"argilla", "argilla-server"}
        The SDK's ``to_hub`` layout or the server's Hub export.
    """
    if layout not in LAYOUTS:
        raise HubError(f"to_hub: layout={layout!r}; expected one of {list(LAYOUTS)}")
    schema = dataset.schema
    server = layout == "argilla-server"
    records = list(dataset)
    statuses = list(dataset.record_statuses())
    users: dict[str, str] = {}
    columns: dict[str, tuple[pa.DataType, list[Any]]] = {}

    def put(name: str, kind: pa.DataType, values: list[Any]) -> None:
        if name in columns:
            raise HubError(
                f"to_hub: two things would be written to column {name!r}; rename one of them"
            )
        columns[name] = (kind, values)

    put("id", pa.string(), [r.id for r in records])
    put("status", pa.string(), [str(s) for s in statuses])
    put("_server_id", pa.string(), [None] * len(records))
    if server:
        inserted, updated = _record_times(records)
        put("inserted_at", pa.timestamp("us", tz="UTC"), inserted)
        put("updated_at", pa.timestamp("us", tz="UTC"), updated)
    if any(r.external_id is not None for r in records):
        # nb_feedback's own: Argilla 2 keeps one id per record (``id`` is ours)
        put("external_id", pa.string(), [r.external_id for r in records])
    for f in schema.fields:
        put(f.name, field_kind_of(f).arrow_type, [r.fields.get(f.name) for r in records])
    metas = [dict(r.metadata or {}) for r in records]
    declared = set(schema.metadata_names)
    prefix = "metadata." if server else ""
    for p in schema.metadata_properties:
        values = [m.get(p.name) for m in metas]
        kind = _metadata_type(p, values, layout)
        as_list = pa.types.is_list(kind)
        put(prefix + p.name, kind, [_terms(v, as_list) for v in values])
    extra = sorted({k for m in metas for k in m if k not in declared})
    for key in extra:  # undeclared metadata: a column of its own, typed by its values
        values = [m.get(key) for m in metas]
        try:
            kind = pa.array(values).type
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            raise HubError(
                f"to_hub: metadata {key!r} holds values of different types across records; "
                "Hub layouts need one type per column"
            ) from None
        put(prefix + key, kind, values)
    vprefix = "vector." if server else ""
    for v in schema.vectors_settings:
        put(
            vprefix + v.name,
            pa.list_(pa.float64()),
            [
                None
                if (r.vectors or {}).get(v.name) is None
                else list(map(float, r.vectors[v.name]))
                for r in records
            ],
        )
    _responses(records, schema, users, put)
    _suggestions(records, schema, layout, put)
    table = pa.table(
        {name: pa.array(values, type=kind) for name, (kind, values) in columns.items()}
    )
    return table, users, [prefix + key for key in extra]


def _record_times(records: list[FeedbackRecord]) -> tuple[list[Any], list[Any]]:
    """Record times for the server's layout: its first and latest answers (None without any)."""
    inserted, updated = [], []
    for r in records:
        ins = [x.inserted_at for x in r.responses if x.inserted_at is not None]
        upd = [x.updated_at for x in r.responses if x.updated_at is not None]
        inserted.append(_timestamp(min(ins)) if ins else None)
        updated.append(_timestamp(max(upd)) if upd else None)
    return inserted, updated


def _responses(
    records: list[FeedbackRecord], schema: Schema, users: dict[str, str], put: Any
) -> None:
    first = schema.questions[0].name
    per_question: dict[str, list[tuple[list[Any], list[str], list[str]] | None]] = {
        q.name: [] for q in schema.questions
    }
    for r in records:
        cells: dict[str, tuple[list[Any], list[str], list[str]]] = {}
        for response in r.responses:
            uid = user_uuid(response.user)
            users[uid] = response.user
            values = {k: v for k, v in response.plain_values().items() if v is not None}
            for q in schema.questions:
                value = values.get(q.name)
                bare = not values and q.name == first  # a discard with no answer: its status
                if value is None and not bare:
                    # Only the questions a response answers, in both layouts: the server's
                    # export lists a null for each question a user skipped, which Argilla 2's
                    # own reader refuses for a submitted response; this form it reads.
                    continue
                out = None if value is None else kind_of(q).response_out(q, value)
                triple = cells.setdefault(q.name, ([], [], []))
                triple[0].append(out)
                triple[1].append(uid)
                triple[2].append(response.status)
        for q in schema.questions:
            per_question[q.name].append(cells.get(q.name))
    for q in schema.questions:
        cells_of = per_question[q.name]
        put(
            f"{q.name}.responses",
            pa.list_(value_type(q)),
            [None if c is None else c[0] for c in cells_of],
        )
        put(
            f"{q.name}.responses.users",
            pa.list_(pa.string()),
            [None if c is None else c[1] for c in cells_of],
        )
        put(
            f"{q.name}.responses.status",
            pa.list_(pa.string()),
            [None if c is None else c[2] for c in cells_of],
        )


def _suggestions(records: list[FeedbackRecord], schema: Schema, layout: str, put: Any) -> None:
    by_record = [{s.question_name: s for s in r.suggestions} for r in records]
    for q in schema.questions:
        kind = kind_of(q)
        got = [per.get(q.name) for per in by_record]
        values = [None if s is None else kind.suggestion_out(q, s.value, layout) for s in got]
        scores = [None if s is None else s.score for s in got]
        per_item = any(isinstance(x, list) for x in scores)
        if per_item:  # one score per item on some record: every score becomes a list
            scores = [
                x
                if x is None or isinstance(x, list)
                else [float(x)] * len((s.value if s is not None else None) or [])
                for x, s in zip(scores, got, strict=True)
            ]
        put(
            f"{q.name}.suggestion",
            value_type(q, suggestion=True),
            values,
        )
        put(
            f"{q.name}.suggestion.score",
            pa.list_(pa.float64()) if per_item else pa.float64(),
            scores,
        )
        put(
            f"{q.name}.suggestion.agent", pa.string(), [None if s is None else s.agent for s in got]
        )


# ------------------------------------------------------------------------------------ reading
def _decode_class_labels(table: pa.Table) -> dict[str, list[Any]]:
    """Return the ClassLabel columns (per the file's ``datasets`` features) as label names.

    Argilla 2's SDK writes a label question's suggestions as a ClassLabel whose names hold
    ``None`` for records without one; that name reads as no suggestion here, not as "None".
    """
    meta = (table.schema.metadata or {}).get(b"huggingface")
    if not meta:
        return {}
    try:
        features = loads_python(meta)["info"]["features"]  # written by datasets
    except (ValueError, KeyError, TypeError):
        return {}
    out: dict[str, list[Any]] = {}
    for name, feature in features.items():
        if isinstance(feature, Mapping) and feature.get("_type") == "ClassLabel":
            names = feature.get("names") or []
            codes = table.column(name).to_pylist() if name in table.column_names else []
            out[name] = [names[c] if c is not None and 0 <= c < len(names) else None for c in codes]
    return out


def records_from_table(
    table: pa.Table,
    schema: Schema,
    users: Mapping[str, str],
    where: str,
    known_extra: Iterable[str] = (),
) -> list[dict[str, Any]]:
    """Read an Argilla 2 layout's table (either layout) as records for ``add_records``.

    ``users`` maps user ids to names (an id not in it stays the annotator's name). A column
    that is no field, question, metadata property or vector of the settings is kept as extra
    metadata, with a warning unless ``known_extra`` lists it (nb_feedback wrote it so); one
    that cannot be placed raises naming it. Nothing is dropped without a word.
    """
    names = table.column_names
    decoded = _decode_class_labels(table)
    cols = {n: decoded.get(n) or table.column(n).to_pylist() for n in names}
    n = table.num_rows
    placed: set[str] = set()

    def col(name: str) -> list[Any] | None:
        if name in cols:
            placed.add(name)
            return cols[name]
        return None

    ids = col("id")
    for extra in ("status", "_server_id", "inserted_at", "updated_at"):
        col(extra)  # derived (status) or the server's own (ids, times): see the docs
    external = col("external_id")
    server_ids = cols.get("_server_id")
    fields = {}
    for f in schema.fields:
        values = col(f.name)
        if values is None:
            if f.required:
                raise HubError(f"{where}: no column {f.name!r} for required field {f.name!r}")
            values = [None] * n
        fields[f.name] = values
    declared = {}
    for p in schema.metadata_properties:
        values = col(f"metadata.{p.name}")
        if values is None:
            values = col(p.name)
        declared[p.name] = (p, values)
    vectors = {}
    for v in schema.vectors_settings:
        values = col(f"vector.{v.name}")
        vectors[v.name] = values if values is not None else col(v.name)
    questions = {}
    for q in schema.questions:
        got = {
            part: col(f"{q.name}.{part}")
            for part in (
                "responses",
                "responses.users",
                "responses.status",
                "suggestion",
                "suggestion.score",
                "suggestion.agent",
            )
        }
        if (got["responses"] is None) != (got["responses.users"] is None):
            missing = "responses.users" if got["responses.users"] is None else "responses"
            raise HubError(f"{where}: column {q.name}.{missing!s} is missing beside its pair")
        questions[q.name] = got
    rest = [c for c in names if c not in placed]
    unknown_questions = sorted(
        {c.split(".")[0] for c in rest if ".responses" in c or ".suggestion" in c}
    )
    if unknown_questions:
        raise HubError(
            f"{where}: columns for question(s) {unknown_questions} that the settings do not "
            f"declare (settings questions: {schema.question_names})"
        )
    extra_meta = list(rest)
    if extra_meta and not schema.allow_extra_metadata:
        raise HubError(
            f"{where}: column(s) {extra_meta} are not fields, questions, metadata or vectors of "
            "the settings, and allow_extra_metadata is false: nowhere to keep them"
        )
    unexpected = [c for c in extra_meta if c not in set(known_extra)]
    if unexpected:
        warnings.warn(
            f"{where}: column(s) {unexpected} are not in the settings: kept as each record's "
            "extra metadata",
            stacklevel=3,
        )
    out = []
    for i in range(n):
        metadata: dict[str, Any] = {}
        for name, (p, values) in declared.items():
            value = None if values is None else values[i]
            if isinstance(p, TermsMetadataProperty) and isinstance(value, list):
                # the server writes every terms value as a list, [None] when there is none
                value = [v for v in value if v is not None]
                value = None if not value else value[0] if len(value) == 1 else value
            if value is not None:
                metadata[name] = value
        for c in extra_meta:
            value = cols[c][i]
            if value is not None:
                metadata[c.removeprefix("metadata.")] = value
        record_vectors = {
            name: list(values[i])
            for name, values in vectors.items()
            if values is not None and values[i] is not None
        }
        record_id = None if ids is None else ids[i]
        ext = external[i] if external is not None else None
        if ext is None and server_ids is not None:
            ext = server_ids[i]  # the server's record id: the way back to its row there
        out.append(
            {
                "id": None if record_id is None else str(record_id),
                "external_id": ext,
                "fields": {k: v[i] for k, v in fields.items() if v[i] is not None},
                "metadata": metadata or None,
                "vectors": record_vectors or None,
                "suggestions": _read_suggestions(schema, questions, i, where) or None,
                "responses": _read_responses(schema, questions, users, i, where) or None,
            }
        )
    return out


def _read_suggestions(
    schema: Schema, questions: Mapping[str, Mapping[str, Any]], i: int, where: str
) -> list[dict[str, Any]]:
    out = []
    for q in schema.questions:
        got = questions[q.name]
        values = got["suggestion"]
        value = None if values is None else values[i]
        if value is None:
            continue
        if (
            isinstance(q, LabelQuestion)
            and not isinstance(q, MultiLabelQuestion)
            and value == "None"
            and "None" not in q.label_values
        ):
            continue  # Argilla 2's ClassLabel name for "no suggestion"
        score = None if got["suggestion.score"] is None else got["suggestion.score"][i]
        agent = None if got["suggestion.agent"] is None else got["suggestion.agent"][i]
        if isinstance(q, SpanQuestion):  # Argilla 2 scores each span in a list beside them
            value, score = spans_in(value, score)
        out.append(
            {
                "question_name": q.name,
                "value": kind_of(q).value_in(q, value),
                "score": score,
                "agent": agent,
            }
        )
    return out


def _read_responses(
    schema: Schema,
    questions: Mapping[str, Mapping[str, Any]],
    users: Mapping[str, str],
    i: int,
    where: str,
) -> list[dict[str, Any]]:
    by_user: dict[str, dict[str, Any]] = {}
    for q in schema.questions:
        got = questions[q.name]
        if got["responses"] is None:
            continue
        values = got["responses"][i] or []
        uids = got["responses.users"][i] or []
        statuses = (got["responses.status"] or [None] * (i + 1))[i] or []
        if len(values) != len(uids):
            raise HubError(
                f"{where}: record {i}, question {q.name!r}: {len(values)} responses for "
                f"{len(uids)} users"
            )
        for j, (value, uid) in enumerate(zip(values, uids, strict=True)):
            name = users.get(str(uid), str(uid))
            status = statuses[j] if j < len(statuses) and statuses[j] else "submitted"
            entry = by_user.setdefault(name, {"user_id": name, "values": {}, "status": status})
            if value is not None:
                entry["values"][q.name] = {"value": kind_of(q).value_in(q, value)}
    return list(by_user.values())
