"""The widget's kernel side without a kernel: messages in, replies and traits out."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import nb_feedback as rg
from conftest import DatasetFactory, make_records, make_schema_kwargs
from nb_feedback.base.errors import ResponseError
from nb_feedback.domain.records import unwrap_values
from nb_feedback.widget.feedback_widget import FeedbackWidget


class Harness:
    """A widget whose ``send`` is collected, and helpers to talk to it like the view does."""

    def __init__(self, widget: FeedbackWidget, monkeypatch: Any) -> None:
        self.widget = widget
        self.sent: list[dict[str, Any]] = []
        monkeypatch.setattr(widget, "send", lambda msg, buffers=None: self.sent.append(msg))
        self._n = 0

    def message(self, content: Any) -> dict[str, Any]:
        """Deliver ``content`` as the view would; return the one reply it got."""
        before = len(self.sent)
        self.widget._on_message(self.widget, content, [])
        replies = self.sent[before:]
        assert len(replies) == 1, replies
        return replies[0]

    def answer(self, record_id: str, values: Any, status: str = "submitted", **extra: Any) -> Any:
        self._n += 1
        return self.message(
            {
                "type": "answer",
                "request_id": f"r{self._n}",
                "record_id": record_id,
                "values": values,
                "status": status,
                **extra,
            }
        )

    def undo(self, record_id: str) -> dict[str, Any]:
        self._n += 1
        return self.message({"type": "undo", "request_id": f"u{self._n}", "record_id": record_id})


@pytest.fixture
def harness(ds: rg.FeedbackDataset, monkeypatch: pytest.MonkeyPatch) -> Iterator[Harness]:
    w = ds.annotate(user="u")
    yield Harness(w, monkeypatch)
    w.close()


def _values(ds: rg.FeedbackDataset, position: int, user: str = "u") -> Any:
    responses = {r.user: r for r in ds[position].responses}
    return responses[user].plain_values() if user in responses else None


# ------------------------------------------------------------------------------ answers


def test_a_valid_answer_is_acked_and_lands_in_memory(
    ds: rg.FeedbackDataset, harness: Harness
) -> None:
    rid = ds[1].id
    reply = harness.answer(rid, {"demonstration": "Hello 👋", "quality": 5}, time_spent=4.25)
    assert reply == {
        "type": "ack",
        "request_id": "r1",
        "record_id": rid,
        "status": "submitted",
        "saved": False,
    }
    (response,) = ds[1].responses
    assert (response.user, response.plain_values(), response.status, response.time_spent) == (
        "u",
        {"demonstration": "Hello 👋", "quality": 5},
        "submitted",
        4.25,
    )
    assert harness.widget.counts["submitted"] == 1
    assert harness.widget.window[1]["response"]["values"] == {
        "demonstration": "Hello 👋",
        "quality": 5,
    }


def test_an_answer_on_a_saved_dataset_is_acked_saved_and_on_disk(
    make_dataset: DatasetFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ds = make_dataset(3)
    ds.save(tmp_path / "ds")
    w = ds.annotate(user="u")
    assert w.persistent is True
    assert w.folder == str((tmp_path / "ds").resolve())
    h = Harness(w, monkeypatch)
    reply = h.answer(ds[0].id, {"demonstration": "on disk"})
    assert reply["type"] == "ack"
    assert reply["saved"] is True
    draft = h.answer(ds[1].id, {"demonstration": ""}, status="draft")
    assert draft["status"] == "draft"
    assert draft["saved"] is True
    # what the ack promised is in the folder, read by a fresh load
    loaded = rg.FeedbackDataset.from_disk(tmp_path / "ds")
    assert _values(loaded, 0) == {"demonstration": "on disk"}
    assert loaded[1].responses[0].status == "draft"
    w.close()
    ds.close()


def test_in_memory_widget_says_so(ds: rg.FeedbackDataset, harness: Harness) -> None:
    assert harness.widget.persistent is False
    assert harness.widget.folder == ""


def test_news_is_acked_and_changes_nothing(ds: rg.FeedbackDataset, harness: Harness) -> None:
    before = ds.responses_frame()
    reply = harness.message({"type": "news", "request_id": "p"})
    assert reply == {"type": "ack", "request_id": "p", "record_id": None, "status": None,
                     "saved": False}  # fmt: skip
    pd.testing.assert_frame_equal(ds.responses_frame(), before)


MALFORMED = [
    pytest.param(["answer"], None, "expected a JSON object, got list", id="not a dict"),
    pytest.param("answer", None, "expected a JSON object, got str", id="a string"),
    pytest.param(None, None, "expected a JSON object", id="null"),
    pytest.param({"type": "answer", "record_id": "@0", "values": {"demonstration": "x"}},
                 None, "answer message: 'request_id' is missing: expected a string",
                 id="missing request_id"),
    pytest.param({"type": "answer", "request_id": 7, "record_id": "@0",
                  "values": {"demonstration": "x"}}, None,
                 "'request_id': expected a string, got 7", id="int request_id"),
    pytest.param({"type": "delete", "request_id": "q"}, "q",
                 "message: 'type': expected one of 'answer', 'undo', 'next_pending' or 'news', "
                 "got 'delete'", id="unknown type"),
    pytest.param({"type": "ping", "request_id": "q"}, "q", "got 'ping'", id="ping is no more"),
    pytest.param({"request_id": "q"}, "q", "message: 'type' is missing: expected one of",
                 id="no type"),
    pytest.param({"type": "news", "request_id": "q", "after": 3}, "q",
                 "news message: unexpected field 'after': expected only type, request_id",
                 id="unknown field"),
    pytest.param({"type": "next_pending", "request_id": "q", "after": "3"}, "q",
                 "next_pending message: 'after': expected an integer, got '3'",
                 id="str after"),
    pytest.param({"type": "answer", "request_id": "q", "record_id": "@0",
                  "values": {"demonstration": "x"}, "shown": {"demonstration": {"seed": "1"}}},
                 "q", "'shown.demonstration.seed': expected an integer, got '1'",
                 id="str seed in shown"),
    pytest.param({"type": "answer", "request_id": "q", "record_id": "@0",
                  "values": {"demonstration": "x"}, "source": 5}, "q",
                 "'source': expected a string or null, got 5", id="int source"),
    pytest.param({"type": "answer", "request_id": "q", "record_id": "nope",
                  "values": {"demonstration": "x"}}, "q", "record 'nope': no record",
                 id="unknown record"),
    pytest.param({"type": "answer", "request_id": "q", "values": {"demonstration": "x"}},
                 "q", "answer message: 'record_id' is missing: expected a string",
                 id="no record_id"),
    pytest.param({"type": "answer", "request_id": "q", "record_id": "@0",
                  "values": {"demonstration": 5}}, "q",
                 "question 'demonstration': expected text (str), got int 5", id="int text"),
    pytest.param({"type": "answer", "request_id": "q", "record_id": "@0",
                  "values": {"demonstration": "x", "quality": "5"}}, "q",
                 "question 'quality': expected one of [1, 2, 3, 4, 5]", id="str rating"),
    pytest.param({"type": "answer", "request_id": "q", "record_id": "@0",
                  "values": {"demonstration": "x", "topic": ["code"]}}, "q",
                 "question 'topic'", id="list for a label"),
    pytest.param({"type": "answer", "request_id": "q", "record_id": "@0",
                  "values": {"demonstration": "x", "nope": 1}}, "q",
                 "unknown question 'nope'", id="unknown question"),
    pytest.param({"type": "answer", "request_id": "q", "record_id": "@0",
                  "values": {"quality": 3}}, "q",
                 "must answer required question 'demonstration'", id="missing required"),
    pytest.param({"type": "answer", "request_id": "q", "record_id": "@0",
                  "values": {"demonstration": "  "}}, "q",
                 "question 'demonstration': expected non-empty text", id="blank submitted"),
    pytest.param({"type": "answer", "request_id": "q", "record_id": "@0",
                  "values": {"demonstration": "x" * 1_000_001}}, "q",
                 "expected at most 1,000,000 characters, got 1,000,001", id="oversized text"),
    pytest.param({"type": "answer", "request_id": "q", "record_id": "@0",
                  "values": "demonstration"}, "q",
                 "answer message: 'values': expected an object, got 'demonstration'",
                 id="values not a dict"),
    pytest.param({"type": "answer", "request_id": "q", "record_id": "@0",
                  "values": None}, "q", "'values': expected an object, got None",
                 id="values null"),
    pytest.param({"type": "answer", "request_id": "q", "record_id": "@0",
                  "values": {"demonstration": "x"}, "status": "done"}, "q",
                 "'status': expected one of 'submitted', 'draft' or 'discarded', got 'done'",
                 id="bad status"),
    pytest.param({"type": "answer", "request_id": "q", "record_id": "@0",
                  "values": {"demonstration": "x"}, "status": None}, "q",
                 "'status': expected one of 'submitted', 'draft' or 'discarded', got None",
                 id="null status"),
    pytest.param({"type": "answer", "request_id": "q", "record_id": "@0",
                  "values": {"demonstration": "x"}, "time_spent": math.nan}, "q",
                 "time_spent must be seconds >= 0, got nan", id="NaN time_spent"),
    pytest.param({"type": "answer", "request_id": "q", "record_id": "@0",
                  "values": {"demonstration": "x"}, "time_spent": math.inf}, "q",
                 "time_spent must be seconds >= 0, got inf", id="inf time_spent"),
    pytest.param({"type": "answer", "request_id": "q", "record_id": "@0",
                  "values": {"demonstration": "x"}, "time_spent": -3}, "q",
                 "time_spent must be seconds >= 0", id="negative time_spent"),
    pytest.param({"type": "answer", "request_id": "q", "record_id": "@0",
                  "values": {"demonstration": "x"}, "time_spent": "3"}, "q",
                 "'time_spent': expected a number or null, got '3'", id="str time_spent"),
    pytest.param({"type": "answer", "request_id": "q", "record_id": "@0",
                  "values": {"demonstration": "x"}, "time_spent": 10**400}, "q",
                 "time_spent must be seconds >= 0", id="huge time_spent"),
    pytest.param({"type": "undo", "request_id": "q", "record_id": "@1"}, "q",
                 "nothing to undo for this record", id="undo with nothing to undo"),
    pytest.param({"type": "undo", "request_id": "q", "record_id": 3}, "q",
                 "undo message: 'record_id': expected a string, got 3",
                 id="undo of a non-string record"),
]  # fmt: skip


@pytest.mark.parametrize(("content", "request_id", "expected"), MALFORMED)
def test_a_malformed_message_gets_an_error_and_changes_nothing(
    ds: rg.FeedbackDataset, harness: Harness, content: Any, request_id: Any, expected: str
) -> None:
    harness.answer(ds[0].id, {"demonstration": "earlier"})  # something undo could touch
    if isinstance(content, dict):
        content = {
            k: (ds[int(v[1:])].id if isinstance(v, str) and v.startswith("@") else v)
            for k, v in content.items()
        }
    before = ds.responses_frame()
    counts, window = dict(harness.widget.counts), list(harness.widget.window)
    reply = harness.message(content)
    assert reply["type"] == "error"
    assert reply["request_id"] == request_id
    assert expected in reply["message"], reply["message"]
    assert "internal error" not in reply["message"]
    pd.testing.assert_frame_equal(ds.responses_frame(), before)
    assert harness.widget.counts == counts
    assert harness.widget.window == window


def test_error_reply_names_the_record(ds: rg.FeedbackDataset, harness: Harness) -> None:
    rid = ds[2].id
    reply = harness.answer(rid, {"demonstration": 1})
    assert reply["record_id"] == rid
    assert f"record {rid!r}" in reply["message"]


def test_an_unexpected_failure_is_an_error_reply_not_a_crash(
    ds: rg.FeedbackDataset, harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(ds, "add_response", broken)
    reply = harness.answer(ds[0].id, {"demonstration": "x"})
    assert reply["type"] == "error"
    assert "internal error" in reply["message"]
    assert "disk on fire" in reply["message"]
    assert ds.responses_frame().empty


# --------------------------------------------------------------------------------- undo


def test_undo_of_a_first_answer_keeps_it_as_a_draft(
    ds: rg.FeedbackDataset, harness: Harness
) -> None:
    # the record was pending: what the labeler typed stays, every question of it, as a draft
    rid = ds[0].id
    harness.answer(rid, {"demonstration": "oops", "quality": 4})
    assert harness.widget.counts["submitted"] == 1
    reply = harness.undo(rid)
    assert reply["type"] == "ack"
    assert reply["record_id"] == rid
    assert _values(ds, 0) == {"demonstration": "oops", "quality": 4}
    assert ds[0].responses[0].status == "draft"
    assert harness.widget.counts["submitted"] == 0
    assert harness.widget.counts["draft"] == 1
    assert harness.widget.window[0]["response"]["status"] == "draft"
    assert harness.undo(rid)["type"] == "error"  # nothing left to undo


def test_undo_of_an_empty_discard_leaves_the_record_pending(
    ds: rg.FeedbackDataset, harness: Harness
) -> None:
    rid = ds[0].id
    harness.answer(rid, {}, status="discarded")
    harness.undo(rid)
    assert ds[0].responses == []
    assert harness.widget.window[0]["response"] is None


def test_undo_restores_the_previous_response(ds: rg.FeedbackDataset, harness: Harness) -> None:
    rid = ds[0].id
    harness.answer(rid, {"demonstration": "d0"}, status="draft")
    harness.answer(rid, {"demonstration": "v1"}, status="discarded")
    harness.answer(rid, {"demonstration": "v2", "quality": 1})
    harness.answer(rid, {"demonstration": "v3"})
    harness.undo(rid)
    assert _values(ds, 0) == {"demonstration": "v2", "quality": 1}
    harness.undo(rid)
    assert _values(ds, 0) == {"demonstration": "v1"}
    assert ds[0].responses[0].status == "discarded"
    harness.undo(rid)  # before it a draft: the discarded answer's values stay, as a draft
    assert _values(ds, 0) == {"demonstration": "v1"}
    assert ds[0].responses[0].status == "draft"


def test_undo_picks_the_right_record(ds: rg.FeedbackDataset, harness: Harness) -> None:
    a, b = ds[0].id, ds[1].id
    harness.answer(a, {"demonstration": "a1"})
    harness.answer(b, {"demonstration": "b1"})
    harness.answer(a, {"demonstration": "a2"})
    harness.undo(b)
    assert _values(ds, 1) == {"demonstration": "b1"}  # kept, as a draft
    assert ds[1].responses[0].status == "draft"
    assert _values(ds, 0) == {"demonstration": "a2"}


def test_undo_on_a_saved_dataset_survives_reload(
    make_dataset: DatasetFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ds = make_dataset(2)
    ds.save(tmp_path / "ds")
    w = ds.annotate(user="u")
    h = Harness(w, monkeypatch)
    h.answer(ds[0].id, {"demonstration": "first"})
    h.answer(ds[1].id, {"demonstration": "x"})
    h.answer(ds[1].id, {"demonstration": "y"})
    h.undo(ds[0].id)
    h.undo(ds[1].id)
    loaded = rg.FeedbackDataset.from_disk(tmp_path / "ds")
    assert _values(loaded, 0) == {"demonstration": "first"}
    assert loaded[0].responses[0].status == "draft"
    assert _values(loaded, 1) == {"demonstration": "x"}
    w.close()
    ds.close()


# ------------------------------------------------------------------- filter and position


def test_status_filter_changes_total(make_dataset: DatasetFactory, monkeypatch: Any) -> None:
    ds = make_dataset(10)
    w = ds.annotate(user="u")
    h = Harness(w, monkeypatch)
    assert w.total == 10
    h.answer(ds[2].id, {"demonstration": "a"})
    h.answer(ds[5].id, {"demonstration": "b"})
    h.answer(ds[7].id, {}, status="draft")
    ds.add_response(ds[8].id, {"demonstration": "someone else"}, user="other")
    expected = {
        "submitted": [2, 5],
        "draft": [7],
        "discarded": [],
        "pending": [0, 1, 3, 4, 6, 8, 9],
    }
    for status, positions in expected.items():
        w.status_filter = status
        assert w.total == len(positions)
        assert w.position == 0
        assert [r["id"] for r in w.window] == [ds[p].id for p in positions][: len(w.window)]
    w.status_filter = "all"
    assert w.total == 10
    w.status_filter = "bogus"
    assert "status filter 'bogus'" in w.error
    assert w.status_filter == "all"
    assert w.total == 10
    w.close()


def test_position_moves_the_window(make_dataset: DatasetFactory) -> None:
    ds = make_dataset(20)
    w = ds.annotate(user="u", window_before=2, window_after=3)
    assert (w.window_start, [r["index"] for r in w.window]) == (0, [0, 1, 2, 3])
    w.position = 10
    assert w.window_start == 8
    assert [r["index"] for r in w.window] == [8, 9, 10, 11, 12, 13]
    assert [r["id"] for r in w.window] == [ds[i].id for i in range(8, 14)]
    assert w.window[2]["fields"] == {"prompt": "Prompt number 10?", "context": ""}
    w.position = 19
    assert [r["index"] for r in w.window] == [17, 18, 19]
    assert w.error == ""
    w.close()


@pytest.mark.parametrize(("position", "clamped"), [(20, 19), (1000, 19), (-1, 0)])
def test_out_of_range_position_sets_error(
    make_dataset: DatasetFactory, position: int, clamped: int
) -> None:
    ds = make_dataset(20)
    w = ds.annotate(user="u")
    w.position = position
    assert w.error == f"record {position + 1} does not exist: expected 1 to 20"
    assert w.position == clamped
    assert w.window_start <= clamped < w.window_start + len(w.window)
    w.close()


def test_window_payload_carries_suggestions_and_own_response(
    make_dataset: DatasetFactory,
) -> None:
    ds = make_dataset(0)
    ds.add_records(
        {
            "prompt": "<script>alert(1)</script>",
            "suggestions": [{"question_name": "demonstration", "value": "hi", "agent": "m"}],
            "responses": [{"user_id": "other", "values": {"demonstration": "not mine"}}],
        }
    )
    w = ds.annotate(user="u")
    (payload,) = w.window
    assert payload["fields"]["prompt"] == "<script>alert(1)</script>"  # text, as given
    assert payload["suggestions"] == {"demonstration": {"value": "hi", "agent": "m", "score": None}}
    assert payload["response"] is None  # another annotator's answer is not shown as mine
    json.dumps(w.window)  # the payload is plain JSON
    w.close()


@pytest.mark.parametrize("user", ["", "  ", None, 3])
def test_annotate_needs_a_user(ds: rg.FeedbackDataset, user: Any) -> None:
    with pytest.raises(ResponseError, match="user must be a non-empty string"):
        ds.annotate(user=user)


def _window_bytes_after_next(n: int) -> int:
    ds = rg.FeedbackDataset(**make_schema_kwargs())
    ds.add_records(
        pd.DataFrame(
            {"prompt": [f"Prompt {i:06d}: write a haiku about the sea." for i in range(n)]}
        )
    )
    w = ds.annotate(user="u")
    w.position = 1  # "next record"
    size = len(json.dumps({"window": w.window, "counts": w.counts, "start": w.window_start}))
    w.close()
    return size


def test_bytes_sent_on_next_do_not_grow_with_the_dataset() -> None:
    small, large = _window_bytes_after_next(1_000), _window_bytes_after_next(100_000)
    assert small > 0
    assert 0.8 < large / small < 1.25, (small, large)


# --------------------------------------------------------------------- several views


def test_views_follow_answers_made_elsewhere(
    ds: rg.FeedbackDataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = ds.annotate(user="u"), ds.annotate(user="u")
    other = ds.annotate(user="v")
    h = Harness(first, monkeypatch)
    other_window = list(other.window)

    ds.add_response(ds[1].id, {"demonstration": "from code"}, user="u")
    for w in (first, second):
        assert w.window[1]["response"]["values"] == {"demonstration": "from code"}
        assert w.counts["submitted"] == 1
        assert w.counts["pending"] == 4
    # v's own view: no answer of v changed, but record 1 is now completed (by u)
    assert [{**r, "record_status": None} for r in other.window] == [
        {**r, "record_status": None} for r in other_window
    ]
    assert [r["record_status"] for r in other.window][:3] == ["pending", "completed", "pending"]
    assert other.counts["pending"] == 5

    h.answer(ds[2].id, {"demonstration": "from the first view"})
    assert second.window[2]["response"]["values"] == {"demonstration": "from the first view"}
    assert second.counts["submitted"] == 2

    ds.add_response(ds[0].id, {"demonstration": "v too"}, user="v")
    assert other.window[0]["response"]["values"] == {"demonstration": "v too"}
    assert other.counts["submitted"] == 1
    assert first.counts["submitted"] == 2

    ds.add_records(make_records(2))
    for w in (first, second, other):
        assert w.total == 7
        assert w.counts["total"] == 7
    for w in (first, second, other):
        w.close()
    ds.add_response(ds[3].id, {"demonstration": "after close"}, user="u")  # no listener left
    assert first.counts["submitted"] == 2


def test_answer_outside_the_window_updates_counts_only(
    make_dataset: DatasetFactory,
) -> None:
    ds = make_dataset(30)
    w = ds.annotate(user="u", window_before=1, window_after=2)
    window = list(w.window)
    ds.add_response(ds[25].id, {"demonstration": "far away"}, user="u")
    assert w.window == window
    assert w.counts["submitted"] == 1
    w.position = 25
    assert w.window[1]["response"]["values"] == {"demonstration": "far away"}
    w.close()


# ------------------------------------------------------------------ property: any JSON

_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
_IDS = ["r0", "r1", "r2"]
_SPARSE = st.fixed_dictionaries(
    {},
    optional={
        "type": st.sampled_from(["answer", "undo", "news"]) | _JSON,
        "request_id": st.text(max_size=8) | _JSON,
        "record_id": st.sampled_from(_IDS) | _JSON,
        "values": _JSON,
        "status": _JSON,
        "time_spent": _JSON,
    },
)
_NEAR_VALID = st.fixed_dictionaries(  # mostly right, so acks and undos happen too
    {
        "type": st.sampled_from(["answer", "answer", "undo"]),
        "request_id": st.text(max_size=8),
        "record_id": st.sampled_from(_IDS),
        "values": st.fixed_dictionaries(
            {"demonstration": st.sampled_from(["text", "другой", "  ", ""]) | _JSON},
            optional={
                "quality": st.sampled_from([1, 5, 0, {"value": 3}]) | _JSON,
                "topic": st.sampled_from(["code", "art"]) | _JSON,
                "tags": st.sampled_from([["short"], [], ["long", "long"]]) | _JSON,
                "junk": _JSON,
            },
        ),
    },
    optional={
        "status": st.sampled_from(["submitted", "draft", "discarded"]) | _JSON,
        "time_spent": st.floats(min_value=0, max_value=1e6) | _JSON,
    },
)
_MESSAGE = st.one_of(_JSON, _SPARSE, _NEAR_VALID)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(messages=st.lists(_MESSAGE, min_size=1, max_size=6))
def test_any_json_gets_exactly_one_reply_and_only_acks_change_data(
    messages: list[Any],
) -> None:
    ds = rg.FeedbackDataset(**make_schema_kwargs())
    ds.add_records([{"prompt": f"p{i}", "id": rid} for i, rid in enumerate(_IDS)])
    w = ds.annotate(user="u")
    sent: list[dict[str, Any]] = []
    w.send = lambda msg, buffers=None: sent.append(msg)
    try:
        for content in messages:
            before = ds.responses_frame()
            n = len(sent)
            w._on_message(w, content, [])  # nothing may escape
            assert len(sent) == n + 1
            reply = sent[-1]
            assert reply["type"] in ("ack", "error")
            kind = content.get("type") if isinstance(content, dict) else None
            event(f"{kind if kind in ('answer', 'undo', 'news') else 'other'} -> {reply['type']}")
            json.dumps(reply, allow_nan=False)  # the reply itself is valid JSON
            if reply["type"] == "error":
                assert "internal error" not in reply["message"], reply["message"]
                pd.testing.assert_frame_equal(ds.responses_frame(), before)
                assert reply["request_id"] == (
                    content.get("request_id")
                    if isinstance(content, dict) and isinstance(content.get("request_id"), str)
                    else None
                )
            else:
                assert isinstance(content, dict)
                assert reply["request_id"] == content["request_id"]
                if content.get("type") == "news":
                    pd.testing.assert_frame_equal(ds.responses_frame(), before)
                if content.get("type") == "answer":  # the acked answer is what is stored
                    stored = ds.response_of(content["record_id"], "u")
                    assert stored is not None
                    assert stored.plain_values() == unwrap_values(content["values"])
        # whatever happened, the data is still consistent with the schema
        for record in ds:
            for response in record.responses:
                assert response.status in ("submitted", "draft", "discarded")
                assert set(response.plain_values()) <= set(ds.schema.question_names)
        assert w.counts == ds.status_counts("u")
    finally:
        w.close()


def test_rerunning_the_cell_that_opens_the_dataset_moves_the_annotator_to_the_new_view(
    make_dataset: DatasetFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The quickstart's cells, run twice in one kernel: from_disk + annotate, again.
    folder = tmp_path / "ds"
    make_dataset(3).save(folder)
    first = Harness(rg.FeedbackDataset.from_disk(folder).annotate(user="ann"), monkeypatch)
    assert first.answer(first.widget.window[0]["id"], {"demonstration": "one"})["type"] == "ack"
    second = Harness(rg.FeedbackDataset.from_disk(folder).annotate(user="ann"), monkeypatch)
    reply = second.answer(second.widget.window[1]["id"], {"demonstration": "two"})
    assert reply["type"] == "ack" and reply["saved"] is True
    stale = first.answer(first.widget.window[2]["id"], {"demonstration": "stale"})
    assert stale["type"] == "error"
    assert "a newer copy of this dataset opened in this kernel" in stale["message"]
    second.widget.dataset.close()
    answers = {
        r.fields["prompt"]: [x.values["demonstration"].value for x in r.responses]
        for r in rg.FeedbackDataset.from_disk(folder)
    }
    assert sorted(v for vs in answers.values() for v in vs) == ["one", "two"]


# ------------------------------------------------------------------ answers resent by a new view


def test_a_resent_answer_the_kernel_already_holds_is_acked_and_not_written_again(
    ds: rg.FeedbackDataset, harness: Harness
) -> None:
    rid = ds[0].id
    assert harness.answer(rid, {"demonstration": "kept"})["type"] == "ack"
    before = ds[0].responses[0].updated_at
    # the view that sent it died before the ack: its successor sends it again
    reply = harness.answer(rid, {"demonstration": "kept"}, written_at=1.0)
    assert reply["type"] == "ack"
    assert ds[0].responses[0].updated_at == before


def test_a_resent_answer_older_than_the_stored_one_is_refused_and_changes_nothing(
    ds: rg.FeedbackDataset, harness: Harness
) -> None:
    rid = ds[0].id
    harness.answer(rid, {"demonstration": "newer, from another view"})
    stored = ds[0].responses[0]
    assert stored.updated_at is not None
    reply = harness.answer(rid, {"demonstration": "older"}, written_at=stored.updated_at - 60)
    assert reply["type"] == "error"
    assert rid in reply["message"] and "later" in reply["message"]
    assert ds[0].responses[0] == stored


def test_a_resent_answer_newer_than_the_stored_one_is_applied(
    ds: rg.FeedbackDataset, harness: Harness
) -> None:
    rid = ds[0].id
    harness.answer(rid, {"demonstration": "first"}, status="draft")
    stored = ds[0].responses[0]
    assert stored.updated_at is not None
    reply = harness.answer(rid, {"demonstration": "typed later"}, written_at=stored.updated_at + 1)
    assert reply["type"] == "ack"
    assert _values(ds, 0) == {"demonstration": "typed later"}
    assert ds[0].responses[0].status == "submitted"


@pytest.mark.parametrize("written_at", ["yesterday", True, None])
def test_a_malformed_written_at_is_an_error_naming_the_record(
    ds: rg.FeedbackDataset, harness: Harness, written_at: Any
) -> None:
    rid = ds[0].id
    harness.answer(rid, {"demonstration": "first"})
    stored = ds[0].responses[0]
    reply = harness.answer(rid, {"demonstration": "x"}, written_at=written_at)
    assert reply["type"] == "error"
    assert rid in reply["message"] and "written_at" in reply["message"]
    assert ds[0].responses[0] == stored


# ------------------------------------------------------------------ next pending


def test_next_pending_moves_to_the_next_unanswered_record_then_wraps(
    ds: rg.FeedbackDataset, harness: Harness
) -> None:
    w = harness.widget
    n = len(ds)
    assert n >= 4
    for i in (1, 2):
        harness.answer(ds[i].id, {"demonstration": f"a{i}"})
    reply = harness.message({"type": "next_pending", "request_id": "p1", "after": 0})
    assert reply["type"] == "ack" and reply["position"] == 3 == w.position
    assert w.window[w.position - w.window_start]["id"] == ds[3].id
    # nothing pending after the last record: from the start
    reply = harness.message({"type": "next_pending", "request_id": "p2", "after": n - 1})
    assert reply["position"] == 0 == w.position


def test_next_pending_follows_the_filter_and_says_when_none_is_left(
    ds: rg.FeedbackDataset, harness: Harness
) -> None:
    w = harness.widget
    for i in range(len(ds)):
        if i != 2:
            harness.answer(
                ds[i].id, {"demonstration": "x"}, status="draft" if i == 3 else "submitted"
            )
    w.status_filter = "draft"  # one record: the draft at 3; nothing in it is pending
    reply = harness.message({"type": "next_pending", "request_id": "p", "after": 0})
    assert reply["type"] == "error" and "no pending record" in reply["message"]
    w.status_filter = "all"
    reply = harness.message({"type": "next_pending", "request_id": "q", "after": 0})
    assert reply["position"] == 2
    harness.answer(ds[2].id, {"demonstration": "last one"})
    before = w.position
    reply = harness.message({"type": "next_pending", "request_id": "r", "after": 2})
    assert reply["type"] == "error" and "'u'" in reply["message"]
    assert w.position == before  # an error moves nothing


@pytest.mark.parametrize("after", [None, "3", 1.5, True])
def test_next_pending_needs_an_integer_after(
    ds: rg.FeedbackDataset, harness: Harness, after: Any
) -> None:
    reply = harness.message({"type": "next_pending", "request_id": "p", "after": after})
    assert reply["type"] == "error" and "after" in reply["message"]
    assert harness.widget.position == 0


def test_a_view_opened_again_starts_at_the_first_pending_record(
    make_dataset: DatasetFactory, monkeypatch: Any
) -> None:
    ds = make_dataset(6)
    for i in (0, 1, 3):
        ds.add_response(ds[i].id, {"demonstration": f"done {i}"}, user="u")
    ds.add_response(ds[2].id, {"demonstration": "someone else's"}, user="other")
    w = ds.annotate(user="u")
    assert w.position == 2  # record 3: the first this annotator has not answered
    assert any(r["index"] == 2 for r in w.window)
    assert ds.annotate(user="fresh").position == 0
    for i in (2, 4, 5):
        ds.add_response(ds[i].id, {"demonstration": "x"}, user="u")
    assert ds.annotate(user="u").position == 0  # nothing pending: from the start
