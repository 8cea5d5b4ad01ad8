"""Per-call costs of the calls Argilla-style code makes, in microseconds per record.

    .venv/bin/python benchmarks/percall.py --n 50000 --repeat 5

Times, on N generated records (one TextField, one TextQuestion), each repeated and given as the
median (CPU time of this process, steadier than wall time when other work shares the
machine): building the list of FeedbackRecords, add_records of that list, of a list of dicts and
of a DataFrame; iterating the dataset before and after half of it is answered; ds[i] and
ds[i].id; add_response on every other record. Writes results/percall.{json,md}.
Run it in a quiet moment or compare numbers from one run only: the machine's load moves them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from data import make_answers, make_prompts

RESULTS = Path(__file__).resolve().parent / "results"


def one_round(n: int, prompts: list[str], answers: dict[int, str]) -> dict[str, float]:
    """Time each call once, in seconds for all N records (add_response: scaled to N)."""
    import pandas as pd

    import nb_feedback as rg

    def empty() -> rg.FeedbackDataset:
        return rg.FeedbackDataset(
            fields=[rg.TextField(name="prompt")],
            questions=[rg.TextQuestion(name="demonstration")],
        )

    out: dict[str, float] = {}
    clock = time.process_time  # CPU time: steadier than wall time on a shared machine

    t0 = clock()
    records = [rg.FeedbackRecord(fields={"prompt": p}) for p in prompts]
    out["FeedbackRecord(...) for each prompt"] = clock() - t0
    ds = empty()
    t0 = clock()
    ds.add_records(records)
    out["add_records(list of FeedbackRecord)"] = clock() - t0
    dicts = [{"prompt": p} for p in prompts]
    t0 = clock()
    empty().add_records(dicts)
    out["add_records(list of dict)"] = clock() - t0
    frame = pd.DataFrame({"prompt": prompts})
    t0 = clock()
    empty().add_records(frame)
    out["add_records(DataFrame)"] = clock() - t0
    del records, dicts, frame

    t0 = clock()
    seen = [record.id for record in ds]  # a view's values are read, as user code does
    out["for record in ds: record.id"] = clock() - t0
    t0 = clock()
    seen = [ds[i].id for i in range(n)]
    out["ds[i].id"] = clock() - t0

    ids = [ds[i].id for i in answers]
    t0 = clock()
    for record_id, text in zip(ids, answers.values(), strict=True):
        ds.add_response(record_id, {"demonstration": text}, user="labeler-1", status="submitted")
    out["add_response (every other record)"] = (clock() - t0) * n / len(ids)

    t0 = clock()
    seen = [record.responses for record in ds]
    out["for record in ds: record.responses (half answered)"] = clock() - t0
    t0 = clock()
    seen = [ds[i].fields["prompt"] for i in range(n)]
    out["ds[i].fields['prompt']"] = clock() - t0
    assert len(seen) == n
    return out


def run(n: int, repeat: int) -> dict[str, Any]:
    prompts = make_prompts(n, 0)
    answers = make_answers(n, "half")
    seconds: dict[str, list[float]] = {}
    for _ in range(repeat):
        for step, value in one_round(n, prompts, answers).items():
            seconds.setdefault(step, []).append(value)
    return {
        "n": n,
        "repeat": repeat,
        "loadavg_1m": round(os.getloadavg()[0], 2),
        "us_per_record": {k: round(statistics.median(v) / n * 1e6, 2) for k, v in seconds.items()},
        "all_seconds": {k: [round(x, 4) for x in v] for k, v in seconds.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    result = run(args.n, args.repeat)
    result["date"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    lines = [
        f"CPU microseconds per record, N = {args.n:,}, median of {args.repeat} "
        f"({result['date']}; 1-minute load average {result['loadavg_1m']} at the end).",
        "",
        "| call | us per record |",
        "| --- | ---: |",
        *(f"| {step} | {us:.2f} |" for step, us in result["us_per_record"].items()),
        "",
        "add_response is per answer; every other row is per record of the N.",
    ]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "percall.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    (RESULTS / "percall.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
