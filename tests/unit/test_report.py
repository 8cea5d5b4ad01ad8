"""report(ds): status and annotator counts, lengths, duplicates, time, what to_sft keeps."""

from __future__ import annotations

import base64

import pytest

import nb_feedback as rg
from nb_feedback.exports.report import DatasetReport, report


@pytest.fixture
def answered() -> rg.FeedbackDataset:
    ds = rg.FeedbackDataset(
        fields=[rg.TextField(name="prompt")], questions=[rg.TextQuestion(name="demonstration")]
    )
    ds.add_records([{"prompt": f"Prompt {i}"} for i in range(10)] + [{"prompt": "PROMPT  0"}])
    for i, r in enumerate(ds):
        if i == 3:
            continue
        ds.add_response(
            r.id, {"demonstration": "x" * (10 * (i + 1))}, user="ann", time_spent=float(i + 1)
        )
    ds.add_response(ds[3].id, {"demonstration": "meh"}, user="bob", status="discarded")
    ds.add_response(ds[4].id, {"demonstration": "ok"}, user="bob")
    ds.add_response(ds[5].id, {"demonstration": "draft text"}, user="bob", status="draft")
    return ds


def test_summary_numbers(answered: rg.FeedbackDataset) -> None:
    s = report(answered, min_length=5).summary
    assert s["records"] == 11
    assert s["responses"] == {"submitted": 11, "discarded": 1, "draft": 1}
    assert s["annotators"] == {
        "ann": {"submitted": 10},
        "bob": {"discarded": 1, "draft": 1, "submitted": 1},
    }
    assert s["records_with_submitted"] == 10
    assert s["time_spent"] == {"median_s": 6.5, "p90_s": pytest.approx(10.1)}
    dl = s["demonstration_length"]
    assert (dl["count"], dl["min"], dl["max"]) == (11, 2, 110)
    assert s["duplicate_prompt_groups"] == 1
    sft = s["sft"]
    assert sft["kept"] == 9 and sft["prompt_groups"] == 9
    assert sft["train"] + sft["test"] == 9 and sft["test"] == 2
    assert sft["dropped"] == {
        "draft (not submitted)": 1,
        "discarded": 1,
        "completion shorter than min_length": 1,
        "duplicate prompt: an answer to another record kept (multiple='latest')": 1,
    }


def test_report_matches_to_sft(answered: rg.FeedbackDataset) -> None:
    pytest.importorskip("datasets")
    options = {"min_length": 5, "multiple": "all", "test_size": 0.3, "seed": 4}
    s = report(answered, **options).summary["sft"]
    splits = answered.to_sft(**options)
    assert (s["train"], s["test"]) == (splits.num_rows["train"], splits.num_rows["test"])


@pytest.mark.parametrize(
    ("prompts", "answers", "expect"),
    [
        ([], [], {"responses": {}, "sft_error": "no submitted answers"}),
        (["a"], [], {"responses": {}, "sft_error": "no submitted answers"}),
        (["a"], ["x"], {"responses": {"submitted": 1}, "sft_error": "too few rows to split"}),
    ],
)
def test_small_datasets_still_report(prompts, answers, expect) -> None:
    ds = rg.FeedbackDataset(
        fields=[rg.TextField(name="prompt")], questions=[rg.TextQuestion(name="demonstration")]
    )
    if prompts:
        ds.add_records([{"prompt": p} for p in prompts])
    for r, a in zip(ds, answers, strict=False):
        ds.add_response(r.id, {"demonstration": a}, user="u")
    rep = report(ds)
    assert rep.summary["responses"] == expect["responses"]
    assert expect["sft_error"] in rep.summary["sft_error"]
    html = rep._repr_html_()
    assert expect["sft_error"] in html


def test_html_escapes_text_and_shows_reasons(answered: rg.FeedbackDataset) -> None:
    answered.add_response(answered[0].id, {"demonstration": "y" * 20}, user="<img src=x>")
    html = report(answered, min_length=5)._repr_html_()
    assert "<img src=x>" not in html
    assert "&lt;img src=x&gt;" in html
    assert "completion shorter than min_length" in html
    assert "to_sft" in html


def test_histogram_is_embedded_when_matplotlib_is_there(answered: rg.FeedbackDataset) -> None:
    pytest.importorskip("matplotlib")
    html = report(answered)._repr_html_()
    start = html.index("data:image/png;base64,") + len("data:image/png;base64,")
    png = base64.b64decode(html[start : html.index('"', start)])
    assert png.startswith(b"\x89PNG")


def test_ambiguous_names_are_reported_not_raised() -> None:
    ds = rg.FeedbackDataset(
        fields=[rg.TextField(name="a"), rg.TextField(name="b")],
        questions=[rg.TextQuestion(name="q")],
    )
    rep = report(ds)
    assert isinstance(rep, DatasetReport)
    assert "pass prompt=" in rep.summary["sft_error"]
    assert "sft" not in rep.summary


def test_unknown_option_is_an_error(answered: rg.FeedbackDataset) -> None:
    with pytest.raises(rg.FeedbackError, match="unknown options \\['format'\\]"):
        report(answered, format="text")
