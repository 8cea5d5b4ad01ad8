"""compute_unified_responses: every strategy by value, ties broken by the question's order."""

import pytest

import nb_feedback as rg


def _ds(question, answers_per_user, texts=("t1",)):
    ds = rg.FeedbackDataset(fields=[rg.TextField(name="text")], questions=[question])
    ds.add_records([{"text": t} for t in texts])
    for user, values in answers_per_user.items():
        for record, value in zip(ds, values, strict=True):
            if value is not None:
                ds.add_response(record.id, {question.name: value}, user=user)
    return ds


def _unified(ds, question, strategy):
    ds.compute_unified_responses(question, strategy)
    return {
        rid: [(u.value, u.strategy) for u in found]
        for rid, found in ds.unified_responses[question].items()
    }


def test_label_majority_and_tie_by_label_order():
    q = rg.LabelQuestion(name="l", labels=["b", "a", "c"])
    ds = _ds(
        q, {"u1": ["a", "a"], "u2": ["a", "c"], "u3": ["c", None], "u4": ["b", None]}, ("t1", "t2")
    )
    got = _unified(ds, "l", "majority")
    assert list(got.values()) == [[("a", "majority")], [("a", "majority")]]
    tie = _ds(q, {"u1": ["c"], "u2": ["a"]})
    assert list(_unified(tie, "l", "majority").values()) == [[("a", "majority")]]


def test_disagreement_keeps_every_submitted_answer():
    q = rg.LabelQuestion(name="l", labels=["a", "b"])
    ds = _ds(q, {"u1": ["a"], "u2": ["b"]})
    ds.add_response(ds[0].id, {"l": "a"}, user="u3", status="draft")
    assert list(_unified(ds, "l", "disagreement").values()) == [
        [("a", "disagreement"), ("b", "disagreement")]
    ]


def test_multi_label_majority():
    q = rg.MultiLabelQuestion(name="m", labels=["x", "y", "z"])
    ds = _ds(q, {"u1": [["x", "y"]], "u2": [["x"]], "u3": [["y", "x", "z"]]})
    assert list(_unified(ds, "m", "majority").values()) == [[(["x", "y"], "majority")]]
    # nobody reaches a majority: the most chosen labels, all of them when tied
    none = _ds(q, {"u1": [["x"]], "u2": [["y"]], "u3": [["z"]], "u4": [["z", "x"]]})
    assert list(_unified(none, "m", "majority").values()) == [[(["x", "z"], "majority")]]


@pytest.mark.parametrize(
    ("strategy", "expected"), [("mean", 3), ("majority", 2), ("max", 5), ("min", 2)]
)
def test_rating_strategies(strategy, expected):
    # mean of 2, 2, 5, 2, 4 is 3.0; of 2, 4 below is 3 too (v1 truncated 2.9 to "2")
    q = rg.RatingQuestion(name="r", values=[1, 2, 3, 4, 5])
    ds = _ds(q, {f"u{i}": [v] for i, v in enumerate([2, 2, 5, 2, 4])})
    assert list(_unified(ds, "r", strategy).values()) == [[(expected, strategy)]]


def test_rating_mean_rounds_to_the_nearest_scale_value():
    q = rg.RatingQuestion(name="r", values=[1, 2, 3, 4, 5])
    ds = _ds(q, {f"u{i}": [v] for i, v in enumerate([3, 3, 3, 3, 3, 3, 3, 3, 3, 2])})  # 2.9
    assert list(_unified(ds, "r", "mean").values()) == [[(3, "mean")]]
    half = _ds(q, {"u1": [2], "u2": [3]})  # 2.5: a half rounds up
    assert list(_unified(half, "r", "mean").values()) == [[(3, "mean")]]


def _rank(order):
    return [{"value": v, "rank": i + 1} for i, v in enumerate(order)]


def test_ranking_strategies():
    q = rg.RankingQuestion(name="k", values=["x", "y", "z"])
    ds = _ds(q, {"u1": [_rank("xyz")], "u2": [_rank("xzy")], "u3": [_rank("xyz")]})
    assert list(_unified(ds, "k", "majority").values()) == [[(_rank("xyz"), "majority")]]
    # mean ranks: x 1, y 2.33 -> 2, z 2.67 -> 3
    assert list(_unified(ds, "k", "mean").values()) == [[(_rank("xyz"), "mean")]]
    # worst rank per item: x 1, y 3, z 3
    assert list(_unified(ds, "k", "max").values()) == [
        [([{"value": "x", "rank": 1}, {"value": "y", "rank": 3}, {"value": "z", "rank": 3}], "max")]
    ]
    assert list(_unified(ds, "k", "min").values()) == [
        [([{"value": "x", "rank": 1}, {"value": "y", "rank": 2}, {"value": "z", "rank": 2}], "min")]
    ]


def test_bad_strategy_names_the_allowed_ones():
    q = rg.RatingQuestion(name="r", values=[1, 2])
    ds = _ds(q, {"u1": [1]})
    with pytest.raises(
        rg.FeedbackError, match=r"expected one of \['mean', 'majority', 'max', 'min'\]"
    ):
        ds.compute_unified_responses("r", "disagreement")
    assert ds.unified_responses == {}
