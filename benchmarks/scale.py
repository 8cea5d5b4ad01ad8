"""Scale and widget benchmark: one process per size, printing one JSON line.

Steps at N records of ~300-char prompts: add them, save, open the widget, move through 200
records (bytes of the window trait sent per "next"), answer 1,000 records through the widget's
message handler exactly as the front end does (kernel time from message to ack, p50/p95),
reopen the folder in a fresh process (with --answers N/2 written in bulk first, to test "open
1M with 500k").

    .venv/bin/python benchmarks/scale.py --n 1000000 --answers 500000
    .venv/bin/python benchmarks/scale.py --all       # 1,000 and 1,000,000, writes results/scale.*
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from procmem import peak_mb  # noqa: E402 -- after the path insert


def peak_rss_mb() -> float:
    # VmHWM, not ru_maxrss: ru_maxrss survives exec, so a child of this 1 GB process would
    # report the parent's peak as its own
    return peak_mb()


def run_one(n: int, answers: int) -> dict[str, object]:
    import pandas as pd

    import nb_feedback as rg
    from data import make_answer, make_prompts

    out: dict[str, object] = {"n": n, "answers": answers}
    seconds: dict[str, float] = {}
    peaks: dict[str, int] = {}  # process peak RSS (MB) right after each step
    prompts = make_prompts(n, seed=0)
    frame = pd.DataFrame({"prompt": prompts})
    del prompts
    t = time.perf_counter()
    ds = rg.FeedbackDataset(
        fields=[rg.TextField(name="prompt")], questions=[rg.TextQuestion(name="demonstration")]
    )
    ds.add_records(frame, show_progress=False)
    seconds["add_records"] = time.perf_counter() - t
    peaks["add_records"] = round(peak_rss_mb())
    del frame
    ids = ds.tables().records["@id"]
    if answers:
        answered = ids.iloc[1 : 2 * answers : 2]
        bulk = pd.DataFrame(  # the answers' texts are made before the timer
            {
                "record_id": answered.to_numpy(),
                "demonstration": [make_answer(i) for i in range(len(answered))],
            }
        )
        t = time.perf_counter()
        ds.add_responses(bulk, user="bulk", show_progress=False)
        del bulk
        seconds["add_responses_bulk"] = time.perf_counter() - t
        peaks["add_responses_bulk"] = round(peak_rss_mb())
    folder = Path(tempfile.mkdtemp(prefix="nbf-scale-")) / "ds"
    t = time.perf_counter()
    ds.save(folder, show_progress=False)
    seconds["save"] = time.perf_counter() - t
    peaks["save"] = round(peak_rss_mb())

    t = time.perf_counter()
    w = ds.annotate(user="bench")
    seconds["open_widget"] = time.perf_counter() - t
    peaks["open_widget"] = round(peak_rss_mb())
    sent: list[dict[str, object]] = []
    w.send = sent.append  # collect replies instead of a comm

    sizes = []
    t = time.perf_counter()
    for p in range(1, 201):
        w.position = p
        sizes.append(len(json.dumps(w.window)) + len(json.dumps(w.counts)))
    seconds["next_x200"] = time.perf_counter() - t
    peaks["next_x200"] = round(peak_rss_mb())
    out["bytes_per_next_median"] = statistics.median(sizes)

    lat = []
    mine: set[str] = set()
    t_answers = time.perf_counter()
    for k in range(1000):
        record_id = str(ids.iloc[(2 * k) % n])
        mine.add(record_id)
        msg = {
            "type": "answer",
            "request_id": f"r{k}",
            "record_id": record_id,
            "values": {"demonstration": make_answer(k)},
            "status": "submitted",
            "time_spent": 4.2,
        }
        t = time.perf_counter()
        w._on_message(w, msg, [])
        lat.append((time.perf_counter() - t) * 1000)
        w.position = k + 1  # what the view does right after: move on
    seconds["answer_x1000"] = time.perf_counter() - t_answers
    peaks["answer_x1000"] = round(peak_rss_mb())
    acks = [m for m in sent if m.get("type") == "ack"]
    assert len(acks) == 1000, sent[-1]
    lat.sort()
    out["answer_ack_ms_p50"] = round(lat[499], 2)
    out["answer_ack_ms_p95"] = round(lat[949], 2)
    ds.close()

    # Reopen as a user would: in a fresh kernel (a new process), so this process's 1 GB of
    # memory and objects neither help nor hinder it.
    reopened = json.loads(
        subprocess.run(
            [sys.executable, __file__, "--reopen", str(folder)],
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    seconds["reopen"] = reopened["seconds"]
    out["reopen_peak_rss_mb"] = reopened["peak_rss_mb"]
    assert reopened["responses"] == answers + len(mine), (reopened, answers)
    out["seconds"] = {k: round(v, 3) for k, v in seconds.items()}
    out["peak_rss_mb"] = round(peak_rss_mb())
    out["peak_rss_mb_after"] = peaks
    return out


def reopen(folder: str) -> dict[str, object]:
    import nb_feedback as rg

    t = time.perf_counter()
    ds = rg.FeedbackDataset.from_disk(folder, show_progress=False)
    seconds = time.perf_counter() - t
    return {
        "seconds": seconds,
        "peak_rss_mb": round(peak_rss_mb()),
        "responses": len(ds.tables().responses),
    }


def bundle_gzip_bytes() -> dict[str, int]:
    static = HERE.parent / "src" / "nb_feedback" / "static"
    return {
        name: len(gzip.compress((static / name).read_bytes(), 9))
        for name in ("widget.js", "widget.css")
        if (static / name).exists()
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int)
    ap.add_argument("--answers", type=int, default=0)
    ap.add_argument("--all", action="store_true")
    ap.add_argument("--reopen", help="time from_disk of this folder (used by the main run)")
    args = ap.parse_args()
    if args.reopen:
        print(json.dumps(reopen(args.reopen)))
        return
    if not args.all:
        print(json.dumps(run_one(args.n, args.answers)))
        return
    rows = []
    for n, answers in ((1_000, 500), (1_000_000, 500_000)):
        proc = subprocess.run(
            [sys.executable, __file__, "--n", str(n), "--answers", str(answers)],
            capture_output=True,
            text=True,
            check=True,
        )
        rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    result = {"runs": rows, "bundle_gzip_bytes": bundle_gzip_bytes()}
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "scale.json").write_text(json.dumps(result, indent=1))
    steps = [
        ("add_records", "add the records (`add_records(DataFrame)`)"),
        ("add_responses_bulk", "add answers to half (`add_responses`)"),
        ("save", "save"),
        ("open_widget", "open the widget (`annotate`)"),
        ("next_x200", "move through 200 records (`position` + 1)"),
        ("answer_x1000", "answer 1,000 records through the widget's handler"),
        ("reopen", "reopen (`from_disk`, in a fresh process)"),
    ]
    head = " | ".join(f"{r['n']:,} records ({r['answers']:,} answers)" for r in rows)
    lines = [
        f"| step | {head} |",
        "| --- |" + " ---: |" * len(rows),
    ]
    for key, label in steps:
        cells = " | ".join(
            f"{r['seconds'].get(key, 0):.2f} s, peak "
            f"{r['peak_rss_mb_after'].get(key, r.get('reopen_peak_rss_mb', 0)):,} MB"
            for r in rows
        )
        lines.append(f"| {label} | {cells} |")
    lines.append(
        '| bytes sent per "next record" (median) | '
        + " | ".join(f"{r['bytes_per_next_median']:,.0f} B" for r in rows)
        + " |"
    )
    lines.append(
        "| answer -> ack in the kernel, p50 / p95 | "
        + " | ".join(f"{r['answer_ack_ms_p50']} / {r['answer_ack_ms_p95']} ms" for r in rows)
        + " |"
    )
    b = result["bundle_gzip_bytes"]
    lines.append("")
    lines.append(
        f"Widget bundle, gzipped: widget.js {b.get('widget.js', 0):,} B, "
        f"widget.css {b.get('widget.css', 0):,} B."
    )
    (HERE / "results" / "scale.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
