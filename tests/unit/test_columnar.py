"""add_records' column-wise reading of lists agrees with its row-by-row reading.

``_columnar.columns_of`` reads a list of dicts or FeedbackRecords one column at a time; the row
path (``_ingest.rows_to_columns``) reads one record at a time and owns every error message.
On generated lists, often of one common shape and holding odd values, the column-wise reader
either declines (None) or returns exactly the row reader's columns; and ``add_records`` with and
without it gives the same dataset or the same error.
"""

from __future__ import annotations

import math
from typing import Any
from unittest import mock

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

import nb_feedback as rg
from nb_feedback.base import _arrowtext
from nb_feedback.store import _ingest
from nb_feedback.store._columnar import _text_column, columns_of, frame_of

SCHEMA_ARGS: dict[str, Any] = {
    "fields": [rg.TextField(name="prompt"), rg.TextField(name="context", required=False)],
    "questions": [
        rg.TextQuestion(name="answer"),
        rg.RatingQuestion(name="rating", values=[1, 2, 3], required=False),
    ],
    "metadata_properties": [
        rg.TermsMetadataProperty(name="source"),
        rg.IntegerMetadataProperty(name="n"),
    ],
}

# newline, CR/LF, tab, quotes, backslash, U+2028, emoji, right-to-left, a combining mark and
# spaces (ASCII, ideographic, and a separator Python counts as space)
PIECES = ["\n", "\r\n", "\t", '"', "\\", "\u2028", "\U0001f600", "\u05e9", "e\u0301", " "]
PIECES += ["\u3000", "\x1c", "a", "Bc"]
JOINED = st.lists(st.sampled_from(PIECES), max_size=5).map("".join)
GOOD_TEXTS = JOINED.map(lambda t: t + "x") | JOINED.map(lambda t: " x" + t + " ")
# ... and texts a field refuses: empty, blank, a lone surrogate
TEXTS = st.one_of(GOOD_TEXTS, JOINED, st.text(max_size=6), JOINED.map(lambda t: t + "\ud800"))
ODD = st.one_of(
    st.none(),
    st.just(float("nan")),
    st.integers(-2, 2),
    st.booleans(),
    st.binary(max_size=2),
    st.lists(st.integers(0, 3), max_size=2),
    st.dictionaries(st.sampled_from(["source", "n", "x"]), st.integers(0, 2), max_size=2),
)
KEYS = ["prompt", "context", "source", "n", "metadata", "suggestions", "external_id", "id", "zz"]


class Values:
    """What a batch's items hold: only values the schema accepts (clean), or anything."""

    def __init__(self, clean: bool) -> None:
        self.clean = clean
        self.text = GOOD_TEXTS if clean else st.one_of(TEXTS, TEXTS, ODD)
        self.optional_text = st.none() | self.text
        self.metadata = st.fixed_dictionaries(
            {}, optional={"source": GOOD_TEXTS, "n": st.integers(-2, 2)}
        ) | (st.none() if clean else ODD)
        question = st.sampled_from(["answer"] if clean else ["answer", "rating", "nope"])
        self.suggestion_list = st.lists(
            st.fixed_dictionaries({"question_name": question, "value": self.text}), max_size=2
        )
        self.response_list = st.lists(
            st.fixed_dictionaries(
                {
                    "user": st.sampled_from(["ann"] if clean else ["ann", "ann", "bob", ""]),
                    "values": st.fixed_dictionaries(
                        {"answer": self.text},
                        optional={"rating": st.integers(1 if clean else 0, 3)},
                    ),
                    "updated_at": st.just(1.0),
                },
                optional={
                    "status": st.sampled_from(["submitted", "draft"] + ([] if clean else ["x"]))
                },
            ),
            max_size=1 if clean else 2,
        )
        self.suggestions = st.one_of(st.none(), st.just([]), self.suggestion_list)
        self.responses = st.one_of(st.none(), st.just([]), self.response_list)
        if not clean:
            self.suggestions |= ODD
            self.responses |= ODD
        self.external_id = st.none() | GOOD_TEXTS | st.integers(0, 3)
        self.id = st.none() if clean else st.one_of(st.none(), st.sampled_from(["r1", ""]), ODD)

    def value_of(self, key: str) -> st.SearchStrategy[Any]:
        return {
            "prompt": self.text,
            "context": self.optional_text,
            "source": GOOD_TEXTS if self.clean else TEXTS | ODD,
            "n": st.integers(-2, 2) if self.clean else st.integers(-2, 2) | ODD,
            "metadata": self.metadata,
            "suggestions": self.suggestions,
            "responses": self.responses,
            "external_id": self.external_id,
            "id": self.id,
            "zz": self.text,
        }[key]


CLEAN, ANY = Values(clean=True), Values(clean=False)


@st.composite
def records(draw: st.DrawFn, v: Values) -> rg.FeedbackRecord:
    optional = {"context": v.optional_text} if v.clean else {"context": v.text, "zz": v.text}
    record = rg.FeedbackRecord(
        fields=draw(st.fixed_dictionaries({"prompt": v.text}, optional=optional)),
        metadata=draw(st.none() | st.fixed_dictionaries({}, optional={"source": GOOD_TEXTS})),
        suggestions=draw(st.none() | v.suggestion_list),
        responses=draw(st.none() | v.response_list),
        external_id=draw(v.external_id),
        id=draw(v.id),
    )
    if not v.clean and draw(st.integers(0, 9)) == 0:  # edited after it was built, as users may
        record.metadata = draw(ODD)
    return record


@st.composite
def nested_dicts(draw: st.DrawFn, v: Values) -> dict[str, Any]:
    fields = st.fixed_dictionaries({"prompt": v.text}, optional={"context": v.optional_text})
    out: dict[str, Any] = {"fields": draw(fields)}
    keys = ["metadata", "suggestions", "responses", "id"] + ([] if v.clean else ["zz"])
    for key in draw(st.sets(st.sampled_from(keys))):
        out[key] = draw(v.value_of(key))
    return out


@st.composite
def batches(draw: st.DrawFn) -> list[Any]:
    """A list as users pass it: usually one shape throughout, sometimes mixed or malformed."""
    v = CLEAN if draw(st.booleans()) else ANY
    size = draw(st.integers(1, 5))
    shape = draw(st.sampled_from(["flat", "records", "nested", "mixed"]))
    usable = KEYS[:-1] if v.clean else KEYS
    keys = ["prompt", *draw(st.lists(st.sampled_from(usable[1:]), max_size=3, unique=True))]
    if not v.clean and draw(st.booleans()):
        keys = keys[1:]  # the required field left out
    flat = st.fixed_dictionaries({k: v.value_of(k) for k in keys})
    if shape == "flat":
        one: st.SearchStrategy[Any] = flat
    elif shape == "records":
        one = records(v)
    elif shape == "nested":
        one = nested_dicts(v)
    else:
        one = st.one_of(flat, records(v), nested_dicts(v), *([] if v.clean else [ODD]))
    return [draw(one) for _ in range(size)]


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return type(a) is type(b) and bool(a == b)


def _schema() -> Any:
    return rg.FeedbackDataset(**SCHEMA_ARGS).schema


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batches())
def test_columns_of_reads_what_the_row_path_reads(items: list[Any]) -> None:
    schema = _schema()
    fast = columns_of(items, schema)
    event("read column-wise" if fast is not None else "left to the row path")
    if fast is None:
        return  # the row path reads it (and raises, where it must)
    rows = _ingest.rows_to_columns(items, schema)  # never raises where columns_of accepted
    assert list(fast) == list(rows)
    for name, column in rows.items():
        assert len(fast[name]) == len(column)
        # a record's suggestions or responses never given are None column-wise, [] row-wise
        # (reading the attribute makes the list); frame_of reads both as not given
        pairs = zip(fast[name], column, strict=True)
        assert all(_same(_given(a), _given(b)) for a, b in pairs), name
    frames = [_frame_or_error(columns, schema) for columns in (fast, rows)]
    if isinstance(frames[0], str) or isinstance(frames[1], str):
        assert frames[0] == frames[1]  # a lone surrogate: pandas refuses it alike
    else:
        pd.testing.assert_frame_equal(frames[0], frames[1])


def _frame_or_error(columns: Any, schema: Any) -> Any:
    try:
        return frame_of(columns, schema)
    except UnicodeEncodeError as exc:  # add_records names the record (lone_surrogate_error)
        return str(exc)


def _given(value: Any) -> Any:
    return None if type(value) is list and not value else value


def _outcome(items: list[Any], column_wise: bool) -> tuple[str, Any]:
    ds = rg.FeedbackDataset(**SCHEMA_ARGS)
    off = mock.patch.object(_ingest, "columns_of", return_value=None)
    try:
        if column_wise:
            ds.add_records(items, show_progress=False)
        else:
            with off:
                ds.add_records(items, show_progress=False)
    except Exception as exc:
        assert len(ds) == 0  # a batch with one bad record adds none
        return "error", (type(exc).__name__, str(exc))
    frame = ds.to_pandas()
    given_ids = [getattr(r, "id", None) if not isinstance(r, dict) else r.get("id") for r in items]
    if not any(given_ids):  # ids made by add_records differ per batch
        frame = frame.drop(columns="id")
    return "added", frame


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batches())
def test_add_records_gives_the_same_dataset_or_error_either_way(items: list[Any]) -> None:
    kind, fast = _outcome(items, column_wise=True)
    plain_kind, plain = _outcome(items, column_wise=False)
    event(f"{kind}, {'read column-wise' if columns_of(items, _schema()) else 'row path'}")
    assert kind == plain_kind, (fast, plain)
    if kind == "error":
        assert fast == plain
    else:
        pd.testing.assert_frame_equal(fast, plain)


@pytest.mark.parametrize(
    "items",
    [
        [{"prompt": "a"}, {"prompt": "b", "context": None}],
        [rg.FeedbackRecord(fields={"prompt": "a"}), rg.FeedbackRecord(fields={"prompt": "b"})],
        [{"fields": {"prompt": "a"}, "metadata": {"source": "x"}}],
        [{"prompt": "a", "source": "web", "n": 3, "external_id": "e1"}],
    ],
)
def test_the_usual_shapes_are_read_column_wise(items: list[Any]) -> None:
    # the fast path is taken for what users write (else the tests above would pass vacuously)
    assert columns_of(items, _schema()) is not None


def test_errors_name_the_record_and_add_nothing() -> None:
    ds = rg.FeedbackDataset(**SCHEMA_ARGS)
    items = [rg.FeedbackRecord(fields={"prompt": "fine"}) for _ in range(5)]
    items.append(rg.FeedbackRecord(fields={"prompt": "  "}, external_id="x-6"))
    with pytest.raises(rg.RecordError, match=r"record 5 \(external_id 'x-6'\): field 'prompt'"):
        ds.add_records(items)
    with pytest.raises(rg.RecordError, match=r"record 1: unknown column 'promt'"):
        ds.add_records([{"prompt": "a"}, {"promt": "b"}])
    assert len(ds) == 0


def _builder_column(values: list[Any]) -> Any:
    """The plain conversion ``_texts_joined`` is pinned to: pyarrow's builder."""
    try:
        return pd.array(pa.array(values, type=pa.string()), dtype="str")
    except (pa.ArrowException, UnicodeEncodeError, TypeError, ValueError):
        return None


@settings(max_examples=200, deadline=None)
@given(
    st.lists(TEXTS | st.text(max_size=8) | st.sampled_from(["", "\x00", "\ud800x"]), max_size=12),
    st.integers(1, 4),
)
@example(texts=["ab", "c", "", "defg", "h"], per_part=1)  # ASCII: sizes read off the lengths
@example(texts=["ab", "c", "", "defg", "h"], per_part=3)
@example(texts=["ab", "é", "", "defg", "h"], per_part=3)  # one non-ASCII text: measured parts
def test_text_columns_built_in_parts_are_the_builders(texts: list[str], per_part: int) -> None:
    # _text_column converts an all-str column a part at a time into one buffer; the builder
    # alone is the plain path, and a lone surrogate sends both to a Python object column
    with (
        mock.patch.object(_arrowtext, "_TEXTS_PER_PART", per_part),
        mock.patch.object(_arrowtext, "_PARTS_FROM_BYTES", 0 if per_part % 2 else 1 << 20),
    ):
        joined = _text_column(texts)
    built = _builder_column(texts)
    if built is None:
        assert joined.dtype == object and list(joined) == texts
        return
    assert str(joined.dtype) == "str"
    pd.testing.assert_extension_array_equal(joined, built)
    assert pa.array(joined).to_pylist() == texts


def test_text_length_is_counted_in_characters_not_bytes() -> None:
    # the check reads byte lengths first and counts characters only where a text may be long:
    # a text of exactly the limit in two-byte characters (twice the limit in bytes) is taken,
    # one character more is refused, whether the batch is a DataFrame or a list of records
    from nb_feedback.domain._checks import MAX_TEXT_CHARS

    def dataset() -> rg.FeedbackDataset:
        return rg.FeedbackDataset(
            fields=[rg.TextField(name="prompt")], questions=[rg.TextQuestion(name="answer")]
        )

    at_limit = "é" * MAX_TEXT_CHARS
    for batch in (pd.DataFrame({"prompt": [at_limit, "short"]}), [{"prompt": at_limit}]):
        ds = dataset()
        ds.add_records(batch)
        assert ds[0].fields["prompt"] == at_limit
    over = pd.DataFrame({"prompt": ["short", "é" * (MAX_TEXT_CHARS + 1)]})
    ds = dataset()
    with pytest.raises(rg.RecordError, match=r"record 1: field 'prompt': expected at most"):
        ds.add_records(over)
    assert len(ds) == 0


def test_a_record_reads_the_same_whatever_it_was_given() -> None:
    # a record given only its fields sets no other attribute (the class's defaults stand in):
    # every property reads as it does for a record given each value explicitly
    bare = rg.FeedbackRecord(fields={"prompt": "p"})
    full = rg.FeedbackRecord(
        fields={"prompt": "p"},
        metadata={},
        suggestions=[],
        responses=[],
        external_id=None,
        id=None,
        vectors={},
        status="pending",
    )
    for record in (bare, full):
        assert record.fields == {"prompt": "p"}
        assert (record.metadata, record.suggestions, record.responses, record.vectors) == (
            {},
            [],
            [],
            {},
        )
        assert (record.id, record.external_id, record.status) == (None, None, "pending")
        assert record.unified_responses == {}
    bare.metadata["k"] = 1  # the dict made on first read is the record's own
    assert bare.metadata == {"k": 1} and rg.FeedbackRecord(fields={"prompt": "q"}).metadata == {}
    ds = rg.FeedbackDataset(
        fields=[rg.TextField(name="prompt")], questions=[rg.TextQuestion(name="answer")]
    )
    ds.add_records([bare, rg.FeedbackRecord(fields={"prompt": "q"}, external_id="x")])
    assert ds[0].metadata == {"k": 1} and ds[1].external_id == "x" and ds[1].metadata == {}
