"""Argilla v1's documented local features run on nb_feedback and give the expected values."""

import json

import krippendorff
import numpy as np
import pytest
from scipy import stats
from sklearn import metrics as sk
from tests.compat import cases

import nb_feedback as rg


def _plain(value):
    return json.loads(json.dumps(value))


def _expected_metrics():
    codes = {"a": 0, "b": 1, "c": 2}
    labels = np.array([[codes[v] for v in row] for row in cases.LABELS]).T  # users x records
    ratings = np.array(cases.RATINGS).T
    alpha_label = krippendorff.alpha(reliability_data=labels, level_of_measurement="nominal")
    alpha_rating = krippendorff.alpha(reliability_data=ratings, level_of_measurement="interval")
    per_label, per_rating = {}, {}
    for u, user in enumerate(cases.USERS):
        truth = [row[u] for row in cases.LABELS]
        acc = sk.accuracy_score(truth, cases.SUGGESTED_LABELS)
        f1 = sk.f1_score(truth, cases.SUGGESTED_LABELS, average="macro")
        per_label[user] = [["accuracy", 6, round(acc, 6)], ["f1-score", 6, round(f1, 6)]]
        truth = [row[u] for row in cases.RATINGS]
        acc = sk.accuracy_score(truth, cases.SUGGESTED_RATINGS)
        rho = stats.spearmanr(cases.SUGGESTED_RATINGS, truth)[0]
        per_rating[user] = [["accuracy", round(acc, 6)], ["spearman-r", round(rho, 6)]]
    return {
        "agreement_label": ["alpha", 18, round(alpha_label, 6)],
        "agreement_rating": ["alpha", 18, round(alpha_rating, 6)],
        "model_metrics_label": per_label,
        "model_metrics_rating": per_rating,
    }


EXPECTED = {**cases.EXPECTED, **_expected_metrics()}
EXPECTED["templates"] = None  # checked field by field in tests/unit/test_templates.py


def test_every_case_has_an_expected_value():
    assert set(cases.CASES) == set(EXPECTED)
    assert set(cases.DIFFERS) <= set(cases.CASES)


@pytest.mark.parametrize("name", sorted(cases.CASES))
def test_case(name):
    got = _plain(cases.CASES[name](rg))
    if name == "templates":
        assert sorted(got) == sorted(cases.TEMPLATE_CALLS)
        return
    assert got == _plain(EXPECTED[name])
