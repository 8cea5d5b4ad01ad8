"""Three annotators, three processes, one folder, ``min_submitted=2``: each walks its own queue.

Every process repeats: ``refresh()`` (read what the others appended), take ``queue(user)[0]``,
save a draft of it (as the widget does once the annotator types), spend a little time on it,
submit it. Afterwards every record has at least two submitted
answers, the answers beyond two (the overshoot: two people who took the same record's last slot
at once) are few, and ``progress()`` of a fresh open agrees with the answers on disk.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import nb_feedback as rg
from conftest import make_records, make_schema_kwargs

SRC = Path(__file__).resolve().parents[2] / "src"
USERS = ("ana", "bob", "cy")
RECORDS = 30
MIN_SUBMITTED = 2
THINK_SECONDS = 0.02  # time between taking a record and submitting it

WORKER = """
import json, os, sys, time
import nb_feedback as rg
folder, user, tmp, users, think = sys.argv[1:6]
ds = rg.FeedbackDataset.from_disk(folder)
ds.claim_writer(user)
open(os.path.join(tmp, user + ".ready"), "w").close()
deadline = time.monotonic() + 60
while not all(os.path.exists(os.path.join(tmp, u + ".ready")) for u in users.split(",")):
    assert time.monotonic() < deadline, "the others never got ready"
    time.sleep(0.005)
done, refresh_seconds = [], []
while True:
    t0 = time.perf_counter()
    ds.refresh()
    refresh_seconds.append(time.perf_counter() - t0)
    queue = ds.queue(user)
    if not queue:
        break
    record_id = queue[0]
    # as the widget does after a pause in typing: a draft, which others' queues put last
    ds.add_response(record_id, {"demonstration": user + " typing"}, user=user, status="draft")
    time.sleep(float(think))
    ds.add_response(record_id, {"demonstration": user + " on " + record_id}, user=user)
    done.append(record_id)
print(json.dumps({"done": done, "refresh_max": max(refresh_seconds)}), flush=True)
"""


def test_three_processes_complete_every_record_with_small_overshoot(tmp_path: Path) -> None:
    ds = rg.FeedbackDataset(
        **make_schema_kwargs(), distribution=rg.TaskDistribution(min_submitted=MIN_SUBMITTED)
    )
    ds.add_records(make_records(RECORDS))
    folder = ds.save(tmp_path / "team")
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    procs = {
        user: subprocess.Popen(
            [
                sys.executable,
                "-c",
                WORKER,
                str(folder),
                user,
                str(tmp_path),
                ",".join(USERS),
                str(THINK_SECONDS),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for user in USERS
    }
    started = time.monotonic()
    results = {}
    for user, proc in procs.items():
        out, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err
        results[user] = json.loads(out.strip().splitlines()[-1])
    elapsed = time.monotonic() - started

    back = rg.FeedbackDataset.from_disk(folder)
    answers = back.responses_frame()
    submitted = answers[answers["status"] == "submitted"]
    per_record = submitted.groupby("record_id").size()
    assert len(per_record) == RECORDS
    assert (per_record >= MIN_SUBMITTED).all()
    # every answer a process says it gave is on disk, and nothing else
    given = sorted((u, r) for u, res in results.items() for r in res["done"])
    assert sorted(zip(submitted["user"], submitted["record_id"], strict=True)) == given
    overshoot = len(submitted) - RECORDS * MIN_SUBMITTED
    # a record is over-answered only when two people took its last slot within one think time
    assert overshoot <= RECORDS // 4, overshoot
    progress = back.progress(with_users_distribution=True)
    assert progress["completed"] == RECORDS and progress["pending"] == 0
    for user in USERS:
        counts = progress["users"][user]["completed"]
        assert counts["submitted"] == len(results[user]["done"])
    assert [r.status for r in back] == ["completed"] * RECORDS
    print(
        f"\nteam of {len(USERS)}, {RECORDS} records, min_submitted={MIN_SUBMITTED}: "
        f"{len(submitted)} answers, overshoot {overshoot} "
        f"({overshoot / (RECORDS * MIN_SUBMITTED):.1%}); per user "
        f"{ {u: len(r['done']) for u, r in results.items()} }; slowest refresh "
        f"{max(r['refresh_max'] for r in results.values()) * 1000:.1f} ms; {elapsed:.1f} s"
    )
