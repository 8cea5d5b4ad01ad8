"""Storage format 3's rules, one at a time: the clock, the merge, checkpoints, owned files."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nb_feedback as rg
from nb_feedback.store import _hlc, persistence
from nb_feedback.store import _tables as T
from nb_feedback.store._changes import PatchRecords


def _dataset(n: int = 4) -> rg.FeedbackDataset:
    ds = rg.FeedbackDataset(
        fields=[rg.TextField(name="prompt")],
        questions=[rg.TextQuestion(name="demonstration")],
        metadata_properties=[rg.TermsMetadataProperty(name="source")],
    )
    ds.add_records([{"prompt": f"p{i}", "metadata": {"source": "a"}} for i in range(n)])
    return ds


def test_the_clock_never_goes_back_and_passes_what_it_saw() -> None:
    wall = iter([100.0, 100.0, 50.0, 200.0])
    clock = _hlc.Clock(lambda: next(wall))
    first, second, third = clock.tick(), clock.tick(), clock.tick()
    assert first < second < third  # the same wall time, then a wall clock 50 s back
    clock.observe(500.0)  # a change read from a process whose clock is ahead
    assert clock.tick() > 500.0
    clock.observe(float("nan"))
    clock.observe(float("inf"))  # ignored


_ROW = st.tuples(
    st.integers(0, 3),  # record
    st.sampled_from(["ann", "bob"]),
    st.sampled_from(["submitted", "draft", "discarded"]),
    st.sampled_from(["a", "b", "c"]),
    st.integers(0, 4),  # time: ties are likely
)


@settings(max_examples=60, deadline=None)
@given(first=st.lists(_ROW, max_size=8), news=st.lists(_ROW, min_size=1, max_size=8))
def test_few_answers_land_as_many_do(first: list[tuple], news: list[tuple]) -> None:
    """``_put_if_later`` (a few answers, one by one) is ``put_frame`` (latest_per_key)."""

    def frame(rows: list[tuple], ids: list[str]) -> pd.DataFrame:
        return T.conform_responses(
            pd.DataFrame(
                {
                    "record_id": [ids[r[0]] for r in rows],
                    "user": [r[1] for r in rows],
                    "status": [r[2] for r in rows],
                    "values": [json.dumps({"demonstration": r[3]}) for r in rows],
                    "updated_at": [1000.0 + r[4] for r in rows],
                    "time_spent": [None] * len(rows),
                }
            )
        )

    one, many = _dataset(), _dataset()
    ids = [r.id for r in one]
    many._records = one._records.copy()
    many._id_positions = None
    if first:
        one._responses.put_frame(frame(first, ids))
        many._responses.put_frame(frame(first, ids))
    one._put_if_later(frame(news, ids))
    many._responses.put_frame(frame(news, ids))
    key = ["record_id", "user", "status", "values", "updated_at", "inserted_at"]

    def rows(ds: rg.FeedbackDataset) -> list[tuple]:
        return sorted(map(tuple, ds.responses_frame()[key].astype(str).to_numpy().tolist()))

    assert rows(one) == rows(many)
    for user in ("ann", "bob"):  # the counts kept up to date answer by answer agree too
        assert one.status_counts(user) == many.status_counts(user)


def test_record_edits_merge_key_by_key_in_any_order() -> None:
    ds = _dataset(1)
    rid = ds[0].id
    edits = [
        ((1.0, "w1"), PatchRecords([(rid, T.METADATA, "source", True, "x")])),
        ((2.0, "w2"), PatchRecords([(rid, T.METADATA, "source", True, "y")])),
        ((2.0, "w1"), PatchRecords([(rid, T.METADATA, "other", True, 1)])),
        ((3.0, "w3"), PatchRecords([(rid, T.METADATA, "other", False, None)])),
        ((1.5, "w2"), PatchRecords([(rid, T.METADATA, "third", True, [1, 2])])),
    ]
    results = set()
    for order in itertools.permutations(edits):
        copy = _dataset(1)
        copy._records = ds._records.copy()
        copy._id_positions = None
        for (at, writer), patch in order:
            copy._apply(patch, at, writer)
        results.add(json.dumps(copy[0].metadata, sort_keys=True))
    assert results == {json.dumps({"source": "y", "third": [1, 2]}, sort_keys=True)}


def test_each_process_writes_only_its_own_files(tmp_path: Path) -> None:
    _dataset().save(tmp_path / "d")
    a = rg.FeedbackDataset.from_disk(tmp_path / "d")
    b = rg.FeedbackDataset.from_disk(tmp_path / "d")
    before = {p: p.stat().st_mtime_ns for p in (tmp_path / "d").rglob("*") if p.is_file()}
    a.add_response(a[0].id, {"demonstration": "x"}, user="ann")
    a.update_records([{"id": a[1].id, "metadata": {"source": "b"}}])
    a.delete_records([a[3].id])
    a.add_records([{"prompt": "new"}])
    a.save()
    b.add_response(b[0].id, {"demonstration": "y"}, user="bob")
    b.save()
    assert a._writer is not None and b._writer is not None
    for path in (tmp_path / "d").rglob("*"):
        if not path.is_file() or path.parent.name == persistence.LOCKS:
            continue
        if path in before:  # nothing written before was changed or removed
            assert path.stat().st_mtime_ns == before[path], path
        else:
            assert path.parent in (a._writer.dir, b._writer.dir), path


def test_a_checkpoint_keeps_reopening_flat(tmp_path: Path) -> None:
    _dataset(50).save(tmp_path / "d")
    writers = [rg.FeedbackDataset.from_disk(tmp_path / "d") for _ in range(6)]
    for k, w in enumerate(writers):
        for i in range(20):
            w.add_response(w[i].id, {"demonstration": f"{k} {i}"}, user=f"u{k}")
    fresh = rg.FeedbackDataset.from_disk(tmp_path / "d")
    assert fresh._reader is not None
    unfolded = fresh._reader.bytes_read
    writers[0].save()
    again = rg.FeedbackDataset.from_disk(tmp_path / "d")
    assert again._reader is not None
    assert again._reader.bytes_read == 0 < unfolded  # all of it is in the checkpoint
    assert len(again.responses_frame()) == 120
    writers[1].add_response(writers[1][30].id, {"demonstration": "after"}, user="u1")
    last = rg.FeedbackDataset.from_disk(tmp_path / "d")
    assert 0 < last._reader.bytes_read < 400  # type: ignore[union-attr]
    assert last.response_of(writers[1][30].id, "u1") is not None


def test_schema_changes_travel_and_the_later_one_wins(tmp_path: Path) -> None:
    _dataset().save(tmp_path / "d")
    a = rg.FeedbackDataset.from_disk(tmp_path / "d")
    b = rg.FeedbackDataset.from_disk(tmp_path / "d")
    a.add_metadata_property(rg.IntegerMetadataProperty(name="length"))
    b.refresh()
    assert [p.name for p in b.metadata_properties] == ["source", "length"]
    b.update_records([{"id": b[0].id, "metadata": {"source": "a", "length": 3}}])
    a.refresh()
    assert a.filter_by(metadata_filters=rg.IntegerMetadataFilter(name="length", ge=2)).records
    again = rg.FeedbackDataset.from_disk(tmp_path / "d")
    assert [p.name for p in again.metadata_properties] == ["source", "length"]
    assert len(again.filter_by(metadata_filters=rg.IntegerMetadataFilter(name="length", ge=2))) == 1


def test_a_review_undone_takes_its_note_with_it(tmp_path: Path) -> None:
    ds = _dataset(2)
    ds.save(tmp_path / "d")
    ds.add_response(ds[0].id, {"demonstration": "ann's"}, user="ann")
    w = ds.annotate(user="rev", review=True)
    sent: list[dict] = []
    w.send = sent.append  # type: ignore[method-assign]
    w._on_message(
        w,
        {"type": "answer", "request_id": "r1", "record_id": ds[0].id, "source": "ann",
         "values": {"demonstration": "reviewed"}, "status": "submitted"},
        [],
    )  # fmt: skip
    assert sent[-1]["saved"] is True  # from the write itself
    assert len(ds.reviews()) == 1
    w._on_message(w, {"type": "undo", "request_id": "r2", "record_id": ds[0].id}, [])
    assert ds.reviews().empty
    kept = {r.user: r.status for r in ds.reviewed()[0].responses}
    # ann's answer is not dropped any more; the reviewer's text stays, as a draft (an undo of a
    # first answer keeps what was typed)
    assert kept == {"ann": "submitted", "rev": "draft"}
    again = rg.FeedbackDataset.from_disk(tmp_path / "d")
    assert again.reviews().empty and again.response_of(ds[0].id, "rev").status == "draft"


def test_refresh_keeps_the_provenance_of_other_kernels_answers(tmp_path: Path) -> None:
    ds = _dataset(2)
    ds.save(tmp_path / "d")
    other = rg.FeedbackDataset.from_disk(tmp_path / "d")
    rid = ds[0].id
    other.add_response(
        rid,
        {"demonstration": "edited draft"},
        user="bob",
        shown={"demonstration": {"suggestion": "draft", "agent": "m1"}},
    )
    ds.refresh()
    mine = ds.responses_frame()
    theirs = other.responses_frame()
    assert mine["provenance"].tolist() == theirs["provenance"].tolist()
    assert mine["provenance"].notna().all()


def test_answers_to_a_record_deleted_elsewhere_are_said_to_be_gone(tmp_path: Path) -> None:
    _dataset(2).save(tmp_path / "d")
    mine = rg.FeedbackDataset.from_disk(tmp_path / "d")
    other = rg.FeedbackDataset.from_disk(tmp_path / "d")
    rid = mine[0].id
    mine.add_response(rid, {"demonstration": "acked"}, user="ann")
    other.delete_records([rid])
    with pytest.warns(rg.LoadWarning, match="another process deleted 1 record"):
        mine.refresh()
    assert not mine._holds(rid)


def test_overwriting_a_folder_another_process_writes_is_refused(tmp_path: Path) -> None:
    import subprocess
    import sys
    import textwrap
    import time

    _dataset().save(tmp_path / "d")
    src = Path(__file__).resolve().parents[2] / "src"
    code = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(src)!r})
        import nb_feedback as rg
        ds = rg.FeedbackDataset.from_disk({str(tmp_path / "d")!r})
        ds.claim_writer("ann")
        print("ready", flush=True)
        time.sleep(30)
    """)
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        with pytest.raises(rg.StorageError, match="another process is writing this dataset"):
            _dataset(1).save(tmp_path / "d", overwrite=True)
    finally:
        child.kill()
        child.wait()
    time.sleep(0.05)
    _dataset(1).save(tmp_path / "d", overwrite=True)  # no writer left: allowed
    assert len(rg.FeedbackDataset.from_disk(tmp_path / "d")) == 1


def test_a_stale_copy_cannot_undo_an_overwrite_with_its_checkpoint(tmp_path: Path) -> None:
    _dataset(3).save(tmp_path / "d")
    stale = rg.FeedbackDataset.from_disk(tmp_path / "d")
    stale.update_records([{"id": stale[0].id, "metadata": {"source": "b"}}])  # no lock taken
    _dataset(1).save(tmp_path / "d", overwrite=True)
    with (
        pytest.warns(rg.LoadWarning, match="another dataset was saved over this folder"),
        pytest.raises(rg.StorageError, match="another dataset was saved over this folder"),
    ):
        stale.save()
    assert len(rg.FeedbackDataset.from_disk(tmp_path / "d")) == 1  # the overwrite stands


def test_concurrent_answers_with_equal_times_resolve_the_same_everywhere(tmp_path: Path) -> None:
    _dataset(1).save(tmp_path / "d")
    rid = rg.FeedbackDataset.from_disk(tmp_path / "d")[0].id
    seen = set()
    # two writers, the same time; writers are read in name order, so swapping the names reads
    # the two answers in both orders: the larger content wins either way
    for names in (("w-a", "w-b"), ("w-b", "w-a")):
        for name, value in zip(names, ("alpha", "beta"), strict=True):
            log = tmp_path / "d" / persistence.WRITERS / name / persistence.ANSWERS
            log.parent.mkdir(parents=True, exist_ok=True)
            row = {"record_id": rid, "user": "ann", "status": "submitted",
                   "values": json.dumps({"demonstration": value}), "updated_at": 2e9,
                   "time_spent": None, "inserted_at": 2e9}  # fmt: skip
            log.write_text(json.dumps(row) + "\n", "utf-8")
        ds = rg.FeedbackDataset.from_disk(tmp_path / "d")
        seen.add(ds.response_of(rid, "ann").plain_values()["demonstration"])  # type: ignore[union-attr]
    assert seen == {"beta"}  # the larger content, whoever reads, in whatever order


def test_a_checkpoint_collects_the_debris_of_killed_writes(tmp_path: Path) -> None:
    import os
    import time

    _dataset(3).save(tmp_path / "d")
    a = rg.FeedbackDataset.from_disk(tmp_path / "d")
    a.add_response(a[0].id, {"demonstration": "x"}, user="ann")
    a.save()
    dead = tmp_path / "d" / persistence.WRITERS / "dead-writer"
    dead.mkdir()
    debris = [
        dead / ".checkpoint-1.records.parquet.abcd.tmp",  # a write killed before its rename
        dead / "checkpoint-1-1.records.parquet",  # a checkpoint killed before its file
        dead / "checkpoint-1-1.responses.parquet",
    ]
    for path in debris:
        path.write_bytes(b"half")
    young = dead / ".in-progress.tmp"
    young.write_bytes(b"being written now")
    an_hour_ago = time.time() - 2 * persistence.DEBRIS_AGE
    for path in [*debris, *(tmp_path / "d").glob("writers/*/checkpoint-*")]:
        os.utime(path, (an_hour_ago, an_hour_ago))
    superseded = sorted((tmp_path / "d").glob("writers/*/checkpoint-*.json"))
    b = rg.FeedbackDataset.from_disk(tmp_path / "d")
    b.save()
    assert not any(p.exists() for p in debris)
    assert young.exists()  # a write that may still finish is left alone
    assert not any(p.exists() for p in superseded)  # a later checkpoint holds all they held
    assert a._writer is not None and a._writer.answers.path.exists()  # logs are never removed
    again = rg.FeedbackDataset.from_disk(tmp_path / "d")
    assert again.response_of(a[0].id, "ann") is not None


def test_an_answer_that_arrives_before_its_record_survives_a_checkpoint(tmp_path: Path) -> None:
    import shutil

    _dataset(1).save(tmp_path / "a")
    shutil.copytree(tmp_path / "a", tmp_path / "b")
    b = rg.FeedbackDataset.from_disk(tmp_path / "b")
    b.add_records([{"prompt": "made on b"}])
    late = b[1].id
    b.add_response(late, {"demonstration": "on b"}, user="bob")
    assert b._writer is not None
    # the sync delivers b's answers to a first, its record part later
    theirs = tmp_path / "a" / persistence.WRITERS / b._writer.id
    theirs.mkdir()
    shutil.copyfile(b._writer.answers.path, theirs / persistence.ANSWERS)
    with pytest.warns(rg.LoadWarning, match="1 answer"):
        a = rg.FeedbackDataset.from_disk(tmp_path / "a")
    a.save()  # the waiting answer travels in the checkpoint
    for f in b._writer.dir.iterdir():
        shutil.copyfile(f, theirs / f.name)
    again = rg.FeedbackDataset.from_disk(tmp_path / "a")
    assert again.response_of(late, "bob") is not None


def _deliver(src: Path, dst: Path, writer: str, names: list[str] | None = None) -> None:
    """Copy writer ``writer``'s files from ``src`` to ``dst``, each whole (a sync service)."""
    import shutil

    theirs = dst / persistence.WRITERS / writer
    theirs.mkdir(parents=True, exist_ok=True)
    for f in sorted((src / persistence.WRITERS / writer).iterdir()):
        if names is None or f.name in names:
            shutil.copyfile(f, theirs / f.name)


def _two_replicas(tmp_path: Path) -> None:
    """A folder ``a`` with one record, and ``b``: its copy on another machine of a synced folder."""
    import shutil

    _dataset(1).save(tmp_path / "a")
    shutil.copytree(tmp_path / "a", tmp_path / "b")


def test_a_part_that_arrives_after_its_line_is_taken_in_and_survives_a_checkpoint(
    tmp_path: Path,
) -> None:
    _two_replicas(tmp_path)
    a = rg.FeedbackDataset.from_disk(tmp_path / "a")
    b = rg.FeedbackDataset.from_disk(tmp_path / "b")
    b.add_records([{"prompt": "made on b"}])
    made = b[1].id
    b.add_responses([{"record_id": b[0].id, "demonstration": "bulk on b"}], user="bulk")
    assert b._writer is not None
    # the sync delivers b's changes log first, the parts it names later
    _deliver(tmp_path / "b", tmp_path / "a", b._writer.id, [persistence.CHANGES])
    with pytest.warns(rg.LoadWarning, match="not there yet"):
        a.refresh()
    assert not a._holds(made)
    a.save()  # a checkpoint while the parts are still on their way
    with pytest.warns(rg.LoadWarning, match="not there yet"):
        rg.FeedbackDataset.from_disk(tmp_path / "a")
    _deliver(tmp_path / "b", tmp_path / "a", b._writer.id)
    a.refresh()
    for ds in (a, rg.FeedbackDataset.from_disk(tmp_path / "a")):
        assert ds._holds(made)
        assert ds.response_of(b[0].id, "bulk") is not None


def test_an_edit_that_arrives_before_its_record_lands_once_the_record_does(
    tmp_path: Path,
) -> None:
    _two_replicas(tmp_path)
    a = rg.FeedbackDataset.from_disk(tmp_path / "a")
    adder = rg.FeedbackDataset.from_disk(tmp_path / "b")
    editor = rg.FeedbackDataset.from_disk(tmp_path / "b")
    adder.add_records([{"prompt": "made on b", "metadata": {"source": "new"}}])
    made = adder[1].id
    editor.refresh()
    editor.update_records([{"id": made, "metadata": {"source": "new", "checked": True}}])
    assert adder._writer is not None and editor._writer is not None
    # the editor's files reach a before the adder's: the edit names a record a has not seen
    _deliver(tmp_path / "b", tmp_path / "a", editor._writer.id)
    a.refresh()
    a.save()  # the edit waiting for its record travels in the checkpoint
    _deliver(tmp_path / "b", tmp_path / "a", adder._writer.id)
    a.refresh()
    for ds in (a, rg.FeedbackDataset.from_disk(tmp_path / "a")):
        assert ds.record_by_id(made).metadata == {"source": "new", "checked": True}


def test_schema_changes_and_unifications_at_one_time_resolve_alike_in_any_order() -> None:
    import dataclasses

    from nb_feedback.store._changes import ChangeSchema, UnifyAnswers

    rid = _dataset(1)[0].id
    base = _dataset(1).schema
    # two writers that read the same change tick the same time (the hybrid clock): a tie
    changes = [
        (5.0, "w1", ChangeSchema(dataclasses.replace(base, guidelines="from w1"), {})),
        (5.0, "w2", ChangeSchema(dataclasses.replace(base, guidelines="from w2 "), {})),
        (5.0, "w1", UnifyAnswers("demonstration", {rid: [{"value": "a", "strategy": "x"}]})),
        (5.0, "w2", UnifyAnswers("demonstration", {rid: [{"value": "b", "strategy": "x"}]})),
    ]
    seen = set()
    for order in itertools.permutations(changes):
        copy = _dataset(1)
        copy._records = _dataset(1)._records.assign(**{T.ID: [rid]})
        copy._id_positions = None
        for at, writer, change in order:
            copy._apply(change, at, writer)
        unified = copy.unified_responses["demonstration"][rid][0].value
        seen.add((copy.schema.guidelines, unified))
    assert len(seen) == 1, seen


def test_an_open_racing_a_checkpoint_that_supersedes_the_one_it_reads_reads_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import warnings

    _dataset(3).save(tmp_path / "d")
    b = rg.FeedbackDataset.from_disk(tmp_path / "d")
    b.add_response(b[0].id, {"demonstration": "x"}, user="bob")
    b.save()  # the latest checkpoint: the one the open below starts reading
    real = persistence.read_parquet
    raced: list[Path] = []

    def racing(path: Path) -> pd.DataFrame:
        if not raced and path.name.startswith("checkpoint-"):
            raced.append(path)
            b.add_response(b[1].id, {"demonstration": "y"}, user="bob")
            b.save()  # a newer checkpoint; b removes the one being read
        return real(path)

    monkeypatch.setattr(persistence, "read_parquet", racing)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing is damaged: no warning
        ds = rg.FeedbackDataset.from_disk(tmp_path / "d")
    assert raced and not raced[0].exists()  # the race happened
    assert {r.id: r.responses[0].plain_values() for r in ds if r.responses} == {
        b[0].id: {"demonstration": "x"},
        b[1].id: {"demonstration": "y"},
    }


def test_check_tells_a_part_on_its_way_from_damage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from nb_feedback.dataset.folder_check import check_folder, main

    _two_replicas(tmp_path)
    b = rg.FeedbackDataset.from_disk(tmp_path / "b")
    b.add_records([{"prompt": "made on b"}])
    assert b._writer is not None
    _deliver(tmp_path / "b", tmp_path / "a", b._writer.id, [persistence.CHANGES])
    report = check_folder(tmp_path / "a")
    assert report.ok and report.damage == []
    assert len(report.waiting) == 1 and persistence.NOT_THERE_YET in report.waiting[0]
    assert main(["check", str(tmp_path / "a")]) == 0
    assert "OK, waiting for 1 part(s) a sync has not delivered yet" in capsys.readouterr().out
    with pytest.warns(rg.LoadWarning, match="parts a sync has not delivered yet") as caught:
        rg.FeedbackDataset.from_disk(tmp_path / "a")
    assert len(caught[0].message.items) == 1  # type: ignore[union-attr]
    _deliver(tmp_path / "b", tmp_path / "a", b._writer.id)
    report = check_folder(tmp_path / "a")
    assert report.ok and report.waiting == [] and report.records == 2
    # damage is still damage: a torn part next to nothing waiting
    part = next((tmp_path / "a" / persistence.WRITERS / b._writer.id).glob("records-*.parquet"))
    part.write_bytes(part.read_bytes()[:20])
    report = check_folder(tmp_path / "a")
    assert not report.ok and report.waiting == [] and len(report.damage) == 1
