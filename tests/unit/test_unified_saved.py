"""Unified answers go through the change path: saved, reopened, compacted, kept by filters."""

import nb_feedback as rg


def _dataset():
    ds = rg.FeedbackDataset(
        fields=[rg.TextField(name="p")],
        questions=[
            rg.LabelQuestion(name="label", labels=["a", "b"]),
            rg.RatingQuestion(name="score", values=[1, 2, 3]),
        ],
    )
    ds.add_records([{"p": str(i)} for i in range(4)])
    return ds


def _answer(ds, users_labels):
    for user, label in users_labels:
        for r in ds:
            ds.add_response(r.id, {"label": label, "score": 2}, user=user)


def test_unified_answers_are_saved_and_survive_reopen_and_compaction(tmp_path):
    folder = tmp_path / "ds"
    ds = _dataset()
    ds.save(folder)
    _answer(ds, [("ana", "a"), ("ben", "a"), ("cy", "b")])
    assert ds.compute_unified_responses("label", "majority") is ds
    ds.compute_unified_responses("score")
    expected = ds.unified_responses
    assert {v[0].value for v in expected["label"].values()} == {"a"}
    reopened = rg.FeedbackDataset.from_disk(folder)
    assert reopened.unified_responses == expected
    assert reopened[0].unified_responses["label"][0].strategy == "majority"
    reopened.save()  # a checkpoint: the unification travels in it
    reopened.close()
    again = rg.FeedbackDataset.from_disk(folder)
    assert again.unified_responses == expected
    again.close()
    ds.close()


def test_a_later_unification_replaces_the_earlier_one_everywhere(tmp_path):
    folder = tmp_path / "ds"
    ds = _dataset()
    ds.save(folder)
    _answer(ds, [("ana", "a"), ("ben", "b")])
    ds.compute_unified_responses("label", "majority")
    other = rg.FeedbackDataset.from_disk(folder)
    other.compute_unified_responses("label", "disagreement")
    ds.refresh()
    assert ds.unified_responses == other.unified_responses
    assert {v[0].strategy for v in ds.unified_responses["label"].values()} == {"disagreement"}
    other.close()
    ds.close()


def test_filter_and_sort_views_keep_the_unified_answers():
    ds = _dataset()
    _answer(ds, [("ana", "a")])
    ds.compute_unified_responses("label")
    view = ds.filter_by(response_status="submitted")
    assert view[0].unified_responses == ds[0].unified_responses != {}
    assert ds.sort_by("inserted_at")[0].unified_responses == ds[0].unified_responses
