"""VectorSettings and record.vectors: checked when added, kept across save/load, searched locally."""

import math

import pytest

import nb_feedback as rg


def _ds():
    return rg.FeedbackDataset(
        fields=[rg.TextField(name="t")],
        questions=[rg.TextQuestion(name="q")],
        vectors_settings=[rg.VectorSettings(name="e", dimensions=2)],
    )


def test_vectors_are_stored_searched_and_kept(tmp_path):
    ds = _ds()
    ds.add_records(
        [
            rg.FeedbackRecord(fields={"t": "a"}, vectors={"e": [1, 0]}),
            {"t": "b", "vectors": {"e": [0.6, 0.8]}},
            {"t": "c"},
            {"t": "d", "vectors": {"e": [0, 1]}},
        ]
    )
    assert [r.vectors for r in ds] == [{"e": [1.0, 0.0]}, {"e": [0.6, 0.8]}, {}, {"e": [0.0, 1.0]}]
    found = ds.find_similar_records("e", record=ds[0], max_results=5)
    assert [(r.fields["t"], s) for r, s in found] == [("b", pytest.approx(0.6)), ("d", 0.0)]
    found = ds.find_similar_records("e", value=[0, 2], max_results=1)
    assert [(r.fields["t"], s) for r, s in found] == [("d", 1.0)]
    ds.save(tmp_path / "d")
    back = rg.FeedbackDataset.from_disk(tmp_path / "d")
    assert [r.vectors for r in back] == [r.vectors for r in ds]
    assert back.vector_settings_by_name("e").dimensions == 2
    back.add_records([{"t": "e", "vectors": {"e": [1, 1]}}])
    again = rg.FeedbackDataset.from_disk(tmp_path / "d")
    assert again[4].vectors["e"] == [1.0, 1.0]
    assert math.isclose(again.find_similar_records("e", value=[1, 1], max_results=1)[0][1], 1.0)


@pytest.mark.parametrize(
    ("vectors", "message"),
    [
        ({"e": [1]}, "vector 'e': expected 2 numbers, got 1"),
        ({"x": [1, 2]}, "unknown vector 'x': expected one of \\['e'\\]"),
        ({"e": [1, float("nan")]}, "vector 'e': expected finite numbers, got nan"),
        ([1, 2], "vectors must be a dict"),
    ],
)
def test_bad_vectors_name_the_record_and_add_nothing(vectors, message):
    ds = _ds()
    with pytest.raises(rg.RecordError, match=f"record 1: {message}"):
        ds.add_records([{"t": "ok"}, {"t": "bad", "vectors": vectors}])
    assert len(ds) == 0


def test_settings_and_search_arguments_are_checked():
    with pytest.raises(rg.SchemaError, match="dimensions must be a positive int"):
        rg.VectorSettings(name="e", dimensions=0)
    with pytest.raises(rg.SchemaError, match="each name must be unique"):
        rg.FeedbackDataset(
            fields=[rg.TextField(name="t")],
            questions=[rg.TextQuestion(name="q")],
            vectors_settings=[rg.VectorSettings(name="e", dimensions=2)] * 2,
        )
    ds = _ds()
    ds.add_records([{"t": "a", "vectors": {"e": [1, 0]}}])
    with pytest.raises(rg.FeedbackError, match="exactly one of record= or value="):
        ds.find_similar_records("e")
    with pytest.raises(rg.FeedbackError, match="has 2 dimensions; the query has 3"):
        ds.find_similar_records("e", value=[1, 0, 0])
