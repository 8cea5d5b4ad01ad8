"""The dataset's forwards have one signature each, the feature function's, shown by help()."""

import inspect
import pydoc

import pytest

import nb_feedback as rg
from nb_feedback.dataset.forwards import FORWARDS, target_of


@pytest.mark.parametrize(("method", "spec", "filled"), FORWARDS, ids=[f[0] for f in FORWARDS])
def test_a_forward_takes_and_shows_its_feature_parameters(method, spec, filled):
    target = inspect.signature(target_of(spec))
    ds = rg.FeedbackDataset(fields=[rg.TextField(name="p")], questions=[rg.TextQuestion(name="d")])
    shown = inspect.signature(getattr(ds, method))
    expected = [p for name, p in target.parameters.items() if name not in filled]
    assert list(shown.parameters.values()) == expected
    text = pydoc.render_doc(getattr(ds, method), renderer=pydoc.plaintext)
    for name in shown.parameters:
        assert name in text
    assert "see ``nb_feedback" not in text  # the whole documentation, not a pointer


def test_a_parameter_the_feature_has_reaches_it_through_the_method():
    # to_kto's corrections= and to_preference's turns= were missing from the old forwards
    kto = inspect.signature(rg.FeedbackDataset.to_kto).parameters
    pref = inspect.signature(rg.FeedbackDataset.to_preference).parameters
    assert "corrections" in kto and "turns" in pref
