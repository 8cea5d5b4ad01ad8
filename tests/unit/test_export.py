"""to_sft, plan_sft, export_sft and format_as("datasets")."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nb_feedback as rg
from nb_feedback.argilla.argilla_format import argilla_columns
from nb_feedback.base.errors import ExportError
from nb_feedback.exports import _grouping as grouping
from nb_feedback.exports._grouping import (
    _MESSY_SPACE,
    group_hashes,
    normalize_prompts,
    prompt_groups,
)
from nb_feedback.exports.sft_plan import _parsed_answer_texts, answer_texts, plan_sft

datasets = pytest.importorskip("datasets")
datasets.disable_progress_bars()

SRC = Path(__file__).resolve().parents[2] / "src"


def simple(prompts: list[str], *, topics: list[str] | None = None) -> rg.FeedbackDataset:
    """One text field, one text question, optional 'topic' metadata."""
    ds = rg.FeedbackDataset(
        fields=[rg.TextField(name="prompt")],
        questions=[rg.TextQuestion(name="demonstration")],
        metadata_properties=[rg.TermsMetadataProperty(name="topic")] if topics else None,
    )
    records = [
        {"prompt": p, **({"metadata": {"topic": topics[i]}} if topics else {})}
        for i, p in enumerate(prompts)
    ]
    ds.add_records(records)
    return ds


def answer_all(ds: rg.FeedbackDataset, user: str = "ann", fmt: str = "Answer to {i}.") -> None:
    for i, r in enumerate(ds):
        ds.add_response(r.id, {"demonstration": fmt.format(i=i)}, user=user)


def prompts_of(split: datasets.Dataset) -> list[str]:
    return list(split["prompt"])


# ------------------------------------------------------------------ formats and defaults
def test_defaults_give_prompt_completion_with_a_clear_boundary() -> None:
    ds = simple([f"Question {i}?" for i in range(10)])
    answer_all(ds)
    splits = ds.to_sft()
    assert isinstance(splits, datasets.DatasetDict)
    assert set(splits) == {"train", "test"}
    assert splits.num_rows == {"train": 8, "test": 2}
    assert splits["train"].column_names == ["prompt", "completion"]
    row = splits["train"][0]
    assert row["prompt"].startswith("### Prompt:\nQuestion ")
    assert row["prompt"].endswith("\n### Response:\n")
    i = int(row["prompt"].split("Question ")[1].split("?")[0])
    assert row["completion"] == f"Answer to {i}."


@pytest.mark.parametrize(
    ("kwargs", "columns", "check"),
    [
        (
            {"format": "text"},
            ["text"],
            lambda r: (
                r["text"].startswith("### Prompt:\nQ") and r["text"].endswith("\n### Response:\nA.")
            ),
        ),
        (
            {"format": "text", "template": "<{prompt}|{completion}>"},
            ["text"],
            lambda r: r["text"].startswith("<Q") and r["text"].endswith("|A.>"),
        ),
        (
            {"format": "messages"},
            ["messages"],
            lambda r: (
                [m["role"] for m in r["messages"]] == ["user", "assistant"]
                and r["messages"][1]["content"] == "A."
            ),
        ),
        (
            {"format": "messages", "system_prompt": "Be brief."},
            ["messages"],
            lambda r: (
                r["messages"][0] == {"role": "system", "content": "Be brief."}
                and [m["role"] for m in r["messages"]] == ["system", "user", "assistant"]
            ),
        ),
        (
            {"prompt_template": "Q: {prompt}\nA: "},
            ["prompt", "completion"],
            lambda r: r["prompt"].startswith("Q: Q") and r["prompt"].endswith("\nA: "),
        ),
        (
            {"include": ("record_id", "user", "time_spent")},
            ["prompt", "completion", "record_id", "user", "time_spent"],
            lambda r: r["user"] == "ann" and r["time_spent"] == 3.5 and r["record_id"],
        ),
    ],
)
def test_formats_and_columns(kwargs, columns, check) -> None:
    ds = simple([f"Q{i}" for i in range(6)])
    for r in ds:
        ds.add_response(r.id, {"demonstration": "A."}, user="ann", time_spent=3.5)
    splits = ds.to_sft(**kwargs)
    for split in splits.values():
        assert split.column_names == columns
        for row in split:
            assert check(row), row


def test_messages_feature_is_a_list_of_role_content() -> None:
    ds = simple(["a", "b", "c"])
    answer_all(ds)
    feature = ds.to_sft(format="messages", test_size=1)["train"].features["messages"]
    assert isinstance(feature, datasets.List)
    assert set(feature.feature) == {"role", "content"}


def test_prompt_template_may_use_other_fields() -> None:
    ds = rg.FeedbackDataset(
        fields=[rg.TextField(name="instruction"), rg.TextField(name="context", required=False)],
        questions=[rg.TextQuestion(name="answer")],
    )
    ds.add_records([{"instruction": f"do {i}", "context": "ctx" if i else None} for i in range(4)])
    answer_all_q(ds, "answer")
    splits = ds.to_sft(
        prompt="instruction", prompt_template="{context}|{prompt}|", test_size=1, seed=0
    )
    got = sorted(prompts_of(splits["train"]) + prompts_of(splits["test"]))
    assert got == ["ctx|do 1|", "ctx|do 2|", "ctx|do 3|", "|do 0|"]


def answer_all_q(ds: rg.FeedbackDataset, question: str) -> None:
    for i, r in enumerate(ds):
        ds.add_response(r.id, {question: f"answer {i}"}, user="ann")


# ---------------------------------------------------------------------- selection rules
def test_only_submitted_answers_are_used() -> None:
    ds = simple([f"p{i}" for i in range(6)])
    statuses = ["submitted", "draft", "discarded", "submitted", "submitted", "draft"]
    for r, status in zip(ds, statuses, strict=True):
        ds.add_response(
            r.id, {"demonstration": f"ans {r.fields['prompt']}"}, user="u", status=status
        )
    plan = plan_sft(ds, split=False)
    assert sorted(plan.examples["completion"]) == ["ans p0", "ans p3", "ans p4"]
    assert plan.dropped["draft (not submitted)"] == 2
    assert plan.dropped["discarded"] == 1


@pytest.mark.parametrize(
    ("multiple", "expected", "reason"),
    [
        ("latest", ["by b (later)"], "another answer to the same record kept (multiple='latest')"),
        ("first", ["by a"], "another answer to the same record kept (multiple='first')"),
        ("all", ["by a", "by b (later)"], None),
    ],
)
def test_multiple_answers_per_record(multiple, expected, reason) -> None:
    ds = simple(["only", "other"])
    rid = ds[0].id
    ds.add_response(rid, {"demonstration": "by a"}, user="a")
    ds.add_response(rid, {"demonstration": "by b (later)"}, user="b")
    ds.add_response(ds[1].id, {"demonstration": "x"}, user="a")
    plan = plan_sft(ds, multiple=multiple, split=False)
    rows = plan.examples[plan.examples["record_id"] == rid]
    assert sorted(rows["completion"]) == expected
    if reason:
        assert plan.dropped == {reason: 1}
    else:
        assert plan.dropped == {}


def test_all_drops_identical_completions_for_the_same_prompt() -> None:
    ds = simple(["p", "q"])
    for user in ("a", "b", "c"):
        ds.add_response(ds[0].id, {"demonstration": "same" if user != "c" else "diff"}, user=user)
    ds.add_response(ds[1].id, {"demonstration": "x"}, user="a")
    plan = plan_sft(ds, multiple="all", split=False)
    assert sorted(plan.examples["completion"]) == ["diff", "same", "x"]
    assert plan.dropped == {"same completion already kept for this prompt": 1}


@pytest.mark.parametrize(
    ("min_length", "kept"),
    [(0, ["", "ab", "abcdef"]), (1, ["ab", "abcdef"]), (3, ["abcdef"]), (7, [])],
)
def test_min_length_filters_completions(min_length, kept) -> None:
    ds = rg.FeedbackDataset(
        fields=[rg.TextField(name="prompt")],
        questions=[
            rg.TextQuestion(name="demonstration", required=False),
            rg.RatingQuestion(name="q", values=[1, 2]),
        ],
    )
    ds.add_records([{"prompt": "p1"}, {"prompt": "p2"}, {"prompt": "p3"}])
    ds.add_response(ds[0].id, {"demonstration": "  ab  ", "q": 1}, user="u")
    ds.add_response(ds[1].id, {"demonstration": "abcdef", "q": 1}, user="u")
    ds.add_response(ds[2].id, {"q": 1}, user="u")  # no demonstration at all
    if not kept:
        plan = plan_sft(ds, min_length=min_length, split=False)
        assert plan.examples.empty
        return
    plan = plan_sft(ds, min_length=min_length, split=False)
    # an unanswered (or empty) demonstration is never kept, whatever min_length
    assert sorted(plan.examples["completion"]) == [k for k in kept if k]
    assert plan.dropped["submitted without an answer to the completion question"] == 1


@pytest.mark.parametrize(
    ("text", "same_as"),
    [
        ("What is  AI?", "what is ai?"),
        ("\tWHAT is\nAI? ", "what is ai?"),
        ("what\u00a0is\u2003ai?", "what is ai?"),  # NBSP, em space
        ("ｗｈａｔ is ai?", "what is ai?"),  # fullwidth letters (NFKC)
        ("Straße", "strasse"),  # casefold, not lower
        ("ﬁle", "file"),  # ligature (NFKC)
    ],
)
def test_normalisation(text, same_as) -> None:
    assert normalize_prompts([text]).to_pylist() == [same_as]


def _normalized_row_by_row(texts: list[str | None]) -> list[str | None]:
    """normalize_prompts with no shortcut: every pass on every row, as it was first written."""
    out: list[str | None] = []
    for text in pc.utf8_normalize(pa.array(texts, pa.string()), form="NFKC").to_pylist():
        if text is not None:
            text = (
                text.lower() if text.isascii() else unicodedata.normalize("NFKC", text.casefold())
            )
            if re.search(_MESSY_SPACE, text):
                text = " ".join(text.split())
        out.append(text)
    return pc.utf8_trim_whitespace(pa.array(out, pa.string())).to_pylist()


SPACEY = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("aB .?ß\t\n\x0b\x1c\u00a0\u0085\u1680\u2028\u3000Ｗﬁ")),
        st.characters(exclude_categories=["Cs"]),
    ),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), SPACEY), max_size=8))
def test_normalisation_shortcuts_change_nothing(texts: list[str | None]) -> None:
    # the byte scans only skip passes that would change nothing
    assert normalize_prompts(texts).to_pylist() == _normalized_row_by_row(texts)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(["a", "A ", "b", " B", "ß", "ss", "c\td"]), min_size=1, max_size=10)
)
def test_prompt_groups_are_equal_normalised_prompts(prompts: list[str]) -> None:
    group, hashes = prompt_groups(pa.array(prompts), seed=3)
    keys = normalize_prompts(prompts).to_pylist()
    for i, j in [(i, j) for i in range(len(keys)) for j in range(len(keys))]:
        assert (group[i] == group[j]) == (keys[i] == keys[j])
    assert list(hashes[group]) == list(group_hashes(keys, 3))


def test_prompt_groups_survive_a_hash_collision(monkeypatch: pytest.MonkeyPatch) -> None:
    # every key hashes alike: the rows that share a hash are compared, and differ
    monkeypatch.setattr(grouping, "group_hashes", lambda keys, seed: np.zeros(len(keys), np.uint64))
    group, hashes = prompt_groups(pa.array(["x", "y", "X", "z", "y "]), seed=0)
    assert list(group) == [0, 1, 0, 2, 1]
    assert len(hashes) == 3


def test_duplicate_prompts_never_cross_splits_and_collapse_by_default() -> None:
    base = [f"Prompt number {i}" for i in range(40)]
    variants = [base[i].upper() + "  " for i in range(0, 40, 4)] + [
        " " + base[i] for i in range(1, 40, 4)
    ]
    ds = simple(base + variants)
    answer_all(ds)
    for seed in range(5):
        splits = ds.to_sft(seed=seed, include=("record_id",))
        keys = {
            name: set(normalize_prompts([p.split("\n")[1] for p in s["prompt"]]).to_pylist())
            for name, s in splits.items()
        }
        assert not keys["train"] & keys["test"]
        # one example per distinct prompt (the latest answer) with dedupe on
        assert splits.num_rows["train"] + splits.num_rows["test"] == 40

    kept_all = ds.to_sft(dedupe=False, seed=0)
    assert kept_all.num_rows["train"] + kept_all.num_rows["test"] == 60
    keys = {
        name: set(normalize_prompts([p.split("\n")[1] for p in s["prompt"]]).to_pylist())
        for name, s in kept_all.items()
    }
    assert not keys["train"] & keys["test"]


def test_duplicate_report_counts_and_reason() -> None:
    ds = simple(["Same prompt", "same   PROMPT", "other"])
    answer_all(ds)
    plan = plan_sft(ds, split=False)
    assert plan.duplicate_groups == 1
    assert plan.dropped == {
        "duplicate prompt: an answer to another record kept (multiple='latest')": 1
    }
    assert sorted(plan.examples["completion"]) == ["Answer to 1.", "Answer to 2."]


# --------------------------------------------------------------------------------- split
def test_split_is_deterministic_and_seed_dependent() -> None:
    ds = simple([f"p{i}" for i in range(50)])
    answer_all(ds)
    a = ds.to_sft(seed=1)
    b = ds.to_sft(seed=1)
    c = ds.to_sft(seed=2)
    assert a["train"]["prompt"] == b["train"]["prompt"]
    assert a["test"]["prompt"] == b["test"]["prompt"]
    assert set(a["test"]["prompt"]) != set(c["test"]["prompt"])
    assert a.num_rows == {"train": 40, "test": 10}


def test_split_does_not_depend_on_record_order() -> None:
    prompts = [f"p{i}" for i in range(30)]
    ds1, ds2 = simple(prompts), simple(prompts[::-1])
    answer_all(ds1, fmt="a")
    answer_all(ds2, fmt="a")
    assert set(ds1.to_sft(seed=3)["test"]["prompt"]) == set(ds2.to_sft(seed=3)["test"]["prompt"])


def test_group_hashes_are_the_same_in_another_process() -> None:
    keys = ["alpha", "beta", "gamma"]
    here = [int(h) for h in group_hashes(keys, 7)]
    code = (
        "import json; from nb_feedback.exports._grouping import group_hashes; "
        f"print(json.dumps([int(h) for h in group_hashes({keys!r}, 7)]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(SRC), "PYTHONHASHSEED": "123"},
    )
    assert json.loads(out.stdout) == here
    assert here != [int(h) for h in group_hashes(keys, 8)]


@pytest.mark.parametrize(("test_size", "n_test"), [(0.2, 4), (0.5, 10), (0.01, 1), (3, 3)])
def test_test_size_counts_prompt_groups(test_size, n_test) -> None:
    ds = simple([f"p{i}" for i in range(20)])
    answer_all(ds)
    assert ds.to_sft(test_size=test_size).num_rows == {"train": 20 - n_test, "test": n_test}


def test_stratify_by_gives_each_stratum_its_share() -> None:
    topics = ["a"] * 30 + ["b"] * 10
    ds = simple([f"p{i}" for i in range(40)], topics=topics)
    answer_all(ds)
    for seed in range(4):
        splits = ds.to_sft(stratify_by="topic", test_size=0.2, seed=seed, include=("metadata",))
        test_topics = [json.loads(m)["topic"] for m in splits["test"]["metadata"]]
        assert sorted(test_topics) == ["a"] * 6 + ["b"] * 2


# -------------------------------------------------------------------------------- errors
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"prompt": "nope"}, "prompt='nope' is not a field; expected one of ['prompt']"),
        ({"completion": "nope"}, "completion='nope' is not a question"),
        ({"completion": "quality"}, "is a rating_question; expected a text_question"),
        ({"format": "chatml"}, "format='chatml'; expected one of"),
        ({"multiple": "best"}, "multiple='best'; expected one of"),
        ({"min_length": -1}, "min_length must be an integer >= 0"),
        ({"stratify_by": "topic"}, "stratify_by='topic' is not a declared metadata property"),
        ({"include": ("annotator",)}, "include=['annotator'] unknown"),
        ({"test_size": 1.5}, "test_size must be a fraction in (0, 1)"),
        ({"test_size": 0}, "test_size must be at least 1 group"),
        ({"seed": "x"}, "seed must be an integer"),
        ({"prompt_template": "{missing}"}, "uses {missing}: expected plain placeholders"),
        ({"prompt_template": "{prompt!r}"}, "uses {prompt!r}"),
        ({"format": "text", "template": "{prompt"}, "is not a valid format string"),
    ],
)
def test_clear_errors(kwargs, message) -> None:
    ds = rg.FeedbackDataset(
        fields=[rg.TextField(name="prompt")],
        questions=[
            rg.TextQuestion(name="demonstration"),
            rg.RatingQuestion(name="quality", values=[1, 2], required=False),
        ],
    )
    ds.add_records([{"prompt": f"p{i}"} for i in range(5)])
    answer_all(ds)
    with pytest.raises(ExportError) as info:
        ds.to_sft(**kwargs)
    assert message in str(info.value)


def test_error_when_no_submitted_answers() -> None:
    ds = simple(["a", "b"])
    ds.add_response(ds[0].id, {"demonstration": "x"}, user="u", status="draft")
    with pytest.raises(ExportError, match=r"no submitted answers in 2 records .*'draft': 1"):
        ds.to_sft()


@pytest.mark.parametrize(
    ("prompts", "test_size", "message"),
    [
        (["one"], 0.2, "1 distinct prompt(s)"),
        (["Same", " same "], 0.2, "1 distinct prompt(s)"),
        (["a", "b"], 0.99, "train split with 0"),
        (["a", "b", "c"], 3, "train split with 0"),
    ],
)
def test_error_when_too_few_rows_to_split(prompts, test_size, message) -> None:
    ds = simple(prompts)
    answer_all(ds)
    with pytest.raises(ExportError, match="too few rows to split") as info:
        ds.to_sft(test_size=test_size)
    assert message in str(info.value)


def test_names_must_be_given_when_ambiguous(make_dataset) -> None:
    ds = make_dataset(3)  # two fields: prompt, context
    with pytest.raises(ExportError, match=r"2 fields \['prompt', 'context'\]; pass prompt="):
        ds.to_sft()


# -------------------------------------------------------------------------------- export
def test_export_sft_writes_jsonl_parquet_and_disk(tmp_path: Path) -> None:
    ds = simple([f"p{i}" for i in range(10)])
    answer_all(ds)
    splits = ds.to_sft(include=("record_id",))
    written = rg_export_sft(splits, tmp_path / "out", formats=("jsonl", "parquet", "disk"))
    assert sorted(p.name for p in written["jsonl"]) == ["test.jsonl", "train.jsonl"]
    lines = (tmp_path / "out" / "train.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == splits["train"].to_list()
    parquet = datasets.Dataset.from_parquet(str(tmp_path / "out" / "test.parquet"))
    assert parquet.to_list() == splits["test"].to_list()
    loaded = datasets.load_from_disk(str(tmp_path / "out" / "dataset_dict"))
    assert loaded["train"].to_list() == splits["train"].to_list()
    assert not list((tmp_path / "out").glob(".*.tmp"))


def rg_export_sft(*args, **kwargs):
    from nb_feedback.exports.datasets_bridge import export_sft

    return export_sft(*args, **kwargs)


def test_export_sft_rejects_unknown_formats(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="formats=\\['csv'\\]"):
        rg_export_sft({}, tmp_path, formats=("csv",))


# --------------------------------------------------------------------- Argilla v1 layout
def test_format_as_datasets_follows_argilla_v1(make_dataset) -> None:
    ds = make_dataset(3)
    ds.add_records(
        [
            {
                "fields": {"prompt": "with suggestion"},
                "suggestions": [
                    {"question_name": "quality", "value": 4, "score": 0.5, "agent": "gpt"}
                ],
                "metadata": {"source": "web"},
            }
        ]
    )
    first = ds[0].id
    ds.add_response(
        first,
        {"demonstration": "hi", "quality": 5, "tags": ["short"], "topic": "code"},
        user="a",
    )
    ds.add_response(first, {"demonstration": "draft"}, user="b", status="draft")
    out = ds.format_as("datasets")
    assert isinstance(out, datasets.Dataset)
    assert len(out) == 4
    expected_columns = ["prompt", "context"]
    for q in ("demonstration", "quality", "topic", "tags", "best"):
        expected_columns += [q, f"{q}-suggestion", f"{q}-suggestion-metadata"]
    assert out.column_names == [*expected_columns, "external_id", "metadata"]
    row = out[0]
    assert sorted(row["demonstration"], key=lambda r: r["user_id"]) == [
        {"user_id": "a", "value": "hi", "status": "submitted"},
        {"user_id": "b", "value": "draft", "status": "draft"},
    ]
    assert row["quality"] == [{"user_id": "a", "value": 5, "status": "submitted"}]
    assert row["tags"] == [{"user_id": "a", "value": ["short"], "status": "submitted"}]
    assert row["best"] == []
    assert row["external_id"] == "ext-0"
    assert json.loads(row["metadata"])["source"] == "web"
    last = out[3]
    assert last["demonstration"] == []
    assert last["quality-suggestion"] == 4
    assert last["quality-suggestion-metadata"] == {"type": None, "score": 0.5, "agent": "gpt"}
    assert last["demonstration-suggestion"] is None
    assert out.features["quality"].feature["value"].dtype == "int32"
    assert out.features["best-suggestion-metadata"]["score"].feature.dtype == "float32"
    # built in Arrow directly: the same as datasets' own encoding of the same columns
    ranking = [{"value": "reply-2", "rank": 1}, {"value": "reply-1", "rank": 2}]
    ds.add_response(ds[1].id, {"demonstration": "x", "best": ranking}, user="a")
    ds.add_records(
        [
            {
                "fields": {"prompt": "more suggestions"},
                "suggestions": [
                    {"question_name": "tags", "value": ["long"], "score": 0.25, "agent": "m"},
                    {"question_name": "best", "value": ranking, "agent": "r"},
                ],
            }
        ]
    )
    columns, features = argilla_columns(ds)
    expected = datasets.Dataset.from_dict(columns, features=features)
    out = ds.format_as("datasets")
    assert out.features == expected.features
    assert out.to_list() == expected.to_list()
    # a ranking in v1's layout: the ranks and the items, listed as they were given
    v1_ranking = {"rank": [1, 2], "value": ["reply-2", "reply-1"]}
    assert out[1]["best"] == [{"user_id": "a", "value": v1_ranking, "status": "submitted"}]
    assert out[4]["best-suggestion"] == v1_ranking
    # one score for a multi-label suggestion: v1's layout scores each label
    assert out[4]["tags-suggestion"] == ["long"]
    assert out[4]["tags-suggestion-metadata"] == {"type": None, "score": [0.25], "agent": "m"}
    assert out[4]["best-suggestion-metadata"]["score"] is None


def test_format_as_rejects_other_formats(ds) -> None:
    with pytest.raises(ExportError, match="format='pandas'; expected 'datasets'"):
        ds.format_as("pandas")


def test_to_sft_on_filter_by_result_matches_whole_dataset() -> None:
    ds = simple([f"p{i}" for i in range(20)])
    for i, r in enumerate(ds):
        if i % 2:
            ds.add_response(r.id, {"demonstration": f"a{i}"}, user="u")
    selected = ds.filter_by(response_status="submitted")
    assert selected.to_sft(seed=5)["test"]["prompt"] == ds.to_sft(seed=5)["test"]["prompt"]


def test_a_filter_by_view_reads_the_records_it_came_from() -> None:
    # filter_by() copies no record text: to_sft reads the records it came from by position
    prompts = [f"p{i}" for i in range(30)]
    ds = simple(prompts, topics=[["a", "b", "c"][i % 3] for i in range(30)])
    for i, r in enumerate(ds):
        if i % 3:
            ds.add_response(r.id, {"demonstration": f"a{i}"}, user="u")
    by_id = {r.id: r.fields["prompt"] for r in ds}
    selected = ds.filter_by(response_status="submitted")
    before = selected.to_sft(seed=1, include=["record_id", "metadata"], prompt_template="{prompt}")
    # the dataset it came from changes afterwards; the view does not
    ds.add_records([{"prompt": "later", "metadata": {"topic": "a"}}])
    ds.add_response(ds[0].id, {"demonstration": "late"}, user="u")
    assert len(selected) == 20
    after = selected.to_sft(seed=1, include=["record_id", "metadata"], prompt_template="{prompt}")
    for name in ("train", "test"):
        assert after[name].to_list() == before[name].to_list()
        for row in after[name]:
            i = int(by_id[row["record_id"]][1:])
            assert row["prompt"] == f"p{i}" and row["completion"] == f"a{i}"
            assert json.loads(row["metadata"]) == {"topic": ["a", "b", "c"][i % 3]}
    # the same splits once the view has copied its records (reading them does)
    stratified = selected.to_sft(seed=2, stratify_by="topic", include=["record_id"])
    assert len(selected.to_pandas()) == 20  # copies the records
    again = selected.to_sft(seed=2, stratify_by="topic", include=["record_id"])
    assert {k: v.to_list() for k, v in stratified.items()} == {
        k: v.to_list() for k, v in again.items()
    }
    # a filter of the view, and reading it record by record
    nested = selected.filter_by(metadata_filters=rg.TermsMetadataFilter(name="topic", values=["b"]))
    assert [r.fields["prompt"] for r in nested] == [f"p{i}" for i in range(1, 30, 3)]
    assert [r.fields["prompt"] for r in selected] == [p for i, p in enumerate(prompts) if i % 3]


@pytest.mark.parametrize(
    "encode",
    [
        lambda v: orjson.dumps(v).decode(),
        lambda v: json.dumps(v, ensure_ascii=False),
        lambda v: json.dumps(v, separators=(",", ":")),
    ],
    ids=["orjson", "stdlib-spaced", "stdlib-ascii"],
)
def test_answer_texts_fast_slice_agrees_with_parsing(encode: Any) -> None:
    values = [
        {"demonstration": "plain"},
        {"demonstration": 'with "quote"'},
        {"demonstration": "line\nbreak"},
        {"demonstration": "a", "other": "b"},
        {"other": "x"},
        {"demonstration": 3},
        {"demonstration": "émoji 👩‍💻 שלום"},
        {"demonstration": "back\\slash"},
        {},
        {"demonstration": ""},
        {"demonstration": 'x"}'},
    ]
    series = pd.Series([encode(v) for v in values])
    expected = [
        v.get("demonstration") if isinstance(v.get("demonstration"), str) else None for v in values
    ]
    assert answer_texts(series, "demonstration").to_pylist() == expected
    assert _parsed_answer_texts(series, "demonstration").to_pylist() == expected


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.text(
            st.characters(blacklist_characters='"\\', blacklist_categories=("Cs",)), max_size=12
        ),
        min_size=1,
        max_size=8,
    )
)
def test_answer_texts_byte_slice_of_simple_answers_is_the_parsed_text(texts: list[str]) -> None:
    # every answer {"demonstration":"<text>"} with no quote or backslash to escape: the fast
    # path slices bytes; it must give the texts Python's JSON parser reads, any Unicode
    series = pd.Series([orjson.dumps({"demonstration": t}).decode() for t in texts])
    assert answer_texts(series, "demonstration").to_pylist() == texts
    assert _parsed_answer_texts(series, "demonstration").to_pylist() == texts


@pytest.mark.parametrize("fmt", ["prompt_completion", "text", "messages"])
def test_splits_built_a_slice_of_rows_at_a_time_are_the_same(
    fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # _sft_table builds each split from slices of its rows; slices of 4 rows give the rows
    # (and types) one slice of all gives
    from nb_feedback.exports import sft

    ds = simple([f"p{i}" for i in range(30)], topics=[["a", "b"][i % 2] for i in range(30)])
    answer_all(ds)
    include = ["record_id", "user", "time_spent", "updated_at", "external_id", "metadata"]
    whole = ds.to_sft(format=fmt, include=include, seed=4)
    monkeypatch.setattr(sft, "_ROWS_PER_SLICE", 4)
    sliced = ds.to_sft(format=fmt, include=include, seed=4)
    for name in ("train", "test"):
        assert sliced[name].features == whole[name].features
        assert sliced[name].to_list() == whole[name].to_list()
