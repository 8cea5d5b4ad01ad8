"""Saving and opening dataset folders: round trips, incremental writes, torn writes, crashes,
locks, and several processes writing at once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nb_feedback as rg
from conftest import DatasetFactory, make_records, make_schema_kwargs
from nb_feedback.base.errors import StorageError, WriterLockedError
from nb_feedback.store import persistence

SRC = Path(__file__).resolve().parents[2] / "src"


def assert_same_data(a: rg.FeedbackDataset, b: rg.FeedbackDataset) -> None:
    """Same records, metadata, suggestions and responses (row order of responses aside)."""
    pd.testing.assert_frame_equal(_comparable(a.to_pandas()), _comparable(b.to_pandas()))
    key = ["record_id", "user"]
    ra = a.responses_frame().sort_values(key).reset_index(drop=True)
    rb = b.responses_frame().sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(ra, rb)


def _comparable(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["responses"] = [sorted(r, key=lambda x: x["user"]) for r in frame["responses"]]
    return frame


def reopen(folder: Path) -> rg.FeedbackDataset:
    return rg.FeedbackDataset.from_disk(folder)


def log_files(folder: Path) -> list[Path]:
    """Return the answer logs that hold answers (one per writer that answered)."""
    return [p for p in sorted(folder.glob(f"writers/*/{persistence.ANSWERS}")) if p.stat().st_size]


# ------------------------------------------------------------------- property: round trip

_TEXT = st.one_of(
    st.sampled_from(
        ["שלום עולם", "مرحبا بالعالم", "👩‍💻🚀 emoji", "e\u0301 combining", "line\nbreak", "tab\tx"]
    ),
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs",)),  # no lone surrogates
        min_size=1,
        max_size=40,
    ),
).filter(lambda s: s.strip() != "")

_RECORD = st.fixed_dictionaries(
    {
        "prompt": _TEXT,
        "context": st.one_of(st.none(), _TEXT),
        "source": st.sampled_from(["web", "book", "chat"]),
        "length": st.integers(0, 10_000),
        "score": st.floats(0.0, 1.0, allow_nan=False),
        "suggestion": st.one_of(st.none(), _TEXT),
        "external_id": st.one_of(st.none(), _TEXT),
    }
)

_ANSWER = st.fixed_dictionaries(
    {
        "demonstration": _TEXT,
        "quality": st.sampled_from([1, 2, 3, 4, 5]),
        "tags": st.lists(st.sampled_from(["short", "long", "unsafe"]), min_size=1, unique=True),
    }
)

_USERS = st.sampled_from(["ann", "bob", "çağrı", "ユーザー", "a b/c"])


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    records=st.lists(_RECORD, min_size=1, max_size=8),
    before=st.lists(st.tuples(st.integers(0, 7), _USERS, _ANSWER), max_size=6),
    after=st.lists(st.tuples(st.integers(0, 7), _USERS, _ANSWER), max_size=6),
)
def test_save_and_load_round_trip(
    tmp_path_factory: pytest.TempPathFactory,
    records: list[dict[str, Any]],
    before: list[tuple[int, str, dict[str, Any]]],
    after: list[tuple[int, str, dict[str, Any]]],
) -> None:
    folder = tmp_path_factory.mktemp("roundtrip") / "ds"
    ds = rg.FeedbackDataset(**make_schema_kwargs())
    ds.add_records(
        [
            {
                "fields": {"prompt": r["prompt"], "context": r["context"]},
                "metadata": {"source": r["source"], "length": r["length"], "score": r["score"]},
                "suggestions": (
                    [{"question_name": "demonstration", "value": r["suggestion"], "agent": "m"}]
                    if r["suggestion"]
                    else None
                ),
                "external_id": r["external_id"],
                # the first record arrives with an Argilla v1 response already
                "responses": (
                    [{"user_id": "seed", "values": {"demonstration": {"value": r["prompt"]}}}]
                    if i == 0
                    else None
                ),
            }
            for i, r in enumerate(records)
        ]
    )
    n = len(ds)
    for position, user, values in before:
        ds.add_response(ds[position % n].id, values, user=user)
    ds.save(folder)
    for position, user, values in after:  # written incrementally to the answer logs
        ds.add_response(ds[position % n].id, values, user=user, status="draft", time_spent=1.5)
    loaded = reopen(folder)
    assert_same_data(ds, loaded)
    assert [r.id for r in loaded] == [r.id for r in ds]
    ds.close()


# ---------------------------------------------------------------- incremental, after save


def test_every_change_after_save_is_written(make_dataset: DatasetFactory, tmp_path: Path) -> None:
    folder = tmp_path / "ds"
    ds = make_dataset(3)
    ds.save(folder)
    first_parts = sorted(p.relative_to(folder) for p in folder.glob("writers/*/*.parquet"))
    first_stat = {p: (folder / p).stat().st_mtime_ns for p in first_parts}

    ds.add_records(make_records(2))
    ds.add_response(ds[4].id, {"demonstration": "on a new record"}, user="ann")
    ds.add_response(ds[0].id, {"demonstration": "draft"}, user="bob", status="draft")
    ds.add_responses([{"record_id": ds[1].id, "demonstration": "bulk"}], user="carl")

    # the snapshot written by save() was not rewritten: one new part for the new records
    parts = sorted(p.relative_to(folder) for p in folder.glob("writers/*/*.parquet"))
    assert len(list(folder.glob("writers/*/records-*.parquet"))) == 1  # the new records' part
    assert len(list(folder.glob("writers/*/answers-*.parquet"))) == 1  # the bulk answers' part
    assert len(parts) == len(first_parts) + 2
    assert {p: (folder / p).stat().st_mtime_ns for p in first_parts} == first_stat

    loaded = reopen(folder)
    assert len(loaded) == 5
    assert_same_data(ds, loaded)
    assert {(r.user, r.status) for r in loaded[0].responses} == {("bob", "draft")}
    assert loaded[4].responses[0].plain_values() == {"demonstration": "on a new record"}
    ds.close()


def test_saving_again_to_its_own_folder_is_a_no_op(
    make_dataset: DatasetFactory, tmp_path: Path
) -> None:
    ds = make_dataset(2)
    assert ds.save(tmp_path / "ds") == (tmp_path / "ds").resolve()
    ds.add_response(ds[0].id, {"demonstration": "x"}, user="ann")
    assert ds.save(tmp_path / "ds") == (tmp_path / "ds").resolve()
    assert ds.folder == (tmp_path / "ds").resolve()
    assert reopen(tmp_path / "ds")[0].responses[0].plain_values() == {"demonstration": "x"}
    ds.close()


def test_a_loaded_dataset_writes_back_to_its_folder(
    make_dataset: DatasetFactory, tmp_path: Path
) -> None:
    ds = make_dataset(2)
    ds.save(tmp_path / "ds")
    ds.close()
    loaded = reopen(tmp_path / "ds")
    loaded.add_response(loaded[1].id, {"demonstration": "later"}, user="ann")
    loaded.add_records({"prompt": "new"})
    loaded.close()
    again = reopen(tmp_path / "ds")
    assert len(again) == 3
    assert again[1].responses[0].plain_values() == {"demonstration": "later"}


# ------------------------------------------------------------------------------ torn writes


def test_torn_last_line_is_skipped_with_a_warning_and_repaired(
    make_dataset: DatasetFactory, tmp_path: Path
) -> None:
    folder = tmp_path / "ds"
    ds = make_dataset(3)
    ds.save(folder)
    ds.add_response(ds[0].id, {"demonstration": "first"}, user="ann")
    ds.add_response(ds[1].id, {"demonstration": "second"}, user="ann")
    ds.close()
    (log,) = log_files(folder)
    good = log.read_bytes()
    with log.open("ab") as fh:  # a write cut short by a crash: no trailing newline
        fh.write(b'{"record_id": "' + ds[2].id.encode() + b'", "user": "ann", "sta')

    with pytest.warns(rg.LoadWarning, match="not a whole line"):
        loaded = reopen(folder)
    assert {r.fields["prompt"]: [x.plain_values() for x in r.responses] for r in loaded} == {
        "Prompt number 0?": [{"demonstration": "first"}],
        "Prompt number 1?": [{"demonstration": "second"}],
        "Prompt number 2?": [],
    }

    # a later process writes its own log: the torn one is never appended to again, and a
    # checkpoint covers it, so opening no longer warns
    loaded.add_response(loaded[2].id, {"demonstration": "third"}, user="ann")
    loaded.save()
    loaded.close()
    assert log.read_bytes().startswith(good)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning any more
        again = reopen(folder)
    assert again[2].responses[0].plain_values() == {"demonstration": "third"}
    assert again[0].responses[0].plain_values() == {"demonstration": "first"}


def test_a_garbage_line_in_the_middle_is_skipped_with_a_warning(
    make_dataset: DatasetFactory, tmp_path: Path
) -> None:
    folder = tmp_path / "ds"
    ds = make_dataset(2)
    ds.save(folder)
    ds.add_response(ds[0].id, {"demonstration": "kept"}, user="ann")
    ds.close()
    (log,) = log_files(folder)
    with log.open("ab") as fh:
        fh.write(b"\x00\xff not json\n")
    with pytest.warns(rg.LoadWarning, match="unreadable line"):
        loaded = reopen(folder)
    assert loaded[0].responses[0].plain_values() == {"demonstration": "kept"}


# ------------------------------------------------------------------------- crash mid-save


def _boom(*args: Any, **kwargs: Any) -> None:
    raise OSError(28, "No space left on device")


def test_crash_mid_save_leaves_the_previous_version_readable(
    make_dataset: DatasetFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "ds"
    old = make_dataset(3)
    old.save(folder)
    old.add_response(old[0].id, {"demonstration": "old answer"}, user="ann")
    old.close()
    reopen(folder)

    new = make_dataset(6)
    monkeypatch.setattr(persistence, "_upgrade_manifest", _boom)
    with pytest.raises(OSError, match="No space"):
        new.save(folder, overwrite=True)
    monkeypatch.undo()
    assert new.folder is None  # the failed save did not attach the dataset to the folder
    # its checkpoint is in place, but the manifest still says what it said: an overwrite is
    # all or nothing only at the manifest; the checkpoint written is the latest state
    loaded = reopen(folder)
    assert len(loaded) in (3, 6)


def test_a_first_save_that_crashed_can_be_retried_to_the_same_folder(
    make_dataset: DatasetFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "ds"
    ds = make_dataset(3)
    monkeypatch.setattr(persistence, "_write_manifest_once", _boom)
    with pytest.raises(OSError, match="No space"):
        ds.save(folder)
    monkeypatch.undo()
    assert any(folder.iterdir())  # a checkpoint without a manifest was left behind
    ds.save(folder)  # the leftovers are a save's own: retrying works
    assert len(reopen(folder)) == 3
    ds.close()


def test_a_full_disk_while_adding_records_after_save_changes_nothing(
    make_dataset: DatasetFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "ds"
    ds = make_dataset(3)
    ds.save(folder)
    real = persistence.OwnedLog.append

    def full(self: Any, data: bytes) -> None:
        raise persistence.storage_error(self.path, OSError(28, "No space left on device"))

    monkeypatch.setattr(persistence.OwnedLog, "append", full)
    with pytest.raises(StorageError, match="the disk is full"):
        ds.add_records(make_records(2))
    monkeypatch.setattr(persistence.OwnedLog, "append", real)
    assert len(ds) == 3  # memory agrees with disk
    assert len(reopen(folder)) == 3
    ds.add_records(make_records(1))  # and the folder still takes new records
    assert len(reopen(folder)) == 4
    ds.close()


# ------------------------------------------------------------------- refusing bad folders


def test_future_format_version_is_a_clear_error(
    make_dataset: DatasetFactory, tmp_path: Path
) -> None:
    folder = tmp_path / "ds"
    make_dataset(1).save(folder)
    manifest = json.loads((folder / persistence.MANIFEST).read_text("utf-8"))
    manifest["format_version"] = persistence.FORMAT_VERSION + 1
    (folder / persistence.MANIFEST).write_text(json.dumps(manifest), "utf-8")
    with pytest.raises(
        StorageError,
        match=rf"format_version {persistence.FORMAT_VERSION + 1} is newer .* upgrade nb_feedback",
    ):
        reopen(folder)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "unreadable manifest"),
        ('{"format_version": "1"}', "expected an integer format_version"),
        ('{"format_version": true}', "expected an integer format_version"),
        ("[]", "expected an integer format_version"),
        ('{"format_version": 1}', "expected a 'schema' object"),
        ('{"format_version": 2, "schema": {}}', "expected 'parts'"),
    ],
)
def test_damaged_manifest_is_a_clear_error(
    make_dataset: DatasetFactory, tmp_path: Path, content: str, expected: str
) -> None:
    folder = tmp_path / "ds"
    make_dataset(1).save(folder)
    (folder / persistence.MANIFEST).write_text(content, "utf-8")
    with pytest.raises(StorageError, match=expected):
        reopen(folder)


def test_a_missing_part_is_a_clear_error(make_dataset: DatasetFactory, tmp_path: Path) -> None:
    folder = tmp_path / "ds"
    make_dataset(1).save(folder)
    next(folder.glob("writers/*/checkpoint-*.records.parquet")).unlink()
    with pytest.raises(StorageError, match=r"no readable checkpoint|missing while reading"):
        reopen(folder)


@pytest.mark.parametrize("make_path", [lambda p: p / "nothing-here", lambda p: p])
def test_opening_a_folder_without_a_dataset_is_a_clear_error(
    tmp_path: Path, make_path: Any
) -> None:
    with pytest.raises(StorageError, match=r"not an nb_feedback dataset folder|no such folder"):
        reopen(make_path(tmp_path))


def test_a_foreign_non_empty_folder_is_refused_and_left_alone(
    make_dataset: DatasetFactory, tmp_path: Path
) -> None:
    folder = tmp_path / "my-notes"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine", "utf-8")
    for overwrite in (False, True):
        with pytest.raises(StorageError, match="is not empty and holds no nb_feedback dataset"):
            make_dataset(2).save(folder, overwrite=overwrite)
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
    assert (folder / "notes.txt").read_text("utf-8") == "mine"


def test_saving_onto_a_file_is_refused(make_dataset: DatasetFactory, tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x", "utf-8")
    with pytest.raises(StorageError, match="is not a folder"):
        make_dataset(1).save(target)


def test_an_empty_existing_folder_is_fine(make_dataset: DatasetFactory, tmp_path: Path) -> None:
    ds = make_dataset(2)
    ds.save(tmp_path)
    assert len(reopen(tmp_path)) == 2
    ds.close()


def test_overwrite_false_protects_an_existing_dataset(
    make_dataset: DatasetFactory, tmp_path: Path
) -> None:
    folder = tmp_path / "ds"
    first = make_dataset(2)
    first.save(folder)
    first.add_response(first[0].id, {"demonstration": "precious"}, user="ann")
    first.close()
    before = sorted(p.name for p in folder.rglob("*"))
    other = make_dataset(7)
    with pytest.raises(StorageError, match="already holds a dataset; pass overwrite=True"):
        other.save(folder)
    assert sorted(p.name for p in folder.rglob("*")) == before
    loaded = reopen(folder)
    assert len(loaded) == 2
    assert loaded[0].responses[0].plain_values() == {"demonstration": "precious"}


def test_overwrite_true_replaces_and_deletes_no_file(
    make_dataset: DatasetFactory, tmp_path: Path
) -> None:
    folder = tmp_path / "ds"
    first = make_dataset(2)
    first.save(folder)
    first.add_response(first[0].id, {"demonstration": "old"}, user="ann")
    first.close()
    old_files = {p.name for p in folder.iterdir()}
    other = make_dataset(7)
    other.save(folder, overwrite=True)
    loaded = reopen(folder)
    assert len(loaded) == 7
    assert loaded.responses_frame().empty
    # nothing the old dataset's writers wrote was deleted (other processes may own it)
    assert old_files <= {p.name for p in folder.iterdir()}
    other.close()


# ------------------------------------------------------------------------- undo tombstones


def test_undo_of_a_first_answer_survives_reload(
    make_dataset: DatasetFactory, tmp_path: Path
) -> None:
    folder = tmp_path / "ds"
    ds = make_dataset(3)
    ds.save(folder)
    ds.add_response(ds[0].id, {"demonstration": "oops"}, user="ann")
    ds.add_response(ds[1].id, {"demonstration": "keep"}, user="ann")
    ds.remove_response(ds[0].id, "ann")
    assert ds[0].responses == []
    ds.close()
    loaded = reopen(folder)
    assert loaded[0].responses == []
    assert loaded[1].responses[0].plain_values() == {"demonstration": "keep"}
    assert loaded.status_counts("ann")["submitted"] == 1


def test_undo_back_to_a_previous_answer_survives_reload(
    make_dataset: DatasetFactory, tmp_path: Path
) -> None:
    folder = tmp_path / "ds"
    ds = make_dataset(2)
    ds.save(folder)
    ds.add_response(ds[0].id, {"demonstration": "v1"}, user="ann", status="draft")
    previous = ds.response_of(ds[0].id, "ann")
    assert previous is not None
    ds.add_response(ds[0].id, {"demonstration": "v2"}, user="ann")
    ds.add_response(ds[0].id, previous.values, user="ann", status=previous.status)
    ds.close()
    (response,) = reopen(folder)[0].responses
    assert (response.plain_values(), response.status) == ({"demonstration": "v1"}, "draft")


def test_undo_of_an_answer_from_the_snapshot_survives_reload(
    make_dataset: DatasetFactory, tmp_path: Path
) -> None:
    folder = tmp_path / "ds"
    ds = make_dataset(2)
    ds.add_response(ds[0].id, {"demonstration": "in the snapshot"}, user="ann")
    ds.save(folder)
    ds.remove_response(ds[0].id, "ann")
    ds.close()
    assert reopen(folder)[0].responses == []


# ----------------------------------------------------------------------------------- locks


def test_reopening_in_the_same_process_takes_the_annotator_over(
    make_dataset: DatasetFactory, tmp_path: Path
) -> None:
    # a re-run notebook cell opens the dataset again: the newest copy writes, the old one
    # gets a clear error, and no line is ever written by both
    folder = tmp_path / "ds"
    ds = make_dataset(2)
    ds.save(folder)
    ds.add_response(ds[0].id, {"demonstration": "a"}, user="ann")
    other = reopen(folder)
    other.add_response(other[1].id, {"demonstration": "b"}, user="ann")
    with pytest.raises(WriterLockedError, match="a newer copy of this dataset opened in this"):
        ds.add_response(ds[1].id, {"demonstration": "stale"}, user="ann")
    assert ds[1].responses == []  # the refused answer changed nothing
    ds.add_response(ds[1].id, {"demonstration": "x"}, user="bob")  # other users are fine
    ds.close()
    other.close()
    got = {r.user: r.plain_values() for r in reopen(folder)[1].responses}
    assert got == {"ann": {"demonstration": "b"}, "bob": {"demonstration": "x"}}
    assert {r.user: r.plain_values() for r in reopen(folder)[0].responses} == {
        "ann": {"demonstration": "a"}
    }


# ------------------------------------------------------------------------------ processes


def _child(code: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-u", "-c", textwrap.dedent(code)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONPATH": str(SRC)},
    )


ANSWER = "Réponse ✓ — שלום 👩‍💻\n second line \u200f rtl mark"


def test_answer_acknowledged_before_sigkill_is_on_disk(
    make_dataset: DatasetFactory, tmp_path: Path
) -> None:
    folder = tmp_path / "ds"
    ds = make_dataset(3)
    ds.save(folder)
    ds.close()
    child = _child(
        f"""
        import sys, time
        import nb_feedback as rg
        ds = rg.FeedbackDataset.from_disk({str(folder)!r})
        ds.add_response(ds[1].id, {{"demonstration": {ANSWER!r}}}, user="killed")
        print("ACK", flush=True)
        while True:
            time.sleep(1)
        """
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        assert line == "ACK\n", child.stderr.read() if child.stderr else ""
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
        child.communicate()
    loaded = reopen(folder)
    (response,) = loaded[1].responses
    assert response.user == "killed"
    assert response.values["demonstration"].value.encode("utf-8") == ANSWER.encode("utf-8")
    # and the dead writer's lock does not block the next writer as that user
    loaded.add_response(loaded[2].id, {"demonstration": "after"}, user="killed")
    loaded.close()


def test_two_processes_write_answers_at_once(make_dataset: DatasetFactory, tmp_path: Path) -> None:
    folder = tmp_path / "ds"
    n = 40
    ds = make_dataset(n)
    ds.save(folder)
    ds.close()
    code = """
        import sys
        import nb_feedback as rg
        ds = rg.FeedbackDataset.from_disk({folder!r})
        ids = [r.id for r in ds]
        print("READY", flush=True)
        sys.stdin.readline()  # start together
        for i, rid in enumerate(ids):
            ds.add_response(rid, {{"demonstration": "{user} " + str(i)}}, user="{user}")
        print("DONE", flush=True)
    """
    children = [_child(code.format(folder=str(folder), user=u)) for u in ("ann", "bob")]
    try:
        for c in children:
            assert c.stdout is not None
            assert c.stdout.readline() == "READY\n"
        for c in children:
            assert c.stdin is not None
            c.stdin.write("go\n")
            c.stdin.flush()
        for c in children:
            out, err = c.communicate(timeout=120)
            assert c.returncode == 0, err
            assert out == "DONE\n"
    finally:
        for c in children:
            if c.poll() is None:
                c.kill()
    loaded = reopen(folder)
    frame = loaded.responses_frame()
    assert len(frame) == 2 * n
    for user in ("ann", "bob"):
        mine = frame[frame["user"] == user]
        assert sorted(v["demonstration"] for v in mine["values"]) == sorted(
            f"{user} {i}" for i in range(n)
        )
        assert loaded.status_counts(user)["submitted"] == n


def test_same_user_in_two_processes_gets_writer_locked_error(
    make_dataset: DatasetFactory, tmp_path: Path
) -> None:
    folder = tmp_path / "ds"
    ds = make_dataset(2)
    ds.save(folder)
    ds.close()
    holder = _child(
        f"""
        import sys
        import nb_feedback as rg
        ds = rg.FeedbackDataset.from_disk({str(folder)!r})
        ds.add_response(ds[0].id, {{"demonstration": "first"}}, user="ann")
        print("HOLDING", flush=True)
        sys.stdin.readline()
        """
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == "HOLDING\n"
        second = _child(
            f"""
            import nb_feedback as rg
            ds = rg.FeedbackDataset.from_disk({str(folder)!r})
            try:
                ds.add_response(ds[1].id, {{"demonstration": "second"}}, user="ann")
            except rg.WriterLockedError as exc:
                print("LOCKED", exc)
            """
        )
        out, err = second.communicate(timeout=60)
        assert second.returncode == 0, err
        assert out.startswith("LOCKED annotator 'ann': another writer already holds")
        assert "use another user name, or close the other one" in out
        # the same thing from this process
        mine = reopen(folder)
        with pytest.raises(WriterLockedError, match="annotator 'ann'"):
            mine.add_response(mine[1].id, {"demonstration": "third"}, user="ann")
        with pytest.raises(WriterLockedError):
            mine.annotate(user="ann")  # the widget takes the lock up front
    finally:
        holder.communicate(input="\n", timeout=60)
    loaded = reopen(folder)
    assert [r.plain_values() for r in loaded[0].responses] == [{"demonstration": "first"}]
    assert loaded[1].responses == []


# ------------------------------------------------------------------ bulk log lines (Arrow)

TEXT = st.text(alphabet=st.characters(exclude_categories=["Cs"]), min_size=1, max_size=10)
TIMES = st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.just(float("nan")))


def test_bulk_answers_reach_the_log_and_reload(tmp_path: Path) -> None:
    ds = rg.FeedbackDataset(**make_schema_kwargs())
    ds.add_records(make_records(4))
    ds.save(tmp_path / "d")
    texts = ['say "hi"', "back\\slash", "line\nbreak", "plain \u2028 é"]
    frame = pd.DataFrame({"record_id": [r.id for r in ds], "demonstration": texts})
    assert ds.add_responses(frame, user="bulk") == 4
    ds.close()
    again = rg.FeedbackDataset.from_disk(tmp_path / "d")
    assert [r.responses[0].values["demonstration"].value for r in again] == texts
