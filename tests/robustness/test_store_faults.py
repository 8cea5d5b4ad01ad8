"""The store as a team and a careless machine treat it: after every fault, nothing acked is lost.

Scenarios (each checked the same way: every acknowledged change is present, nothing
unacknowledged is half-applied, the folder opens, replicas converge):

- a team: processes answering, editing metadata keys, deleting, adding records, checkpointing
  and reopening one folder at random timings, some of them SIGKILLed at random points;
- a disk that fills: the low-level write cut short (half a line written, then ENOSPC) in a
  child process, which goes on writing once space is back;
- torn tails and damage in every kind of file: clear errors or warnings that count right;
- clocks that jump: a later answer wins after the wall clock went 5 minutes back;
- a synced folder: two replicas, writers on each, a copier delivering whole files late;
  both converge to one state.

``NBF_FAULT_RUNS`` (default 1) repeats the randomized scenarios: ``NBF_FAULT_RUNS=20`` is the
longer local profile. At the end the module prints what it checked (``-s`` shows it): per
scenario the runs, the acknowledged changes looked for after the fault, how many of them were
lost and how many batches were found half applied; ``NBF_FAULT_SUMMARY=FILE`` also writes it
as JSON.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import warnings
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import nb_feedback as rg
from nb_feedback.dataset.folder_check import check_folder, repair_folder
from nb_feedback.store import persistence

SRC = Path(__file__).resolve().parents[2] / "src"
RUNS = int(os.environ.get("NBF_FAULT_RUNS", "1"))

SUMMARY: dict[str, dict[str, int]] = {}
"""Per scenario (test function): runs, acked changes looked for, lost, half-applied batches."""


def _tally(*, acked: int, lost: int, half: int = 0) -> None:
    """Add what this run checked to ``SUMMARY`` (called before the run's asserts)."""
    name = os.environ["PYTEST_CURRENT_TEST"].split("::")[-1].split("[")[0].split(" ")[0]
    row = SUMMARY.setdefault(name, {"runs": 0, "acked": 0, "lost": 0, "half_applied": 0})
    row["acked"] += acked
    row["lost"] += lost
    row["half_applied"] += half


@pytest.fixture(autouse=True)
def _count_run(request: pytest.FixtureRequest) -> Any:
    yield
    name = request.node.originalname
    row = SUMMARY.setdefault(name, {"runs": 0, "acked": 0, "lost": 0, "half_applied": 0})
    row["runs"] += 1


@pytest.fixture(autouse=True, scope="module")
def _summary() -> Any:
    yield
    rows = SUMMARY.values()
    total = {
        "scenarios": len(SUMMARY),
        "runs": sum(r["runs"] for r in rows),
        "acked": sum(r["acked"] for r in rows),
        "lost": sum(r["lost"] for r in rows),
        "half_applied": sum(r["half_applied"] for r in rows),
        "fault_runs": RUNS,
    }
    text = json.dumps({"total": total, "by_scenario": SUMMARY}, indent=1)
    print(f"\nstore fault tests checked: {text}")
    if os.environ.get("NBF_FAULT_SUMMARY"):
        Path(os.environ["NBF_FAULT_SUMMARY"]).write_text(text + "\n", "utf-8")


def _schema() -> dict[str, Any]:
    return {
        "fields": [rg.TextField(name="prompt")],
        "questions": [rg.TextQuestion(name="demonstration")],
        "metadata_properties": [rg.TermsMetadataProperty(name="source")],
    }


def _new_folder(tmp: Path, n: int = 12) -> tuple[Path, list[str]]:
    ds = rg.FeedbackDataset(**_schema())
    ds.add_records([{"prompt": f"prompt {i}", "metadata": {"source": "a"}} for i in range(n)])
    folder = tmp / "ds"
    ds.save(folder)
    ids = [r.id for r in ds]
    ds.close()
    return folder, ids


def _child(code: str, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )


def _acks(path: Path) -> list[dict[str, Any]]:
    """Read an ack file (one JSON line per acknowledged change; a torn last line ignored)."""
    if not path.exists():
        return []
    out = []
    for line in path.read_bytes().splitlines():
        with contextlib.suppress(ValueError):
            out.append(json.loads(line))
    return out


# ------------------------------------------------------------------------------- a team
WORKER = """
import json, os, random, sys, time
import nb_feedback as rg
folder, role, acks, seed, ids = sys.argv[1:6]
ids = ids.split(",")
rnd = random.Random(int(seed))
ds = rg.FeedbackDataset.from_disk(folder)
out = open(acks, "a")
def ack(**kw):
    out.write(json.dumps(kw) + "\\n"); out.flush()
deadline = time.monotonic() + float(os.environ.get("NBF_WORK_SECONDS", "4"))
k = 0
while time.monotonic() < deadline:
    k += 1
    if role.startswith("answer"):
        user = role
        rid = rnd.choice(ids)
        if not ds._holds(rid):
            ds.refresh(); continue
        value = f"{user} {k}"
        ds.add_response(rid, {"demonstration": value}, user=user)
        ack(kind="answer", record_id=rid, user=user, value=value, k=k)
        if k % 25 == 0:
            ds.add_responses([{"record_id": r, "demonstration": f"{user} bulk {k}"}
                              for r in ids[:4] if ds._holds(r)], user=user + "-bulk")
            ack(kind="bulk", user=user + "-bulk", k=k, value=f"{user} bulk {k}",
                ids=[r for r in ids[:4] if ds._holds(r)])
    elif role.startswith("edit"):
        rid = rnd.choice(ids[:6])
        ds.refresh()
        if not ds._holds(rid):
            continue
        meta = dict(ds.record_by_id(rid).metadata)
        meta[role] = k  # each editor its own key: both editors' keys must survive
        ds.update_records([{"id": rid, "metadata": meta}])
        ack(kind="edit", record_id=rid, key=role, value=k)
    elif role == "delete":
        if k <= 2:
            rid = ids[-k]
            ds.refresh()
            ds.delete_records([rid])
            ack(kind="delete", record_id=rid)
    elif role == "add":
        ds.add_records([{"prompt": f"added {seed} {k}"}])
        ack(kind="add", prompt=f"added {seed} {k}")
    elif role == "checkpoint":
        ds.save()
        ack(kind="checkpoint", k=k)
    elif role == "reopen":
        again = rg.FeedbackDataset.from_disk(folder)
        again.close()
        ack(kind="reopen", n=len(again))
    time.sleep(rnd.random() * 0.02)
print("done", flush=True)
"""

ROLES = (
    "answer-ana",
    "answer-bob",
    "answer-cy",
    "edit-1",
    "edit-2",
    "delete",
    "add",
    "checkpoint",
    "reopen",
)


def _check_acked(folder: Path, ack_files: dict[str, Path]) -> dict[str, int]:
    """Open ``folder`` and check every acked change is there; return counts."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torn tails of killed writers are reported, not errors
        ds = rg.FeedbackDataset.from_disk(folder)
    deleted = {
        a["record_id"] for f in ack_files.values() for a in _acks(f) if a["kind"] == "delete"
    }
    counts = {"acked": 0, "answers": 0, "edits": 0, "adds": 0, "deletes": len(deleted), "lost": 0}
    for _role, path in ack_files.items():
        acks = _acks(path)
        kinds = ("answer", "bulk", "edit", "add", "delete")
        counts["acked"] += sum(a["kind"] in kinds for a in acks)  # every acked change
        last: dict[tuple[str, str], int] = {}
        for a in acks:
            if a["kind"] == "answer":
                last[(a["record_id"], a["user"])] = a["k"]
        for (rid, user), k in last.items():
            counts["answers"] += 1
            if rid in deleted:
                continue
            got = ds.response_of(rid, user) if ds._holds(rid) else None
            # the acked answer, or a later one of the same writer (written, then killed
            # before its ack line): never an earlier one, never none
            if got is None or int(got.plain_values()["demonstration"].split()[-1]) < k:
                counts["lost"] += 1
        edits: dict[tuple[str, str], int] = {}
        for a in acks:
            if a["kind"] == "edit":
                edits[(a["record_id"], a["key"])] = a["value"]
        for (rid, key), value in edits.items():
            counts["edits"] += 1
            if rid in deleted:
                continue
            if not ds._holds(rid) or ds.record_by_id(rid).metadata.get(key, -1) < value:
                counts["lost"] += 1
        prompts = {r.fields["prompt"] for r in ds}
        for a in acks:
            if a["kind"] == "add":
                counts["adds"] += 1
                counts["lost"] += a["prompt"] not in prompts
            if a["kind"] == "bulk":
                for rid in a["ids"]:
                    got = ds.response_of(rid, a["user"]) if ds._holds(rid) else None
                    if rid not in deleted and got is None:
                        counts["lost"] += 1
    for rid in deleted:
        assert not ds._holds(rid), f"deleted record {rid} came back"
    ds.close()
    return counts


@pytest.mark.parametrize("run", range(RUNS))
def test_a_team_of_processes_with_kills_loses_no_acked_change(tmp_path: Path, run: int) -> None:
    folder, ids = _new_folder(tmp_path)
    rnd = random.Random(run)
    ack_files = {role: tmp_path / f"{role}.acks" for role in ROLES}
    os.environ["NBF_WORK_SECONDS"] = "3"
    procs = {
        role: _child(
            WORKER, str(folder), role, str(ack_files[role]), str(run * 100 + i), ",".join(ids)
        )
        for i, role in enumerate(ROLES)
    }
    # SIGKILL three of them at random points, then start a second generation in their place
    time.sleep(0.8 + rnd.random())
    victims = rnd.sample([r for r in ROLES if r not in ("delete",)], 3)
    for role in victims:
        procs[role].send_signal(signal.SIGKILL)
    for role in victims:
        procs[role].wait(timeout=60)
        procs[role] = _child(
            WORKER,
            str(folder),
            role,
            str(ack_files[role]),
            str(run * 100 + 50 + ROLES.index(role)),
            ",".join(ids),
        )
    for role, proc in procs.items():
        _out, err = proc.communicate(timeout=120)
        assert proc.returncode in (0, -signal.SIGKILL), f"{role}: {err.decode()[-2000:]}"
    counts = _check_acked(folder, ack_files)
    print(f"team run {run}: {counts}, killed {victims}")
    _tally(acked=counts["acked"], lost=counts["lost"])
    assert counts["lost"] == 0, counts
    assert counts["answers"] > 15 and counts["edits"] > 3
    report = check_folder(folder)
    assert report.error is None, report


# ------------------------------------------------------------- reads racing checkpoints
BUSY = """
import sys, time
import nb_feedback as rg
folder, role = sys.argv[1], sys.argv[2]
ds = rg.FeedbackDataset.from_disk(folder)
ids = [r.id for r in ds]
end, k = time.monotonic() + 3, 0
while time.monotonic() < end:
    k += 1
    if role == "checkpoint":
        ds.save()  # each checkpoint removes this writer's previous one: readers race that
    elif role == "edit":
        ds.update_records([{"id": ids[k % 50], "metadata": {"source": "a", "k": k}}])
    else:
        ds.add_response(ids[k % len(ids)], {"demonstration": f"x{k}"}, user=role)
"""


def test_reads_racing_checkpoints_neither_fail_nor_call_the_folder_damaged(tmp_path: Path) -> None:
    folder, _ids = _new_folder(tmp_path, n=2000)
    procs = [_child(BUSY, str(folder), role) for role in ("checkpoint", "edit", "ann")]
    opens, said = 0, []
    end = time.monotonic() + 2.5
    while time.monotonic() < end:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            ds = rg.FeedbackDataset.from_disk(folder)  # a bare error fails the test
            ds.refresh()
            ds.queue("bob")
            ds.close()
        said += [str(w.message) for w in caught]
        opens += 1
    for proc in procs:
        _out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()[-2000:]
    _tally(acked=0, lost=0)
    assert opens > 5 and not said, (opens, said[:3])


# -------------------------------------------------------------------------- a full disk
FULL_DISK = """
import errno, json, os, sys
import nb_feedback as rg
from nb_feedback.base.errors import StorageError
folder, acks, fail_at = sys.argv[1], sys.argv[2], int(sys.argv[3])
ds = rg.FeedbackDataset.from_disk(folder)
ids = [r.id for r in ds]
out = open(acks, "a")
real_write = os.write
calls = {"n": 0, "full": False}
def write(fd, data):
    if fd == out.fileno():
        return real_write(fd, data)
    calls["n"] += 1
    if calls["n"] == fail_at:  # half of this write lands, then the disk is full
        real_write(fd, bytes(data)[: max(1, len(data) // 2)])
        raise OSError(errno.ENOSPC, "No space left on device")
    return real_write(fd, data)
os.write = write
for k in range(30):
    rid = ids[k % len(ids)]
    try:
        if k % 7 == 3:
            ds.update_records([{"id": rid, "metadata": {"source": "a", "k": k}}])
            kind = "edit"
        elif k % 11 == 5:
            ds.add_responses([{"record_id": r, "demonstration": f"bulk {k}"} for r in ids[:3]],
                             user="bulk")
            kind = "bulk"
        else:
            ds.add_response(rid, {"demonstration": f"answer {k}"}, user="ann")
            kind = "answer"
    except StorageError as exc:
        assert "disk is full" in str(exc), exc
        out.write(json.dumps({"kind": "failed", "k": k}) + "\\n"); out.flush()
        continue
    out.write(json.dumps({"kind": kind, "record_id": rid, "k": k}) + "\\n"); out.flush()
print("done", flush=True)
"""


@pytest.mark.parametrize("fail_at", [1, 4, 9])
def test_a_disk_that_fills_mid_write_loses_no_acked_answer(tmp_path: Path, fail_at: int) -> None:
    folder, _ids = _new_folder(tmp_path, n=8)
    acks = tmp_path / "acks"
    proc = _child(FULL_DISK, str(folder), str(acks), str(fail_at))
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err.decode()[-3000:]
    lines = _acks(acks)
    assert any(a["kind"] == "failed" for a in lines)  # the fault happened
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a rolled-back write leaves nothing to warn about
        ds = rg.FeedbackDataset.from_disk(folder)
    last: dict[str, int] = {}
    lost = []
    first = [rec.id for rec in ds][:3]
    for a in lines:
        if a["kind"] == "answer":
            last[a["record_id"]] = a["k"]
        if a["kind"] == "edit" and ds.record_by_id(a["record_id"]).metadata.get("k", -1) < a["k"]:
            lost.append(a)
        # a bulk batch answers the first 3 records (a later batch may have replaced its values)
        if a["kind"] == "bulk" and any(ds.response_of(r, "bulk") is None for r in first):
            lost.append(a)
    for rid, k in last.items():
        got = ds.response_of(rid, "ann")
        if got is None or got.plain_values()["demonstration"] != f"answer {k}":
            lost.append({"kind": "answer", "record_id": rid, "k": k})
    failed = {a["k"] for a in lines if a["kind"] == "failed"}
    values = {r.plain_values()["demonstration"] for rec in ds for r in rec.responses}
    half = [k for k in failed if f"answer {k}" in values or f"bulk {k}" in values]
    _tally(acked=sum(a["kind"] != "failed" for a in lines), lost=len(lost), half=len(half))
    assert not lost, lost
    assert not half, half


def test_a_failed_write_raises_storage_error_and_changes_nothing_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, ids = _new_folder(tmp_path, n=3)
    ds = rg.FeedbackDataset.from_disk(folder)
    import nb_feedback.store._durable as durable

    def read_only(fd: int, data: bytes) -> None:
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(durable, "write_all", read_only)
    with pytest.raises(rg.StorageError, match="read-only") as info:
        ds.add_response(ids[0], {"demonstration": "x"}, user="ann")
    assert "answers.jsonl" in str(info.value)
    with pytest.raises(rg.StorageError, match="read-only"):
        ds.update_records([{"id": ids[0], "metadata": {"source": "b"}}])
    assert ds.response_of(ids[0], "ann") is None
    assert ds[0].metadata == {"source": "a"}
    monkeypatch.undo()
    ds.add_response(ids[0], {"demonstration": "y"}, user="ann")
    assert rg.FeedbackDataset.from_disk(folder).response_of(ids[0], "ann") is not None


# -------------------------------------------------------------------------- clocks
def test_a_later_answer_wins_after_the_clock_goes_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nb_feedback.store import _hlc

    folder, ids = _new_folder(tmp_path, n=2)
    ds = rg.FeedbackDataset.from_disk(folder)
    ds.add_response(ids[0], {"demonstration": "earlier"}, user="ann")
    real = time.time
    monkeypatch.setattr(_hlc.CLOCK, "_wall", lambda: real() - 300)  # NTP stepped 5 min back
    ds.add_response(ids[0], {"demonstration": "later"}, user="ann")
    ds.close()
    got = rg.FeedbackDataset.from_disk(folder).response_of(ids[0], "ann")
    _tally(acked=1, lost=int(got is None or got.plain_values() != {"demonstration": "later"}))
    assert got is not None and got.plain_values() == {"demonstration": "later"}


SKEWED = """
import sys, time
import nb_feedback as rg
from nb_feedback.store import _hlc
folder, rid, value, skew = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
_hlc.CLOCK._wall = lambda: time.time() + skew
ds = rg.FeedbackDataset.from_disk(folder)
ds.add_response(rid, {"demonstration": value}, user="ann")
ds.close()
"""


def test_a_process_with_a_slow_clock_still_wins_with_its_later_answer(tmp_path: Path) -> None:
    folder, ids = _new_folder(tmp_path, n=1)
    for value, skew in (("first, clock 5 min fast", 300.0), ("second, clock right", 0.0)):
        proc = _child(SKEWED, str(folder), ids[0], value, str(skew))
        assert proc.wait(timeout=60) == 0, proc.stderr.read().decode()  # type: ignore[union-attr]
    got = rg.FeedbackDataset.from_disk(folder).response_of(ids[0], "ann")
    right = got is not None and got.plain_values() == {"demonstration": "second, clock right"}
    _tally(acked=1, lost=int(not right))
    assert right, got


# ------------------------------------------------------------------- damage in every file
def _damaged(tmp_path: Path) -> tuple[Path, list[str]]:
    folder, ids = _new_folder(tmp_path, n=4)
    ds = rg.FeedbackDataset.from_disk(folder)
    for i in range(3):
        ds.add_response(ids[i], {"demonstration": f"a{i}"}, user="ann")
    ds.update_records([{"id": ids[0], "metadata": {"source": "b"}}])
    ds.add_records([{"prompt": "added"}])
    ds.close()
    return folder, ids


def _writer_file(folder: Path, name: str) -> Path:
    return max(folder.glob(f"writers/*/{name}"), key=lambda p: p.stat().st_size)


@pytest.mark.parametrize("target", ["answers.jsonl", "changes.jsonl"])
def test_torn_tails_and_garbage_in_logs_are_skipped_and_counted(
    tmp_path: Path, target: str
) -> None:
    folder, ids = _damaged(tmp_path)
    log = _writer_file(folder, target)
    lines = log.read_bytes().splitlines(keepends=True)
    # garbage in the middle, and a torn last line
    log.write_bytes(lines[0] + b"\x00garbage{\n" + b"".join(lines[1:]) + lines[-1][:10])
    with pytest.warns(rg.LoadWarning) as caught:
        ds = rg.FeedbackDataset.from_disk(folder)
    text = " ".join(str(w.message) for w in caught)
    assert "1 unreadable line(s)" in text and "not a whole line" in text
    assert len(ds) == 5
    expected_answers = 3
    assert len(ds.responses_frame()) == expected_answers
    # a new process appends to its own file: the damage never spreads
    ds.add_response(ids[3], {"demonstration": "after the damage"}, user="bob")
    ds.close()
    with pytest.warns(rg.LoadWarning):
        again = rg.FeedbackDataset.from_disk(folder)
    assert again.response_of(ids[3], "bob") is not None
    assert not check_folder(folder).ok


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        ("manifest", "not an nb_feedback dataset folder"),
        ("checkpoint-json", "no readable checkpoint"),
        ("checkpoint-parquet", "no readable checkpoint|unreadable"),
        ("part", "record part is missing or damaged"),
        ("answers-dir", None),
        ("wrong-type", "record ids are not text"),
        ("bad-op", "1 unreadable line"),
    ],
)
def test_damaged_folders_say_what_is_wrong(
    tmp_path: Path, damage: str, expected: str | None
) -> None:
    folder, _ids = _damaged(tmp_path)
    if damage == "manifest":
        (folder / persistence.MANIFEST).unlink()
    elif damage == "checkpoint-json":
        for p in folder.glob("writers/*/checkpoint-*.json"):
            p.write_bytes(p.read_bytes()[:20])
    elif damage == "checkpoint-parquet":
        for p in folder.glob("writers/*/checkpoint-*.records.parquet"):
            p.write_bytes(p.read_bytes()[:100])
    elif damage == "part":
        next(folder.glob("writers/*/records-*.parquet")).write_bytes(b"PAR1 torn")
    elif damage == "wrong-type":
        part = next(folder.glob("writers/*/records-*.parquet"))
        frame = pd.read_parquet(part)
        pd.DataFrame({**{c: frame[c] for c in frame.columns}, "@id": [7] * len(frame)}).to_parquet(
            part
        )
    elif damage == "bad-op":
        log = _writer_file(folder, persistence.CHANGES)
        with log.open("ab") as fh:
            fh.write(b'{"op": "rename-everything", "at": 1.0}\n')
    else:  # a checkpoint covers the answers, then their files are deleted
        rg.FeedbackDataset.from_disk(folder).save()
        for p in folder.glob(f"writers/*/{persistence.ANSWERS}"):
            p.unlink()
    if damage in ("manifest", "checkpoint-json", "checkpoint-parquet"):
        with pytest.raises(rg.StorageError, match=expected):
            rg.FeedbackDataset.from_disk(folder)
        report = check_folder(folder)
        assert report.error is not None
    elif damage in ("part", "wrong-type"):
        with pytest.warns(rg.LoadWarning, match=expected):
            ds = rg.FeedbackDataset.from_disk(folder)
        assert len(ds) == 4  # the damaged part's record is named as skipped; the rest kept
    elif damage == "bad-op":
        with pytest.warns(rg.LoadWarning, match=expected):
            ds = rg.FeedbackDataset.from_disk(folder)
        assert len(ds) == 5 and len(ds.responses_frame()) == 3
    else:
        with pytest.warns(rg.LoadWarning, match="missing; the .* bytes the checkpoint covers"):
            ds = rg.FeedbackDataset.from_disk(folder)
        assert len(ds) == 5 and len(ds.responses_frame()) == 3  # kept in the checkpoint


def test_repair_salvages_a_folder_without_its_manifest(tmp_path: Path) -> None:
    folder, ids = _damaged(tmp_path)
    (folder / persistence.MANIFEST).unlink()
    before = sorted(p.name for p in folder.rglob("*"))
    with pytest.raises(rg.StorageError):  # a save onto it refuses: it would hide the answers
        rg.FeedbackDataset(**_schema()).save(folder)
    repair_folder(folder)
    assert sorted(p.name for p in folder.rglob("*")) == before  # the damaged folder untouched
    fixed = rg.FeedbackDataset.from_disk(folder.with_name("ds.repaired"))
    assert len(fixed) == 5
    assert len(fixed.responses_frame()) == 3
    assert fixed.record_by_id(ids[0]).metadata == {"source": "b"}
    proc = subprocess.run(
        [sys.executable, "-m", "nb_feedback", "check", str(folder.with_name("ds.repaired"))],
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(SRC)},
        timeout=120,
    )
    assert proc.returncode == 0 and b"OK" in proc.stdout, proc.stdout + proc.stderr


@pytest.mark.parametrize("damage", ["checkpoint-file", "every-checkpoint-file", "and-manifest"])
def test_repair_salvages_a_folder_whose_checkpoints_are_damaged(
    tmp_path: Path, damage: str
) -> None:
    folder, ids = _damaged(tmp_path)  # 4 records saved, 3 answers, an edit, 1 record added
    ds = rg.FeedbackDataset.from_disk(folder)
    ds.add_response(ds[4].id, {"demonstration": "to the added record"}, user="bob")
    ds.close()
    pattern = "checkpoint-*.json" if damage == "checkpoint-file" else "checkpoint-*"
    for p in folder.glob(f"writers/*/{pattern}"):
        p.write_bytes(p.read_bytes()[:20])
    if damage == "and-manifest":
        (folder / persistence.MANIFEST).unlink()
        with pytest.raises(rg.StorageError, match="schema is unknown"):
            repair_folder(folder)
        return
    assert check_folder(folder).error is not None
    report = repair_folder(folder)
    fixed = rg.FeedbackDataset.from_disk(folder.with_name("ds.repaired"))
    said = "\n".join(report.damage)
    if damage == "checkpoint-file":  # its parts still read: everything is kept
        assert "read from its parts" in said
        assert len(fixed) == 5 and len(fixed.responses_frame()) == 4
        assert fixed.record_by_id(ids[0]).metadata == {"source": "b"}
    else:  # the saved records are gone with the checkpoint; what the lines hold is kept
        assert "records that only a checkpoint held" in said
        assert "3 answer(s) name records no readable file holds" in said
        assert [r.fields["prompt"] for r in fixed] == ["added"]
        assert len(fixed.responses_frame()) == 1
    assert check_folder(folder.with_name("ds.repaired")).ok


def test_a_deleted_id_cannot_come_back(tmp_path: Path) -> None:
    folder, ids = _new_folder(tmp_path, n=2)
    ds = rg.FeedbackDataset.from_disk(folder)
    ds.delete_records([ids[0]])
    with pytest.raises(rg.RecordError, match=ids[0]):
        ds.add_records([{"id": ids[0], "fields": {"prompt": "again"}}])
    ds.save()
    again = rg.FeedbackDataset.from_disk(folder)
    assert [r.id for r in again] == [ids[1]]


def test_two_writers_editing_different_metadata_keys_keep_both(tmp_path: Path) -> None:
    folder, ids = _new_folder(tmp_path, n=1)
    a = rg.FeedbackDataset.from_disk(folder)
    b = rg.FeedbackDataset.from_disk(folder)
    a.update_records([{"id": ids[0], "metadata": {"source": "a", "from_a": 1}}])
    b.update_records([{"id": ids[0], "metadata": {"source": "a", "from_b": 2}}])  # not seen a's
    b.save()  # a checkpoint by one of them loses nothing of the other
    for ds in (a, b, rg.FeedbackDataset.from_disk(folder)):
        ds.refresh()
        assert ds[0].metadata == {"source": "a", "from_a": 1, "from_b": 2}


def test_a_stale_save_deletes_no_other_writers_work(tmp_path: Path) -> None:
    folder, ids = _new_folder(tmp_path, n=3)
    stale = rg.FeedbackDataset.from_disk(folder)
    other = rg.FeedbackDataset.from_disk(folder)
    other.add_records([{"prompt": "theirs"}])
    other.update_records([{"id": ids[1], "metadata": {"source": "edited"}}])
    other.add_metadata_property(rg.IntegerMetadataProperty(name="length"))
    other.add_response(ids[2], {"demonstration": "theirs"}, user="bob")
    stale.save()  # without a refresh first: save reads the folder before it covers anything
    files = sorted(p.relative_to(folder) for p in folder.rglob("*") if p.is_file())
    again = rg.FeedbackDataset.from_disk(folder)
    assert len(again) == 4
    assert again.record_by_id(ids[1]).metadata == {"source": "edited"}
    assert [p.name for p in again.metadata_properties] == ["source", "length"]
    assert again.response_of(ids[2], "bob") is not None
    other.add_response(ids[0], {"demonstration": "after"}, user="bob")
    assert rg.FeedbackDataset.from_disk(folder).response_of(ids[0], "bob") is not None
    assert all((folder / f).exists() for f in files)  # nothing deleted


# ------------------------------------------------------------------------- a synced folder
SYNCED = """
import json, random, sys, time
import nb_feedback as rg
folder, user, acks, seed, ids = sys.argv[1:6]
ids = ids.split(",")
rnd = random.Random(int(seed))
ds = rg.FeedbackDataset.from_disk(folder)
out = open(acks, "a")
for k in range(40):
    ds.refresh()
    held = [r.id for r in ds]  # records the other replica added too, once they arrived
    rid = rnd.choice(ids)
    if k % 3 == 0:
        rid = rnd.choice(held)
        meta = dict(ds.record_by_id(rid).metadata)
        meta[user] = k
        ds.update_records([{"id": rid, "metadata": meta}])
        out.write(json.dumps({"kind": "edit", "record_id": rid, "key": user, "value": k}) + "\\n")
    elif k % 5 == 1:  # a record part: its line may arrive before the part itself
        ds.add_records([{"prompt": f"added {user} {k}"}])
        out.write(json.dumps({"kind": "add", "prompt": f"added {user} {k}"}) + "\\n")
    elif k % 7 == 2:  # a batch of answers: a part too
        some = rnd.sample(held, 2)
        ds.add_responses([{"record_id": r, "demonstration": f"{user} bulk {k}"} for r in some],
                         user=user + "-bulk")
        out.write(json.dumps({"kind": "bulk", "user": user + "-bulk", "ids": some}) + "\\n")
    else:
        ds.add_response(rid, {"demonstration": f"{user} {k}"}, user=user)
        out.write(json.dumps({"kind": "answer", "record_id": rid, "user": user, "k": k}) + "\\n")
    out.flush()
    if k == 20:
        ds.save()
    time.sleep(rnd.random() * 0.01)
"""


def _sync(src: Path, dst: Path, rnd: random.Random, share: float) -> None:
    """Copy a share of ``src``'s writer files to ``dst``, each whole (as a sync service does)."""
    for path in sorted(src.glob("writers/*/*")):
        if path.name.startswith(".") or rnd.random() > share:
            continue
        target = dst / path.relative_to(src)
        if target.exists() and target.stat().st_size >= path.stat().st_size:
            continue  # a sync service copies a file only where it is older (here: shorter)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.sync")
        shutil.copyfile(path, tmp)
        tmp.replace(target)


def _state(folder: Path) -> tuple[Any, ...]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = rg.FeedbackDataset.from_disk(folder)
    records = sorted((r.id, json.dumps(r.metadata, sort_keys=True)) for r in ds)
    frame = ds.responses_frame()
    answers = sorted(
        map(tuple, frame[["record_id", "user", "status", "values"]].to_numpy().tolist())
    )
    ds.close()
    return records, answers


@pytest.mark.parametrize("run", range(RUNS))
def test_two_replicas_of_a_synced_folder_converge(tmp_path: Path, run: int) -> None:
    folder, ids = _new_folder(tmp_path, n=6)
    a, b = tmp_path / "replica-a", tmp_path / "replica-b"
    shutil.copytree(folder, a)
    shutil.copytree(folder, b)
    rnd = random.Random(run)
    procs = [
        _child(SYNCED, str(a), "ann", str(tmp_path / "ann.acks"), str(run), ",".join(ids)),
        _child(SYNCED, str(b), "bob", str(tmp_path / "bob.acks"), str(run + 1), ",".join(ids)),
    ]
    while any(p.poll() is None for p in procs):  # the copier: files arrive late, whole
        _sync(a, b, rnd, 0.5)
        _sync(b, a, rnd, 0.5)
        time.sleep(rnd.random() * 0.05)
    for p in procs:
        assert p.returncode == 0, p.stderr.read().decode()  # type: ignore[union-attr]
    for _ in range(2):  # the sync catches up
        _sync(a, b, rnd, 1.0)
        _sync(b, a, rnd, 1.0)
    assert _state(a) == _state(b)
    # and every acked change is in both
    for replica in (a, b):
        counts = _check_acked(replica, {"ann": tmp_path / "ann.acks", "bob": tmp_path / "bob.acks"})
        print(f"replica {replica.name}, run {run}: {counts}")
        # the same acked changes are looked for in each replica: counted once, lost in either
        _tally(acked=counts["acked"] if replica == a else 0, lost=counts["lost"])
        assert counts["lost"] == 0, counts


BATCH = """
import sys
import pandas as pd
import nb_feedback as rg
folder, kind = sys.argv[1], sys.argv[2]
ds = rg.FeedbackDataset.from_disk(folder)
ids = [r.id for r in ds]
print("ready", flush=True)
if kind == "answers":
    ds.add_responses(pd.DataFrame({"record_id": ids, "demonstration": [f"bulk {i}" for i in range(len(ids))]}),
                     user="bulk")
elif kind == "records":
    ds.add_records(pd.DataFrame({"prompt": [f"added {i}" for i in range(60_000)]}))
else:
    ds.update_records([{"id": i, "metadata": {"source": "edited"}} for i in ids])
print("acked", flush=True)
"""


@pytest.mark.parametrize("kind", ["answers", "records", "edits"])
def test_a_batch_killed_midway_is_kept_whole_or_not_at_all(tmp_path: Path, kind: str) -> None:
    ds = rg.FeedbackDataset(**_schema())
    ds.add_records([{"prompt": f"p{i}", "metadata": {"source": "a"}} for i in range(60_000)])
    ds.save(tmp_path / "ds")
    ds.close()
    rnd = random.Random(kind)
    outcomes = set()
    before = 0  # what earlier attempts left: records added, or answers and edits made
    for attempt in range(4):
        child = _child(BATCH, str(tmp_path / "ds"), kind)
        assert child.stdout is not None
        assert child.stdout.readline().strip() == b"ready"
        time.sleep(rnd.random() * 0.4 * attempt)
        child.send_signal(signal.SIGKILL)
        rest = child.stdout.read()
        child.wait(timeout=60)
        acked = b"acked" in rest
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            again = rg.FeedbackDataset.from_disk(tmp_path / "ds")
        frame = again.responses_frame()
        if kind == "answers":
            n = int((frame["user"] == "bulk").sum())
        elif kind == "records":
            n = len(again) - 60_000
        else:
            n = sum(r.metadata.get("source") == "edited" for r in again)
        if kind == "records":
            n, before = n - before, n
        elif n == 60_000:  # answers and edits: a whole earlier batch stays whole
            before = n
        half = not (n in (0, 60_000) or (kind != "records" and n == before))
        _tally(acked=int(acked), lost=int(acked and n != 60_000), half=int(half))
        assert not half, (kind, attempt, n)
        assert n == 60_000 or not acked
        outcomes.add(n)
    print(kind, sorted(outcomes))
