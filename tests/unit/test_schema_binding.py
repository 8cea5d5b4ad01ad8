"""dataset.fields / dataset.questions edited as in Argilla v1 (bound copies commit the change)."""

import copy
import dataclasses
import pickle

import pytest

import nb_feedback as rg


def _ds():
    ds = rg.FeedbackDataset(
        fields=[rg.TextField(name="t"), rg.TextField(name="ctx", required=False)],
        questions=[
            rg.LabelQuestion(name="l", labels=["a", "b"]),
            rg.RatingQuestion(name="r", values=[1, 2, 3], required=False),
        ],
    )
    ds.add_records([{"t": "x"}, {"t": "y", "suggestions": [{"question_name": "l", "value": "a"}]}])
    ds.add_response(ds[0].id, {"l": "b", "r": 3}, user="u")
    return ds


def test_edits_stick_and_are_saved(tmp_path):
    ds = _ds()
    ds.save(tmp_path / "d")
    seen = []
    ds.subscribe(lambda kind, ids: seen.append(kind))
    q = ds.questions[0]
    q.title = "Label"
    assert q.title == "Label" and ds.question_by_name("l").title == "Label"
    ds.question_by_name("l").labels = ["a", "b", "c"]
    ds.fields[1].title = "Context"
    ds.question_by_name("r").values = [1, 2, 3, 4]
    back = rg.FeedbackDataset.from_disk(tmp_path / "d")
    assert back.question_by_name("l").title == "Label"
    assert back.question_by_name("l").label_values == ["a", "b", "c"]
    assert back.field_by_name("ctx").title == "Context"
    assert list(back.question_by_name("r").values) == [1, 2, 3, 4]
    assert seen == ["schema"] * 4


def test_edits_that_would_break_stored_answers_change_nothing():
    ds = _ds()
    with pytest.raises(rg.RecordError, match="its answer to 'l' would no longer be valid"):
        ds.questions[0].labels = ["a", "c"]
    with pytest.raises(rg.RecordError, match="its suggestion to 'l' would no longer be valid"):
        ds.questions[0].labels = ["b", "c"]
    with pytest.raises(rg.RecordError, match="its answer to 'r'"):
        ds.question_by_name("r").values = [1, 2]
    with pytest.raises(rg.RecordError, match="has no 'ctx' text: the field cannot become required"):
        ds.fields[1].required = True
    with pytest.raises(rg.SchemaError, match="the name cannot change"):
        ds.questions[0].name = "z"
    with pytest.raises(rg.SchemaError, match="labels must hold at least 2 labels"):
        ds.questions[0].labels = ["a"]
    assert ds.question_by_name("l").label_values == ["a", "b"]
    assert ds.field_by_name("ctx").required is False


def test_bound_copies_behave_as_plain_values():
    ds = _ds()
    q = ds.questions[0]
    assert isinstance(q, rg.LabelQuestion) and type(q).__name__ == "LabelQuestion"
    assert q == rg.LabelQuestion(name="l", labels=["a", "b"])
    assert type(copy.copy(q)) is rg.LabelQuestion
    assert type(pickle.loads(pickle.dumps(q))) is rg.LabelQuestion
    with pytest.raises(dataclasses.FrozenInstanceError):
        dataclasses.replace(q, title="x").title = "y"
    other = rg.FeedbackDataset(fields=ds.fields, questions=ds.questions)
    other.questions[0].title = "Other"
    assert ds.question_by_name("l").title is None  # the new dataset's edit stays there
    view = ds.filter_by(response_status="submitted")
    with pytest.raises(rg.StorageError, match="filter_by"):
        view.questions[0].title = "nope"
