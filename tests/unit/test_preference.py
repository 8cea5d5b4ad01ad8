"""to_preference, to_kto and the pair builder they share."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import nb_feedback as rg
from nb_feedback.base.errors import ExportError
from nb_feedback.exports.preference import kto_rows, preference_pairs

datasets = pytest.importorskip("datasets")
datasets.disable_progress_bars()

SRC = Path(__file__).resolve().parents[2] / "src"


def ranked(*ranks: int) -> list[dict[str, object]]:
    """A ranking of the options a, b, c, ... with the given ranks."""
    return [{"value": "abcd"[i], "rank": r} for i, r in enumerate(ranks)]


def comparison(n: int, options: str = "abc") -> rg.FeedbackDataset:
    fields = [rg.TextField(name="prompt")] + [rg.TextField(name=o) for o in options]
    ds = rg.FeedbackDataset(
        fields=fields,
        questions=[
            rg.RankingQuestion(name="best", values=list(options), ties=True),
            rg.TextQuestion(name="fix", required=False),
        ],
    )
    ds.add_records(
        [{"prompt": f"p{i}", **{o: f"{o.upper()}{i}" for o in options}} for i in range(n)]
    )
    return ds


def triples(frame_or_split) -> list[tuple[str, str, str]]:
    return list(
        zip(
            frame_or_split["prompt"],
            frame_or_split["chosen"],
            frame_or_split["rejected"],
            strict=True,
        )
    )


def test_best_vs_rest_and_all_pairs_with_ties_giving_none() -> None:
    ds = comparison(4)
    ds.add_response(ds[0].id, {"best": ranked(1, 2, 3)}, user="u")
    ds.add_response(ds[1].id, {"best": ranked(2, 1, 1)}, user="u")  # b and c tie on top
    ds.add_response(ds[2].id, {"best": ranked(1, 1, 1)}, user="u")  # all tied: no pair
    ds.add_response(ds[3].id, {"best": ranked(2, 2, 1)}, user="u")  # a and b tie below c
    best = triples(preference_pairs(ds))
    assert best == [
        ("p0", "A0", "B0"),
        ("p0", "A0", "C0"),
        ("p1", "B1", "A1"),
        ("p1", "C1", "A1"),
        ("p3", "C3", "A3"),
        ("p3", "C3", "B3"),
    ]
    every = triples(preference_pairs(ds, pairs="all"))
    assert every == [
        ("p0", "A0", "B0"),
        ("p0", "A0", "C0"),
        ("p0", "B0", "C0"),
        ("p1", "B1", "A1"),
        ("p1", "C1", "A1"),
        ("p3", "C3", "A3"),
        ("p3", "C3", "B3"),
    ]


def test_drafts_and_discards_never_count_and_each_annotator_gives_pairs() -> None:
    ds = comparison(3, "ab")
    ds.add_response(ds[0].id, {"best": ranked(1, 2)}, user="u1", status="draft")
    ds.add_response(ds[1].id, {"best": ranked(1, 2)}, user="u1", status="discarded")
    ds.add_response(ds[2].id, {"best": ranked(1, 2)}, user="u2")
    ds.add_response(ds[2].id, {"best": ranked(2, 1)}, user="u1")
    frame = preference_pairs(ds)
    assert frame[["user", "chosen", "rejected"]].values.tolist() == [
        ["u1", "B2", "A2"],
        ["u2", "A2", "B2"],
    ]
    assert set(frame["source"]) == {"ranking"}


def test_empty_or_equal_candidates_give_no_pair() -> None:
    ds = rg.FeedbackDataset(
        fields=[
            rg.TextField(name="prompt"),
            rg.TextField(name="a"),
            rg.TextField(name="b", required=False),
        ],
        questions=[rg.RankingQuestion(name="best", values=["a", "b"], ties=True)],
    )
    ds.add_records(
        [
            {"prompt": "x", "a": "same", "b": " same "},
            {"prompt": "y", "a": "A"},
            {"prompt": "z", "a": "1", "b": "2"},
        ]
    )
    for r in ds:
        ds.add_response(r.id, {"best": ranked(1, 2)}, user="u")
    assert triples(preference_pairs(ds)) == [("z", "1", "2")]


def test_an_edited_suggestion_gives_a_pair_on_request_only() -> None:
    ds = rg.FeedbackDataset(
        fields=[rg.TextField(name="prompt")], questions=[rg.TextQuestion(name="answer")]
    )
    ds.add_records(
        [
            {"prompt": f"q{i}", "suggestions": [{"question_name": "answer", "value": f"draft {i}"}]}
            for i in range(3)
        ]
    )
    ds.add_response(ds[0].id, {"answer": "better 0"}, user="u")  # edited: a pair
    ds.add_response(ds[1].id, {"answer": "draft 1"}, user="u")  # accepted: no pair
    ds.add_response(ds[2].id, {"answer": "better 2"}, user="u", status="draft")
    frame = preference_pairs(ds, edits="answer")
    assert frame[["prompt", "chosen", "rejected", "source"]].values.tolist() == [
        ["q0", "better 0", "draft 0", "edit"]
    ]
    with pytest.raises(ExportError, match="0 ranking questions"):
        preference_pairs(ds)


def test_to_preference_formats_and_columns() -> None:
    ds = comparison(10, "ab")
    for r in ds:
        ds.add_response(r.id, {"best": ranked(1, 2)}, user="u")
    splits = ds.to_preference(test_size=0.2, seed=0)
    assert splits.num_rows == {"train": 8, "test": 2}
    assert splits["train"].column_names == ["prompt", "chosen", "rejected"]
    row = splits["train"][0]
    assert row["chosen"] == "A" + row["prompt"][1:] and row["rejected"] == "B" + row["prompt"][1:]

    conv = ds.to_preference(format="conversational", include=("record_id", "user"))
    row = conv["train"][0]
    n = row["prompt"][0]["content"][1:]
    assert row["prompt"] == [{"role": "user", "content": f"p{n}"}]
    assert row["chosen"] == [{"role": "assistant", "content": f"A{n}"}]
    assert row["rejected"] == [{"role": "assistant", "content": f"B{n}"}]
    assert row["record_id"] == ds[int(n)].id and row["user"] == "u"
    # the same split whichever format
    assert [r[0]["content"] for r in conv["test"]["prompt"]] == list(splits["test"]["prompt"])


def test_split_is_grouped_by_prompt_and_the_same_in_another_process() -> None:
    ds = comparison(20, "abc")
    # records 10..19 repeat the prompts of 0..9 (case and spaces differ)
    ds.add_records([{"prompt": f"  P{i} ", "a": "x", "b": "y", "c": "z"} for i in range(10)])
    for r in ds:
        ds.add_response(r.id, {"best": ranked(1, 2, 3)}, user="u")
    splits = ds.to_preference(pairs="all", test_size=0.25, seed=3)
    norm = {s: {p.strip().lower() for p in splits[s]["prompt"]} for s in ("train", "test")}
    assert not norm["train"] & norm["test"]
    assert splits.num_rows["train"] + splits.num_rows["test"] == 30 * 3
    # rebuild the same dataset in a fresh process (another hash seed) and compare the split
    script = """
import json, nb_feedback as rg
fields = [rg.TextField(name="prompt")] + [rg.TextField(name=o) for o in "abc"]
ds = rg.FeedbackDataset(fields=fields, questions=[rg.RankingQuestion(name="best", values=list("abc"))])
ds.add_records([{"prompt": f"p{i}", "a": f"A{i}", "b": f"B{i}", "c": f"C{i}"} for i in range(20)])
ds.add_records([{"prompt": f"  P{i} ", "a": "x", "b": "y", "c": "z"} for i in range(10)])
for r in ds:
    ds.add_response(r.id, {"best": [{"value": v, "rank": k + 1} for k, v in enumerate("abc")]}, user="u")
s = ds.to_preference(pairs="all", test_size=0.25, seed=3)
print(json.dumps({k: list(s[k]["prompt"]) for k in s}))
"""
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(SRC), "PYTHONHASHSEED": "99"},
    )
    assert json.loads(out.stdout) == {k: list(splits[k]["prompt"]) for k in splits}
    other = ds.to_preference(pairs="all", test_size=0.25, seed=4)
    assert list(other["test"]["prompt"]) != list(splits["test"]["prompt"])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"pairs": "some"}, "pairs='some'"),
        ({"format": "chat"}, "format='chat'"),
        ({"prompt": "a"}, "also a candidate"),
        ({"prompt": "nope"}, "not a field"),
        ({"ranking": "fix"}, "not a ranking question"),
        ({"edits": "best"}, "not a text question"),
        ({"include": ["score"]}, "include="),
        ({"seed": 1.5}, "seed must be an integer"),
        ({"test_size": 0}, "test_size"),
    ],
)
def test_bad_options_raise_naming_them(kwargs, message) -> None:
    ds = comparison(4, "ab")
    for r in ds:
        ds.add_response(r.id, {"best": ranked(1, 2)}, user="u")
    with pytest.raises(ExportError, match=message):
        ds.to_preference(**kwargs)


def test_options_that_name_no_field_and_no_pairs_are_errors() -> None:
    ds = rg.FeedbackDataset(
        fields=[rg.TextField(name="prompt")],
        questions=[rg.RankingQuestion(name="best", values=["x", "y"])],
    )
    ds.add_records([{"prompt": "p"}])
    with pytest.raises(ExportError, match=r"options \['x', 'y'\] that are not fields"):
        ds.to_preference()
    ds = comparison(3, "ab")
    ds.add_response(ds[0].id, {"best": ranked(1, 1)}, user="u")
    with pytest.raises(ExportError, match="no preference pair in 3 records"):
        ds.to_preference()


# ----------------------------------------------------------------------------- KTO
def rated() -> rg.FeedbackDataset:
    ds = rg.FeedbackDataset(
        fields=[rg.TextField(name="prompt"), rg.TextField(name="reply")],
        questions=[
            rg.RatingQuestion(name="quality", values=[1, 2, 3, 4, 5]),
            rg.LabelQuestion(name="verdict", labels=["good", "ok", "bad"], required=False),
        ],
    )
    ds.add_records([{"prompt": f"p{i}", "reply": f"r{i}"} for i in range(6)])
    for i, r in enumerate(ds):
        status = "draft" if i == 5 else "submitted"
        values = {"quality": i % 5 + 1, "verdict": ["good", "ok", "bad"][i % 3]}
        ds.add_response(r.id, values, user="u", status=status)
    return ds


def test_kto_labels_from_a_rating_threshold_or_a_label_set() -> None:
    ds = rated()
    by_rating = kto_rows(ds, question="quality", threshold=3)
    assert by_rating[["prompt", "completion", "label"]].values.tolist() == [
        ["p0", "r0", False],
        ["p1", "r1", False],
        ["p2", "r2", True],
        ["p3", "r3", True],
        ["p4", "r4", True],
    ]
    by_label = kto_rows(ds, question="verdict", desirable=["good", "ok"])
    assert by_label["label"].tolist() == [True, True, False, True, True]
    splits = ds.to_kto(question="quality", threshold=4, test_size=2, seed=0)
    assert splits.num_rows == {"train": 3, "test": 2}
    assert splits["train"].column_names == ["prompt", "completion", "label"]
    rows = [*splits["train"], *splits["test"]]
    assert sorted((r["prompt"], r["label"]) for r in rows) == [
        ("p0", False),
        ("p1", False),
        ("p2", False),
        ("p3", True),
        ("p4", True),
    ]
    conv = ds.to_kto(question="quality", threshold=4, format="conversational", test_size=2)
    assert conv["train"][0]["completion"][0]["role"] == "assistant"
    assert list(conv["test"]["label"]) == list(splits["test"]["label"])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "2 rating or label questions"),
        ({"question": "quality"}, "pass threshold"),
        ({"question": "verdict"}, "pass desirable"),
        ({"question": "verdict", "desirable": ["great"]}, "pass desirable"),
        ({"question": "prompt", "threshold": 3}, "not a rating or label question"),
    ],
)
def test_kto_bad_options(kwargs, message) -> None:
    with pytest.raises(ExportError, match=message):
        rated().to_kto(**kwargs)


def test_argilla_dpo_task_with_a_v1_formatting_func_gives_the_same_rows() -> None:
    """TrainingTask.for_direct_preference_optimization, fed as Argilla v1's guide does, and
    to_preference read the same submitted rankings into the same triples."""
    ds = comparison(6)
    ds.add_response(ds[0].id, {"best": ranked(1, 2, 3)}, user="u1")
    ds.add_response(ds[1].id, {"best": ranked(3, 1, 2)}, user="u1")
    ds.add_response(ds[1].id, {"best": ranked(2, 1, 3)}, user="u2")
    ds.add_response(ds[2].id, {"best": ranked(1, 1, 1)}, user="u1")  # a tie: no pair
    ds.add_response(ds[3].id, {"best": ranked(1, 2, 3)}, user="u1", status="draft")

    def formatting_func(sample):  # best vs rest, from v1's {"rank": [...], "value": [...]}
        for answer in sample["best"]:
            if answer["status"] != "submitted":
                continue
            ranking = dict(zip(answer["value"]["value"], answer["value"]["rank"], strict=True))
            top = min(ranking.values())
            for best in [v for v, r in ranking.items() if r == top]:
                for other in [v for v, r in ranking.items() if r > top]:
                    yield sample["prompt"], sample[best], sample[other]

    task = rg.TrainingTask.for_direct_preference_optimization(formatting_func)
    rows = ds.prepare_for_training(framework="trl", task=task, train_size=1)
    ours = preference_pairs(ds)
    assert sorted(zip(rows["prompt"], rows["chosen"], rows["rejected"], strict=True)) == sorted(
        triples(ours)
    )
    assert len(ours) == 2 + 2 + 2
