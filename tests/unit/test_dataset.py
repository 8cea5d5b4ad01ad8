"""FeedbackDataset: adding records and answers (all or nothing), filtering, reading."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import datasets
import orjson
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nb_feedback as rg
from conftest import DatasetFactory, assert_unchanged, make_records, make_schema_kwargs, snapshot
from nb_feedback.base.errors import RecordError, ResponseError, SchemaError, StorageError
from nb_feedback.store._answers import _json_objects

# ------------------------------------------------------------------ add_records: input forms


def _prompts(ds: rg.FeedbackDataset) -> list[str]:
    return [r.fields["prompt"] for r in ds]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(rg.FeedbackRecord(fields={"prompt": "a"}), id="FeedbackRecord"),
        pytest.param({"fields": {"prompt": "a"}}, id="nested dict"),
        pytest.param({"prompt": "a"}, id="flat dict"),
        pytest.param([rg.FeedbackRecord(fields={"prompt": "a"})], id="list of records"),
        pytest.param([{"prompt": "a"}], id="list of flat dicts"),
        pytest.param(pd.DataFrame({"prompt": ["a"]}), id="DataFrame"),
        pytest.param(datasets.Dataset.from_dict({"prompt": ["a"]}), id="datasets.Dataset"),
    ],
)
def test_add_records_accepts_every_input_form(data: Any) -> None:
    ds = rg.FeedbackDataset(**make_schema_kwargs())
    ds.add_records(data)
    assert len(ds) == 1
    record = ds[0]
    assert record.fields == {"prompt": "a", "context": None}
    assert record.metadata == {}
    assert record.suggestions == []
    assert record.responses == []


@pytest.mark.parametrize("form", ["records", "nested", "flat", "DataFrame", "datasets"])
def test_add_records_keeps_everything_in_every_form(form: str) -> None:
    rows = [
        {
            "prompt": f"p{i} مرحبا 👋",
            "context": "c" if i else None,
            "source": ["web", "book"][i],
            "length": 10 * i,
            "score": 0.5,
            "external_id": f"e{i}",
        }
        for i in range(2)
    ]
    meta_keys = ("source", "length", "score")
    if form == "records":
        data: Any = [
            rg.FeedbackRecord(
                fields={"prompt": r["prompt"], "context": r["context"]},
                metadata={k: r[k] for k in meta_keys},
                external_id=r["external_id"],
            )
            for r in rows
        ]
    elif form == "nested":
        data = [
            {
                "fields": {"prompt": r["prompt"], "context": r["context"]},
                "metadata": {k: r[k] for k in meta_keys},
                "external_id": r["external_id"],
            }
            for r in rows
        ]
    elif form == "flat":
        data = rows
    elif form == "DataFrame":
        data = pd.DataFrame(rows)
    else:
        data = datasets.Dataset.from_list(rows)
    ds = rg.FeedbackDataset(**make_schema_kwargs())
    ds.add_records(data)
    got = [(r.fields, r.metadata, r.external_id) for r in ds]
    assert got == [
        ({"prompt": "p0 مرحبا 👋", "context": None}, {"source": "web", "length": 0, "score": 0.5}, "e0"),
        ({"prompt": "p1 مرحبا 👋", "context": "c"}, {"source": "book", "length": 10, "score": 0.5}, "e1"),
    ]  # fmt: skip


def test_add_records_takes_suggestions_and_argilla_v1_responses() -> None:
    ds = rg.FeedbackDataset(**make_schema_kwargs())
    ds.add_records(
        [
            rg.FeedbackRecord(
                fields={"prompt": "Name a prime."},
                suggestions=[
                    rg.SuggestionSchema(question_name="demonstration", value="2", agent="gpt"),
                    {"question_name": "quality", "value": 4, "score": 0.9},
                ],
                responses=[
                    rg.ResponseSchema(
                        user_id="ann",
                        values={"demonstration": {"value": "3"}, "quality": {"value": 5}},
                        status="submitted",
                    ),
                    {"user_id": "bob", "values": {"topic": {"value": "math"}}, "status": "draft"},
                    {"user": "cy", "values": {"demonstration": "7"}},  # our own plain form
                ],
            )
        ]
    )
    record = ds[0]
    assert [(s.question_name, s.value, s.score, s.agent) for s in record.suggestions] == [
        ("demonstration", "2", None, "gpt"),
        ("quality", 4, 0.9, None),
    ]
    got = sorted((r.user, r.plain_values(), r.status) for r in record.responses)
    assert got == [
        ("ann", {"demonstration": "3", "quality": 5}, "submitted"),
        ("bob", {"topic": "math"}, "draft"),
        ("cy", {"demonstration": "7"}, "submitted"),
    ]


def test_suggestions_as_a_question_to_value_dict() -> None:
    ds = rg.FeedbackDataset(**make_schema_kwargs())
    ds.add_records({"prompt": "p", "suggestions": {"demonstration": "hi", "topic": "code"}})
    assert {s.question_name: s.value for s in ds[0].suggestions} == {
        "demonstration": "hi",
        "topic": "code",
    }


# ------------------------------------------------------------------------------------ ids


def test_ids_are_unique_stable_strings(make_dataset: DatasetFactory) -> None:
    ds = make_dataset(5)
    ids = [r.id for r in ds]
    assert all(isinstance(i, str) and i for i in ids)
    assert len(set(ids)) == 5
    ds.add_records(make_records(3))
    more = [r.id for r in ds]
    assert more[:5] == ids  # adding more never renumbers
    assert len(set(more)) == 8
    assert [ds[i].id for i in range(5)] == ids  # and reading twice gives the same ids
    assert ds.to_pandas()["id"].tolist() == more


def test_given_ids_are_kept(make_dataset: DatasetFactory) -> None:
    ds = make_dataset(0)
    ds.add_records([{"prompt": "a", "id": "mine-1"}, {"prompt": "b"}])
    assert ds[0].id == "mine-1"
    assert isinstance(ds[1].id, str)
    assert ds[1].id != "mine-1"


def test_ids_survive_save_and_load(make_dataset: DatasetFactory, tmp_path: Path) -> None:
    ds = make_dataset(4)
    ids = [r.id for r in ds]
    ds.save(tmp_path / "ds")
    ds.close()
    assert [r.id for r in rg.FeedbackDataset.from_disk(tmp_path / "ds")] == ids


# -------------------------------------------------------------- add_records: all or nothing

GOOD = {"fields": {"prompt": "fine"}}

BAD_RECORDS = [
    pytest.param(
        {"fields": {"context": "only context"}, "external_id": "x-9"},
        ["record 2", "'x-9'", "field 'prompt'", "required field"],
        id="missing required field",
    ),
    pytest.param(
        {"fields": {"prompt": ""}}, ["record 2", "field 'prompt'", "non-empty"], id="empty"
    ),
    pytest.param(
        {"fields": {"prompt": " \n\t"}},
        ["record 2", "field 'prompt'", "non-empty"],
        id="whitespace",
    ),
    pytest.param(
        {"fields": {"prompt": 3}}, ["record 2", "field 'prompt'", "expected text (str)"], id="int"
    ),
    pytest.param(
        {"fields": {"prompt": "x", "nope": "y"}},
        ["record 2", "unknown field 'nope'", "expected fields"],
        id="unknown field",
    ),
    pytest.param(
        {"prompt": "x", "nope": "y"},
        ["record 2", "unknown column 'nope'", "metadata_properties"],
        id="unknown column",
    ),
    pytest.param(
        {"fields": {"prompt": "x"}, "somekey": 1},
        ["record 2", "unknown key 'somekey'"],
        id="unknown key in nested form",
    ),
    pytest.param(
        {"fields": {"prompt": "x"}, "metadata": {"length": -5}},
        ["record 2", "metadata 'length'", "expected an integer in [0, 10000], got -5"],
        id="metadata out of range",
    ),
    pytest.param(
        {"fields": {"prompt": "x"}, "metadata": {"source": "tv"}},
        ["record 2", "metadata 'source'", "expected one of ['web', 'book', 'chat']"],
        id="metadata not among terms",
    ),
    pytest.param(
        {"fields": {"prompt": "x"}, "metadata": "web"},
        ["record 2", "metadata must be a dict"],
        id="metadata not a dict",
    ),
    pytest.param(
        {"fields": {"prompt": "x"}, "suggestions": [{"question_name": "nope", "value": "x"}]},
        ["record 2", "unknown question 'nope'"],
        id="suggestion for unknown question",
    ),
    pytest.param(
        {"fields": {"prompt": "x"}, "suggestions": [{"question_name": "quality", "value": 9}]},
        ["record 2", "question 'quality'", "expected one of [1, 2, 3, 4, 5], got 9"],
        id="suggestion with a bad value",
    ),
    pytest.param(
        {
            "fields": {"prompt": "x"},
            "responses": [{"user_id": "u", "values": {"no": {"value": 1}}}],
        },
        ["record 2", "unknown question 'no'"],
        id="response to unknown question",
    ),
    pytest.param(
        {
            "fields": {"prompt": "x"},
            "responses": [{"user_id": "u", "values": {"demonstration": 3}}],
        },
        ["record 2", "question 'demonstration'", "expected text (str), got int 3"],
        id="int for a text question",
    ),
    pytest.param(
        {
            "fields": {"prompt": "x"},
            "responses": [
                {
                    "user_id": "u",
                    "values": {"demonstration": {"value": "  "}},
                    "status": "submitted",
                }
            ],
        },
        ["record 2", "question 'demonstration'", "non-empty"],
        id="empty demonstration when submitted",
    ),
    pytest.param(
        {
            "fields": {"prompt": "x"},
            "responses": [{"user_id": "u", "values": {"quality": {"value": 3}}}],
        },
        ["record 2", "required question 'demonstration'"],
        id="submitted response missing a required answer",
    ),
    pytest.param(
        {
            "fields": {"prompt": "x"},
            "responses": [{"user_id": "u", "values": {"demonstration": "a"}, "status": "done"}],
        },
        ["record 2", "status must be one of"],
        id="response with a bad status",
    ),
    pytest.param(
        {
            "fields": {"prompt": "x"},
            "responses": [{"user_id": " ", "values": {"demonstration": "a"}}],
        },
        ["record 2", "user"],
        id="response with a blank user",
    ),
    pytest.param(
        {
            "fields": {"prompt": "x"},
            "responses": [
                {"user_id": "u", "values": {"demonstration": "a"}},
                {"user_id": "u", "values": {"demonstration": "b"}},
            ],
        },
        ["record 2", "user 'u' has two responses"],
        id="two responses by one user",
    ),
    pytest.param(
        [{"fields": {"prompt": "x"}, "id": "same"}, {"fields": {"prompt": "y"}, "id": "same"}],
        ["record 2", "id 'same' appears twice"],
        id="duplicate ids in the batch",
    ),
    pytest.param(
        {"fields": {"prompt": "x"}, "id": "taken"},
        ["record 2", "id 'taken' is already in the dataset"],
        id="id already in the dataset",
    ),
    pytest.param(
        {"fields": {"prompt": "x"}, "external_id": ["a"]},
        ["record 2", "external_id must be a string"],
        id="external_id not a string",
    ),
    pytest.param("just text", ["record 2", "expected a FeedbackRecord or a dict"], id="not a dict"),
]


@pytest.mark.parametrize(("bad", "expected"), BAD_RECORDS)
def test_a_batch_with_one_bad_record_adds_none_and_says_why(
    make_dataset: DatasetFactory, bad: Any, expected: list[str]
) -> None:
    ds = make_dataset(3)
    ds.add_records({"fields": {"prompt": "x"}, "id": "taken"})
    ds.add_response(ds[0].id, {"demonstration": "kept"}, user="u")
    before = snapshot(ds)
    batch = [GOOD, GOOD, *(bad if isinstance(bad, list) else [bad])]
    with pytest.raises(RecordError) as info:
        ds.add_records(batch)
    message = str(info.value)
    for part in expected:
        assert part in message, f"{part!r} not in {message!r}"
    assert_unchanged(ds, before)


BAD_COLUMNS = [
    ("prompt", ["a", None, "c"], ["record 1", "field 'prompt'", "required"]),
    ("prompt", ["a", "b", "   "], ["record 2", "field 'prompt'", "non-empty"]),
    ("prompt", ["a", 3, "c"], ["record 1", "field 'prompt'", "expected text"]),
    ("nope", ["a", "b", "c"], ["unknown column 'nope'"]),
    ("length", [1, -1, 2], ["record 1", "metadata 'length'"]),
    ("source", ["web", "tv", "web"], ["record 1", "metadata 'source'"]),
]


@pytest.mark.parametrize(
    ("column", "values", "expected", "as_hf"),
    [
        *[(*case, False) for case in BAD_COLUMNS],
        # a datasets.Dataset cannot hold a column of mixed str and int: the rest, as Arrow
        *[(*case, True) for case in BAD_COLUMNS if case[1] != ["a", 3, "c"]],
    ],
)
def test_bad_column_batches_add_none(
    make_dataset: DatasetFactory, column: str, values: list[Any], expected: list[str], as_hf: bool
) -> None:
    ds = make_dataset(2)
    before = snapshot(ds)
    frame = pd.DataFrame({"prompt": ["a", "b", "c"]})
    frame[column] = pd.Series(values, dtype=object)
    data: Any = datasets.Dataset.from_pandas(frame) if as_hf else frame
    with pytest.raises(RecordError) as info:
        ds.add_records(data)
    for part in expected:
        assert part in str(info.value)
    assert_unchanged(ds, before)


def test_error_lists_how_many_more_problems_the_batch_has(make_dataset: DatasetFactory) -> None:
    ds = make_dataset(0)
    with pytest.raises(RecordError, match=r"record 0: .*\(2 more problem\(s\) in this batch\)"):
        ds.add_records([{"prompt": ""}, {"prompt": ""}, {"prompt": "ok"}, {"prompt": " "}])
    assert len(ds) == 0


@pytest.mark.parametrize("data", [3, "prompt", b"x", None])
def test_add_records_of_something_else_says_what_it_takes(data: Any) -> None:
    ds = rg.FeedbackDataset(**make_schema_kwargs())
    with pytest.raises(RecordError, match="expected a FeedbackRecord, a dict, a list of either"):
        ds.add_records(data)


def test_add_records_of_nothing_adds_nothing(make_dataset: DatasetFactory) -> None:
    ds = make_dataset(2)
    ds.add_records([])
    ds.add_records(pd.DataFrame({"prompt": pd.Series([], dtype=str)}))
    assert len(ds) == 2


# ----------------------------------------------------------------------------- add_response


def test_add_response_then_replace_by_same_user(ds: rg.FeedbackDataset) -> None:
    rid = ds[1].id
    first = ds.add_response(rid, {"demonstration": "first"}, user="ann")
    assert (first.user, first.plain_values(), first.status) == (
        "ann",
        {"demonstration": "first"},
        "submitted",
    )
    ds.add_response(rid, {"demonstration": "second", "quality": 4}, user="ann", time_spent=3.5)
    responses = ds[1].responses
    assert len(responses) == 1
    assert responses[0].plain_values() == {"demonstration": "second", "quality": 4}
    assert responses[0].time_spent == 3.5
    frame = ds.responses_frame()
    assert len(frame) == 1
    assert frame.iloc[0]["values"] == {"demonstration": "second", "quality": 4}


def test_different_users_keep_separate_responses(ds: rg.FeedbackDataset) -> None:
    rid = ds[0].id
    ds.add_response(rid, {"demonstration": "a"}, user="ann")
    ds.add_response(rid, {"demonstration": "b"}, user="bob", status="draft")
    got = sorted((r.user, r.values["demonstration"].value, r.status) for r in ds[0].responses)
    assert got == [("ann", "a", "submitted"), ("bob", "b", "draft")]


@pytest.mark.parametrize(
    ("values", "stored"),
    [
        ({"demonstration": {"value": "hi"}}, {"demonstration": "hi"}),
        (
            {
                "demonstration": {"value": "hi"},
                "quality": {"value": 2},
                "tags": {"value": ["long"]},
            },
            {"demonstration": "hi", "quality": 2, "tags": ["long"]},
        ),
        (
            {
                "demonstration": "hi",
                "best": {
                    "value": [{"value": "reply-1", "rank": 2}, {"value": "reply-2", "rank": 1}]
                },
            },
            {
                "demonstration": "hi",
                "best": [{"value": "reply-1", "rank": 2}, {"value": "reply-2", "rank": 1}],
            },
        ),
    ],
)
def test_add_response_accepts_argilla_v1_value_form(
    ds: rg.FeedbackDataset, values: dict[str, Any], stored: dict[str, Any]
) -> None:
    response = ds.add_response(ds[0].id, values, user="u")
    assert response.plain_values() == stored
    assert ds[0].responses[0].plain_values() == stored


@pytest.mark.parametrize(
    ("status", "values"),
    [
        ("draft", {}),
        ("draft", {"demonstration": ""}),
        ("draft", {"quality": 3}),
        ("discarded", {}),
        ("discarded", {"topic": "math"}),
        (rg.ResponseStatus.draft, {"demonstration": "  "}),
    ],
)
def test_drafts_and_discards_may_be_partial(
    ds: rg.FeedbackDataset, status: Any, values: dict[str, Any]
) -> None:
    response = ds.add_response(ds[0].id, values, user="u", status=status)
    assert response.status == str(status)
    assert ds[0].responses[0].plain_values() == values


BAD_RESPONSES = [
    pytest.param(
        "nope", {"demonstration": "x"}, {}, ["record 'nope'", "no record"], id="unknown record"
    ),
    pytest.param(0, {"demonstration": "x"}, {}, ["record id must be a string"], id="int record id"),
    pytest.param(None, {"nope": "x"}, {}, ["unknown question 'nope'"], id="unknown question"),
    pytest.param(
        None, {"demonstration": 3}, {}, ["question 'demonstration'", "expected text"], id="int text"
    ),
    pytest.param(
        None, {"quality": "5"}, {"status": "draft"}, ["question 'quality'"], id="str rating"
    ),
    pytest.param(None, {"topic": "art"}, {"status": "draft"}, ["question 'topic'"], id="bad label"),
    pytest.param(
        None, {"tags": "long"}, {"status": "draft"}, ["question 'tags'"], id="tags not list"
    ),
    pytest.param(
        None,
        {"demonstration": "  "},
        {},
        ["question 'demonstration'", "non-empty"],
        id="empty text",
    ),
    pytest.param(
        None, {"quality": 3}, {}, ["required question 'demonstration'"], id="missing required"
    ),
    pytest.param(
        None, {"demonstration": "x"}, {"status": "done"}, ["status must be one of"], id="status"
    ),
    pytest.param(
        None, {"demonstration": "x"}, {"user": ""}, ["user must be a non-empty"], id="no user"
    ),
    pytest.param(None, {"demonstration": "x"}, {"user": "  "}, ["user must be"], id="blank user"),
    pytest.param(None, {"demonstration": "x"}, {"user": 7}, ["user must be"], id="int user"),
    pytest.param(
        None, {"demonstration": "x"}, {"time_spent": -1}, ["time_spent"], id="negative time"
    ),
    pytest.param(
        None, {"demonstration": "x"}, {"time_spent": float("nan")}, ["time_spent"], id="nan time"
    ),
    pytest.param(None, ["demonstration"], {}, ["values must be a dict"], id="values not a dict"),
    pytest.param(
        None, {"demonstration": "x" * 1_000_001}, {}, ["at most 1,000,000"], id="oversized text"
    ),
]


@pytest.mark.parametrize(("record", "values", "kwargs", "expected"), BAD_RESPONSES)
def test_a_bad_response_raises_naming_record_and_question_and_changes_nothing(
    ds: rg.FeedbackDataset, record: Any, values: Any, kwargs: dict[str, Any], expected: list[str]
) -> None:
    rid = ds[2].id
    ds.add_response(rid, {"demonstration": "before"}, user="u")
    before = snapshot(ds)
    target = rid if record is None else record
    with pytest.raises(ResponseError) as info:
        ds.add_response(target, values, **{"user": "u", **kwargs})
    message = str(info.value)
    if isinstance(target, str):
        assert f"record {target!r}" in message
    for part in expected:
        assert part in message, f"{part!r} not in {message!r}"
    assert_unchanged(ds, before)
    assert ds[2].responses[0].plain_values() == {"demonstration": "before"}


# ---------------------------------------------------------------------------- add_responses


def test_add_responses_in_bulk(ds: rg.FeedbackDataset) -> None:
    ids = [r.id for r in ds]
    n = ds.add_responses(
        pd.DataFrame({"record_id": ids[:3], "demonstration": ["a", "b", "c"]}), user="bulk"
    )
    assert n == 3
    assert ds.status_counts("bulk")["submitted"] == 3
    rows = [
        {"record_id": ids[0], "user": "x", "demonstration": "d", "quality": 2},
        {"record_id": ids[1], "user": "y", "status": "draft", "topic": "code"},
    ]
    assert ds.add_responses(rows) == 2
    frame = ds.responses_frame().set_index(["record_id", "user"])
    assert frame.loc[(ids[0], "x"), "values"] == {"demonstration": "d", "quality": 2}
    assert frame.loc[(ids[1], "y"), "values"] == {"topic": "code"}
    assert frame.loc[(ids[1], "y"), "status"] == "draft"
    # a later bulk answer replaces the same user's earlier draft
    ds.add_responses([{"record_id": ids[1], "topic": "math"}], user="y", status="draft")
    assert ds.responses_frame().set_index(["record_id", "user"]).loc[(ids[1], "y"), "values"] == {
        "topic": "math"
    }


def test_add_responses_keeps_a_submitted_answer_unless_told(ds: rg.FeedbackDataset) -> None:
    ids = [r.id for r in ds]
    ds.add_response(ids[0], {"demonstration": "by hand"}, user="ana")  # in the widget, say
    drafts = pd.DataFrame({"record_id": ids[:3], "demonstration": ["m0", "m1", "m2"]})
    with pytest.warns(UserWarning, match=r"1 answer\(s\) were not written.*replace_submitted"):
        added = ds.add_responses(drafts, user="ana")
    assert (added, added.kept, added.replaced, added.unchanged) == (2, 1, 0, 0)
    assert ds.response_of(ids[0], "ana").plain_values() == {"demonstration": "by hand"}
    # running the same cell again writes nothing: no answer moves, none outranks another
    before = ds.responses_frame()
    with pytest.warns(UserWarning):
        again = ds.add_responses(drafts, user="ana")
    assert (again, again.unchanged, again.kept) == (0, 2, 1)
    pd.testing.assert_frame_equal(ds.responses_frame(), before)
    assert ds.report().summary["replaced_submitted"] == 0
    # asked explicitly: replaced, and the report says how many
    told = ds.add_responses(drafts, user="ana", replace_submitted=True)
    assert (told, told.replaced, told.unchanged) == (1, 1, 2)
    assert ds.response_of(ids[0], "ana").plain_values() == {"demonstration": "m0"}
    assert ds.report().summary["replaced_submitted"] == 1
    assert repr(told) == "AnswersAdded(written=1, unchanged=2, kept=0, replaced=1)"


def test_suggest_never_touches_answers(ds: rg.FeedbackDataset) -> None:
    rid = ds[0].id
    ds.add_response(rid, {"demonstration": "mine"}, user="ana")
    ds.suggest(
        lambda batch: ["model text"] * len(batch), question="demonstration", show_progress=False
    )
    assert ds.response_of(rid, "ana").plain_values() == {"demonstration": "mine"}
    assert ds.response_of(rid, "ana").status == "submitted"


BAD_BULK = [
    pytest.param({"record_id": "nope", "demonstration": "x"}, ["answer 2", "'nope'", "no record"], id="unknown record"),
    pytest.param({"record_id": 0, "demonstration": "x"}, ["answer 2", "no record"], id="int record"),
    pytest.param({"demonstration": "x"}, ["answer 2", "no record"], id="no record id"),
    pytest.param({"record_id": "@2", "nope": "x"}, ["unknown column 'nope'"], id="unknown question"),
    pytest.param({"record_id": "@2", "demonstration": 3}, ["answer 2", "question 'demonstration'"], id="int"),
    pytest.param({"record_id": "@2", "demonstration": " "}, ["answer 2", "question 'demonstration'"], id="blank"),
    pytest.param({"record_id": "@2", "quality": 3}, ["answer 2", "required question 'demonstration'"], id="missing"),
    pytest.param({"record_id": "@2", "demonstration": "x", "status": "done"}, ["answer 2", "status"], id="status"),
    pytest.param({"record_id": "@2", "demonstration": "x", "user": ""}, ["answer 2", "user"], id="user"),
    pytest.param({"record_id": "@0", "demonstration": "x"}, ["answers it twice"], id="twice"),
    pytest.param({"record_id": "@2", "demonstration": "x", "time_spent": -2.0}, ["time_spent"], id="time"),
]  # fmt: skip


@pytest.mark.parametrize(("bad", "expected"), BAD_BULK)
def test_add_responses_is_all_or_nothing(
    ds: rg.FeedbackDataset, bad: dict[str, Any], expected: list[str]
) -> None:
    ids = [r.id for r in ds]
    ds.add_response(ids[4], {"demonstration": "kept"}, user="u")
    before = snapshot(ds)
    bad = {
        k: (ids[int(v[1:])] if isinstance(v, str) and v.startswith("@") else v)
        for k, v in bad.items()
    }
    rows = [
        {"record_id": ids[0], "demonstration": "a", "user": "u"},
        {"record_id": ids[1], "demonstration": "b", "user": "u"},
        {"user": "u", **bad},
    ]
    with pytest.raises(ResponseError) as info:
        ds.add_responses(pd.DataFrame(rows))
    message = str(info.value)
    for part in expected:
        assert part in message, f"{part!r} not in {message!r}"
    assert_unchanged(ds, before)


# The common batch (user and status from the keywords, text answers only) is checked and
# encoded in Arrow; a bad row there must still raise naming it and add nothing.
BAD_TEXT_BATCH = [
    pytest.param("nope", "x", ["answer 2", "'nope'", "no record"], id="unknown record"),
    pytest.param("@0", "x", ["answers it twice"], id="twice"),
    pytest.param("@2", " \t", ["answer 2", "question 'demonstration'"], id="blank"),
    pytest.param("@2", "", ["answer 2", "question 'demonstration'"], id="empty"),
    pytest.param("@2", None, ["answer 2", "required question 'demonstration'"], id="missing"),
    pytest.param("@2", 3, ["answer 2", "question 'demonstration'"], id="int"),
    pytest.param(None, "x", ["answer 2", "no record"], id="no record id"),
    pytest.param(7, "x", ["answer 2", "no record"], id="int record id"),
]


@pytest.mark.parametrize(("record", "text", "expected"), BAD_TEXT_BATCH)
@pytest.mark.parametrize("dtype", [None, "str"], ids=["object", "arrow"])
def test_add_responses_text_batch_is_all_or_nothing(
    ds: rg.FeedbackDataset, record: Any, text: Any, expected: list[str], dtype: str | None
) -> None:
    ids = [r.id for r in ds]
    ds.add_response(ids[4], {"demonstration": "kept"}, user="u")
    before = snapshot(ds)
    if isinstance(record, str) and record.startswith("@"):
        record = ids[int(record[1:])]
    frame = pd.DataFrame(
        {"record_id": [ids[0], ids[1], record], "demonstration": ["a", "b", text]}, dtype=object
    )
    if dtype == "str" and all(isinstance(v, str) for v in frame["record_id"]):
        frame["record_id"] = frame["record_id"].astype("str")
    with pytest.raises(ResponseError) as info:
        ds.add_responses(frame, user="u")
    message = str(info.value)
    for part in expected:
        assert part in message, f"{part!r} not in {message!r}"
    assert_unchanged(ds, before)


TRICKY_TEXTS = [
    'say "hi"',
    "back\\slash",
    "tab\there",
    "line\nbreak",
    "\x00nul",
    "del\x7f",
    "sep\u2028ara\u2029tors",
    "em \u2014 dash",
    "emoji \U0001f600 and \u05e9\u05dc\u05d5\u05dd",
    "plain",
]


@pytest.mark.parametrize("dtype", [object, "str"], ids=["object", "arrow"])
def test_add_responses_text_batch_stores_what_orjson_writes(
    make_dataset: DatasetFactory, dtype: Any
) -> None:
    ds = make_dataset(len(TRICKY_TEXTS))
    ids = [r.id for r in ds]
    frame = pd.DataFrame({"record_id": ids, "demonstration": TRICKY_TEXTS}, dtype=dtype)
    assert ds.add_responses(frame, user="u") == len(ids)
    raw = ds.tables().responses.set_index("record_id")["values"]
    for record_id, text in zip(ids, TRICKY_TEXTS, strict=True):
        assert raw[record_id] == orjson.dumps({"demonstration": text}).decode()
    assert [
        ds[i].responses[0].values["demonstration"].value for i in range(len(ids))
    ] == TRICKY_TEXTS


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.text(min_size=1), st.text(min_size=1)), min_size=1, max_size=20))
def test_json_objects_match_orjson(rows: list[tuple[str, str]]) -> None:
    texts = [[a for a, _ in rows], [b for _, b in rows]]
    try:
        arrays = [pa.array(t, type=pa.large_string()) for t in texts]
    except (pa.ArrowException, UnicodeEncodeError):  # lone surrogates never reach this path
        return
    joined = _json_objects(["q", "r-2"], arrays).to_pylist()
    assert joined == [orjson.dumps({"q": a, "r-2": b}).decode() for a, b in rows]


# -------------------------------------------------------------------------------- filter_by


@pytest.fixture
def answered(make_dataset: DatasetFactory) -> rg.FeedbackDataset:
    """8 records: 0,1 submitted by ann; 2 draft by ann; 3 discarded by bob; 1 draft by bob."""
    ds = make_dataset(8)
    ids = [r.id for r in ds]
    ds.add_response(ids[0], {"demonstration": "a"}, user="ann")
    ds.add_response(ids[1], {"demonstration": "b"}, user="ann")
    ds.add_response(ids[2], {"demonstration": "c"}, user="ann", status="draft")
    ds.add_response(ids[3], {}, user="bob", status="discarded")
    ds.add_response(ids[1], {}, user="bob", status="draft")
    return ds


@pytest.mark.parametrize(
    ("kwargs", "positions"),
    [
        ({"response_status": "submitted"}, [0, 1]),
        ({"response_status": rg.ResponseStatus.submitted}, [0, 1]),
        ({"response_status": "draft"}, [1, 2]),
        ({"response_status": "discarded"}, [3]),
        ({"response_status": ["submitted", "discarded"]}, [0, 1, 3]),
        ({"response_status": "pending"}, [4, 5, 6, 7]),
        ({"response_status": ["pending", "discarded"]}, [3, 4, 5, 6, 7]),
        ({"response_status": "draft", "user": "ann"}, [2]),
        ({"response_status": "draft", "user": "bob"}, [1]),
        ({"response_status": "pending", "user": "bob"}, [0, 2, 4, 5, 6, 7]),
        ({"response_status": "submitted", "user": "nobody"}, []),
        ({}, [0, 1, 2, 3, 4, 5, 6, 7]),
        ({"metadata_filters": rg.TermsMetadataFilter(name="source", values=["web"])}, [0, 3, 6]),
        (
            {"metadata_filters": rg.TermsMetadataFilter(name="source", values=["book", "chat"])},
            [1, 2, 4, 5, 7],
        ),
        ({"metadata_filters": rg.IntegerMetadataFilter(name="length", ge=20, le=40)}, [2, 3, 4]),
        ({"metadata_filters": rg.IntegerMetadataFilter(name="length", le=10)}, [0, 1]),
        ({"metadata_filters": rg.FloatMetadataFilter(name="score", ge=0.55)}, [6, 7]),
        (
            {
                "metadata_filters": [
                    rg.TermsMetadataFilter(name="source", values=["web", "book"]),
                    rg.FloatMetadataFilter(name="score", le=0.35),
                ],
                "response_status": "pending",
            },
            [],
        ),
        (
            {
                "metadata_filters": [rg.TermsMetadataFilter(name="source", values=["web", "book"])],
                "response_status": ["submitted", "draft"],
            },
            [0, 1],
        ),
    ],
)
def test_filter_by_really_filters(
    answered: rg.FeedbackDataset, kwargs: dict[str, Any], positions: list[int]
) -> None:
    ids = [r.id for r in answered]
    subset = answered.filter_by(**kwargs)
    assert [r.id for r in subset] == [ids[p] for p in positions]
    assert len(subset) == len(positions)
    assert subset.to_pandas()["id"].tolist() == [ids[p] for p in positions]
    # responses come along, and only for the kept records
    assert set(subset.responses_frame()["record_id"]) <= {ids[p] for p in positions}
    for record in subset:
        assert record.responses == answered[ids.index(record.id)].responses


@pytest.mark.parametrize(
    ("kwargs", "error", "expected"),
    [
        ({"response_status": "done"}, ResponseError, "response_status must be among"),
        ({"response_status": []}, ResponseError, "response_status must be among"),
        ({"response_status": ["submitted", "x"]}, ResponseError, "got ['submitted', 'x']"),
        (
            {"metadata_filters": rg.TermsMetadataFilter(name="nope", values=["a"])},
            SchemaError,
            "metadata filter 'nope': no such metadata property",
        ),
        (
            {"metadata_filters": rg.IntegerMetadataFilter(name="nope", ge=1)},
            SchemaError,
            "metadata filter 'nope': no such metadata property",
        ),
        (
            {"metadata_filters": rg.TermsMetadataFilter(name="length", values=["a"])},
            SchemaError,
            "needs a range filter",
        ),
        (
            {"metadata_filters": rg.FloatMetadataFilter(name="source", ge=1)},
            SchemaError,
            "needs a TermsMetadataFilter",
        ),
    ],
)
def test_filter_by_rejects_bad_filters(
    answered: rg.FeedbackDataset, kwargs: dict[str, Any], error: type, expected: str
) -> None:
    with pytest.raises(error, match=re.escape(expected)):
        answered.filter_by(**kwargs)


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda: rg.FloatMetadataFilter(name="score"), "give ge, le or both"),
        (lambda: rg.IntegerMetadataFilter(name="score", ge=6, le=5), "le (5) is less than ge (6)"),
        (lambda: rg.TermsMetadataFilter(name="source", values="web"), "non-empty list"),
        (lambda: rg.TermsMetadataFilter(name="source", values=[]), "non-empty list"),
        (lambda: rg.TermsMetadataFilter(name="source", values=["a", "a"]), "repeat a term"),
    ],
)
def test_filters_are_refused_when_built(make: Any, expected: str) -> None:
    # as Argilla v1 did: a filter that can match nothing is named where it is written
    with pytest.raises(SchemaError, match=re.escape(expected)):
        make()


@pytest.mark.parametrize(
    "write",
    [
        lambda s: s.add_records([{"prompt": "x"}]),
        lambda s: s.add_response(s[0].id, {"demonstration": "x"}, user="ann"),
        lambda s: s.add_response(s[0].id, {"demonstration": "x"}, user="new"),
        lambda s: s.add_responses([{"record_id": s[0].id, "demonstration": "x"}], user="z"),
        lambda s: s.remove_response(s[0].id, "ann"),
    ],
)
def test_filter_result_is_read_only(answered: rg.FeedbackDataset, write: Any) -> None:
    subset = answered.filter_by(response_status="submitted")
    before_subset, before_parent = snapshot(subset), snapshot(answered)
    with pytest.raises(StorageError, match="filter_by"):
        write(subset)
    assert_unchanged(subset, before_subset)
    assert_unchanged(answered, before_parent)


def test_filter_result_is_a_snapshot_of_the_parent(answered: rg.FeedbackDataset) -> None:
    subset = answered.filter_by(response_status="pending")
    assert len(subset) == 4
    answered.add_response(subset[0].id, {"demonstration": "now"}, user="ann")
    assert len(answered.filter_by(response_status="pending")) == 3
    assert len(subset) == 4  # the old result does not change under the reader


# ------------------------------------------------------------------------- reading the data


def test_to_pandas_columns_and_content(answered: rg.FeedbackDataset) -> None:
    frame = answered.to_pandas()
    assert frame.columns.tolist() == [
        "id",
        "prompt",
        "context",
        "metadata",
        "suggestions",
        "responses",
        "external_id",
        "status",
    ]
    assert len(frame) == 8
    assert frame["prompt"].tolist() == [f"Prompt number {i}?" for i in range(8)]
    assert frame["external_id"].tolist() == [f"ext-{i}" for i in range(8)]
    assert frame["metadata"][2] == {"source": "chat", "length": 20, "score": 0.2}
    assert frame["suggestions"][0] == []
    by_user = {r["user"]: r for r in frame["responses"][1]}
    assert set(by_user) == {"ann", "bob"}
    assert by_user["ann"]["values"] == {"demonstration": "b"}
    assert by_user["ann"]["status"] == "submitted"
    assert by_user["bob"]["status"] == "draft"
    assert frame["responses"][7] == []


def test_responses_frame_columns(answered: rg.FeedbackDataset) -> None:
    frame = answered.responses_frame()
    assert frame.columns.tolist() == [
        "record_id",
        "user",
        "status",
        "values",
        "updated_at",
        "time_spent",
        "inserted_at",
        "provenance",
    ]
    assert len(frame) == 5
    assert all(isinstance(v, dict) for v in frame["values"])
    assert frame["provenance"].tolist() == [None] * 5  # nothing was shown: answers from code


@pytest.mark.parametrize(
    ("key", "positions"),
    [
        (0, [0]),
        (4, [4]),
        (-1, [4]),
        (-5, [0]),
        (slice(1, 3), [1, 2]),
        (slice(None, None, -2), [4, 2, 0]),
        (slice(-2, None), [3, 4]),
        (slice(10, 20), []),
    ],
)
def test_indexing(ds: rg.FeedbackDataset, key: Any, positions: list[int]) -> None:
    everything = [r.fields["prompt"] for r in ds]
    got = ds[key]
    if isinstance(key, slice):
        assert [r.fields["prompt"] for r in got] == [everything[p] for p in positions]
        assert all(isinstance(r, rg.FeedbackRecord) for r in got)
    else:
        assert isinstance(got, rg.FeedbackRecord)
        assert got.fields["prompt"] == everything[positions[0]]


@pytest.mark.parametrize(
    ("key", "error"), [(5, IndexError), (-6, IndexError), (100, IndexError), ("0", TypeError),
                       (True, TypeError), (1.0, TypeError)]
)  # fmt: skip
def test_bad_index(ds: rg.FeedbackDataset, key: Any, error: type) -> None:
    with pytest.raises(error):
        ds[key]


def test_iteration_len_and_records(ds: rg.FeedbackDataset) -> None:
    assert len(ds) == 5
    records = list(ds)
    assert len(records) == 5
    assert [r.id for r in records] == [r.id for r in ds.records]
    assert [r.external_id for r in records] == [f"ext-{i}" for i in range(5)]
    assert records[1].fields == {"prompt": "Prompt number 1?", "context": "ctx 1"}
    assert records[0].fields == {"prompt": "Prompt number 0?", "context": None}


def test_status_counts(answered: rg.FeedbackDataset) -> None:
    assert answered.status_counts("ann") == {
        "submitted": 2,
        "draft": 1,
        "discarded": 0,
        "pending": 5,
        "total": 8,
    }
    assert answered.status_counts("bob") == {
        "submitted": 0,
        "draft": 1,
        "discarded": 1,
        "pending": 6,
        "total": 8,
    }
    assert answered.status_counts("nobody")["pending"] == 8
    # a replaced answer moves between statuses instead of counting twice
    answered.add_response(answered[2].id, {"demonstration": "done"}, user="ann")
    assert answered.status_counts("ann")["submitted"] == 3
    assert answered.status_counts("ann")["draft"] == 0
    assert answered.status_counts("ann")["pending"] == 5


def test_repr_says_where_the_data_lives(ds: rg.FeedbackDataset, tmp_path: Path) -> None:
    assert "in memory" in repr(ds)
    ds.save(tmp_path / "d")
    assert str(tmp_path / "d") in repr(ds)
    ds.close()


# --------------------------------------------------------------------- the Argilla v1 guide


def test_argilla_v1_demonstration_guide_runs_as_written(tmp_path: Path) -> None:
    """docs/_source/conceptual_guides/llm/sft.md of Argilla v1, with ``nb_feedback as rg``."""
    import nb_feedback as rg  # in place of `import argilla as rg`

    questions = [
        rg.TextQuestion(
            name="demonstration",
            title="Please write a harmless and helpful response for the prompt:",
            required=True,
        )
    ]
    fields = [rg.TextField(name="prompt", required=True)]
    dataset = rg.FeedbackDataset(
        guidelines="Please, read the prompt carefully and...", questions=questions, fields=fields
    )

    # The guide iterates `dataset` here (a typo in the guide: it is still empty, so this adds
    # nothing); it must run all the same.
    records = [rg.FeedbackRecord(fields={"prompt": record["prompt"]}) for record in dataset]
    dataset.add_records(records)
    assert len(dataset) == 0

    # What the guide means: its `load_dataset(..., split=["train"])`, without the network.
    prompts = [datasets.Dataset.from_dict({"prompt": ["Name three primes.", "Say hi in Hindi."]})]
    records = [rg.FeedbackRecord(fields={"prompt": record["prompt"]}) for record in prompts[0]]
    dataset.add_records(records)

    # Argilla's records guide: records may arrive with responses already
    dataset.add_records(
        rg.FeedbackRecord(
            fields={"prompt": "Translate 'cat' to French."},
            responses=[
                rg.ResponseSchema(
                    user_id="natalia",
                    values={"demonstration": {"value": "chat"}},
                    status="submitted",
                )
            ],
        )
    )
    # in place of `dataset.push_to_argilla(name="my-dataset", workspace="my-workspace")`
    dataset.save(tmp_path / "ds")

    # labelers write demonstrations (the widget does this; add_response is its write path)
    dataset.add_response(dataset[0].id, {"demonstration": "2, 3 and 5."}, user="amelie")

    feedback = rg.FeedbackDataset.from_disk(tmp_path / "ds")  # in place of from_argilla
    submitted = feedback.filter_by(response_status="submitted")
    pairs = []
    for record in submitted.records:
        for response in record.responses:
            if response.status == "submitted":
                pairs.append((record.fields["prompt"], response.values["demonstration"].value))
    assert sorted(pairs) == [
        ("Name three primes.", "2, 3 and 5."),
        ("Translate 'cat' to French.", "chat"),
    ]
    dataset.close()


def test_a_printed_report_says_what_to_sft_keeps_and_why_not(ds: rg.FeedbackDataset) -> None:
    nothing = repr(ds.report(prompt="prompt"))
    assert nothing.splitlines()[0] == f"DatasetReport: {len(ds)} records; answers: none"
    assert "no submitted answers" in nothing  # why nothing is kept, in the text itself
    ids = [r.id for r in ds]
    for rid in ids[:4]:
        ds.add_response(rid, {"demonstration": "An answer."}, user="ana")
    ds.add_response(ids[4], {"demonstration": "half"}, user="bob", status="draft")
    text = str(ds.report(prompt="prompt"))
    assert "to_sft keeps 4 example(s) (train 3, test 1)" in text
    assert "dropped 1: draft (not submitted)" in text
    assert "  ana: submitted 4" in text


def test_argilla_v1_server_names_say_what_to_use_instead(ds: rg.FeedbackDataset) -> None:
    with pytest.raises(AttributeError, match=r"'push_to_argilla'.*dataset\.save\(path\)"):
        ds.push_to_argilla(name="x")  # type: ignore[attr-defined]
    with pytest.raises(AttributeError, match=r"'init'.*to_argilla"):
        rg.init(api_url="http://localhost:6900")  # type: ignore[attr-defined]
    assert not hasattr(ds, "push_to_argilla") and not hasattr(ds, "anything_else")


def test_help_shows_every_parameter_of_the_exports(ds: rg.FeedbackDataset) -> None:
    import inspect

    for method, name in (
        (ds.to_sft, "multiple"),
        (ds.to_preference, "pairs"),
        (ds.to_kto, "desirable"),
    ):
        assert name in inspect.signature(method).parameters
        assert f"{name} :" in (inspect.getdoc(method) or "") or name in (
            inspect.getdoc(method) or ""
        )
        assert "Parameters" in (inspect.getdoc(method) or "")


def test_an_integer_id_column_points_at_external_id(ds: rg.FeedbackDataset) -> None:
    with pytest.raises(rg.RecordError, match=r"got 1; an id of your own .* 'external_id'"):
        ds.add_records(pd.DataFrame({"id": [1, 2], "prompt": ["a", "b"]}))


def test_a_missing_metrics_extra_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from nb_feedback.team.metrics import krippendorff_alpha

    monkeypatch.setitem(sys.modules, "krippendorff", None)  # as if not installed
    with pytest.raises(ModuleNotFoundError, match=r"pip install 'nb_feedback\[metrics\]'"):
        krippendorff_alpha({"r1": {"a": "x", "b": "x"}}, "label_question")
