"""Chat fields: conversations checked, stored as text, read back intact; questions per turn."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import nb_feedback as rg
from nb_feedback.domain.chat import encode
from nb_feedback.samples import load_sample_conversations

TRICKY = 'Hi ✨ "quoted" \\ back\nnew line\r\n\tתודה U+2028:\u2028 e\u0301'


def conv(i: int = 0, extra: str = "") -> list[dict[str, str]]:
    return [
        {"role": "user", "content": f"What is {i}+{i}?{extra}"},
        {"role": "assistant", "content": str(i)},
        {"role": "user", "content": "Sure?"},
        {"role": "assistant", "content": "Yes."},
        {"role": "user", "content": "Thanks"},
    ]


def chat_dataset(**questions: Any) -> rg.FeedbackDataset:
    return rg.FeedbackDataset(
        fields=[rg.ChatField(name="chat")],
        questions=[
            rg.TextQuestion(name="reply", required=False),
            rg.RatingQuestion(name="turn_rating", values=[1, 2, 3, 4, 5], turns_of="chat"),
            rg.TextQuestion(name="turn_fix", required=False, turns_of="chat"),
        ],
    )


# ---------------------------------------------------------------------------- the schema
def test_schema_round_trips_chat_fields_and_per_turn_questions() -> None:
    ds = chat_dataset()
    data = ds.schema.to_dict()
    assert data["fields"][0]["kind"] == "chat_field"
    assert data["questions"][1]["turns_of"] == "chat"
    assert "turns_of" not in data["questions"][0]  # a dataset without turns reads as before
    again = type(ds.schema).from_dict(data)
    assert again.to_dict() == data
    assert again.turn_questions == {"turn_rating": "chat", "turn_fix": "chat"}


@pytest.mark.parametrize(
    "question",
    [
        rg.RatingQuestion(name="r", values=[1, 2], turns_of="prompt"),  # a text field
        rg.RatingQuestion(name="r", values=[1, 2], turns_of="nothing"),
        rg.RankingQuestion(name="r", values=["a", "b"], turns_of="chat"),
    ],
)
def test_turns_of_must_name_a_chat_field(question: Any) -> None:
    with pytest.raises(rg.SchemaError, match="turns_of"):
        rg.FeedbackDataset(
            fields=[rg.ChatField(name="chat"), rg.TextField(name="prompt")],
            questions=[rg.TextQuestion(name="q"), question],
        )


# ---------------------------------------------------------------------------- adding records
def test_lists_frames_and_hf_datasets_give_the_same_conversations() -> None:
    datasets = pytest.importorskip("datasets")
    ds = chat_dataset()
    given = [conv(0, TRICKY), conv(1)]
    ds.add_records([{"chat": c} for c in given])
    ds.add_records(pd.DataFrame({"chat": given}))
    ds.add_records(datasets.Dataset.from_dict({"chat": given}))
    ds.add_records([rg.FeedbackRecord(fields={"chat": given[0]})])
    got = [r.fields["chat"] for r in ds]
    assert got == [*given, *given, *given, given[0]]
    assert ds.to_pandas()["chat"].tolist() == got


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        ([], "expected at least one message"),
        (None, "required field: expected a conversation"),
        ("Hi", "expected a list of"),
        ([{"role": "bot", "content": "x"}], "message 0: role must be one of"),
        ([{"role": "user", "content": 3}], "message 0: content must be a string"),
        ([{"role": "user"}], "message 0: expected exactly the keys"),
        ([{"role": "user", "content": "x", "name": "n"}], "expected exactly the keys"),
        (["hi"], "message 0: expected a dict"),
        ([{"role": "user", "content": "a\ud800"}], "lone surrogate"),
    ],
)
def test_a_malformed_conversation_adds_nothing_of_the_batch(bad: Any, expected: str) -> None:
    ds = chat_dataset()
    with pytest.raises(rg.RecordError) as info:
        ds.add_records([{"chat": conv(0)}, {"chat": bad}])
    assert "record 1" in str(info.value)
    assert "field 'chat'" in str(info.value)
    assert expected in str(info.value)
    assert "no record of this batch was added" in str(info.value)
    assert len(ds) == 0


def test_an_optional_chat_field_may_be_left_out() -> None:
    ds = rg.FeedbackDataset(
        fields=[rg.TextField(name="prompt"), rg.ChatField(name="history", required=False)],
        questions=[rg.TextQuestion(name="reply")],
    )
    ds.add_records(
        [{"prompt": "a"}, {"prompt": "b", "history": []}, {"prompt": "c", "history": conv()}]
    )
    assert [r.fields["history"] for r in ds] == [None, None, conv()]


# ---------------------------------------------------------------------------- storage
def _stored(ds: rg.FeedbackDataset) -> list[Any]:
    return ds.tables().records["chat"].tolist()


def test_saved_reopened_compacted_and_formatted_byte_for_byte(tmp_path: Path) -> None:
    ds = chat_dataset()
    given = [conv(i, TRICKY) for i in range(3)]
    ds.add_records([{"chat": c} for c in given])
    stored = _stored(ds)
    assert stored == [encode(c) for c in given]  # one canonical text per conversation
    ds.save(tmp_path / "d")
    ds.add_records([{"chat": conv(9)}])  # a second part, written by add_records
    again = rg.FeedbackDataset.from_disk(tmp_path / "d")
    assert _stored(again) == [*stored, encode(conv(9))]
    again.save()  # compaction
    again.close()
    third = rg.FeedbackDataset.from_disk(tmp_path / "d")
    assert [r.fields["chat"] for r in third] == [*given, conv(9)]
    assert _stored(third) == [*stored, encode(conv(9))]
    formatted = third.format_as("datasets")
    assert formatted["chat"] == [*given, conv(9)]
    third.close()
    ds.close()


# ---------------------------------------------------------------------------- answers per turn
def test_per_turn_answers_are_checked_stored_and_read_back_per_turn(tmp_path: Path) -> None:
    ds = chat_dataset()
    ds.add_records([{"chat": conv(0)}, {"chat": conv(1)}])
    ds.save(tmp_path / "d")
    rid = ds[0].id
    values = {"turn_rating": {"1": 2, "3": 5}, "turn_fix": {"1": "0, since 0+0=0."}}
    ds.add_response(rid, values, user="ann")
    ds.close()
    again = rg.FeedbackDataset.from_disk(tmp_path / "d")
    [response] = again[0].responses
    assert response.values["turn_rating"].value == {"1": 2, "3": 5}
    assert response.values["turn_fix"].value == {"1": "0, since 0+0=0."}
    again.close()


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"turn_rating": 3}, "expected a non-empty dict of answers by turn"),
        ({"turn_rating": {}}, "expected a non-empty dict"),
        ({"turn_rating": {"one": 3}}, "expected a turn index as text"),
        ({"turn_rating": {"01": 3}}, "expected a turn index as text"),
        ({"turn_rating": {"1": 9}}, "turn 1: expected one of [1, 2, 3, 4, 5]"),
        ({"turn_rating": {"0": 3}}, "turn 0 is not an assistant turn"),
        ({"turn_rating": {"7": 3}}, "turn 7 is not an assistant turn"),
        ({"turn_rating": {"1": 3}, "turn_fix": {"2": "x"}}, "turn 2 is not an assistant turn"),
        ({"turn_rating": {"1": 3}, "turn_fix": {"1": "  "}}, "turn 1: expected non-empty text"),
    ],
)
def test_a_wrong_per_turn_answer_is_refused_naming_the_question(
    values: dict[str, Any], expected: str
) -> None:
    ds = chat_dataset()
    ds.add_records([{"chat": conv(0)}])
    with pytest.raises(rg.ResponseError) as info:
        ds.add_response(ds[0].id, values, user="ann")
    assert "question 'turn_" in str(info.value)
    assert expected in str(info.value)
    with pytest.raises(rg.ResponseError, match="no answer of this batch"):
        ds.add_responses([{"record_id": ds[0].id, **values}], user="ann")
    assert ds[0].responses == []


def test_bulk_per_turn_answers_are_read_back_per_turn() -> None:
    ds = chat_dataset()
    ds.add_records([{"chat": conv(i)} for i in range(3)])
    rows = [{"record_id": r.id, "turn_rating": {"3": 4}} for r in ds]
    assert ds.add_responses(rows, user="bulk") == 3
    assert [r.responses[0].values["turn_rating"].value for r in ds] == [{"3": 4}] * 3


# ---------------------------------------------------------------------------- exports
def demonstrations() -> rg.FeedbackDataset:
    ds = rg.FeedbackDataset(
        fields=[rg.ChatField(name="chat")], questions=[rg.TextQuestion(name="reply")]
    )
    convs = [[{"role": "user", "content": f"What is {i}+{i}?"}] for i in range(6)]
    convs.append([{"role": "system", "content": "Be terse."}, {"role": "user", "content": "1+1?"}])
    convs.append(list(convs[0]))  # the same conversation twice: one group
    ds.add_records([{"chat": c} for c in convs])
    for k, r in enumerate(ds):
        ds.add_response(r.id, {"reply": f"answer {k}"}, user="me")
    return ds


def test_to_sft_messages_is_the_conversation_then_the_answer() -> None:
    pytest.importorskip("datasets")
    is_conversational = pytest.importorskip("trl.data_utils").is_conversational
    ds = demonstrations()
    splits = ds.to_sft(format="messages", system_prompt="Be kind.", test_size=2, seed=1)
    rows = [*splits["train"], *splits["test"]]
    assert len(rows) == 7  # the repeated conversation kept once (multiple="latest")
    assert all(is_conversational(row) for row in rows)
    by_question = {row["messages"][-2]["content"]: row["messages"] for row in rows}
    assert by_question["What is 3+3?"] == [
        {"role": "system", "content": "Be kind."},
        {"role": "user", "content": "What is 3+3?"},
        {"role": "assistant", "content": "answer 3"},
    ]
    # a conversation that has its own system message keeps it alone
    assert by_question["1+1?"][0] == {"role": "system", "content": "Be terse."}
    assert [m["role"] for m in by_question["1+1?"]] == ["system", "user", "assistant"]


def test_to_sft_conversational_prompt_completion() -> None:
    is_conversational = pytest.importorskip("trl.data_utils").is_conversational
    ds = demonstrations()
    splits = ds.to_sft(format="prompt_completion", test_size=2)
    row = splits["train"][0]
    assert is_conversational(row)
    assert row["prompt"][-1]["role"] == "user"
    assert row["completion"] == [{"role": "assistant", "content": row["completion"][0]["content"]}]
    assert row["completion"][0]["content"].startswith("answer ")
    with pytest.raises(rg.ExportError, match="format='messages'"):
        ds.to_sft(format="text")


def test_equal_conversations_are_one_group_in_the_split() -> None:
    ds = demonstrations()
    for seed in range(8):
        splits = ds.to_sft(format="messages", test_size=0.5, seed=seed, multiple="all")
        sides = [{str(row["messages"][:-1]) for row in splits[name]} for name in ("train", "test")]
        assert not sides[0] & sides[1]


def turn_feedback() -> rg.FeedbackDataset:
    ds = chat_dataset()
    ds.add_records([{"chat": conv(i)} for i in range(6)])
    for i, r in enumerate(ds):
        ds.add_response(
            r.id,
            {"turn_fix": {"1": str(2 * i)}, "turn_rating": {"1": 1, "3": 5 if i % 2 else 2}},
            user="me",
        )
    ds.add_response(ds[5].id, {"turn_rating": {"1": 5}}, user="draft", status="draft")
    return ds


def test_a_corrected_turn_is_a_conversational_preference_pair() -> None:
    is_conversational = pytest.importorskip("trl.data_utils").is_conversational
    ds = turn_feedback()
    splits = ds.to_preference(format="conversational", test_size=2, include=["record_id"])
    rows = [*splits["train"], *splits["test"]]
    assert len(rows) == 5  # record 0's correction equals its turn: no pair
    assert all(is_conversational(row) for row in rows)
    ids = [r.id for r in ds]
    for row in rows:
        i = ids.index(row["record_id"])
        assert row["prompt"] == conv(i)[:1]  # the conversation up to the corrected turn
        assert row["chosen"] == [{"role": "assistant", "content": str(2 * i)}]
        assert row["rejected"] == [{"role": "assistant", "content": str(i)}]
    with pytest.raises(rg.ExportError, match="format='conversational'"):
        ds.to_preference(test_size=2)


def test_kto_rule_for_rated_and_corrected_turns() -> None:
    is_conversational = pytest.importorskip("trl.data_utils").is_conversational
    ds = turn_feedback()
    splits = ds.to_kto(question="turn_rating", threshold=4, format="conversational", test_size=2)
    rows = [*splits["train"], *splits["test"]]
    assert all(is_conversational(row) for row in rows)
    got = sorted(
        (
            row["prompt"][0]["content"],
            len(row["prompt"]),
            row["completion"][0]["content"],
            row["label"],
        )
        for row in rows
    )
    expected = []
    for i in range(6):
        q = f"What is {i}+{i}?"
        if i == 0:  # the "correction" equals the turn: the rating (1) decides
            expected.append((q, 1, "0", False))
        else:  # corrected: the original is undesirable whatever its rating, the fix desirable
            expected += [(q, 1, str(i), False), (q, 1, str(2 * i), True)]
        expected.append((q, 3, "Yes.", i % 2 == 1))  # rated 5 (odd) or 2 (even)
    assert got == sorted(expected)


def test_argilla_style_chat_and_two_responses_ranked() -> None:
    is_conversational = pytest.importorskip("trl.data_utils").is_conversational
    ds = rg.FeedbackDataset(
        fields=[
            rg.ChatField(name="chat"),
            rg.TextField(name="response-1"),
            rg.TextField(name="response-2"),
        ],
        questions=[rg.RankingQuestion(name="ranking", values=["response-1", "response-2"])],
    )
    ds.add_records(
        [{"chat": conv(i)[:3], "response-1": "Yes.", "response-2": "No."} for i in range(4)]
    )
    for r in ds:
        ranking = [{"value": "response-2", "rank": 1}, {"value": "response-1", "rank": 2}]
        ds.add_response(r.id, {"ranking": ranking}, user="me")
    splits = ds.to_preference(format="conversational", test_size=1)
    row = splits["train"][0]
    assert is_conversational(row)
    assert row["prompt"] in [conv(i)[:3] for i in range(4)]
    assert row["chosen"] == [{"role": "assistant", "content": "No."}]
    assert row["rejected"] == [{"role": "assistant", "content": "Yes."}]


def test_suggest_passes_the_conversation() -> None:
    ds = demonstrations()
    seen: list[Any] = []

    def draft(conversations: list[Any]) -> list[str]:
        seen.extend(conversations)
        return [f"draft for {c[-1]['content']}" for c in conversations]

    ds.suggest(draft, question="reply", agent="m")
    assert seen == [r.fields["chat"] for r in ds]
    assert ds[0].suggestions[0].value == "draft for What is 0+0?"


def test_sample_conversations_load_into_a_chat_field() -> None:
    frame = load_sample_conversations()
    assert len(frame) == 20
    ds = rg.FeedbackDataset(
        fields=[rg.ChatField(name="messages")], questions=[rg.TextQuestion(name="reply")]
    )
    ds.add_records(frame[["messages"]])
    assert [r.fields["messages"] for r in ds] == frame["messages"].tolist()
    assert all(c[-1]["role"] == "user" for c in frame["messages"])


# ---------------------------------------------------------------------------- the widget's kernel side
def test_widget_sends_conversations_and_stores_answers_by_turn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ds = chat_dataset()
    ds.add_records([{"chat": conv(i)} for i in range(2)])
    ds.save(tmp_path / "d")
    w = ds.annotate(user="ann")
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(w, "send", lambda msg, buffers=None: sent.append(msg))
    assert w.window[0]["fields"]["chat"] == conv(0)  # messages, not JSON text
    schema = w.schema["questions"]
    assert [q.get("turns_of") for q in schema] == [None, "chat", "chat"]
    message = {
        "type": "answer",
        "request_id": "a1",
        "record_id": ds[1].id,
        "values": {"turn_rating": {"3": 2}, "turn_fix": {"3": "Yes, 1+1=2."}},
        "status": "submitted",
    }
    w._on_message(w, message, [])
    assert sent[-1]["type"] == "ack"
    w._on_message(w, {**message, "request_id": "a2", "values": {"turn_rating": {"2": 2}}}, [])
    assert sent[-1]["type"] == "error"
    assert "turn 2 is not an assistant turn" in sent[-1]["message"]
    w.close()
    ds.close()
    again = rg.FeedbackDataset.from_disk(tmp_path / "d")
    assert again[1].responses[0].values["turn_fix"].value == {"3": "Yes, 1+1=2."}
    again.close()


def test_unification_and_metrics_refuse_a_per_turn_question_by_name() -> None:
    ds = turn_feedback()
    with pytest.raises(rg.FeedbackError, match="'turn_rating' is asked of each assistant turn"):
        ds.compute_unified_responses("turn_rating", "majority")
    with pytest.raises(rg.FeedbackError, match="'turn_rating' is asked of each assistant turn"):
        ds.compute_agreement_metrics(question_name="turn_rating")


def test_a_model_rates_each_turn_and_the_answer_keeps_its_provenance() -> None:
    ds = chat_dataset()
    ds.add_records([{"chat": conv(i)} for i in range(2)])
    # a dict output is read as a pipeline's: the per-turn value goes under "value"
    ds.suggest(
        lambda chats: [{"value": {"1": 4, "3": 5}} for _ in chats],
        question="turn_rating",
        agent="m",
    )
    assert ds[0].suggestions[0].value == {"1": 4, "3": 5}
    with pytest.warns(UserWarning, match="turn 1: expected non-empty text"):
        result = ds.suggest(
            lambda chats: [{"value": {"1": " "}} for _ in chats], question="turn_fix"
        )
    assert result.added == 0
    shown = {"turn_rating": {"suggestion": {"1": 4, "3": 5}, "agent": "m"}}
    ds.add_response(ds[0].id, {"turn_rating": {"1": 4, "3": 5}}, user="ann", shown=shown)
    ds.add_response(ds[1].id, {"turn_rating": {"1": 2, "3": 5}}, user="ann", shown=shown)
    assert [r.responses[0].values["turn_rating"].value for r in ds] == [
        {"1": 4, "3": 5},
        {"1": 2, "3": 5},
    ]
    provenance = [json.loads(p)["turn_rating"] for p in ds.tables().responses["provenance"]]
    assert [(p["agent"], p["outcome"]) for p in provenance] == [
        ("m", "accepted"),
        ("m", "replaced"),
    ]
    with pytest.raises(rg.RecordError, match="suggestion for question 'turn_rating'"):
        ds.add_records(
            [{"chat": conv(), "suggestions": [{"question_name": "turn_rating", "value": 3}]}]
        )


def test_one_stored_text_per_conversation_whatever_the_key_order() -> None:
    ds = chat_dataset()
    reordered = [{"content": m["content"], "role": m["role"]} for m in conv(0, TRICKY)]
    ds.add_records([{"chat": conv(0, TRICKY)}, {"chat": reordered}])
    first, second = _stored(ds)
    assert first == second == encode(conv(0, TRICKY))
    assert first.startswith('[{"role":"user","content":"What is 0+0?Hi ✨ \\"quoted\\"')


def test_a_label_per_turn_gives_kto_rows_by_its_desirable_labels() -> None:
    ds = rg.FeedbackDataset(
        fields=[rg.ChatField(name="chat")],
        questions=[
            rg.LabelQuestion(name="verdict", labels=["good", "bad"], turns_of="chat"),
        ],
    )
    ds.add_records([{"chat": conv(i)} for i in range(4)])
    for i, r in enumerate(ds):
        ds.add_response(r.id, {"verdict": {"1": "good" if i % 2 else "bad", "3": "good"}}, user="u")
    with pytest.raises(rg.ResponseError, match="turn 1: expected one of"):
        ds.add_response(ds[0].id, {"verdict": {"1": "meh"}}, user="u")
    splits = ds.to_kto(question="verdict", desirable=["good"], format="conversational", test_size=1)
    rows = [*splits["train"], *splits["test"]]
    got = sorted((len(r["prompt"]), r["completion"][0]["content"], r["label"]) for r in rows)
    assert got == sorted([(1, str(i), i % 2 == 1) for i in range(4)] + [(3, "Yes.", True)] * 4)
    # every row of one conversation is on one side of the split
    for name in ("train", "test"):
        other = "test" if name == "train" else "train"
        firsts = {r["prompt"][0]["content"] for r in splits[name]}
        assert not firsts & {r["prompt"][0]["content"] for r in splits[other]}
