"""Agreement and model metrics, checked by value against hand computations and the libraries."""

import krippendorff
import numpy as np
import pytest

import nb_feedback as rg
from nb_feedback.team.metrics import (
    AgreementMetric,
    ModelMetric,
    UnifiedModelMetric,
    kendall_distance,
    krippendorff_alpha,
    masi_distance,
)


def _dataset(question, texts, suggestions=None):
    ds = rg.FeedbackDataset(fields=[rg.TextField(name="text")], questions=[question])
    records = []
    for i, text in enumerate(texts):
        rec = {"text": text}
        if suggestions is not None and suggestions[i] is not None:
            rec["suggestions"] = [{"question_name": question.name, "value": suggestions[i]}]
        records.append(rec)
    ds.add_records(records)
    return ds


def _answer(ds, per_user, name):
    for user, values in per_user.items():
        for record, value in zip(ds, values, strict=True):
            if value is not None:
                ds.add_response(record.id, {name: value}, user=user)


def test_label_alpha_matches_krippendorff_nominal():
    q = rg.LabelQuestion(name="label", labels=["a", "b", "c"])
    ds = _dataset(q, ["t1", "t2", "t3", "t4", "t5"])
    u1 = ["a", "b", "c", "a", "b"]
    u2 = ["a", "b", "b", "a", None]
    u3 = ["a", "c", "c", None, "b"]
    _answer(ds, {"u1": u1, "u2": u2, "u3": u3}, "label")
    codes = {"a": 0, "b": 1, "c": 2, None: np.nan}
    data = [[codes[v] for v in u] for u in (u1, u2, u3)]
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    got = ds.compute_agreement_metrics("alpha", "label")
    assert got.metric_name == "alpha"
    assert got.count == 13
    assert got.result == pytest.approx(expected)


def test_rating_alpha_matches_krippendorff_interval():
    q = rg.RatingQuestion(name="r", values=[1, 2, 3, 4, 5])
    ds = _dataset(q, ["t1", "t2", "t3", "t4"])
    u1, u2 = [1, 2, 4, 5], [2, 2, 5, 3]
    _answer(ds, {"u1": u1, "u2": u2}, "r")
    expected = krippendorff.alpha(reliability_data=[u1, u2], level_of_measurement="interval")
    assert AgreementMetric(ds, "r").compute("alpha").result == pytest.approx(expected)


def test_records_with_equal_text_are_separate_units():
    # v1 keyed units by the field text: these two records would be one unit with 4 answers
    q = rg.LabelQuestion(name="label", labels=["a", "b"])
    ds = _dataset(q, ["same", "same", "other"])
    _answer(ds, {"u1": ["a", "b", "a"], "u2": ["a", "b", "b"]}, "label")
    data = [[0, 1, 0], [0, 1, 1]]
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert ds.compute_agreement_metrics("alpha", "label").result == pytest.approx(expected)


def test_ranking_agreement_is_read_by_item_not_by_listing_order():
    q = rg.RankingQuestion(name="rk", values=["x", "y", "z"])
    ds = _dataset(q, ["t1", "t2"])
    same_listed_differently = [
        [{"value": "x", "rank": 1}, {"value": "y", "rank": 2}, {"value": "z", "rank": 3}],
        [{"value": "z", "rank": 3}, {"value": "x", "rank": 1}, {"value": "y", "rank": 2}],
    ]
    other = [{"value": "y", "rank": 1}, {"value": "x", "rank": 2}, {"value": "z", "rank": 3}]
    for record, value in zip(ds, same_listed_differently, strict=True):
        ds.add_response(record.id, {"rk": value}, user="u1")
    ds.add_response(ds[0].id, {"rk": same_listed_differently[1]}, user="u2")
    ds.add_response(ds[1].id, {"rk": other}, user="u2")
    units = {"r0": {"u1": (1, 2, 3), "u2": (1, 2, 3)}, "r1": {"u1": (1, 2, 3), "u2": (2, 1, 3)}}
    expected = krippendorff_alpha(units, "ranking")
    assert ds.compute_agreement_metrics("alpha", "rk").result == pytest.approx(expected)
    # one swapped pair out of three: distance 1/3; observed disagreement only in r1
    d = 1 / 3
    do = d  # the one disagreeing unit's pair (2 pairable values per unit: weights cancel)
    de = (2 * 3 * 1 * d) / (4 * 3 / 2 * 2)  # 3 of (1,2,3) and 1 of (2,1,3) among 4 values
    assert expected == pytest.approx(1 - do / 2 / de)


def test_distances_by_value():
    assert masi_distance(frozenset("ab"), frozenset("ab")) == 0.0
    assert masi_distance(frozenset("a"), frozenset("ab")) == pytest.approx(1 - 0.5 * 0.67)
    assert masi_distance(frozenset("ab"), frozenset("bc")) == pytest.approx(1 - 1 / 3 * 0.33)
    assert masi_distance(frozenset("c"), frozenset("ab")) == 1.0
    assert kendall_distance((1, 2, 3), (3, 2, 1)) == 1.0
    assert kendall_distance((1, 2, 3), (1, 3, 2)) == pytest.approx(1 / 3)
    assert kendall_distance((1, 1, 2), (1, 2, 3)) == pytest.approx(0.5 / 3)


def test_multi_label_alpha_uses_masi():
    q = rg.MultiLabelQuestion(name="ml", labels=["a", "b", "c"])
    ds = _dataset(q, ["t1", "t2", "t3"])
    _answer(ds, {"u1": [["a"], ["a", "b"], ["c"]], "u2": [["a"], ["b"], ["a", "c"]]}, "ml")
    # by hand: pairs (a|a)=0, (ab|b)=1-0.5*0.67, (c|ac)=1-0.5*0.67
    d = 1 - 0.5 * 0.67
    values = [frozenset(v) for v in ("a", "a", "ab", "b", "c", "ac")]
    n = len(values)
    do = (2 * d + 2 * d) / n  # each unit has 2 values: coincidences weighted 1/(2-1)
    de = sum(
        masi_distance(x, y) for i, x in enumerate(values) for j, y in enumerate(values) if i != j
    )
    de /= n * (n - 1)
    assert ds.compute_agreement_metrics("alpha", "ml").result == pytest.approx(1 - do / de)


def test_binary_label_scores_are_deterministic_macro_averages():
    q = rg.LabelQuestion(name="label", labels=["pos", "neg"])
    truth = ["pos", "pos", "neg", "neg", "pos"]
    sugg = ["pos", "neg", "neg", "pos", "pos"]
    ds = _dataset(q, [f"t{i}" for i in range(5)], sugg)
    _answer(ds, {"u1": truth}, "label")
    results = {r.metric_name: r.result for r in ModelMetric(ds, "label").compute()["u1"]}
    # pos: tp=2 fp=1 fn=1 -> p=r=f1=2/3; neg: tp=1 fp=1 fn=1 -> 1/2; macro: 7/12
    assert results["accuracy"] == pytest.approx(3 / 5)
    assert results["precision"] == pytest.approx(7 / 12)
    assert results["recall"] == pytest.approx(7 / 12)
    assert results["f1-score"] == pytest.approx(7 / 12)
    cm = results["confusion-matrix"]
    assert list(cm.index) == ["responses_pos", "responses_neg"]
    assert cm.to_numpy().tolist() == [[2, 1], [1, 1]]
    # one label order for both sides: pearson of the codes (pos=0, neg=1)
    expected = np.corrcoef([0, 1, 1, 0, 0], [0, 0, 1, 1, 0])[0, 1]
    assert results["pearson-r"] == pytest.approx(expected)
    again = {r.metric_name: r.result for r in ModelMetric(ds, "label").compute()["u1"]}
    assert again["f1-score"] == results["f1-score"]


def test_multi_label_confusion_matrix_covers_every_label():
    q = rg.MultiLabelQuestion(name="ml", labels=["a", "b", "c"])
    ds = _dataset(q, ["t1", "t2"], [["a", "b"], ["c"]])
    _answer(ds, {"u1": [["a"], ["b", "c"]]}, "ml")
    [acc, cm] = ds.compute_model_metrics(["accuracy", "confusion-matrix"], "ml")["u1"]
    assert acc.result == 0.0
    assert sorted(cm.result) == ["a", "b", "c"]
    # label b: answered on t2 only, suggested on t1 only -> tp 0, fn 1, fp 1, tn 0
    b = cm.result["b"]
    assert b.loc["responses_b_true", "suggestions_b_true"] == 0
    assert b.loc["responses_b_true", "suggestions_b_false"] == 1
    assert b.loc["responses_b_false", "suggestions_b_true"] == 1
    assert cm.result["a"].loc["responses_a_true", "suggestions_a_true"] == 1


def test_ndcg_rewards_the_right_best_item():
    q = rg.RankingQuestion(name="rk", values=["x", "y", "z"])

    def ranking(order):
        return [{"value": v, "rank": i + 1} for i, v in enumerate(order)]

    ds = _dataset(q, ["t1"], [ranking("xyz")])
    _answer(ds, {"u1": [ranking("xyz")], "u2": [ranking("zyx")]}, "rk")
    out = ds.compute_model_metrics("ndcg-score", "rk")
    assert out["u1"][0].result == pytest.approx(1.0)
    # relevance x=3,y=2,z=1 (u2 says z best); the suggestion orders x,y,z
    dcg = 1 / np.log2(2) + 2 / np.log2(3) + 3 / np.log2(4)
    ideal = 3 / np.log2(2) + 2 / np.log2(3) + 1 / np.log2(4)
    assert out["u2"][0].result == pytest.approx(dcg / ideal)


def test_unified_model_metric_and_errors():
    q = rg.RatingQuestion(name="r", values=[1, 2, 3])
    ds = _dataset(q, ["t1", "t2", "t3"], [1, 3, None])
    _answer(ds, {"u1": [1, 2, 3], "u2": [1, 3, 3], "u3": [2, 3, 1]}, "r")
    with pytest.warns(UserWarning, match="no suggestion"):
        acc = UnifiedModelMetric(ds, "r", strategy_name="majority").compute("accuracy")
    assert (acc.metric_name, acc.count, acc.result) == ("accuracy", 2, 1.0)
    # the stored unified answers are used when no strategy is given: min gives 1 and 2
    ds.compute_unified_responses("r", "min")
    with pytest.warns(UserWarning, match="no suggestion"):
        acc = UnifiedModelMetric(ds, "r").compute("accuracy")
    assert (acc.count, acc.result) == (2, 0.5)
    with pytest.warns(UserWarning, match="no suggestion"):
        via_dataset = ds.compute_model_metrics("accuracy", "r", strategy="max")
    assert via_dataset.result == 0.5  # max: 2 and 3 against suggestions 1 and 3
    with pytest.raises(rg.FeedbackError, match="expected one of"):
        ModelMetric(ds, "r").compute("ndcg-score")
    with pytest.raises(rg.FeedbackError, match="no question 'nope'"):
        AgreementMetric(ds, "nope")


@pytest.mark.parametrize("seed", range(6))
def test_alpha_from_pairs_matches_the_krippendorff_package(seed):
    # the sparse path used for many units and values: pinned to the package on generated data
    from nb_feedback.team.metrics import alpha_from_pairs

    rng = np.random.default_rng(seed)
    annotators, units, values = rng.integers(2, 5), rng.integers(5, 40), rng.integers(2, 7)
    data = rng.integers(0, values, size=(annotators, units)).astype(float)
    data[rng.random(data.shape) < 0.3] = np.nan
    for level in ("nominal", "interval"):
        domain = np.arange(values)
        if level == "nominal":
            d = (domain[:, None] != domain[None, :]).astype(float)
        else:
            d = (domain[:, None] - domain[None, :]).astype(float) ** 2
        expected = krippendorff.alpha(
            reliability_data=data, value_domain=domain, level_of_measurement=level
        )
        assert alpha_from_pairs(data, d) == pytest.approx(expected)
