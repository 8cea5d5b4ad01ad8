"""Comparisons (shuffled candidate order) and the provenance of answers to suggestions."""

from __future__ import annotations

import collections
import json
import subprocess
import sys
from pathlib import Path

import pytest

import nb_feedback as rg
from nb_feedback.base.errors import ResponseError
from nb_feedback.domain.comparisons import compared_fields, display, shown_order, shuffle_seed
from nb_feedback.domain.provenance import judge, provenance

SRC = Path(__file__).resolve().parents[2] / "src"


def schema(options: str = "ab") -> rg.FeedbackDataset:
    return rg.FeedbackDataset(
        fields=[rg.TextField(name="prompt"), *(rg.TextField(name=o) for o in options)],
        questions=[
            rg.RankingQuestion(name="better", values=list(options)),
            rg.RankingQuestion(name="labels", values=["x", "y"], required=False),
            rg.TextQuestion(name="answer", required=False),
            rg.MultiLabelQuestion(name="tags", labels=["t1", "t2", "t3"], required=False),
        ],
    )


def test_only_rankings_over_fields_are_comparisons() -> None:
    s = schema().schema
    assert compared_fields(s, "better") == ["a", "b"]
    assert compared_fields(s, "labels") is None  # options that are not fields
    assert compared_fields(s, "answer") is None
    assert compared_fields(s, "nope") is None
    assert set(display(s, "r1", "ann")) == {"better"}


def test_the_order_is_seeded_per_record_and_annotator_and_balanced() -> None:
    s = schema("abc").schema
    first = display(s, "r1", "ann")["better"]
    assert first == display(s, "r1", "ann")["better"]  # the same every time
    assert sorted(first["order"]) == ["a", "b", "c"]
    assert shown_order(["a", "b", "c"], first["seed"]) == first["order"]
    # across records and annotators every option leads about as often (600 draws, 3 options)
    leads = collections.Counter(
        display(s, f"r{i}", user)["better"]["order"][0] for i in range(200) for user in "xyz"
    )
    assert set(leads) == {"a", "b", "c"} and min(leads.values()) > 150


def test_the_seed_is_the_same_in_another_process() -> None:
    code = (
        "import json; from nb_feedback.domain.comparisons import shuffle_seed, shown_order\n"
        "s = shuffle_seed('rec-7', 'ann')\n"
        "print(json.dumps([s, shown_order(list('abcde'), s)]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(SRC), "PYTHONHASHSEED": "5"},
    )
    seed = shuffle_seed("rec-7", "ann")
    assert json.loads(out.stdout) == [seed, shown_order(list("abcde"), seed)]


@pytest.mark.parametrize(
    ("kind", "suggestion", "answer", "expected"),
    [
        ("text_question", "Paris is the capital.", "Paris is the capital.", ("accepted", 0)),
        ("text_question", " Paris. ", "Paris.", ("accepted", 0)),
        ("text_question", "Paris is the capital.", "Paris is the capital!", ("edited", 1)),
        ("text_question", "abcdefghij", "abcdeXXXXX", ("edited", 5)),
        ("text_question", "abcdefghij", "abcdXXXXXX", ("replaced", 6)),
        ("text_question", "Paris", None, ("unanswered", None)),
        ("label_question", "spam", "spam", ("accepted", None)),
        ("label_question", "spam", "ham", ("replaced", None)),
        ("rating_question", 3, 4, ("replaced", None)),
        ("multi_label_question", ["t1", "t2"], ["t2", "t1"], ("accepted", None)),
        ("multi_label_question", ["t1", "t2"], ["t1"], ("edited", None)),
        ("multi_label_question", ["t1"], ["t3"], ("replaced", None)),
        (
            "ranking_question",
            [{"value": "a", "rank": 1}, {"value": "b", "rank": 2}],
            [{"value": "b", "rank": 2}, {"value": "a", "rank": 1}],
            ("accepted", None),
        ),
    ],
)
def test_judge_outcomes(kind, suggestion, answer, expected) -> None:
    assert judge(kind, suggestion, answer) == expected


def test_provenance_from_what_the_widget_showed() -> None:
    s = schema().schema
    values = {
        "answer": "A better draft.",
        "better": [{"value": "a", "rank": 1}, {"value": "b", "rank": 2}],
    }
    shown = {
        "answer": {"suggestion": "A better draft", "agent": "tiny"},
        "better": {"order": ["b", "a"], "seed": 12},
    }
    assert provenance(s, values, shown, "record 'r'") == {
        "answer": {
            "suggestion": "A better draft",
            "agent": "tiny",
            "outcome": "edited",
            "edit_distance": 1,
        },
        "better": {"order": ["b", "a"], "seed": 12},
    }
    assert provenance(s, values, None, "record 'r'") is None
    assert provenance(s, values, {}, "record 'r'") is None


@pytest.mark.parametrize(
    ("shown", "message"),
    [
        ("x", "'shown' must map questions"),
        ({"nope": {}}, "'shown' names 'nope'"),
        ({"answer": "text"}, "'shown' names 'answer'"),
        ({"answer": {"suggestion": "s", "agent": 3}}, "agent must be a string"),
        ({"better": {"order": ["a", "a"], "seed": 1}}, "order must list each of"),
        ({"better": {"order": ["a", "b"], "seed": "1"}}, "integer seed"),
        ({"labels": {"order": ["x", "y"], "seed": 1}}, "order must list each of None"),
    ],
)
def test_malformed_shown_is_an_error_naming_the_record(shown, message) -> None:
    with pytest.raises(ResponseError, match=message) as err:
        provenance(schema().schema, {}, shown, "record 'r9'")
    assert "record 'r9'" in str(err.value)


def test_the_widget_sends_each_annotator_their_order(monkeypatch: pytest.MonkeyPatch) -> None:
    ds = schema("abc")
    ds.add_records([{"prompt": f"p{i}", "a": "A", "b": "B", "c": "C"} for i in range(3)])
    for user in ("ann", "bob"):
        w = ds.annotate(user=user)
        for rec in w.window:
            assert rec["display"] == display(ds.schema, rec["id"], user)
        w.close()
    plain = rg.FeedbackDataset(
        fields=[rg.TextField(name="prompt")], questions=[rg.TextQuestion(name="answer")]
    )
    plain.add_records([{"prompt": "p"}])
    w = plain.annotate(user="ann")
    assert "display" not in w.window[0]  # no comparison: nothing extra on the wire
    w.close()


# ------------------------------------------------------------------ provenance, stored
def drafted(tmp_path: Path) -> rg.FeedbackDataset:
    ds = schema()
    ds.add_records(
        [
            {
                "prompt": f"p{i}",
                "a": "A",
                "b": "B",
                "suggestions": [{"question_name": "answer", "value": f"draft {i}", "agent": "m1"}],
            }
            for i in range(4)
        ]
    )
    ds.save(tmp_path / "ds")
    return ds


def test_the_widget_stores_what_it_showed_and_it_survives_a_reopen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ds = drafted(tmp_path)
    w = ds.annotate(user="ann")
    sent: list[dict[str, object]] = []
    monkeypatch.setattr(w, "send", lambda msg, buffers=None: sent.append(msg))
    rec = w.window[0]
    order = rec["display"]["better"]
    w._on_message(
        w,
        {
            "type": "answer",
            "request_id": "q1",
            "record_id": rec["id"],
            "status": "submitted",
            "values": {
                "answer": "draft 0, fixed",
                "better": [{"value": "b", "rank": 1}, {"value": "a", "rank": 2}],
            },
            "shown": {
                "answer": {"suggestion": "draft 0", "agent": "m1"},
                "better": order,
            },
            "time_spent": 3.0,
        },
        [],
    )
    assert sent[-1]["type"] == "ack", sent
    expected = {
        "answer": {"suggestion": "draft 0", "agent": "m1", "outcome": "edited", "edit_distance": 7},
        "better": {"order": order["order"], "seed": order["seed"]},
    }
    frame = ds.responses_frame()
    assert frame["provenance"].tolist() == [expected]
    w.close()
    ds.close()
    again = rg.FeedbackDataset.from_disk(tmp_path / "ds", show_progress=False)
    assert again.responses_frame()["provenance"].tolist() == [expected]


def test_a_malformed_shown_changes_nothing(tmp_path: Path) -> None:
    ds = drafted(tmp_path)
    rid = ds[0].id
    with pytest.raises(ResponseError, match=f"record {rid!r}, question 'better'"):
        ds.add_response(
            rid,
            {"answer": "x"},
            user="ann",
            status="draft",
            shown={"better": {"order": ["a"], "seed": 1}},
        )
    assert ds.response_of(rid, "ann") is None
    ds.close()
    assert rg.FeedbackDataset.from_disk(tmp_path / "ds").response_of(rid, "ann") is None


def test_answers_shown_nothing_read_as_none_and_bulk_answers_say_so(tmp_path: Path) -> None:
    ds = drafted(tmp_path)
    ids = [r.id for r in ds]
    ds.add_response(ids[0], {"answer": "x"}, user="ann", status="draft")
    ds.add_responses(
        [{"record_id": i, "answer": "bulk"} for i in ids[1:]], user="bulk", status="draft"
    )
    ds.close()
    back = rg.FeedbackDataset.from_disk(tmp_path / "ds", show_progress=False)
    bulk = {"@bulk": {"via": "add_responses"}}
    assert back.responses_frame()["provenance"].tolist() == [None, bulk, bulk, bulk]
    assert "suggestions" not in back.report().summary  # no suggestion was shown to anyone


def test_report_shows_acceptance_and_edit_rates_per_annotator_and_agent(tmp_path: Path) -> None:
    ds = drafted(tmp_path)
    ids = [r.id for r in ds]
    ranked = [{"value": "a", "rank": 1}, {"value": "b", "rank": 2}]
    answers = [  # (user, answer, agent of the draft shown)
        ("ann", "draft 0", "m1"),  # accepted
        ("ann", "draft 1!", "m1"),  # edited, distance 1
        ("bob", "zzzzzzz", "m2"),  # replaced: 7 characters of 7 changed
        ("bob", "draft 3", "m2"),  # accepted
    ]
    for rid, (i, (user, text, agent)) in zip(ids, enumerate(answers), strict=True):
        shown = {
            "answer": {"suggestion": f"draft {i}", "agent": agent},
            "better": display(ds.schema, rid, user)["better"],
        }
        ds.add_response(rid, {"answer": text, "better": ranked}, user=user, shown=shown)
    ds.add_response(ids[0], {"answer": "x"}, user="cid", status="draft", shown={})  # no count
    s = ds.report().summary["suggestions"]
    assert s["by_annotator"]["ann"] == {
        "shown": 2,
        "accepted": 1,
        "edited": 1,
        "replaced": 0,
        "unanswered": 0,
        "acceptance_rate": 0.5,
        "edit_rate": 0.5,
        "median_edit_distance": 1,
    }
    assert s["by_agent"]["m2"]["accepted"] == 1 and s["by_agent"]["m2"]["replaced"] == 1
    assert s["by_agent"]["m2"]["median_edit_distance"] == 7
    # "a" always won: the share of wins by the first-shown candidate is the share shown first
    firsts = [
        display(ds.schema, rid, u)["better"]["order"][0] == "a"
        for rid, (u, _, _) in zip(ids, answers, strict=True)
    ]
    assert s["comparisons"] == {"better": {"answers": 4, "first_shown_won": sum(firsts) / 4}}
    html = ds.report()._repr_html_()
    assert "Model drafts by agent" in html and "m2" in html and "50%" in html


def test_a_draft_saved_while_editing_a_suggestion_keeps_it_for_the_submit(tmp_path: Path) -> None:
    ds = drafted(tmp_path)
    rid = ds[0].id
    ranked = [{"value": "a", "rank": 1}, {"value": "b", "rank": 2}]
    shown = {"answer": {"suggestion": "draft 0", "agent": "m1"}}
    ds.add_response(rid, {"answer": "draft 0 and"}, user="ann", status="draft", shown=shown)
    # the view came back to the record: it showed the labeler's draft, not the suggestion
    ds.add_response(rid, {"answer": "draft 0, more", "better": ranked}, user="ann")
    (prov,) = ds.responses_frame()["provenance"].tolist()
    assert prov == {
        "answer": {"suggestion": "draft 0", "agent": "m1", "outcome": "edited", "edit_distance": 6}
    }
    ds.add_response(rid, {"answer": "draft 0", "better": ranked}, user="ann")  # back to it
    assert ds.responses_frame()["provenance"][0]["answer"]["outcome"] == "accepted"
    other = ds[1].id  # no earlier provenance, none given: none stored
    ds.add_response(other, {"answer": "mine", "better": ranked}, user="ann")
    frame = ds.responses_frame().set_index("record_id")
    assert frame.loc[other, "provenance"] is None
