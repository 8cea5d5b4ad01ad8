"""Fields, questions, metadata properties and the schema built from them."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

import nb_feedback as rg
from nb_feedback.base.errors import ResponseError, SchemaError
from nb_feedback.domain.schema import Schema

# ----------------------------------------------------------------------------- names


@pytest.mark.parametrize("name", ["prompt", "a", "1", "demo-1", "my_field", "_a", "-a-", "x_y-z9"])
def test_valid_names_are_accepted(name: str) -> None:
    assert rg.TextField(name=name).name == name
    assert rg.TextQuestion(name=name).name == name
    assert rg.TermsMetadataProperty(name=name).name == name


@pytest.mark.parametrize(
    "name", ["", "Prompt", "my field", "a.b", "ñ", "_", "-", "__", "a/b", None, 3, "prompt\n"]
)
@pytest.mark.parametrize(
    ("build", "kind"),
    [
        (lambda n: rg.TextField(name=n), "field"),
        (lambda n: rg.TextQuestion(name=n), "question"),
        (lambda n: rg.RatingQuestion(name=n, values=[1, 2]), "question"),
        (lambda n: rg.LabelQuestion(name=n, labels=["a", "b"]), "question"),
        (lambda n: rg.TermsMetadataProperty(name=n), "metadata property"),
        (lambda n: rg.IntegerMetadataProperty(name=n), "metadata property"),
    ],
)
def test_invalid_names_are_rejected_naming_kind_and_rule(build: Any, kind: str, name: Any) -> None:
    with pytest.raises(SchemaError) as info:
        build(name)
    message = str(info.value)
    assert message.startswith(f"{kind} name {name!r}")
    assert "lower-case letters, digits" in message


@pytest.mark.parametrize(
    ("fields", "questions", "culprit", "other"),
    [
        (["prompt", "prompt"], ["answer"], "field name 'prompt'", "field"),
        (["prompt"], ["answer", "answer"], "question name 'answer'", "question"),
        (["prompt"], ["prompt"], "question name 'prompt'", "field"),
        (["prompt", "x"], ["answer", "x"], "question name 'x'", "field"),
    ],
)
def test_names_are_unique_across_fields_and_questions(
    fields: list[str], questions: list[str], culprit: str, other: str
) -> None:
    with pytest.raises(SchemaError) as info:
        rg.FeedbackDataset(
            fields=[rg.TextField(name=f) for f in fields],
            questions=[rg.TextQuestion(name=q) for q in questions],
        )
    message = str(info.value)
    assert culprit in message
    assert f"already used by a {other}" in message
    assert "unique across fields and questions" in message


# --------------------------------------------------------------- required things


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"fields": [], "questions": [rg.TextQuestion(name="q")]}, "fields: expected at least one"),
        ({"fields": [rg.TextField(name="f")], "questions": []}, "questions: expected at least one"),
        (
            {
                "fields": [rg.TextField(name="f", required=False)],
                "questions": [rg.TextQuestion(name="q")],
            },
            "fields: expected at least one required field",
        ),
        (
            {
                "fields": [rg.TextField(name="f")],
                "questions": [
                    rg.TextQuestion(name="q", required=False),
                    rg.RatingQuestion(name="r", values=[1, 2], required=False),
                ],
            },
            "questions: expected at least one required question",
        ),
        (
            {"fields": "prompt", "questions": [rg.TextQuestion(name="q")]},
            "fields: expected a list, got str",
        ),
        (
            {"fields": [rg.TextQuestion(name="f")], "questions": [rg.TextQuestion(name="q")]},
            "fields[0]: expected one of TextField",
        ),
        (
            {"fields": [rg.TextField(name="f")], "questions": [rg.TextField(name="q")]},
            "questions[0]: expected one of TextQuestion",
        ),
        (
            {
                "fields": [rg.TextField(name="f")],
                "questions": [rg.TextQuestion(name="q")],
                "metadata_properties": [
                    rg.TermsMetadataProperty(name="m"),
                    rg.IntegerMetadataProperty(name="m"),
                ],
            },
            "metadata_properties: each name must be unique",
        ),
        (
            {
                "fields": [rg.TextField(name="f")],
                "questions": [rg.TextQuestion(name="q")],
                "guidelines": 3,
            },
            "guidelines must be a string or None",
        ),
    ],
)
def test_dataset_configuration_errors(kwargs: dict[str, Any], expected: str) -> None:
    with pytest.raises(SchemaError, match=re.escape(expected)):
        rg.FeedbackDataset(**kwargs)


def test_a_single_field_and_question_need_no_list() -> None:
    ds = rg.FeedbackDataset(fields=rg.TextField(name="f"), questions=rg.TextQuestion(name="q"))
    assert [f.name for f in ds.fields] == ["f"]
    assert [q.name for q in ds.questions] == ["q"]


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (lambda: rg.TextField(name="f", required="yes"), "field 'f': required must be True or"),
        (lambda: rg.TextField(name="f", use_markdown=1), "field 'f': use_markdown must be True"),
        (lambda: rg.TextField(name="f", title=3), "field 'f': title must be a string or None"),
        (lambda: rg.TextQuestion(name="q", required=None), "question 'q': required must be True"),
        (lambda: rg.TextQuestion(name="q", description=[]), "question 'q': description must be"),
        (lambda: rg.TextQuestion(name="q", use_markdown="no"), "question 'q': use_markdown must"),
    ],
)
def test_flag_and_text_attributes_are_checked(build: Any, expected: str) -> None:
    with pytest.raises(SchemaError, match=re.escape(expected)):
        build()


# -------------------------------------------------------------------- rating


@pytest.mark.parametrize(
    "values", [[], [1], [1, 1], [True, False], [1, True], [1, 2.0], [1.5, 2.5], ["a", "b"], None, 5]
)
def test_rating_values_need_two_distinct_ints_and_no_bools(values: Any) -> None:
    with pytest.raises(SchemaError) as info:
        rg.RatingQuestion(name="quality", values=values)
    message = str(info.value)
    assert "question 'quality'" in message
    assert "at least 2 distinct integers" in message
    assert repr(values) in message


@pytest.mark.parametrize("values", [[1, 2], [0, 5, 10], range(1, 11), (0, 1)])
def test_rating_values_accepted_and_stored_in_order(values: Any) -> None:
    q = rg.RatingQuestion(name="quality", values=values)
    assert list(q.values) == list(values)


def test_rating_values_as_digit_strings_become_ints_and_stay_within_0_to_10() -> None:
    # Argilla v1 read "1" as 1 and kept a rating scale within 0..10
    assert rg.RatingQuestion(name="q", values=["1", "2"]).values == (1, 2)
    for values in ([-1, 0, 1], [1, 11]):
        with pytest.raises(SchemaError, match="between 0 and 10"):
            rg.RatingQuestion(name="q", values=values)


def test_integer_labels_become_strings() -> None:
    q = rg.LabelQuestion(name="q", labels=list(range(3)))
    assert q.label_values == ["0", "1", "2"]


@pytest.mark.parametrize(
    ("value", "ok"),
    [(1, True), (5, True), (0, False), (6, False), (True, False), (3.0, False), ("3", False),
     (None, False)],
)  # fmt: skip
def test_rating_check_value(value: Any, ok: bool) -> None:
    problem = rg.RatingQuestion(name="quality", values=[1, 2, 3, 4, 5]).check_value(value)
    if ok:
        assert problem is None
    else:
        assert problem == f"expected one of [1, 2, 3, 4, 5], got {value!r}"


# -------------------------------------------------------------------- labels


@pytest.mark.parametrize("cls", [rg.LabelQuestion, rg.MultiLabelQuestion])
@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        ([], "at least 2 labels, got 0"),
        (["only"], "at least 2 labels, got 1"),
        ({"a": "A"}, "at least 2 labels, got 1"),
        (["a", "a"], "label 'a' appears twice"),
        (["a", ""], "each label must be a non-empty string, got ''"),
        (["a", "  "], "each label must be a non-empty string"),
        (["a", True], "each label must be a non-empty string, got True"),
        ({"a": "A", "b": 2}, "each label must be a non-empty string"),
        ("ab", "labels must be a list of strings or a dict"),
        (None, "labels must be a list of strings or a dict"),
    ],
)
def test_label_sets_are_checked(cls: type, labels: Any, expected: str) -> None:
    with pytest.raises(SchemaError) as info:
        cls(name="topic", labels=labels)
    assert "question 'topic'" in str(info.value)
    assert expected in str(info.value)


@pytest.mark.parametrize(
    ("labels", "values", "texts"),
    [
        (["code", "math"], ["code", "math"], ["code", "math"]),
        ({"code": "Code 💻", "math": "Math ∑"}, ["code", "math"], ["Code 💻", "Math ∑"]),
        (("a", "b", "c"), ["a", "b", "c"], ["a", "b", "c"]),
    ],
)
def test_label_list_and_dict_forms(labels: Any, values: list[str], texts: list[str]) -> None:
    q = rg.LabelQuestion(name="topic", labels=labels)
    assert q.label_values == values
    assert [d["text"] for d in q.to_dict()["labels"]] == texts
    assert q.check_value(values[0]) is None
    assert q.check_value(texts[0] + "?") == f"expected one of {values}, got {texts[0] + '?'!r}"


@pytest.mark.parametrize("visible", [0, -1, True, 1.5, "3"])
def test_visible_labels_must_be_positive_int(visible: Any) -> None:
    with pytest.raises(SchemaError, match="question 'topic': visible_labels"):
        rg.LabelQuestion(name="topic", labels=["a", "b"], visible_labels=visible)


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        (["a"], True),
        (["a", "c"], True),
        ([], False),
        (["a", "a"], False),
        (["d"], False),
        ("a", False),
        ([1], False),
        (None, False),
    ],
)
def test_multi_label_check_value(value: Any, ok: bool) -> None:
    problem = rg.MultiLabelQuestion(name="tags", labels=["a", "b", "c"]).check_value(value)
    assert (problem is None) == ok
    if not ok:
        assert "expected a non-empty list of distinct labels from ['a', 'b', 'c']" in problem


# ------------------------------------------------------------------- ranking


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ([{"value": "x", "rank": 1}, {"value": "y", "rank": 2}], True),
        ([{"value": "x", "rank": 1}], False),  # misses y
        ([{"value": "x", "rank": 1}, {"value": "x", "rank": 2}], False),  # x twice
        ([{"value": "x", "rank": 0}, {"value": "y", "rank": 2}], False),
        ([{"value": "x", "rank": 3}, {"value": "y", "rank": 2}], False),
        ([{"value": "x", "rank": True}, {"value": "y", "rank": 2}], False),
        ([{"value": "x", "rank": 1, "extra": 1}, {"value": "y", "rank": 2}], False),
        ([{"value": "z", "rank": 1}, {"value": "y", "rank": 2}], False),
        (["x", "y"], False),
        ("x", False),
    ],
)
def test_ranking_check_value(value: Any, ok: bool) -> None:
    for ties in (False, True):
        problem = rg.RankingQuestion(name="best", values=["x", "y"], ties=ties).check_value(value)
        assert (problem is None) == ok
        if not ok:
            assert "covering each of ['x', 'y'] once" in problem


def test_ranking_ties_are_refused_unless_allowed_and_the_flag_is_stored() -> None:
    tie = [{"value": "x", "rank": 1}, {"value": "y", "rank": 2}, {"value": "z", "rank": 1}]
    strict = rg.RankingQuestion(name="best", values=["x", "y", "z"])
    assert strict.ties is False
    assert strict.check_value(tie) == (
        "'x' and 'z' share rank 1: this question allows no ties (give each its own rank, or "
        "ask with RankingQuestion(..., ties=True))"
    )
    loose = rg.RankingQuestion(name="best", values=["x", "y", "z"], ties=True)
    assert loose.check_value(tie) is None
    # stored with the schema; a schema stored before the flag existed reads as ties=False
    assert loose.to_dict()["ties"] is True
    fields = [rg.TextField(name="prompt")]
    stored = Schema(tuple(fields), (loose,), (), None).to_dict()
    assert Schema.from_dict(stored).question("best").ties is True  # type: ignore[union-attr]
    del stored["questions"][0]["ties"]
    assert Schema.from_dict(stored).question("best").ties is False  # type: ignore[union-attr]
    with pytest.raises(SchemaError, match="ties must be True or False"):
        rg.RankingQuestion(name="best", values=["x", "y"], ties="yes")  # type: ignore[arg-type]


def test_a_tied_answer_is_refused_naming_the_record_and_question() -> None:
    ds = rg.FeedbackDataset(
        fields=[rg.TextField(name="prompt")],
        questions=[rg.RankingQuestion(name="best", values=["x", "y"])],
    )
    ds.add_records([{"prompt": "p"}])
    tie = [{"value": "x", "rank": 1}, {"value": "y", "rank": 1}]
    where = re.escape(f"record {ds[0].id!r}, question 'best': 'x' and 'y' share rank 1")
    with pytest.raises(ResponseError, match=where):
        ds.add_response(ds[0].id, {"best": tie}, user="u")
    assert ds[0].responses == []


@pytest.mark.parametrize("values", [[], ["x"], ["x", "x"], "xy"])
def test_ranking_values_are_checked(values: Any) -> None:
    with pytest.raises(SchemaError, match="question 'best'"):
        rg.RankingQuestion(name="best", values=values)


# --------------------------------------------------------------------- text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Hello", None),
        ("مرحبا 👋", None),
        ("", "expected non-empty text, got empty or whitespace-only text"),
        (" \n\t", "expected non-empty text, got empty or whitespace-only text"),
        (3, "expected text (str), got int 3"),
        (None, "expected text (str), got NoneType None"),
        (["a"], "expected text (str), got list ['a']"),
        ("x" * 1_000_001, "expected at most 1,000,000 characters, got 1,000,001"),
        ("bad \ud800", "expected valid Unicode text, got a lone surrogate character"),
    ],
)
def test_text_question_check_value(value: Any, expected: str | None) -> None:
    assert rg.TextQuestion(name="q").check_value(value) == expected


# ---------------------------------------------------------------- metadata


@pytest.mark.parametrize(
    ("prop", "value", "expected"),
    [
        (rg.TermsMetadataProperty(name="m"), "anything", None),
        (rg.TermsMetadataProperty(name="m"), 3, "expected a string, got 3"),
        (rg.TermsMetadataProperty(name="m", values=["a", "b"]), "a", None),
        (rg.TermsMetadataProperty(name="m", values=["a", "b"]), "c", "expected one of ['a', 'b']"),
        (rg.IntegerMetadataProperty(name="m"), 7, None),
        (rg.IntegerMetadataProperty(name="m"), 7.0, "expected an integer, got 7.0"),
        (rg.IntegerMetadataProperty(name="m"), True, "expected an integer, got True"),
        (rg.IntegerMetadataProperty(name="m", min=0, max=10), 11, "expected an integer in [0, 10]"),
        (rg.IntegerMetadataProperty(name="m", min=0, max=10), -1, "expected an integer in [0, 10]"),
        (rg.FloatMetadataProperty(name="m"), 0.5, None),
        (rg.FloatMetadataProperty(name="m"), 2, None),
        (rg.FloatMetadataProperty(name="m"), float("nan"), "expected a number, got nan"),
        (rg.FloatMetadataProperty(name="m"), float("inf"), "expected a number, got inf"),
        (rg.FloatMetadataProperty(name="m"), "0.5", "expected a number, got '0.5'"),
        (rg.FloatMetadataProperty(name="m", min=0.0, max=1.0), 1.5, "in [0.0, 1.0], got 1.5"),
    ],
)
def test_metadata_check_value(prop: Any, value: Any, expected: str | None) -> None:
    problem = prop.check_value(value)
    if expected is None:
        assert problem is None
    else:
        assert problem is not None
        assert expected in problem


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (lambda: rg.TermsMetadataProperty(name="m", values=[]), "non-empty list of strings"),
        (lambda: rg.TermsMetadataProperty(name="m", values=["a", 1]), "non-empty list of strings"),
        (lambda: rg.IntegerMetadataProperty(name="m", min="0"), "min/max must be numbers"),
        (lambda: rg.FloatMetadataProperty(name="m", max=True), "min/max must be numbers"),
        (lambda: rg.FloatMetadataProperty(name="m", min=2, max=1), "max must be greater than min"),
        (
            lambda: rg.IntegerMetadataProperty(name="m", min=3, max=3),
            "max must be greater than min",
        ),
        (lambda: rg.TermsMetadataProperty(name="m", values=["a", "a"]), "'a' appears twice"),
        (lambda: rg.IntegerMetadataProperty(name="m", title=1), "title must be a string"),
    ],
)
def test_metadata_property_errors(build: Any, expected: str) -> None:
    with pytest.raises(SchemaError) as info:
        build()
    assert "metadata property 'm'" in str(info.value)
    assert expected in str(info.value)


# --------------------------------------------------------------- round trip

FIELDS = [
    rg.TextField(name="prompt", title="The prompt", required=True, use_markdown=True),
    rg.TextField(name="context", required=False),
]
QUESTIONS: list[Any] = [
    rg.TextQuestion(name="demo", title="Write", description="be kind", use_markdown=True),
    rg.RatingQuestion(name="quality", values=[1, 3, 5], required=False),
    rg.LabelQuestion(name="topic", labels={"code": "Code", "math": "Maths"}, visible_labels=2),
    rg.MultiLabelQuestion(name="tags", labels=["a", "b", "c"], required=False),
    rg.RankingQuestion(name="best", values={"r1": "Reply 1", "r2": "Reply 2"}, required=False),
]
PROPERTIES: list[Any] = [
    rg.TermsMetadataProperty(name="source", values=["web", "book"], title="Source"),
    rg.TermsMetadataProperty(name="free"),
    rg.IntegerMetadataProperty(name="length", min=0, max=100, visible_for_annotators=False),
    rg.FloatMetadataProperty(name="score", min=-1.5, max=1.5),
]


@pytest.mark.parametrize(
    "item", [*FIELDS, *QUESTIONS, *PROPERTIES], ids=lambda i: f"{type(i).__name__}-{i.name}"
)
def test_every_kind_round_trips_through_json(item: Any) -> None:
    schema = Schema(tuple(FIELDS), tuple(QUESTIONS), tuple(PROPERTIES), "Be **kind**")
    data = json.loads(json.dumps(schema.to_dict()))  # it really is JSON
    again = Schema.from_dict(data)
    assert again.to_dict() == schema.to_dict()
    assert again.guidelines == "Be **kind**"
    name = item.name
    found = again.field(name) or again.question(name) or again.metadata_property(name)
    assert type(found) is type(item)
    assert found.to_dict() == item.to_dict()


def test_title_defaults_to_name_in_the_stored_form() -> None:
    assert rg.TextField(name="prompt").to_dict()["title"] == "prompt"
    assert rg.TextQuestion(name="demo").to_dict()["title"] == "demo"


@pytest.mark.parametrize(
    "data",
    [
        {"fields": [{"kind": "text_field", "name": "f"}], "questions": [{"kind": "nope"}]},
        {"questions": []},
        {"fields": [{"kind": "text_field", "name": "f", "bogus": 1}], "questions": []},
        {
            "fields": [{"kind": "text_field", "name": "f"}],
            "questions": [{"kind": "text_question", "name": "q", "bogus": 1}],
        },
    ],
)
def test_from_dict_of_malformed_data_raises_schema_error(data: dict[str, Any]) -> None:
    with pytest.raises(SchemaError):
        Schema.from_dict(data)
