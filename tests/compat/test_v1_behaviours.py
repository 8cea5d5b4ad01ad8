"""Argilla v1's local behaviours that its own test suite checks, pinned on nb_feedback.

One test per behaviour: span questions, v1's coercions and refusals, the v1 API names
(``question.response``, ``Strategy.compute_unified_responses``, ``RankingValueSchema``...),
settings edited in place, and the error classes v1 code catches.
"""

import uuid
import warnings
from typing import Any

import pytest

import nb_feedback as rg
from nb_feedback.base.errors import SchemaError, SchemaTypeError
from nb_feedback.feedback import LabelsOrder, QuestionTypes
from nb_feedback.team.metrics import prepare_dataset_for_annotation_task

TEXT = "Ada Lovelace met Charles Babbage in London."


def _span_dataset(allow_overlapping: bool = False) -> rg.FeedbackDataset:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # visible_labels adjusted to 3 labels
        question = rg.SpanQuestion(
            name="entities",
            field="text",
            labels=["PER", "ORG", "LOC"],
            allow_overlapping=allow_overlapping,
        )
    return rg.FeedbackDataset(fields=[rg.TextField(name="text")], questions=[question])


# ------------------------------------------------------------------ span questions
def test_span_answers_are_stored_and_read_back_as_v1_objects(tmp_path: Any) -> None:
    ds = _span_dataset()
    q = ds.question_by_name("entities")
    spans = [
        rg.SpanValueSchema(start=0, end=12, label="PER"),
        {"start": 36, "end": 42, "label": "LOC"},
    ]
    ds.add_records(
        [
            rg.FeedbackRecord(
                fields={"text": TEXT}, suggestions=[q.suggestion(spans, score=[0.9, 0.5])]
            )
        ]
    )
    record = ds[0]
    ds.add_response(record.id, {"entities": spans}, user="ana")
    ds.save(tmp_path / "ds")
    again = rg.FeedbackDataset.from_disk(tmp_path / "ds")
    value = again[0].responses[0].values["entities"].value
    assert [(s.start, s.end, s.label, s.score) for s in value] == [
        (0, 12, "PER", None),
        (36, 42, "LOC", None),
    ]
    assert again[0].suggestions[0].value[1] == {"start": 36, "end": 42, "label": "LOC"}
    assert TEXT[value[0].start : value[0].end] == "Ada Lovelace"


@pytest.mark.parametrize(
    ("spans", "expected"),
    [
        (
            [{"start": 0, "end": 99, "label": "PER"}],
            "span 0 ends at 99, past the end of field 'text'",
        ),
        (
            [{"start": 0, "end": 3, "label": "DATE"}],
            "label 'DATE' is not one of ['PER', 'ORG', 'LOC']",
        ),
        ([{"start": 4, "end": 4, "label": "PER"}], "end (4) must be greater than start (4)"),
        (
            [{"start": 0, "end": 12, "label": "PER"}, {"start": 4, "end": 12, "label": "ORG"}],
            "spans 0 and 1 overlap (0-12 and 4-12)",
        ),
        ("Ada", "expected a list of spans"),
    ],
)
def test_wrong_spans_are_refused_naming_the_span(spans: Any, expected: str) -> None:
    ds = _span_dataset()
    ds.add_records([{"text": TEXT}])
    with pytest.raises(rg.ResponseError) as info:
        ds.add_response(ds[0].id, {"entities": spans})
    assert expected in str(info.value)
    assert ds[0].responses == []


def test_spans_may_overlap_when_the_question_allows_it() -> None:
    ds = _span_dataset(allow_overlapping=True)
    ds.add_records([{"text": TEXT}])
    nested = [{"start": 0, "end": 12, "label": "PER"}, {"start": 4, "end": 12, "label": "PER"}]
    ds.add_response(ds[0].id, {"entities": nested})
    assert len(ds[0].responses[0].values["entities"].value) == 2


def test_a_suggested_span_past_the_text_is_refused_when_the_record_is_added() -> None:
    ds = _span_dataset()
    bad = rg.FeedbackRecord(
        fields={"text": "short"},
        suggestions=[
            {"question_name": "entities", "value": [{"start": 0, "end": 9, "label": "PER"}]}
        ],
    )
    with pytest.raises(
        rg.RecordError, match="span 0 ends at 9, past the end of field 'text' \\(5 characters\\)"
    ):
        ds.add_records([bad])
    assert len(ds) == 0


def test_span_question_settings_as_v1() -> None:
    with pytest.raises(SchemaError, match="at least one label"):
        rg.SpanQuestion(name="q", field="text", labels=[])
    with pytest.raises(SchemaError, match="appears twice"):
        rg.SpanQuestion(
            name="q",
            field="text",
            labels=[rg.SpanLabelOption("a", "A"), rg.SpanLabelOption("a", "B")],
        )
    with pytest.raises(SchemaError, match="greater than or equal to 3"):
        rg.SpanQuestion(name="q", field="text", labels=["a", "b", "c"], visible_labels=2)
    with pytest.warns(UserWarning, match="greater than the total number of labels \\(3\\)"):
        assert (
            rg.SpanQuestion(
                name="q", field="text", labels=["a", "b", "c"], visible_labels=4
            ).visible_labels
            == 3
        )
    assert rg.SpanQuestion(name="q", field="text", labels=list(range(21))).visible_labels == 20
    q = rg.SpanQuestion(
        name="q", field="text", labels={"a": "A text", "b": "B text", "c": "C"}, visible_labels=3
    )
    assert q.labels == [
        rg.SpanLabelOption("a", "A text"),
        rg.SpanLabelOption("b", "B text"),
        rg.SpanLabelOption("c", "C"),
    ]
    with pytest.raises(
        SchemaError, match="field 'missing' is not one of the dataset's text fields"
    ):
        rg.FeedbackDataset(
            fields=[rg.TextField(name="text")],
            questions=[
                rg.SpanQuestion(
                    name="q", field="missing", labels=["a", "b", "c"], visible_labels=None
                )
            ],
        )
    with pytest.raises(SchemaError, match="end of the span must be greater than the start"):
        rg.SpanValueSchema(start=10, end=8, label="test")


def test_spans_export_as_a_list_of_span_structs() -> None:
    ds = _span_dataset()
    ds.add_records([{"text": TEXT}])
    ds.add_response(ds[0].id, {"entities": [{"start": 0, "end": 12, "label": "PER"}]})
    row = ds.format_as("datasets")[0]
    assert row["entities"][0]["value"] == [{"start": 0, "end": 12, "label": "PER", "score": None}]


# ------------------------------------------------------------------ coercions and refusals
def test_v1_coercions() -> None:
    assert rg.RatingQuestion(name="q", values=["1", "2"]).values == (1, 2)
    assert rg.LabelQuestion(name="q", labels=list(range(3))).label_values == ["0", "1", "2"]
    ds = rg.FeedbackDataset(
        fields=[rg.TextField(name="text")], questions=[rg.TextQuestion(name="q")]
    )
    ds.add_records(
        [
            rg.FeedbackRecord(
                fields={"text": "a"},
                responses=[{"values": {"q": "x"}, "user_id": uuid.UUID(int=1)}],
            )
        ]
    )
    assert ds[0].responses[0].user_id == "00000000-0000-0000-0000-000000000001"


@pytest.mark.parametrize(
    "build",
    [
        lambda: rg.RatingQuestion(name="q", values=[-1, 0, 1]),
        lambda: rg.RatingQuestion(name="q", values=[1, 11]),
        lambda: rg.IntegerMetadataProperty(name="m", min=5, max=5),
        lambda: rg.FloatMetadataProperty(name="m", min=6.0, max=5.0),
        lambda: rg.TermsMetadataProperty(name="m", values=["a", "a"]),
        lambda: rg.IntegerMetadataFilter(name="m"),
        lambda: rg.FloatMetadataFilter(name="m", le=5.0, ge=6.0),
        lambda: rg.TermsMetadataFilter(name="m", values=[]),
        lambda: rg.TermsMetadataFilter(name="m", values=["a", "a"]),
        lambda: rg.TextField(name="a", type="other"),
        lambda: rg.TermsMetadataProperty(name="m", **{"extra-arg": 1}),
        lambda: rg.FeedbackDataset(
            fields=[rg.TextField(name="t")], questions=[rg.TextQuestion(name="q")], guidelines=""
        ),
    ],
)
def test_v1_refusals_raise_a_value_error(build: Any) -> None:
    with pytest.raises(ValueError):
        build()


def test_wrong_types_are_both_type_and_value_errors() -> None:
    with pytest.raises(SchemaTypeError) as info:
        rg.FeedbackDataset(fields=None, questions=[rg.TextQuestion(name="q")])  # type: ignore[arg-type]
    assert isinstance(info.value, TypeError) and isinstance(info.value, ValueError)
    with pytest.raises(TypeError, match="TextField: "):
        rg.TextField()  # type: ignore[call-arg]


# ------------------------------------------------------------------ the v1 API
def test_question_response_and_suggestion_check_the_value() -> None:
    q = rg.TextQuestion(name="text")
    response = rg.ResponseSchema(status="draft", values=[q.response("Value for text")])
    assert response.status == rg.ResponseStatus.draft
    assert response.values["text"].value == "Value for text"
    assert q.suggestion("s", agent="mock").agent == "mock"
    with pytest.raises(ValueError, match="question 'text': expected text"):
        q.response(10)
    with pytest.raises(ValueError, match="question 'text': expected text"):
        q.suggestion(10)


def test_ranking_values_read_as_objects() -> None:
    item = rg.RankingValueSchema(value="a", rank=1)
    assert (item.value, item.rank) == ("a", 1) and item == {"value": "a", "rank": 1}
    for wrong in ({"value": 1, "rank": 1}, {"value": "a", "rank": "x"}, {"value": "a", "rank": 0}):
        with pytest.raises(ValueError):
            rg.RankingValueSchema(**wrong)
    ds = rg.FeedbackDataset(
        fields=[rg.TextField(name="t")], questions=[rg.RankingQuestion(name="r", values=["a", "b"])]
    )
    ds.add_records([{"t": "x"}])
    ds.add_response(ds[0].id, {"r": [{"value": "a", "rank": 2}, {"value": "b", "rank": 1}]})
    assert ds[0].responses[0].values["r"].value[0].rank == 2


def test_strategy_compute_unified_responses_on_records() -> None:
    question = rg.LabelQuestion(name="label", labels=["1", "2"])
    record = rg.FeedbackRecord(
        fields={"text": "x"},
        responses=[{"values": {"label": v}, "user_id": f"u{i}"} for i, v in enumerate("122")],
    )
    rg.LabelQuestionStrategy("majority").compute_unified_responses([record], question)
    assert record.unified_responses["label"] == [rg.UnifiedValueSchema("2", "majority")]
    ranking = rg.RankingQuestion(name="rank", values=["yes", "no", "maybe"])
    partial = [[{"rank": 2, "value": "yes"}, {"rank": r, "value": "no"}] for r in (3, 1, 3)]
    record = rg.FeedbackRecord(
        fields={"text": "x"},
        responses=[{"values": {"rank": v}, "user_id": f"u{i}"} for i, v in enumerate(partial)],
    )
    rg.RankingQuestionStrategy("min").compute_unified_responses([record], ranking)
    assert record.unified_responses["rank"][0].value == [
        {"value": "yes", "rank": 2},
        {"value": "no", "rank": 1},
    ]


def test_labels_order_and_question_types_enums() -> None:
    q = rg.MultiLabelQuestion(name="q", labels=["a", "b"], labels_order=LabelsOrder.suggestion)
    assert q.labels_order == "suggestion"
    assert QuestionTypes.span == "span"


def _agreement_dataset() -> rg.FeedbackDataset:
    ds = rg.FeedbackDataset(
        fields=[rg.TextField(name="text")],
        questions=[rg.LabelQuestion(name="label", labels=["a", "b"])],
    )
    ds.add_records([{"text": "x"}, {"text": "y"}])
    for user in ("u1", "u2"):
        for record, label in zip(ds, "ab", strict=True):
            ds.add_response(record.id, {"label": label}, user=user)
    return ds


def test_agreement_compute_with_one_name_in_a_list_gives_one_result() -> None:
    result = rg.AgreementMetric(_agreement_dataset(), "label").compute(["alpha"])
    assert isinstance(result, rg.feedback.AgreementMetricResult) and result.result == 1.0


def test_prepare_dataset_for_annotation_task() -> None:
    rows = prepare_dataset_for_annotation_task(_agreement_dataset(), "label", "text")
    assert sorted(rows) == [("u1", "x", "a"), ("u1", "y", "b"), ("u2", "x", "a"), ("u2", "y", "b")]


def test_a_record_equals_the_one_it_became() -> None:
    ds = rg.FeedbackDataset(
        fields=[rg.TextField(name="a"), rg.TextField(name="b", required=False)],
        questions=[rg.TextQuestion(name="q")],
    )
    record = rg.FeedbackRecord(fields={"a": "text"}, metadata={"k": 1})
    ds.add_records(record)
    assert ds.records[0] == record
    assert ds.records[0] != rg.FeedbackRecord(fields={"a": "other"}, metadata={"k": 1})


def test_replacing_a_suggestion_warns() -> None:
    record = rg.FeedbackRecord(
        fields={"t": "x"}, suggestions=[{"question_name": "q", "value": "first"}]
    )
    with pytest.warns(UserWarning, match="A suggestion for question `q` has already been provided"):
        record.update({"question_name": "q", "value": "second"})
    assert [s["value"] for s in record.suggestions] == ["second"]


# ------------------------------------------------------------------ settings edited in place
def _settings_dataset(path: Any) -> rg.FeedbackDataset:
    ds = rg.FeedbackDataset(
        fields=[rg.TextField(name="text")],
        questions=[rg.TextQuestion(name="q")],
        metadata_properties=[rg.IntegerMetadataProperty(name="n", min=0, max=10)],
        vectors_settings=[rg.VectorSettings(name="v", dimensions=2)],
    )
    ds.add_records(
        [rg.FeedbackRecord(fields={"text": "a"}, metadata={"n": 3}, vectors={"v": [1.0, 2.0]})]
    )
    ds.save(path)
    return ds


def test_list_edits_of_settings_raise_instead_of_doing_nothing(tmp_path: Any) -> None:
    ds = _settings_dataset(tmp_path / "ds")
    for change in (
        lambda: ds.fields.extend([rg.TextField(name="other")]),
        lambda: ds.fields.pop(0),
        lambda: ds.questions.append(rg.TextQuestion(name="q2")),
        lambda: ds.metadata_properties.clear(),
    ):
        with pytest.raises(SchemaError, match="cannot be changed as a list"):
            change()
    assert [f.name for f in ds.fields] == ["text"]


def test_metadata_property_and_vector_settings_edited_in_place_are_saved(tmp_path: Any) -> None:
    ds = _settings_dataset(tmp_path / "ds")
    prop = ds.metadata_properties[0]
    prop.title = "Length"
    prop.visible_for_annotators = False
    ds.update_metadata_properties(ds.metadata_properties)  # v1's call after the edits
    ds.vectors_settings[0].title = "Embedding"
    with pytest.raises(SchemaError, match="cannot change from 2 to 3 dimensions"):
        ds.vectors_settings[0].dimensions = 3
    with pytest.raises(ValueError, match="got 3"):
        ds.metadata_properties[0].max = 2
    again = rg.FeedbackDataset.from_disk(tmp_path / "ds")
    assert (
        again.metadata_properties[0].title,
        again.metadata_properties[0].visible_for_annotators,
    ) == ("Length", False)
    assert (
        again.vectors_settings[0].title == "Embedding" and again.vectors_settings[0].dimensions == 2
    )


def test_record_vectors_set_in_place_are_committed(tmp_path: Any) -> None:
    ds = _settings_dataset(tmp_path / "ds")
    record = ds[0]
    record.vectors["v"] = [3.0, 4.0]
    with pytest.raises(rg.RecordError, match="expected 2 numbers, got 1"):
        record.vectors["v"] = [5.0]
    assert record.vectors == {"v": [3.0, 4.0]}
    assert rg.FeedbackDataset.from_disk(tmp_path / "ds")[0].vectors == {"v": [3.0, 4.0]}


def test_span_answers_have_no_metric_strategy_or_training_task_as_in_v1() -> None:
    ds = _span_dataset()
    ds.add_records([{"text": TEXT}])
    ds.add_response(ds[0].id, {"entities": [{"start": 0, "end": 3, "label": "PER"}]})
    with pytest.raises(NotImplementedError, match="no metrics for SpanQuestion"):
        rg.AgreementMetric(ds, "entities")
    with pytest.raises(NotImplementedError, match="no strategy unifies a SpanQuestion"):
        ds.compute_unified_responses("entities")


def test_spans_in_a_batch_of_answers_are_checked_against_each_records_text() -> None:
    ds = _span_dataset()
    ds.add_records([{"text": TEXT}, {"text": "short"}])
    ok = {"record_id": ds[0].id, "entities": [{"start": 0, "end": 12, "label": "PER"}]}
    past = {"record_id": ds[1].id, "entities": [{"start": 0, "end": 12, "label": "PER"}]}
    with pytest.raises(rg.ResponseError, match="span 0 ends at 12, past the end of field 'text'"):
        ds.add_responses([ok, past], user="ana")
    assert ds.add_responses([ok], user="ana") == 1
