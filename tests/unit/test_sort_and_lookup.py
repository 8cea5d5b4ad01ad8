"""by-name lookups, sort_by (local, unlike v1) and the cosine search behind find_similar_records."""

import numpy as np
import pytest

import nb_feedback as rg
from nb_feedback.dataset.similar_records import cosine_top_k


def _ds():
    ds = rg.FeedbackDataset(
        fields=[rg.TextField(name="text")],
        questions=[rg.LabelQuestion(name="label", labels=["a", "b"])],
        metadata_properties=[rg.IntegerMetadataProperty(name="n")],
    )
    ds.add_records(
        [{"text": t, "metadata": {"n": n}} for t, n in [("x", 2), ("y", 1), ("z", 2), ("w", None)]]
    )
    return ds


def test_lookups_by_name():
    ds = _ds()
    assert ds.field_by_name("text").name == "text"
    assert ds.question_by_name("label").labels == {"a": "a", "b": "b"}
    assert ds.metadata_property_by_name("n").name == "n"
    assert ds.field_by_name("label") is None
    assert ds.question_by_name("nope") is None


def test_sort_by_metadata_both_orders_missing_last_and_stable():
    ds = _ds()
    texts = lambda d: [r.fields["text"] for r in d]  # noqa: E731
    assert texts(ds.sort_by("metadata.n")) == ["y", "x", "z", "w"]
    assert texts(ds.sort_by([rg.SortBy(field="metadata.n", order="desc")])) == ["x", "z", "y", "w"]
    assert texts(ds.sort_by([rg.SortBy(field="inserted_at", order="desc")])) == ["w", "z", "y", "x"]
    two_keys = [
        rg.SortBy(field="metadata.n", order="desc"),
        rg.SortBy(field="inserted_at", order="desc"),
    ]
    assert texts(ds.sort_by(two_keys)) == ["z", "x", "y", "w"]
    assert texts(ds) == ["x", "y", "z", "w"]  # the dataset itself is unchanged
    with pytest.raises(rg.StorageError, match="sort_by"):
        ds.sort_by("metadata.n").add_records([{"text": "v"}])


def test_sort_by_updated_at_reads_the_latest_answer():
    ds = _ds()
    for i in (2, 0):
        ds.add_response(ds[i].id, {"label": "a"}, user="u")
    assert [r.fields["text"] for r in ds.sort_by("updated_at")] == ["z", "x", "y", "w"]


def test_sort_by_rejects_unknown_keys():
    ds = _ds()
    with pytest.raises(rg.FeedbackError, match="no metadata 'm'"):
        ds.sort_by("metadata.m")
    with pytest.raises(rg.FeedbackError, match="not sortable"):
        rg.SortBy(field="text")
    with pytest.raises(rg.FeedbackError, match="'asc' or 'desc'"):
        rg.SortBy(field="inserted_at", order="up")


def test_cosine_top_k_by_value():
    m = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.0, 0.0], [2.0, 0.0]])
    idx, scores = cosine_top_k(m, np.array([1.0, 0.0]), 3)
    assert idx.tolist() == [0, 4, 2]
    assert scores == pytest.approx([1.0, 1.0, 1 / np.sqrt(2)])
