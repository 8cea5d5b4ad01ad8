"""Iteration and dataset[i] hand out lazy records: the same as record_at, read when first used."""

from __future__ import annotations

import copy
import pickle
from typing import Any

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

import nb_feedback as rg
from nb_feedback.dataset._recordview import RowBlocks

PIECES = ["\n", "\r\n", "\t", '"', "\\", "\u2028", "\U0001f600", "\u05e9", "e\u0301", " ", "a"]
TEXTS = st.lists(st.sampled_from(PIECES), max_size=4).map(lambda t: "x" + "".join(t))


def _dataset() -> rg.FeedbackDataset:
    return rg.FeedbackDataset(
        fields=[rg.TextField(name="prompt"), rg.TextField(name="context", required=False)],
        questions=[rg.TextQuestion(name="answer")],
        metadata_properties=[rg.TermsMetadataProperty(name="source")],
    )


def _values(record: rg.FeedbackRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "fields": record.fields,
        "metadata": record.metadata,
        "suggestions": record.suggestions,
        "responses": record.responses,
        "external_id": record.external_id,
        "status": record.status,
    }


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.fixed_dictionaries(
            {"prompt": TEXTS},
            optional={
                "context": TEXTS,
                "source": TEXTS,
                "external_id": TEXTS,
                "suggestions": st.lists(
                    st.fixed_dictionaries({"question_name": st.just("answer"), "value": TEXTS}),
                    max_size=1,
                ),
            },
        ),
        min_size=1,
        max_size=12,
    ),
    st.sets(st.integers(0, 11)),
)
def test_views_read_what_record_at_reads(items: list[dict[str, Any]], answered: set[int]) -> None:
    ds = _dataset()
    ds.add_records(items)
    for i in sorted(answered):
        if i < len(ds):
            ds.add_response(ds[i].id, {"answer": f"a{i}"}, user="ann")
    expected = [_values(ds.record_at(i)) for i in range(len(ds))]
    assert [_values(r) for r in ds] == expected  # iteration: rows read a block at a time
    assert [_values(ds[i]) for i in range(len(ds))] == expected  # dataset[i]: one row
    assert [_values(r) for r in ds[::-1]] == expected[::-1]
    assert [_values(r) for r in ds.records] == expected


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.one_of(st.none(), TEXTS, st.just("")), min_size=1, max_size=30),
    st.integers(1, 7),
    st.lists(st.integers(0, 29), max_size=40),
)
def test_row_blocks_read_what_single_cells_read(
    values: list[str | None], block: int, order: list[int]
) -> None:
    # in order and out of order, across block edges, with nulls and chunked columns
    plain = pa.array(values, type=pa.string())
    chunked = pa.chunked_array([plain.slice(0, len(values) // 2), plain.slice(len(values) // 2)])
    blocks = RowBlocks({"a": plain, "b": chunked}, block=block)
    for position in [*range(len(values)), *(i for i in order if i < len(values))]:
        assert blocks.row(position) == {"a": values[position], "b": values[position]}


def test_a_view_reads_nothing_until_used_then_what_is_there() -> None:
    ds = _dataset()
    ds.add_records([{"prompt": "p0"}, {"prompt": "p1"}])
    record = ds[0]
    assert type(record) is rg.FeedbackRecord
    assert "_fields" not in vars(record)  # made from its id alone
    ds.add_response(record.id, {"answer": "yes"}, user="ann")
    assert [r.user for r in record.responses] == ["ann"]  # read now, so the answer shows
    assert record.fields == {"prompt": "p0", "context": None}
    assert repr(record).startswith(f"FeedbackRecord(id={record.id!r}, fields={{'prompt': 'p0'")


def test_a_value_set_before_the_first_read_stays_and_is_committed() -> None:
    ds = _dataset()
    ds.add_records([{"prompt": "p0", "source": "web"}])
    record = next(iter(ds))
    record.metadata = {"source": "mine"}
    assert record.metadata == {"source": "mine"}
    assert record.fields == {"prompt": "p0", "context": None}  # the rest loads as usual
    assert ds[0].metadata == {"source": "mine"}  # the edit is the dataset's


def test_copies_and_pickles_are_plain_records() -> None:
    ds = _dataset()
    ds.add_records([{"prompt": "p0", "source": "web"}])
    ds.add_response(ds[0].id, {"answer": "yes"}, user="ann")
    record = ds[0]
    for other in (copy.copy(record), copy.deepcopy(record), pickle.loads(pickle.dumps(record))):
        assert type(other) is rg.FeedbackRecord
        assert _values(other) == _values(record)
        other.metadata["source"] = "copy"  # a copy is not bound: the dataset is unchanged
        assert ds[0].metadata == {"source": "web"}


def test_a_view_of_a_dataset_is_added_to_another() -> None:
    ds = _dataset()
    ds.add_records([{"prompt": "p0", "source": "web", "external_id": "e0"}])
    other = _dataset()
    other.add_records(ds.records)
    assert _values(other[0]) == _values(ds[0])
