"""A team on one folder: distribution and record status, queues, progress, reading others' logs."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nb_feedback as rg
from conftest import make_records, make_schema_kwargs
from nb_feedback.base.errors import ResponseError, SchemaError, StorageError

SRC = Path(__file__).resolve().parents[2] / "src"


def team_dataset(n: int = 6, min_submitted: int = 2) -> rg.FeedbackDataset:
    ds = rg.FeedbackDataset(
        **make_schema_kwargs(), distribution=rg.TaskDistribution(min_submitted=min_submitted)
    )
    ds.add_records(make_records(n))
    return ds


def answer(ds: rg.FeedbackDataset, i: int, user: str, status: str = "submitted") -> None:
    ds.add_response(ds[i].id, {"demonstration": f"{user} {i}"}, user=user, status=status)


# ------------------------------------------------------------------ distribution and status
def test_distribution_defaults_to_one_and_checks_its_input() -> None:
    assert rg.FeedbackDataset(**make_schema_kwargs()).distribution.min_submitted == 1
    for bad in (0, -1, 1.5, True, "2"):
        with pytest.raises(SchemaError, match="min_submitted"):
            rg.TaskDistribution(min_submitted=bad)  # type: ignore[arg-type]
    with pytest.raises(SchemaError, match="distribution"):
        rg.FeedbackDataset(**make_schema_kwargs(), distribution=2)  # type: ignore[arg-type]


def test_record_status_follows_submitted_responses_only() -> None:
    ds = team_dataset()
    answer(ds, 0, "ana")
    answer(ds, 0, "bob", status="draft")
    answer(ds, 1, "ana", status="discarded")
    assert ds[0].status == "pending"
    answer(ds, 0, "bob")
    assert ds[0].status == "completed"
    assert [r.status for r in ds] == ["completed"] + ["pending"] * 5
    assert ds.to_pandas()["status"].tolist() == ["completed"] + ["pending"] * 5
    completed = ds.filter_by(record_status="completed")
    assert [r.id for r in completed] == [ds[0].id]
    assert len(ds.filter_by(record_status=["pending", "completed"])) == 6
    assert len(ds.filter_by(record_status="pending", response_status="discarded")) == 1
    with pytest.raises(ResponseError, match="record_status must be among"):
        ds.filter_by(record_status="done")


def test_distribution_is_saved_and_changes_only_before_the_first_answer(tmp_path: Path) -> None:
    ds = team_dataset(min_submitted=1)
    ds.save(tmp_path / "d")
    ds.distribution = rg.TaskDistribution(min_submitted=3)
    assert rg.FeedbackDataset.from_disk(tmp_path / "d").distribution.min_submitted == 3
    answer(ds, 0, "ana")
    with pytest.raises(StorageError, match="1 response"):
        ds.distribution = rg.TaskDistribution(min_submitted=2)
    assert ds.distribution.min_submitted == 3
    assert rg.FeedbackDataset.from_disk(tmp_path / "d").distribution.min_submitted == 3


# ------------------------------------------------------------------------------- queues
def test_queue_holds_pending_records_the_user_has_not_finished() -> None:
    ds = team_dataset()
    ids = [r.id for r in ds]
    full = ds.queue("ana")
    assert sorted(full) == sorted(ids)
    answer(ds, 0, "ana")  # ana is done with 0
    answer(ds, 1, "bob")
    answer(ds, 1, "cy")  # 1 is completed by others
    answer(ds, 2, "ana", status="draft")  # a draft stays in ana's queue
    answer(ds, 3, "ana", status="discarded")
    expected = [i for i in full if i not in (ids[0], ids[1], ids[3])]
    assert ds.queue("ana") == expected  # the order itself is kept
    assert ds[1].id not in ds.queue("dan")


def test_records_others_are_finishing_go_to_the_end_of_the_queue() -> None:
    ds = team_dataset(n=8, min_submitted=2)
    full, cy_full = ds.queue("ana"), ds.queue("cy")
    x, y = full[0], full[1]
    ds.add_response(x, {"demonstration": "b"}, user="bob")
    ds.add_response(x, {"demonstration": "c..."}, user="cy", status="draft")  # last slot taken
    ds.add_response(y, {"demonstration": "c..."}, user="cy", status="draft")  # one slot free
    assert ds.queue("ana") == [i for i in full if i != x] + [x]
    assert ds.queue("cy") == cy_full  # cy's own drafts keep their places for cy
    ds.add_response(x, {"demonstration": "c"}, user="cy")
    assert x not in ds.queue("ana")


def test_queue_order_is_seeded_by_the_user_and_the_same_in_another_process() -> None:
    ds = team_dataset(n=40)
    orders = {u: ds.queue(u) for u in ("ana", "bob", "cy")}
    assert len({tuple(o) for o in orders.values()}) == 3
    assert orders["ana"] != [r.id for r in ds]
    code = (
        "import json, sys\n"
        "import pyarrow as pa\n"
        "from nb_feedback.team.annotator_queue import user_order\n"
        "ids = json.loads(sys.argv[1])\n"
        "print(json.dumps([ids[i] for i in user_order(pa.array(ids), 'ana')]))\n"
    )
    ids = [r.id for r in ds]
    out = subprocess.run(
        [sys.executable, "-c", code, json.dumps(ids)],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(SRC), "PYTHONHASHSEED": "12345"},
    )
    assert json.loads(out.stdout) == orders["ana"]


def test_queue_order_keeps_places_when_records_are_added() -> None:
    ds = team_dataset(n=20)
    before = ds.queue("ana")
    ds.add_records(make_records(5))
    after = ds.queue("ana")
    assert [i for i in after if i in set(before)] == before


# ----------------------------------------------------------------------------- progress
def test_progress_has_argilla_2_shape_and_counts() -> None:
    ds = team_dataset()
    answer(ds, 0, "ana")
    answer(ds, 0, "bob")
    answer(ds, 1, "ana")
    answer(ds, 2, "bob", status="draft")
    answer(ds, 0, "cy", status="discarded")
    assert ds.progress() == {"total": 6, "completed": 1, "pending": 5}
    full = ds.progress(with_users_distribution=True)
    zero = {"submitted": 0, "draft": 0, "discarded": 0}
    assert full["users"] == {
        "ana": {"completed": {**zero, "submitted": 1}, "pending": {**zero, "submitted": 1}},
        "bob": {"completed": {**zero, "submitted": 1}, "pending": {**zero, "draft": 1}},
        "cy": {"completed": {**zero, "discarded": 1}, "pending": zero},
    }
    assert rg.FeedbackDataset(**make_schema_kwargs()).progress(True) == {
        "total": 0,
        "completed": 0,
        "pending": 0,
        "users": {},
    }


# ---------------------------------------------------------------- other processes' answers
def test_refresh_reads_only_new_bytes_and_waits_for_a_torn_line(tmp_path: Path) -> None:
    ds = team_dataset()
    ds.save(tmp_path / "d")
    mine = rg.FeedbackDataset.from_disk(tmp_path / "d")
    other = rg.FeedbackDataset.from_disk(tmp_path / "d")
    ids = [r.id for r in mine]
    assert mine.refresh() == []
    other.add_response(ids[0], {"demonstration": "from bob"}, user="bob")
    other.add_response(ids[0], {"demonstration": "from cy"}, user="cy")
    seen: list[tuple[str, list[str]]] = []
    mine.subscribe(lambda kind, rids: seen.append((kind, list(rids))))
    assert mine.refresh() == [ids[0]]
    assert seen == [("responses", [ids[0]])]
    assert mine[0].status == "completed"
    assert mine.progress()["completed"] == 1
    tail = mine._reader
    assert tail is not None and other._writer is not None
    read_before = tail.bytes_read
    other.add_response(ids[1], {"demonstration": "x"}, user="bob")
    mine.refresh()
    log = other._writer.answers.path
    line_bytes = len(log.read_bytes().splitlines(keepends=True)[-1])
    assert tail.bytes_read - read_before == line_bytes  # only the new line was read
    # a half-written line (of a writer of its own: no file has two writers) waits for the next look
    log = tmp_path / "d" / "writers" / "hand-written" / "answers.jsonl"
    log.parent.mkdir()
    with log.open("ab") as fh:
        fh.write(b'{"record_id": "' + ids[2].encode())
    assert mine.refresh() == []
    with log.open("ab") as fh:
        fh.write(
            b'", "user": "bob", "status": "submitted", "values": "{\\"demonstration\\": \\"y\\"}",'
            b' "updated_at": %.6f, "time_spent": null}\n' % (time.time() + 1)
        )
    assert mine.refresh() == [ids[2]]
    assert mine.response_of(ids[2], "bob") is not None
    # a removal (undo) travels too, and our own answers read back change nothing
    other.remove_response(ids[1], "bob")
    mine.add_response(ids[3], {"demonstration": "mine"}, user="ana")
    assert mine.refresh() == [ids[1]]
    assert mine.response_of(ids[1], "bob") is None


def test_refresh_on_memory_datasets_does_nothing() -> None:
    ds = team_dataset()
    assert ds.refresh() == []


# ------------------------------------------------------------------------ the widget's side
def _send(widget: Any, content: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> dict:
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(widget, "send", lambda msg, buffers=None: sent.append(msg))
    widget._on_message(widget, content, [])
    assert len(sent) == 1, sent
    return sent[0]


def test_a_team_view_walks_the_queue_and_takes_in_news(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ds = team_dataset(n=8, min_submitted=2)
    ds.save(tmp_path / "d")
    w = ds.annotate(user="ana")
    assert w.status_filter == "queue"
    queue = ds.queue("ana")
    assert w.total == len(queue) == 8
    assert [r["id"] for r in w.window] == queue[: len(w.window)]
    assert w.team == {"total": 8, "completed": 0, "pending": 8, "min_submitted": 2, "news_ms": 2000}
    # two others, in another process's copy, complete the record on screen and one ahead
    others = rg.FeedbackDataset.from_disk(tmp_path / "d")
    for user in ("bob", "cy"):
        for rid in (queue[0], queue[3]):
            others.add_response(rid, {"demonstration": user}, user=user)
    reply = _send(w, {"type": "news", "request_id": "n1"}, monkeypatch)
    assert reply["type"] == "ack"
    assert w.window[0]["id"] == queue[0]  # the shown record stays, marked completed
    assert w.window[0]["record_status"] == "completed"
    assert w.total == 7  # the completed record ahead left the walk
    assert queue[3] not in [r["id"] for r in w.window]
    assert w.team["completed"] == 2
    # a solo dataset keeps the dataset's order; queue=True asks for the walk
    solo = rg.FeedbackDataset(**make_schema_kwargs())
    solo.add_records(make_records(3))
    assert solo.annotate(user="ana").status_filter == "all"
    assert solo.annotate(user="bob").team == {}
    assert solo.annotate(user="cy", queue=True).status_filter == "queue"
    plain = ds.annotate(user="dan", queue=False)  # a team dataset in the dataset's order
    assert plain.status_filter == "all" and plain.total == 8 and plain.team["total"] == 8


def test_review_view_shows_every_answer_and_stores_the_pick(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ds = team_dataset(n=4, min_submitted=2)
    ids = [r.id for r in ds]
    ds.add_response(ids[1], {"demonstration": "bob's"}, user="bob")
    ds.add_response(ids[1], {"demonstration": "cy's"}, user="cy")
    ds.add_response(ids[2], {"demonstration": "cy draft"}, user="cy", status="draft")
    ds.add_response(ids[3], {"demonstration": "ana's"}, user="ana")
    ds.save(tmp_path / "d")
    w = ds.annotate(user="rev", review=True)
    assert w.review is True
    assert [r["id"] for r in w.window] == [ids[1], ids[3]]  # records others submitted
    answers = w.window[0]["answers"]
    assert [(a["user"], a["values"], a["status"]) for a in answers] == [
        ("bob", {"demonstration": "bob's"}, "submitted"),
        ("cy", {"demonstration": "cy's"}, "submitted"),
    ]
    reply = _send(
        w,
        {
            "type": "answer",
            "request_id": "r1",
            "record_id": ids[1],
            "values": {"demonstration": "cy's, fixed"},
            "status": "submitted",
            "source": "cy",
        },
        monkeypatch,
    )
    assert reply["type"] == "ack", reply
    assert ds.response_of(ids[1], "rev").plain_values() == {"demonstration": "cy's, fixed"}  # type: ignore[union-attr]
    notes = rg.FeedbackDataset.from_disk(tmp_path / "d").reviews()
    assert notes[["record_id", "reviewer", "source", "edited"]].values.tolist() == [
        [ids[1], "rev", "cy", True]
    ]
    bad = _send(
        w,
        {
            "type": "answer",
            "request_id": "r2",
            "record_id": ids[3],
            "values": {"demonstration": "x"},
            "status": "submitted",
            "source": "nobody",
        },
        monkeypatch,
    )
    assert bad["type"] == "error" and "'nobody' has no answer" in bad["message"]
    assert ds.response_of(ids[3], "rev") is None
    # to_sft prefers the reviewed answer with multiple="reviewed", the latest otherwise
    ds.add_response(ids[1], {"demonstration": "bob's, later"}, user="bob")
    splits = ds.to_sft(
        prompt="prompt", multiple="reviewed", test_size=1, include=["record_id", "user"]
    )
    rows = [r for s in splits.values() for r in s if r["record_id"] == ids[1]]
    assert [(r["user"], r["completion"]) for r in rows] == [("rev", "cy's, fixed")]
    latest = ds.to_sft(
        prompt="prompt", multiple="latest", test_size=1, include=["record_id", "user"]
    )
    rows = [r for s in latest.values() for r in s if r["record_id"] == ids[1]]
    assert [r["user"] for r in rows] == ["bob"]
    # reviewed(): reviewed records keep only the review, for every export
    view = ds.reviewed()
    assert [r.user for r in view[view.position_of(ids[1])].responses] == ["rev"]
    assert sorted(r.user for r in view[view.position_of(ids[3])].responses) == ["ana"]
    assert len(ds.responses_for(ids[1])) == 3  # the dataset itself keeps every answer
    prompt = ds[ds.position_of(ids[1])].fields["prompt"]
    task = rg.TrainingTask.for_supervised_fine_tuning(
        lambda sample: [f"{sample['prompt']} => {a['value']}" for a in sample["demonstration"]]
    )
    texts = list(view.prepare_for_training(framework="trl", task=task)["text"])
    assert [t for t in texts if t.startswith(prompt)] == [f"{prompt} => cy's, fixed"]
    everyone = list(ds.prepare_for_training(framework="trl", task=task)["text"])
    assert len([t for t in everyone if t.startswith(prompt)]) == 3


# ---------------------------------------------------------------------------- agreement
def test_agreement_per_question_per_annotator_and_disputes() -> None:
    pytest.importorskip("krippendorff")
    from nb_feedback.team.team_agreement import team_agreement

    ds = team_dataset(n=6)
    ids = [r.id for r in ds]
    topics = {  # ana and bob agree everywhere, cy disagrees on records 0 and 1
        "ana": ["code", "math", "other", "code", "math", "other"],
        "bob": ["code", "math", "other", "code", "math", "other"],
        "cy": ["math", "other", "other", "code", "math", "other"],
    }
    for user, labels in topics.items():
        for i, label in enumerate(labels):
            ds.add_response(ids[i], {"demonstration": "x", "topic": label, "quality": 3}, user=user)
    # a reviewer settles record 0: left out of the agreement
    ds.add_review(ids[0], {"demonstration": "x", "topic": "code"}, reviewer="rev", source="ana")
    out = team_agreement(ds)
    topic = out["questions"]["topic"]
    assert topic["records"] == 6 and topic["answers"] == 18
    assert 0 < topic["alpha"] < 1
    assert out["questions"]["quality"]["alpha"] == 1.0  # everyone rated 3
    per_user = {u: a["topic"] for u, a in out["annotators"].items()}
    assert set(per_user) == {"ana", "bob", "cy"}
    assert per_user["cy"] < per_user["ana"] and per_user["cy"] < per_user["bob"]
    assert [d["record_id"] for d in out["disputed"]] == [ids[0], ids[1]]
    assert out["disputed"][0]["answers"]["cy"]["topic"] == "math"
    # the report shows it
    rep = ds.report(prompt="prompt")
    team = rep.summary["team"]
    assert team["annotators"]["cy"]["responses"] == {"submitted": 6}
    assert team["annotators"]["cy"]["agreement"]["topic"] == per_user["cy"]
    assert [d["record_id"] for d in team["disputed"]][:2] == [ids[0], ids[1]]
    assert "Most disputed records" in rep._repr_html_()
    # one annotator: no team section
    solo = team_dataset(n=2)
    answer(solo, 0, "ana")
    assert "team" not in solo.report(prompt="prompt").summary


def test_reviews_from_another_process_arrive_with_refresh(tmp_path: Path) -> None:
    ds = team_dataset(n=2)
    answer(ds, 0, "ana")
    ds.save(tmp_path / "d")
    mine = rg.FeedbackDataset.from_disk(tmp_path / "d")
    assert mine.reviews().empty
    other = rg.FeedbackDataset.from_disk(tmp_path / "d")
    rid = other[0].id
    other.add_review(rid, {"demonstration": "fixed"}, reviewer="rev", source="ana")
    mine.refresh()
    assert mine.reviews()[["record_id", "reviewer", "source"]].values.tolist() == [
        [rid, "rev", "ana"]
    ]
    assert mine.response_of(rid, "rev") is not None


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    steps=st.lists(
        st.tuples(
            st.sampled_from(["bob", "cy"]),
            st.integers(0, 3),  # record
            st.sampled_from(["submitted", "draft", "discarded", "remove"]),
            st.integers(0, 60),  # bytes of the next line already written when we look
        ),
        min_size=1,
        max_size=12,
    )
)
def test_refresh_after_any_writes_and_torn_tails_matches_a_fresh_open(
    tmp_path_factory: pytest.TempPathFactory, steps: list[tuple[str, int, str, int]]
) -> None:
    folder = tmp_path_factory.mktemp("tail") / "d"
    team_dataset(n=4).save(folder)
    mine = rg.FeedbackDataset.from_disk(folder)
    writers = {u: rg.FeedbackDataset.from_disk(folder) for u in ("bob", "cy")}
    ids = [r.id for r in mine]
    for k, (user, i, status, torn) in enumerate(steps):
        w = writers[user]
        if status == "remove":
            if w.response_of(ids[i], user) is not None:
                w.remove_response(ids[i], user)
        else:
            values = {} if status != "submitted" else {"demonstration": f"{user} {k}"}
            w.add_response(ids[i], values, user=user, status=status)
        # a reader looks while the other's next line is half written
        log = w._writer.answers.path  # type: ignore[union-attr]
        if not log.exists() or not log.stat().st_size:  # nothing written yet by this user
            continue
        line = log.read_bytes().splitlines(keepends=True)[-1]
        cut = min(torn, len(line) - 1)
        data = log.read_bytes()
        log.write_bytes(data[: len(data) - len(line) + cut])  # the line not yet complete
        mine.refresh()
        log.write_bytes(data)  # and now it is
    mine.refresh()
    fresh = rg.FeedbackDataset.from_disk(folder)
    key = ["record_id", "user", "status", "values"]

    def rows(ds: rg.FeedbackDataset) -> list[tuple]:
        frame = ds.responses_frame()
        return sorted(tuple(map(str, r)) for r in frame[key].itertuples(index=False))

    assert rows(mine) == rows(fresh)


def test_queue_and_progress_see_the_folder_without_an_explicit_refresh(tmp_path: Path) -> None:
    team_dataset(n=3, min_submitted=1).save(tmp_path / "d")
    mine = rg.FeedbackDataset.from_disk(tmp_path / "d")
    other = rg.FeedbackDataset.from_disk(tmp_path / "d")
    first = mine.queue("ana")[0]
    other.add_response(first, {"demonstration": "done"}, user="bob")
    assert first not in mine.queue("ana")
    assert mine.progress()["completed"] == 1


def test_refresh_takes_in_records_added_edited_and_deleted_elsewhere(tmp_path: Path) -> None:
    team_dataset(n=3, min_submitted=1).save(tmp_path / "d")
    mine = rg.FeedbackDataset.from_disk(tmp_path / "d")
    other = rg.FeedbackDataset.from_disk(tmp_path / "d")
    seen: list[tuple[str, list[str]]] = []
    mine.subscribe(lambda kind, ids: seen.append((kind, list(ids))))
    ids = [r.id for r in mine]
    other.add_records(make_records(2))
    new = [r.id for r in other][3:]
    other.add_response(new[0], {"demonstration": "on a new record"}, user="bob")
    other.update_records([{"id": ids[0], "metadata": {"source": "book", "length": 7}}])
    other.delete_records([ids[1]])
    changed = mine.refresh()
    assert set(changed) >= {*new, ids[0], ids[1]}
    assert [r.id for r in mine] == [ids[0], ids[2], *new]
    assert mine[0].metadata["source"] == "book"
    assert mine.response_of(new[0], "bob") is not None
    assert mine.queue("ana") == other.queue("ana")
    assert ("records", [*new, ids[0], ids[1]]) in seen
    # our own changes read back change nothing, and nothing is read twice
    mine.add_records(make_records(1))
    mine.delete_records([new[1]])
    assert mine.refresh() == []
    assert len(mine) == len(rg.FeedbackDataset.from_disk(tmp_path / "d")) == 4
    # an answer read before its record arrives is held until the record does
    other.add_records(make_records(1))
    late = [r.id for r in other][-1]
    other.add_response(late, {"demonstration": "early"}, user="bob")
    assert late in mine.refresh()
    assert mine.response_of(late, "bob") is not None


def test_a_folder_compacted_elsewhere_is_followed_and_one_replaced_asks_to_reopen(
    tmp_path: Path,
) -> None:
    team_dataset(n=3).save(tmp_path / "d")
    mine = rg.FeedbackDataset.from_disk(tmp_path / "d")
    other = rg.FeedbackDataset.from_disk(tmp_path / "d")
    ids = [r.id for r in mine]
    other.distribution = rg.TaskDistribution(min_submitted=3)  # no per-record columns
    mine.refresh()
    assert mine.distribution.min_submitted == 3
    other.delete_records([ids[2]])
    other.save()  # compacts into a new snapshot and changes log; the answer logs stay
    other.add_response(ids[0], {"demonstration": "after the compaction"}, user="bob")
    assert set(mine.refresh()) == {ids[0], ids[2]}
    assert [r.id for r in mine] == ids[:2]
    assert mine.response_of(ids[0], "bob") is not None
    # another dataset saved over the folder: this copy cannot follow it
    team_dataset(n=1).save(tmp_path / "d", overwrite=True)
    with pytest.warns(rg.LoadWarning, match="open it again"):
        mine.refresh()


def test_a_team_view_follows_records_added_and_deleted_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    team_dataset(n=6, min_submitted=2).save(tmp_path / "d")
    mine = rg.FeedbackDataset.from_disk(tmp_path / "d")
    w = mine.annotate(user="ana")
    queue = mine.queue("ana")
    assert [r["id"] for r in w.window][:2] == queue[:2]
    other = rg.FeedbackDataset.from_disk(tmp_path / "d")
    other.delete_records([queue[1]])  # the next record in ana's walk
    other.add_records(make_records(2))
    assert _send(w, {"type": "news", "request_id": "n1"}, monkeypatch)["type"] == "ack"
    assert w.total == 7
    assert w.window[w.position - w.window_start]["id"] == queue[0]  # still on screen
    assert queue[1] not in [r["id"] for r in w.window]
    shown_before = [r["id"] for r in w.window]
    assert all(mine.position_of(i) >= 0 for i in shown_before)
    other.delete_records([queue[0]])  # the record on screen goes
    assert _send(w, {"type": "news", "request_id": "n2"}, monkeypatch)["type"] == "ack"
    assert w.total == 6
    assert queue[0] not in [r["id"] for r in w.window]
    # a status filter is planned again too (positions moved with the deletion)
    w.status_filter = "pending"
    other.delete_records([w.window[0]["id"]])
    _send(w, {"type": "news", "request_id": "n3"}, monkeypatch)
    assert w.total == 5
    assert [r["id"] for r in w.window] == [r.id for r in mine][: len(w.window)]
