"""Two annotators, one folder: two real kernels answer the same saved dataset at once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _kernels import Kernel, check_interpreter

import nb_feedback as rg
from conftest import make_records, make_schema_kwargs

PER_USER = 30
OVERLAP = 15  # records both annotators answer
USERS = ("ann", "bob")

ANSWER_CODE = """
import json, os, time
import nb_feedback as rg
ds = rg.FeedbackDataset.from_disk({folder!r})
w = ds.annotate(user={user!r})
sent = []
w.send = lambda msg, buffers=None: sent.append(msg)
# start together: each says it is ready, then waits for the other
open(os.path.join({tmp!r}, {user!r} + ".ready"), "w").close()
deadline = time.monotonic() + 60
while not all(os.path.exists(os.path.join({tmp!r}, u + ".ready")) for u in {users!r}):
    assert time.monotonic() < deadline, "the other kernel never got ready"
    time.sleep(0.005)
for k, record_id in enumerate({ids!r}):
    content = {{"type": "answer", "request_id": {user!r} + "-" + str(k), "record_id": record_id,
               "values": {{"demonstration": {user!r} + " on " + record_id + " ✓ שלום"}},
               "status": "submitted", "time_spent": 1.5}}
    w._on_message(w, content, [])
    reply = sent[-1]
    assert reply["type"] == "ack" and reply["saved"] is True, reply
print("ACKED", len(sent), flush=True)
"""


def _ids_for(user: str, ids: list[str]) -> list[str]:
    start = 0 if user == "ann" else PER_USER - OVERLAP
    return ids[start : start + PER_USER]


def _expected(user: str, record_id: str) -> dict[str, Any]:
    return {"demonstration": f"{user} on {record_id} ✓ שלום"}


@pytest.fixture
def kernels(tmp_path: Path) -> Iterator[dict[str, Kernel]]:
    started: dict[str, Kernel] = {}
    try:
        for user in USERS:
            started[user] = Kernel.start(tmp_path)
        yield started
    finally:
        for k in started.values():
            k.stop()


def test_two_kernels_annotate_one_folder_at_once(
    kernels: dict[str, Kernel], tmp_path: Path
) -> None:
    check_interpreter(kernels["ann"])
    folder = tmp_path / "ds"
    ds = rg.FeedbackDataset(**make_schema_kwargs())
    ds.add_records(make_records(2 * PER_USER - OVERLAP + 3))
    ds.save(folder)
    ds.close()
    ids = [r.id for r in ds]

    # send to both without waiting for either
    requests = {
        user: kernels[user].execute(
            ANSWER_CODE.format(
                folder=str(folder),
                user=user,
                tmp=str(tmp_path),
                users=list(USERS),
                ids=_ids_for(user, ids),
            )
        )
        for user in USERS
    }
    for user in USERS:
        out = kernels[user].wait(requests[user])
        assert out.error is None, out.error_text + "\n" + "\n".join(out.error["traceback"])
        assert out.stdout == f"ACKED {PER_USER}\n"

    # ann still holds her lock in her kernel: bob's kernel cannot write as ann
    out = kernels["bob"].wait(
        kernels["bob"].execute(f"ds2 = rg.FeedbackDataset.from_disk({str(folder)!r})\n")
    )
    assert out.error is None, out.error_text
    locked = kernels["bob"].wait(kernels["bob"].execute('ds2.annotate(user="ann")'))
    assert locked.error is not None
    assert locked.error["ename"] == "WriterLockedError"
    assert (
        "annotator 'ann': another writer already holds this annotator's answers"
        in (locked.error["evalue"])
    )
    assert "use another user name, or close the other one" in locked.error["evalue"]
    # nor through add_response, and the refused write leaves no trace
    out = kernels["bob"].run(
        "try:\n"
        f"    ds2.add_response({ids[-1]!r}, {{'demonstration': 'x'}}, user='ann')\n"
        "except rg.WriterLockedError as exc:\n"
        "    print('LOCKED', exc)\n"
    )
    assert out.stdout.startswith("LOCKED annotator 'ann'")

    # bob's kernel, reopening after ann wrote, sees every answer of hers
    out = kernels["bob"].run(
        "import json\n"
        "fresh = rg.FeedbackDataset.from_disk(ds.folder)\n"
        "f = fresh.responses_frame()\n"
        "mine = f[f['user'] == 'ann']\n"
        "print(json.dumps(dict(zip(mine['record_id'], mine['values']))))\n"
    )
    seen = json.loads(out.stdout)
    assert seen == {rid: _expected("ann", rid) for rid in _ids_for("ann", ids)}

    # both stop; the folder holds every answer of both
    for k in kernels.values():
        k.stop()
    loaded = rg.FeedbackDataset.from_disk(folder)
    frame = loaded.responses_frame()
    assert len(frame) == 2 * PER_USER
    for user in USERS:
        mine = frame[frame["user"] == user]
        got = dict(zip(mine["record_id"], mine["values"], strict=True))
        assert got == {rid: _expected(user, rid) for rid in _ids_for(user, ids)}
        assert set(mine["status"]) == {"submitted"}
        assert loaded.status_counts(user)["submitted"] == PER_USER
    both = set(_ids_for("ann", ids)) & set(_ids_for("bob", ids))
    assert len(both) == OVERLAP
    for rid in both:
        responses = loaded[loaded.position_of(rid)].responses
        assert sorted(r.user for r in responses) == ["ann", "bob"]
    assert loaded[len(loaded) - 1].responses == []  # the refused write as ann left nothing
