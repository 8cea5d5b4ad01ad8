"""The wire contract: defined once in ``widget.protocol``, generated for the view, held by the kernel.

- the committed ``js/src/wire.gen.ts`` is what ``protocol`` generates (drift fails here);
- every type of the contract is part of a root, and the roots are used on both sides;
- what a real widget sends (acks, errors, every synced trait) is valid against the JSON Schema,
  checked by the ``jsonschema`` package rather than by our own checker;
- our checker and ``jsonschema`` agree on which view messages are valid.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any, get_args

import anywidget
import jsonschema
import pandas as pd
import pytest

import nb_feedback as rg
from nb_feedback.base.errors import ResponseError
from nb_feedback.domain.records import STATUSES
from nb_feedback.widget import protocol
from nb_feedback.widget.feedback_widget import FeedbackWidget
from nb_feedback.widget.protocol import ROOTS, Traits, check_view_message, contract

ROOT = Path(__file__).resolve().parents[2]
GENERATED = ROOT / "js" / "src" / "wire.gen.ts"


def test_the_committed_typescript_is_what_the_contract_generates() -> None:
    committed = GENERATED.read_text(encoding="utf-8")
    assert committed == protocol.typescript(), (
        "js/src/wire.gen.ts differs from nb_feedback.widget.protocol: run "
        "`python scripts/gen_wire.py`, then rebuild the view"
    )


def test_the_generated_file_says_it_is_generated_and_from_where() -> None:
    head = GENERATED.read_text(encoding="utf-8").splitlines()[:2]
    assert "generated from nb_feedback.widget.protocol" in head[0]
    assert "Do not edit." in head[1]


def test_the_json_schema_is_valid_draft_2020_12() -> None:
    jsonschema.Draft202012Validator.check_schema(contract().json_schema())


def test_no_type_of_the_contract_is_left_over() -> None:
    # every name is part of a root; nothing is defined for nobody
    assert contract().reachable(list(ROOTS)) == set(contract().names)


def test_the_roots_are_used_by_the_view() -> None:
    sources = {
        p.name: p.read_text(encoding="utf-8")
        for p in (ROOT / "js" / "src").rglob("*.ts")
        if p.name != "wire.gen.ts"
    }
    for root in ROOTS:
        users = [name for name, text in sources.items() if re.search(rf"\b{root}\b", text)]
        assert set(users) - {"protocol.ts"}, f"{root} is not used by the view"


def test_the_traits_are_the_widgets_synced_traits() -> None:
    ours = set(FeedbackWidget.class_trait_names(sync=True))
    inherited = set(anywidget.AnyWidget.class_trait_names(sync=True))
    assert ours - inherited == set(Traits.__annotations__)


def test_the_statuses_are_the_datasets() -> None:
    assert get_args(protocol.ResponseStatusName) == STATUSES
    assert set(protocol.FILTERS) == {"all", "queue", "pending", *STATUSES}


# ------------------------------------------------------------------ what a real widget sends


def _validator(root: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(contract().json_schema(root))


def _as_sent(value: Any) -> Any:
    return json.loads(json.dumps(value, allow_nan=False))  # what reaches the view


def _every_kind_of_question(folder: Path) -> rg.FeedbackDataset:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # visible_labels adjusted to the labels there are
        spans = rg.SpanQuestion(name="entities", field="text", labels=["PER", "LOC"])
    ds = rg.FeedbackDataset(
        fields=[
            rg.TextField(name="text", use_markdown=True),
            rg.TextField(name="a"),
            rg.TextField(name="b"),
            rg.ChatField(name="chat"),
        ],
        questions=[
            rg.TextQuestion(name="reply", description="Write it"),
            rg.RatingQuestion(name="quality", values=[1, 2, 3], required=False),
            rg.LabelQuestion(name="topic", labels={"code": "Code", "math": "Math"}, required=False),
            rg.MultiLabelQuestion(name="tags", labels=["x", "y"], required=False),
            rg.RankingQuestion(name="better", values=["a", "b"], required=False),  # a comparison
            rg.RankingQuestion(name="order", values=["p", "q"], required=False),
            spans,
            rg.RatingQuestion(name="turn", values=[1, 2], turns_of="chat", required=False),
        ],
        guidelines="Be **kind**.",
        distribution=rg.TaskDistribution(min_submitted=2),
    )
    chat = [
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello"},
    ]
    ds.add_records(
        [
            {
                "fields": {"text": f"Ada in Paris {i}", "a": "A", "b": "B", "chat": chat},
                "suggestions": [
                    {"question_name": "quality", "value": 2, "agent": "m", "score": 0.5},
                    {"question_name": "tags", "value": ["x"], "agent": None},
                ],
            }
            for i in range(4)
        ]
    )
    ds.save(folder)
    return ds


FULL_ANSWER = {
    "reply": "Sure",
    "quality": 3,
    "topic": "math",
    "tags": ["x", "y"],
    "better": [{"value": "b", "rank": 1}, {"value": "a", "rank": 2}],
    "order": [{"value": "p", "rank": 1}, {"value": "q", "rank": 2}],
    "entities": [{"start": 0, "end": 3, "label": "PER"}, {"start": 7, "end": 12, "label": "LOC"}],
    "turn": {"1": 2},
}


class Collected:
    def __init__(self, widget: FeedbackWidget, monkeypatch: pytest.MonkeyPatch) -> None:
        self.widget = widget
        self.sent: list[Any] = []
        monkeypatch.setattr(widget, "send", lambda msg, buffers=None: self.sent.append(msg))

    def message(self, content: dict[str, Any], valid: bool = True) -> Any:
        # what the test sends is what the view may send (or, when not valid, may not)
        assert _validator("ViewMessage").is_valid(content) is valid
        self.widget._on_message(self.widget, content, [])
        return self.sent[-1]

    def traits(self) -> dict[str, Any]:
        return {name: getattr(self.widget, name) for name in Traits.__annotations__}


@pytest.fixture
def team(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Collected, Collected]]:
    ds = _every_kind_of_question(tmp_path / "ds")
    last = ds[len(ds) - 1].id  # two others submitted it: complete, and there for the reviewer
    ds.add_response(last, FULL_ANSWER, user="other")
    ds.add_response(last, {**FULL_ANSWER, "reply": "Also"}, user="third")
    annotator = Collected(ds.annotate(user="ann", window_after=10), monkeypatch)
    reviewer = Collected(ds.annotate(user="rev", review=True, window_after=10), monkeypatch)
    yield annotator, reviewer
    annotator.widget.close()
    reviewer.widget.close()
    ds.close()


def test_what_a_real_widget_sends_is_valid_against_the_json_schema(
    team: tuple[Collected, Collected],
) -> None:
    annotator, reviewer = team
    ds = annotator.widget.dataset
    ids = [r.id for r in ds]
    shown = {"better": {"order": ["b", "a"], "seed": 7}, "quality": {"suggestion": 2, "agent": "m"}}
    replies = [
        annotator.message(
            {"type": "answer", "request_id": "1", "record_id": ids[0], "values": FULL_ANSWER,
             "status": "submitted", "time_spent": 3.5, "shown": shown}
        ),
        annotator.message(
            {"type": "answer", "request_id": "2", "record_id": ids[1],
             "values": {"reply": ""}, "status": "draft", "time_spent": None}
        ),
        annotator.message({"type": "undo", "request_id": "3", "record_id": ids[0]}),
        annotator.message({"type": "next_pending", "request_id": "4", "after": 0}),
        annotator.message({"type": "news", "request_id": "5"}),
        annotator.message(  # refused by the dataset
            {"type": "answer", "request_id": "6", "record_id": ids[2], "values": {"quality": 9}}
        ),
        annotator.message({"type": "undo", "request_id": "7", "record_id": "nope"}),
        annotator.message({"type": "nope", "request_id": "8"}, valid=False),  # by the contract
    ]  # fmt: skip
    annotator.widget._on_message(annotator.widget, ["not", "an", "object"], [])
    replies.append(annotator.sent[-1])
    assert [r["type"] for r in replies] == ["ack"] * 5 + ["error"] * 4
    assert replies[3]["position"] >= 0

    replies.append(reviewer.message({"type": "news", "request_id": "9"}))
    replies.append(
        reviewer.message(
            {"type": "answer", "request_id": "10", "record_id": ids[3], "status": "submitted",
             "values": FULL_ANSWER, "source": "other", "time_spent": 1}
        )
    )  # fmt: skip
    assert [r["type"] for r in replies[-2:]] == ["ack", "ack"]

    kernel = _validator("KernelMessage")
    for reply in annotator.sent + reviewer.sent:
        kernel.validate(_as_sent(reply))

    traits = _validator("Traits")
    for side in (annotator, reviewer):
        sent = _as_sent(side.traits())
        traits.validate(sent)
        assert sent["team"]["news_ms"] > 0  # a team's view, so the team payload was checked
    window = reviewer.traits()["window"]
    assert any(r.get("answers") for r in window), "no review answers were checked"
    assert all("display" in r for r in window), "no comparison order was checked"
    assert any(r["suggestions"] for r in window)
    assert any(r["response"] for r in annotator.traits()["window"])
    kinds = {q["kind"] for q in annotator.traits()["schema"]["questions"]}
    assert len(kinds) == 6


def test_a_view_out_of_team_mode_sends_an_empty_team(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ds = rg.FeedbackDataset(
        fields=[rg.TextField(name="prompt")], questions=[rg.TextQuestion(name="reply")]
    )
    ds.add_records([{"prompt": "p"}])
    w = Collected(ds.annotate(user="solo"), monkeypatch)
    sent = _as_sent(w.traits())
    _validator("Traits").validate(sent)
    assert sent["team"] == {}
    w.widget.close()


def test_a_payload_off_the_contract_is_caught() -> None:
    # the check above can fail: a field the contract does not know is refused
    with pytest.raises(jsonschema.ValidationError, match="surprise"):
        _validator("AckMessage").validate(
            {"type": "ack", "request_id": "r", "record_id": None, "status": None,
             "saved": True, "surprise": 1}
        )  # fmt: skip


# ------------------------------------------------------------------ the kernel's own checker

VIEW_MESSAGES = [
    {"type": "answer", "request_id": "r", "record_id": "x", "values": FULL_ANSWER},
    {"type": "answer", "request_id": "r", "record_id": "x", "values": {}, "status": "draft",
     "time_spent": None, "shown": {"q": {}}, "source": None, "written_at": 1.5},
    {"type": "undo", "request_id": "r", "record_id": "x"},
    {"type": "next_pending", "request_id": "r", "after": 3},
    {"type": "news", "request_id": "r"},
    {"type": "news"},
    {"type": "news", "request_id": None},
    {"type": "ping", "request_id": "r"},
    {"type": "undo", "request_id": "r"},
    {"type": "undo", "request_id": "r", "record_id": "x", "extra": 1},
    {"type": "next_pending", "request_id": "r", "after": "1"},
    {"type": "next_pending", "request_id": "r", "after": True},
    {"type": "answer", "request_id": "r", "record_id": "x", "values": []},
    {"type": "answer", "request_id": "r", "record_id": "x", "values": {"q": None}},
    {"type": "answer", "request_id": "r", "record_id": "x", "values": {"q": [{"rank": 1}]}},
    {"type": "answer", "request_id": "r", "record_id": "x", "values": {}, "status": "done"},
    {"type": "answer", "request_id": "r", "record_id": "x", "values": {}, "written_at": "now"},
    {"type": "answer", "request_id": "r", "record_id": "x", "values": {},
     "shown": {"q": {"order": "ab"}}},
    {"type": 3, "request_id": "r"},
    {},
]  # fmt: skip


@pytest.mark.parametrize("content", VIEW_MESSAGES)
def test_the_kernels_checker_agrees_with_jsonschema(content: dict[str, Any]) -> None:
    # the values of an answer are left to the dataset (see the test below): the envelope
    if isinstance(content.get("values"), dict):
        content = {**content, "values": {}}
    valid = _validator("ViewMessage").is_valid(content)
    try:
        check_view_message(content)
    except ResponseError as exc:
        assert not valid, f"refused a valid message: {exc}"
    else:
        assert valid, "accepted a message the JSON Schema refuses"


def test_a_refusal_names_the_record_the_message_the_field_and_what_was_expected() -> None:
    with pytest.raises(ResponseError) as caught:
        check_view_message(
            {"type": "answer", "request_id": "r", "record_id": "rec-1", "values": {},
             "shown": {"better": {"order": "ba", "seed": 1}}}
        )  # fmt: skip
    assert str(caught.value) == (
        "record 'rec-1': answer message: 'shown.better.order': expected a list of strings, got 'ba'"
    )


def test_answer_values_off_the_contract_are_refused_by_the_dataset_naming_the_question(
    team: tuple[Collected, Collected],
) -> None:
    annotator, _ = team
    ds = annotator.widget.dataset
    before = ds.responses_frame()
    for values, expected in [
        (
            {"reply": "x", "quality": None},
            "question 'quality': expected one of [1, 2, 3], got None",
        ),
        ({"reply": "x", "better": [{"value": "a", "rank": "1"}]}, "question 'better'"),
        ({"reply": "x", "entities": [{"start": "0"}]}, "question 'entities'"),
        ({"reply": 5.5}, "question 'reply': expected text"),
    ]:
        content = {"type": "answer", "request_id": "r", "record_id": ds[0].id, "values": values}
        assert not _validator("ViewMessage").is_valid(content)  # off the contract, and
        reply = annotator.message(content, valid=False)
        assert reply["type"] == "error" and expected in reply["message"], reply["message"]
    pd.testing.assert_frame_equal(ds.responses_frame(), before)


def test_a_refused_message_changes_no_data(
    team: tuple[Collected, Collected],
) -> None:
    annotator, _ = team
    ds = annotator.widget.dataset
    rid = ds[0].id
    before = ds.responses_frame()
    traits = annotator.traits()
    for content in VIEW_MESSAGES:
        if content.get("record_id") == "x":
            content = {**content, "record_id": rid}
        if _validator("ViewMessage").is_valid(content):
            continue
        annotator.widget._on_message(annotator.widget, content, [])
        reply = annotator.sent[-1]
        assert reply["type"] == "error", content
        assert "internal error" not in reply["message"]
    pd.testing.assert_frame_equal(ds.responses_frame(), before)
    assert annotator.traits() == traits
