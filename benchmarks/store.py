"""The store's costs at scale, and Delta Lake measured as the alternative for its shared layer.

nb_feedback (always):

- a folder of 1,000,000 records; 10 writers (separate datasets, each its own writer folder)
  answer 50,000 records each in bulk; one makes 10,000 record edits (100 ``update_records``
  of 100 records); one writes a checkpoint (``save()``);
- reopen in a fresh process (median of 3): before and after the checkpoint;
- one answer's ack (``add_response``: checked, appended, fsync'd) at 1,000,000 records,
  p50 / p95 over 1,000 answers;
- ``refresh()`` after another writer appended one answer: its time and the bytes it read.

Delta Lake (``--delta``, needs ``pip install deltalake``): a one-row append's commit, p50/p95;
three processes appending at once (rows kept of rows committed); reopening a table of
1,000,000 rows; and a synced folder: two replicas each commit one append, then a copier
brings each replica's log files to the other (as a sync service does, the later copy wins):
rows kept of rows committed.

    .venv/bin/python benchmarks/store.py [--records 1000000] [--delta] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def _fresh(code: str, *args: str, repeat: int = 3) -> dict[str, object]:
    """Run ``code`` in ``repeat`` fresh processes; return the run with the median seconds."""
    runs = []
    for _ in range(repeat):
        proc = subprocess.run(
            [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True
        )
        runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    runs.sort(key=lambda r: float(r["seconds"]))
    return runs[len(runs) // 2]


REOPEN = """
import json, sys, time, warnings
warnings.simplefilter("ignore")
import nb_feedback as rg
t = time.perf_counter()
ds = rg.FeedbackDataset.from_disk(sys.argv[1], show_progress=False)
seconds = time.perf_counter() - t
print(json.dumps({"seconds": seconds, "records": len(ds), "answers": len(ds.responses_frame())}))
"""


def nb_feedback_store(n: int, writers: int, per_writer: int, edits: int) -> dict[str, object]:
    import pandas as pd

    import nb_feedback as rg
    from data import make_answer, make_prompts

    out: dict[str, object] = {"records": n, "writers": writers, "edits": edits}
    ds = rg.FeedbackDataset(
        fields=[rg.TextField(name="prompt")],
        questions=[rg.TextQuestion(name="demonstration")],
        metadata_properties=[rg.TermsMetadataProperty(name="source")],
    )
    ds.add_records(pd.DataFrame({"prompt": make_prompts(n, seed=0)}), show_progress=False)
    folder = Path(tempfile.mkdtemp(prefix="nbf-store-")) / "ds"
    ds.save(folder, show_progress=False)
    ids = ds.tables().records["@id"]
    ds.close()
    copies = [rg.FeedbackDataset.from_disk(folder) for _ in range(writers)]
    t = time.perf_counter()
    for w, copy in enumerate(copies):
        rows = ids.iloc[w * per_writer % n :][:per_writer]
        copy.add_responses(
            pd.DataFrame(
                {
                    "record_id": rows.to_numpy(),
                    "demonstration": [make_answer(i) for i in range(len(rows))],
                }
            ),
            user=f"writer-{w}",
            show_progress=False,
        )
    out["answers_written_s"] = round(time.perf_counter() - t, 3)
    editor = copies[0]
    t = time.perf_counter()
    for b in range(edits // 100):
        batch = ids.iloc[b * 100 : (b + 1) * 100].tolist()
        editor.update_records([{"id": i, "metadata": {"source": f"s{b % 7}"}} for i in batch])
    out["edits_written_s"] = round(time.perf_counter() - t, 3)
    before = _fresh(REOPEN, str(folder))
    out["reopen_before_checkpoint_s"] = round(float(before["seconds"]), 3)  # type: ignore[arg-type]
    t = time.perf_counter()
    copies[1].save(show_progress=False)  # a checkpoint: refresh (reads the others), then write
    out["checkpoint_s"] = round(time.perf_counter() - t, 3)
    after = _fresh(REOPEN, str(folder))
    out["reopen_after_checkpoint_s"] = round(float(after["seconds"]), 3)  # type: ignore[arg-type]
    assert after["records"] == n and after["answers"] == writers * per_writer, after
    # one answer's ack at this size
    lat = []
    answerer = copies[2]
    for k in range(1000):
        t = time.perf_counter()
        answerer.add_response(str(ids.iloc[2 * k]), {"demonstration": make_answer(k)}, user="acker")
        lat.append((time.perf_counter() - t) * 1000)
    lat.sort()
    out["ack_ms_p50"], out["ack_ms_p95"] = round(lat[499], 3), round(lat[949], 3)
    # refresh after one more answer elsewhere: only the new bytes are read (median of 20; the
    # first look after a bulk batch builds the lookup of the answers held, as before)
    reader = copies[3]
    reader.refresh()
    reader.response_of(str(ids.iloc[0]), "writer-0")
    assert reader._reader is not None
    times, sizes = [], []
    for k in range(20):
        read_before = reader._reader.bytes_read
        copies[4].add_response(str(ids.iloc[5 + k]), {"demonstration": "one more"}, user="writer-4")
        t = time.perf_counter()
        reader.refresh()
        times.append((time.perf_counter() - t) * 1000)
        sizes.append(reader._reader.bytes_read - read_before)
    out["refresh_one_answer_ms_median"] = round(statistics.median(times), 3)
    out["refresh_bytes_read_median"] = statistics.median(sizes)
    for copy in copies:
        copy.close()
    shutil.rmtree(folder.parent, ignore_errors=True)
    return out


DELTA_APPEND = """
import json, sys, time
import pyarrow as pa
from deltalake import write_deltalake
path, n, tag = sys.argv[1], int(sys.argv[2]), sys.argv[3]
ok = 0
for k in range(n):
    table = pa.table({"record_id": [f"{tag}-{k}"], "values": ["x"]})
    try:
        write_deltalake(path, table, mode="append")
        ok += 1
    except Exception as exc:
        pass
print(json.dumps({"committed": ok}))
"""


def delta_lake(n: int) -> dict[str, object]:
    import pyarrow as pa
    from deltalake import DeltaTable, write_deltalake

    out: dict[str, object] = {}
    base = Path(tempfile.mkdtemp(prefix="nbf-delta-"))
    path = str(base / "t")
    write_deltalake(path, pa.table({"record_id": ["seed"], "values": ["x"]}))
    lat = []
    for k in range(100):
        table = pa.table({"record_id": [f"a{k}"], "values": ["x"]})
        t = time.perf_counter()
        write_deltalake(path, table, mode="append")
        lat.append((time.perf_counter() - t) * 1000)
    lat.sort()
    out["append_ms_p50"], out["append_ms_p95"] = round(lat[49], 1), round(lat[94], 1)
    # three processes appending at once
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", DELTA_APPEND, path, "60", f"p{i}"],
            stdout=subprocess.PIPE,
            text=True,
        )
        for i in range(3)
    ]
    committed = sum(
        json.loads(p.communicate()[0].strip().splitlines()[-1])["committed"] for p in procs
    )
    rows = DeltaTable(path).to_pyarrow_table().num_rows - 101
    out["concurrent_committed"], out["concurrent_rows_kept"] = committed, rows
    # reopen a table of n rows
    big = str(base / "big")
    write_deltalake(big, pa.table({"record_id": [f"r{i}" for i in range(n)], "values": ["x"] * n}))
    t = time.perf_counter()
    DeltaTable(big).to_pyarrow_table()
    out["reopen_s"] = round(time.perf_counter() - t, 3)
    # a synced folder: two replicas commit one append each, then sync both ways
    a, b = base / "a", base / "b"
    write_deltalake(str(a), pa.table({"record_id": ["seed"], "values": ["x"]}))
    shutil.copytree(a, b)
    write_deltalake(str(a), pa.table({"record_id": ["from a"], "values": ["x"]}), mode="append")
    write_deltalake(str(b), pa.table({"record_id": ["from b"], "values": ["x"]}), mode="append")
    for src, dst in ((a, b), (b, a)):  # the later copy of a same-named file wins
        for f in src.rglob("*"):
            if f.is_file():
                target = dst / f.relative_to(src)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(f, target)
    kept = {
        str(r) for r in DeltaTable(str(a)).to_pyarrow_table().column("record_id").to_pylist()
    } | {str(r) for r in DeltaTable(str(b)).to_pyarrow_table().column("record_id").to_pylist()}
    out["synced_rows_committed"] = 2
    out["synced_rows_kept"] = len(kept & {"from a", "from b"})
    shutil.rmtree(base, ignore_errors=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--writers", type=int, default=10)
    ap.add_argument("--edits", type=int, default=10_000)
    ap.add_argument("--delta", action="store_true", help="also measure Delta Lake")
    ap.add_argument("--out", default=None, help="folder for store.json (default: print only)")
    args = ap.parse_args()
    per_writer = min(50_000, args.records // 2)
    result: dict[str, object] = {
        "date": time.strftime("%Y-%m-%d"),
        "load_avg_1min": round(os.getloadavg()[0], 2),
        "nb_feedback": nb_feedback_store(args.records, args.writers, per_writer, args.edits),
    }
    if args.delta:
        result["delta_lake"] = delta_lake(args.records)
    text = json.dumps(result, indent=1)
    print(text)
    if args.out:
        Path(args.out).mkdir(parents=True, exist_ok=True)
        (Path(args.out) / "store.json").write_text(text + "\n", "utf-8")


if __name__ == "__main__":
    main()
