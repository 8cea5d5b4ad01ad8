"""Check a frame of answers for ``add_responses`` and turn it into response rows, all or nothing.

``against_held`` then sets those rows against the answers the dataset holds: an answer a
person submitted is not replaced from code unless the call asks for it (``replace_submitted``),
and a row equal to the answer held is no change at all, so re-running a cell writes nothing.

An answer added in bulk (``add_responses``, or the responses ``add_records`` carries) is marked
as such in its provenance (``{"@bulk": {"via": ...}}``, see ``bulk_provenance``): ``to_sft``
ranks a person's answer (the widget, ``add_response``, ``add_review``) above it.

The common batch (one user, one status, submitted non-blank text answers) is checked column by
column; anything else, or any problem found, goes through the per-answer check that names the
first bad row.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from nb_feedback.base._arrowtext import dumps, loads, strings, texts_or_none
from nb_feedback.base._textbuf import has_any
from nb_feedback.base.errors import ResponseError
from nb_feedback.domain._checks import MAX_TEXT_CHARS
from nb_feedback.domain.records import (
    check_status,
    check_time_spent,
    check_user,
    is_status,
    is_user_name,
)
from nb_feedback.domain.schema import RatingQuestion, Schema, TextQuestion
from nb_feedback.domain.validation import check_values, is_missing
from nb_feedback.store import _tables as T
from nb_feedback.store._hlc import CLOCK

BULK = "@bulk"
"""The provenance key of an answer added in bulk (never a question name: those are [a-z0-9_-])."""


def bulk_provenance(via: str) -> str:
    """Return the provenance (JSON text) stored with an answer ``via`` added in bulk."""
    return dumps({BULK: {"via": via}}, via)


def bulk_rows(provenance: Any) -> np.ndarray:
    """Return True for each answer whose stored provenance (JSON text or None) marks it bulk.

    Only ``bulk_provenance`` writes the key, first: a prefix test reads no JSON.
    """
    text = strings(provenance)
    if text.null_count == len(text):
        return np.zeros(len(text), dtype=bool)
    marked = pc.fill_null(pc.starts_with(text, '{"' + BULK + '":'), False)
    return np.asarray(marked.to_numpy(zero_copy_only=False), dtype=bool)


def mark_bulk(rows: pd.DataFrame, via: str) -> pd.DataFrame:
    """Return response ``rows`` with the provenance of answers ``via`` added in bulk."""
    if rows.empty:
        return rows
    mark = pd.array(pa.repeat(pa.scalar(bulk_provenance(via)), len(rows)), dtype="str")
    return T.conform_responses(rows.assign(provenance=mark))


def check_answer_frame(
    dataset: Any, frame: pd.DataFrame, *, user: str | None, status: str
) -> pd.DataFrame:
    """Check a frame of answers (``add_responses``) and return response rows, or raise.

    The rows carry the provenance of answers added in bulk (``bulk_provenance``).
    """
    return mark_bulk(_checked_rows(dataset, frame, user=user, status=status), "add_responses")


def _checked_rows(
    dataset: Any, frame: pd.DataFrame, *, user: str | None, status: str
) -> pd.DataFrame:
    schema: Schema = dataset.schema
    if "record_id" not in frame.columns:
        raise ResponseError("add_responses: expected a 'record_id' column")
    allowed = {"record_id", "user", "status", "time_spent", *schema.question_names}
    extra = [c for c in frame.columns if c not in allowed]
    if extra:
        raise ResponseError(
            f"add_responses: unknown column {extra[0]!r}: expected record_id, "
            f"user, status, time_spent or a question {schema.question_names}"
        )
    n = len(frame)
    if n == 0:
        return T.empty_responses()
    fast = _text_batch_rows(dataset, frame, user, status)
    if fast is not None:
        return fast
    ids = frame["record_id"]
    if pd.api.types.infer_dtype(ids, skipna=False) != "string":  # ints, NaN: never a record id
        ids = ids.map(lambda v: v if isinstance(v, str) else None)
    known = T.isin(ids.astype(object).where(ids.notna(), ""), dataset.tables().records[T.ID])
    if not known.all():
        i = int((~known).to_numpy().argmax())
        raise ResponseError(
            f"answer {i}: record {ids.iloc[i]!r}: no record with this id; "
            "no answer of this batch was added"
        )
    # a row that leaves user or status empty (a list of dicts where only some rows set it)
    # takes the keyword default, as a frame without that column does
    users = _column_or_default(frame, "user", user)
    statuses = _column_or_default(frame, "status", status)
    for i, (u, st) in _rows_to_check(users, statuses):
        where = f"answer {i}: record {ids.iloc[i]!r}"
        try:  # the rules of records.py, the same for one answer and for a batch
            check_user(u, where)
            check_status(st, where)
        except ResponseError as exc:
            raise ResponseError(f"{exc}; no answer of this batch was added") from None
    one_user = users.nunique(dropna=False) == 1  # the usual batch: a key is its record id
    twice = ids.duplicated() if one_user else pd.DataFrame({"r": ids, "u": users}).duplicated()
    if twice.any():
        i = int(twice.to_numpy().argmax())
        raise ResponseError(
            f"answer {i}: record {ids.iloc[i]!r}: user {users.iloc[i]!r} answers "
            "it twice in this batch; no answer of this batch was added"
        )
    questions = [q for q in schema.question_names if q in frame.columns]
    # Fast path: all-submitted text answers with no gaps are checked column-wise; anything
    # else (or any problem found) goes through the per-answer check that names the culprit.
    texts = _checked_texts(schema, frame, questions) if (statuses == "submitted").all() else None
    if texts is not None:
        values_json: list[str] = _json_objects(questions, texts).to_pylist()
    else:
        columns = {q: _answer_column(schema, q, frame[q]) for q in questions}
        status_list, id_list = statuses.tolist(), ids.tolist()
        span_texts = _span_texts(dataset, schema, questions)
        values_json = []
        for i in range(n):
            values = {q: columns[q][i] for q in questions if not is_missing(columns[q][i])}
            where = f"answer {i}: record {id_list[i]!r}"
            try:
                fields = None if span_texts is None else span_texts.get(id_list[i], {})
                check_values(schema, values, status_list[i], where, fields)
                if schema.turn_questions:  # each turn named must be an assistant turn
                    dataset._check_turns(id_list[i], values, where)
            except ResponseError as exc:
                raise ResponseError(f"{exc}; no answer of this batch was added") from None
            values_json.append(dumps(values, where))
    spent = frame["time_spent"] if "time_spent" in frame.columns else pd.Series([None] * n)
    if "time_spent" in frame.columns:
        for i, value in enumerate(spent.tolist()):
            if not is_missing(value):
                check_time_spent(value, f"answer {i}: record {ids.iloc[i]!r}")
    now = CLOCK.tick()  # later than every answer this process gave or read
    out = pd.DataFrame(
        {
            "record_id": ids.to_numpy(dtype=object),
            "user": users.to_numpy(dtype=object),
            "status": statuses.to_numpy(dtype=object),
            "values": values_json,
            "updated_at": now,
            "time_spent": pd.to_numeric(spent, errors="coerce").to_numpy(dtype=float),
        }
    )
    return T.conform_responses(out)


def _span_texts(
    dataset: Any, schema: Schema, questions: list[str]
) -> dict[str, dict[str, Any]] | None:
    """Each record's texts that span answers point into (None when no span question is answered)."""
    if not any(q in schema.span_questions for q in questions):
        return None
    records = dataset.tables().records
    names = sorted(
        {schema.span_questions[q].field for q in questions if q in schema.span_questions}
    )
    columns = [records[T.ID].tolist(), *(records[name].tolist() for name in names)]
    return {row[0]: dict(zip(names, row[1:], strict=True)) for row in zip(*columns, strict=True)}


def _answer_column(schema: Schema, name: str, column: pd.Series) -> list[Any]:
    values: list[Any] = column.tolist()
    if isinstance(schema.question(name), RatingQuestion) and pd.api.types.is_float_dtype(column):
        # pandas stores an int column with gaps as float64: 3.0 there is the rating 3
        return [int(v) if isinstance(v, float) and v.is_integer() else v for v in values]
    return values


def _column_or_default(frame: pd.DataFrame, name: str, default: str | None) -> pd.Series:
    if name not in frame.columns:
        return pd.Series([default] * len(frame), index=frame.index, dtype=object)
    column = frame[name].astype(object)
    return column if default is None else column.where(column.notna(), default)


def _rows_to_check(users: pd.Series, statuses: pd.Series) -> Any:
    """Yield (i, (user, status)) to check one by one, or nothing when all are clearly fine.

    The column-wise test covers the common batch (one user, one valid status); any doubt
    falls back to the per-row loop, which names the first bad row.
    """
    # few distinct users and statuses, usually one each: check those, not every row
    fine = all(is_user_name(u) for u in pd.unique(users)) and all(
        is_status(st) for st in pd.unique(statuses)
    )
    if fine:
        return iter(())
    return enumerate(zip(users.tolist(), statuses.tolist(), strict=True))


# Characters JSON must escape (and two that some encoders do): a row holding one is encoded by
# orjson; every other text answer is spliced between quotes as it is.
_JSON_ESCAPE = r'["\\\x00-\x1f\x7f\x{2028}\x{2029}]'
_JSON_ESCAPE_BYTES = (b'"', b"\\", b"\x7f", b"\xe2")


def _text_batch_rows(
    dataset: Any, frame: pd.DataFrame, user: str | None, status: str
) -> pd.DataFrame | None:
    """Response rows for the common bulk batch, checked and encoded in Arrow; None otherwise.

    The common batch: one user and status from the keywords, submitted, every question column a
    text question with a non-blank text in every row, distinct known record ids. It never
    raises: anything else (or any problem) returns None, and the per-answer path names it.
    """
    schema: Schema = dataset.schema
    if status != "submitted" or not is_user_name(user):
        return None
    if {"user", "status", "time_spent"} & set(frame.columns):
        return None
    questions = [q for q in schema.question_names if q in frame.columns]
    texts = _checked_texts(schema, frame, questions)
    if texts is None:
        return None
    n = len(frame)
    ids = texts_or_none(frame["record_id"], large=True)
    if ids is None or ids.null_count:
        return None
    positions = pc.index_in(ids, value_set=dataset.tables().record_ids)
    if positions.null_count:  # an unknown record
        return None
    if np.bincount(positions.to_numpy(), minlength=len(dataset)).max() > 1:  # a record twice
        return None
    return pd.DataFrame(
        {
            "record_id": pd.array(ids, dtype="str"),
            "user": pd.array(pa.repeat(user, n), dtype="str"),
            "status": pd.array(pa.repeat(status, n), dtype="str"),
            "values": pd.array(_json_objects(questions, texts), dtype="str"),
            "updated_at": np.full(n, CLOCK.tick()),
            "time_spent": np.full(n, np.nan),
        }
    )


def _checked_texts(
    schema: Schema, frame: pd.DataFrame, questions: list[str]
) -> list[pa.Array] | None:
    """Return the answer columns as Arrow text, or None unless every answer is a valid text.

    Valid: every question given is a text question answered with non-blank text of at most
    ``MAX_TEXT_CHARS`` in every row, and no required question is left out.
    """
    if not questions or any(q.required and q.name not in questions for q in schema.questions):
        return None
    texts = []
    for name in questions:
        question = schema.question(name)
        if not isinstance(question, TextQuestion) or question.turns_of is not None:
            return None  # a per-turn answer is a dict by turn: the per-answer path checks it
        text = texts_or_none(frame[name], large=True)
        if text is None or text.null_count:
            return None
        lengths = pc.utf8_length(text)
        if pc.min(lengths).as_py() == 0 or pc.max(lengths).as_py() > MAX_TEXT_CHARS:
            return None
        if pc.any(pc.utf8_is_space(text)).as_py():  # whitespace only
            return None
        texts.append(text)
    return texts


def _json_objects(questions: list[str], texts: list[pa.Array]) -> pa.Array:
    """Return ``{"q1":"t1",...}`` per row, byte for byte what orjson writes for that dict.

    Question names are [a-z0-9_-] and need no escaping; texts without a character JSON
    escapes are joined in one Arrow pass, and the rows that have one go through orjson.
    """
    large = pa.large_string()
    pieces: list[Any] = []
    for k, (name, text) in enumerate(zip(questions, texts, strict=True)):
        pieces += [pa.scalar(('{"' if k == 0 else '","') + name + '":"', large), text]
    pieces += [pa.scalar('"}', large), pa.scalar("", large)]  # the last is the separator
    joined = pc.binary_join_element_wise(*pieces)
    # a scan of the raw bytes first (~5x faster than the regex per row): a control byte, '"',
    # a backslash, DEL, or 0xE2 (the lead byte of U+2028 and U+2029, and of other characters)
    if not any(has_any(text, _JSON_ESCAPE_BYTES, below=0x20) for text in texts):
        return joined
    escape = pc.match_substring_regex(texts[0], pattern=_JSON_ESCAPE)
    for text in texts[1:]:
        escape = pc.or_(escape, pc.match_substring_regex(text, pattern=_JSON_ESCAPE))
    if not pc.any(escape).as_py():
        return joined
    rows = pa.array(np.flatnonzero(escape.to_numpy(zero_copy_only=False)))
    values = zip(*(text.take(rows).to_pylist() for text in texts), strict=True)
    encoded = [dumps(dict(zip(questions, v, strict=True)), "answer") for v in values]
    return pc.replace_with_mask(joined, escape, pa.array(encoded, type=large))


class AnswersAdded(int):
    """The number of answers ``add_responses`` wrote, and what it left as it was.

    It is an ``int`` (the answers written), with:

    - ``unchanged``: rows equal to the answer already held (a re-run): nothing to write;
    - ``kept``: submitted answers left as they were, because the call did not pass
      ``replace_submitted=True``;
    - ``replaced``: submitted answers replaced, because it did.
    """

    written: int
    unchanged: int
    kept: int
    replaced: int

    def __new__(cls, written: int, unchanged: int = 0, kept: int = 0, replaced: int = 0) -> Any:
        out = super().__new__(cls, written)
        out.written, out.unchanged, out.kept, out.replaced = written, unchanged, kept, replaced
        return out

    def __repr__(self) -> str:
        if not (self.unchanged or self.kept or self.replaced):
            return str(self.written)
        return (
            f"AnswersAdded(written={self.written}, unchanged={self.unchanged}, "
            f"kept={self.kept}, replaced={self.replaced})"
        )


def against_held(
    held: pd.DataFrame, rows: pd.DataFrame, *, replace_submitted: bool
) -> tuple[pd.DataFrame, AnswersAdded]:
    """Return the rows to write, and the tally, given the responses the dataset ``held``.

    A row for a (record, user) whose held answer is submitted replaces it only with
    ``replace_submitted``; a row equal to the held answer (status and values) is dropped.
    Warns (naming the first record) when submitted answers were kept.
    """
    n = len(rows)
    if held.empty or n == 0:
        return rows, AnswersAdded(n)
    keys = pd.MultiIndex.from_arrays([held["record_id"], held["user"]])
    at = keys.get_indexer(pd.MultiIndex.from_arrays([rows["record_id"], rows["user"]]))
    hit = np.flatnonzero(at >= 0)
    if hit.size == 0:
        return rows, AnswersAdded(n)
    old_status = held["status"].to_numpy(dtype=object)[at[hit]]
    old_values = held["values"].to_numpy(dtype=object)[at[hit]]
    new_status = rows["status"].to_numpy(dtype=object)[hit]
    new_values = rows["values"].to_numpy(dtype=object)[hit]
    same = np.array(
        [
            s0 == s1 and (v0 == v1 or loads(v0) == loads(v1))
            for s0, s1, v0, v1 in zip(old_status, new_status, old_values, new_values, strict=True)
        ],
        dtype=bool,
    )
    submitted = (old_status == "submitted") & ~same
    drop = same if replace_submitted else same | submitted
    tally = AnswersAdded(
        n - int(drop.sum()),
        unchanged=int(same.sum()),
        kept=0 if replace_submitted else int(submitted.sum()),
        replaced=int(submitted.sum()) if replace_submitted else 0,
    )
    if tally.kept:
        first = hit[np.flatnonzero(submitted)[0]]
        warnings.warn(
            f"add_responses: {tally.kept} answer(s) were not written because the same user had "
            f"already submitted another answer to that record (first: record "
            f"{rows['record_id'].iloc[first]!r}, user {rows['user'].iloc[first]!r}); the "
            "submitted answers are kept. Pass replace_submitted=True to replace them.",
            UserWarning,
            stacklevel=3,
        )
    if not drop.any():
        return rows, tally
    keep = np.ones(n, dtype=bool)
    keep[hit[drop]] = False
    return rows.loc[keep].reset_index(drop=True), tally
