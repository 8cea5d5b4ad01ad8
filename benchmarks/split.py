"""Split-step benchmark: nb_feedback's to_sft vs Argilla v1's prepare_for_training, same data.

N records (default 200,000), every one answered with one submitted demonstration. In each
library the dataset is built untimed (nb_feedback: add_records(DataFrame) + one
add_responses(DataFrame) call; Argilla v1: FeedbackRecords created with their responses), then
only the split is timed:

- nb_feedback: ds.to_sft(test_size=0.2, seed=0)
- Argilla v1:  ds.prepare_for_training(framework="trl",
               task=TrainingTask.for_supervised_fine_tuning(formatting_func), train_size=0.8,
               seed=0), with the formatting function of workflow_argilla.py

Each run is a fresh process (`workflow_*.py --split-only --answered all`); with --repeat k the
two libraries are interleaved (A, nb, A, nb, ...). Per library: the median seconds, the RSS just
before the split, the process's peak RSS, and the split's own peak increase (peak RSS during the
split minus the RSS just before it; the peak is reset just before the split, see procmem.py).

    .venv/bin/python benchmarks/split.py --repeat 3
    .venv/bin/python benchmarks/split.py --ref HEAD   # a commit's src/, not the working tree

Results go to benchmarks/results/split.json and split.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import HERE, REPO, RESULTS, _write, ensure_argilla_venv, python_for

LIBS: dict[str, str] = {
    "argilla_v1": "workflow_argilla.py",
    "nb_feedback": "workflow_nb_feedback.py",
}
METRICS = [
    "seconds",
    "rss_before_split_mb",
    "process_peak_mb",
    "split_peak_increase_mb",
]


def run_once(lib: str, n: int, src: Path) -> dict[str, Any]:
    """Build n answered records untimed and time the split alone, in a fresh process."""
    env = dict(os.environ)
    # As in run.py: no progress bars drawn, never reach for a hub.
    env.update(TQDM_DISABLE="1", HF_DATASETS_OFFLINE="1", HF_HUB_OFFLINE="1", PYTHONHASHSEED="0")
    if lib == "nb_feedback":
        # Benchmark the given tree (default: the checked-out src/), installed or not.
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(src), env.get("PYTHONPATH")) if p)
    cmd = [
        str(python_for(lib)),
        str(HERE / LIBS[lib]),
        "--n",
        str(n),
        "--split-only",
        "--answered",
        "all",
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-15:]
        return {"lib": lib, "n": n, "error": "\n".join(tail) or f"exit code {proc.returncode}"}
    result: dict[str, Any] = json.loads(lines[-1])
    result["seconds"] = result["seconds"]["split"]
    return result


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Median of every metric over the runs, and every run's values beside it."""
    out: dict[str, Any] = {
        k: runs[0][k] for k in ("lib", "version", "n", "answered", "rows", "columns")
    }
    for m in METRICS:
        values = [r[m] for r in runs]
        out[m] = round(statistics.median(values), 3 if m == "seconds" else 1)
        out[f"all_{m}"] = values
    out["all_build_seconds_untimed"] = [r["build_seconds_untimed"] for r in runs]
    out["all_loadavg_1m_before"] = [r["loadavg_1m_before"] for r in runs]
    return out


def markdown(res: dict[str, dict[str, Any]], meta: dict[str, Any]) -> str:
    a, b = res["argilla_v1"], res["nb_feedback"]
    lines = [
        f"Split step only, N = {meta['n']:,} records, all answered (one submitted demonstration "
        f"each); each run in its own fresh process, median of {meta['repeat']}.",
        "",
        "| library | split (s) | RSS before split (MB) | process peak RSS (MB) "
        "| split's peak increase (MB) |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, r in (("Argilla v1 `prepare_for_training`", a), ("nb_feedback `to_sft`", b)):
        lines.append(
            f"| {name} | {r['seconds']:.3f} | {r['rss_before_split_mb']:,.0f} | "
            f"{r['process_peak_mb']:,.0f} | {r['split_peak_increase_mb']:,.0f} |"
        )
    lines.append(
        f"| ratio (nb_feedback / Argilla) | {b['seconds'] / a['seconds']:.3f} "
        f"({a['seconds'] / b['seconds']:.1f}x faster) | "
        f"{b['rss_before_split_mb'] / a['rss_before_split_mb']:.2f} | "
        f"{b['process_peak_mb'] / a['process_peak_mb']:.2f} | "
        f"{b['split_peak_increase_mb'] / a['split_peak_increase_mb']:.2f} |"
    )
    lines += ["", "Every run (seconds; split's peak increase in MB):"]
    for r in (a, b):
        lines.append(
            f"- {r['lib']} {r['version']}: {r['all_seconds']} s; "
            f"{r['all_split_peak_increase_mb']} MB; process peak {r['all_process_peak_mb']} MB; "
            f"build (untimed) {r['all_build_seconds_untimed']} s"
        )
    lines += [
        "",
        "RSS before split = VmRSS after building and answering the dataset and a gc.collect(); "
        "the peak is then reset (/proc/self/clear_refs) so that the split's peak increase = "
        "peak RSS during the split minus the RSS before it. Process peak RSS = the larger of "
        "the peak before the split (building) and the peak during it. `datasets` is imported "
        "before the split on both sides; the generated prompts and answers stay alive on both. "
        f"Rows: {b['rows']} (nb_feedback, columns {b['columns']}), {a['rows']} (Argilla, "
        f"columns {a['columns']}).",
        "",
        f"Machine: {meta['cpus']} CPUs, {meta['platform']}, Python {meta['python']}; "
        f"{meta['date']}, commit {meta['commit'][:10]} (nb_feedback from {meta['nb_feedback_src']}"
        f"{', with uncommitted changes' if meta['src_has_uncommitted_changes'] else ''}); 1-minute load average "
        f"{meta['loadavg_1m']['start']} at start, {meta['loadavg_1m']['end']} at end, "
        f"{min(meta['loadavg_1m']['before_each_run'])}-"
        f"{max(meta['loadavg_1m']['before_each_run'])} before the individual runs.",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3, help="fresh runs per library (median)")
    parser.add_argument(
        "--ref",
        help="benchmark this commit's src/ (exported to a temporary folder) instead of the "
        "working tree's, e.g. while src/ has uncommitted changes",
    )
    args = parser.parse_args()
    if args.ref:
        with tempfile.TemporaryDirectory(prefix="nb_feedback-split-") as tmp:
            commit = _git("rev-parse", "--verify", f"{args.ref}^{{commit}}")
            archive = subprocess.run(
                ["git", "-C", str(REPO), "archive", commit, "src"], capture_output=True, check=True
            ).stdout
            subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
            bench(args, Path(tmp) / "src", commit, src_dirty=False)
    else:
        # Uncommitted changes in src/ (before or after the runs) mean the commit alone doesn't
        # say what ran; the report says so.
        commit, dirty = _git("rev-parse", "HEAD"), _src_dirty()
        bench(args, REPO / "src", commit, src_dirty=dirty)


def _git(*args: str) -> str:
    out = subprocess.run(
        ["git", "-C", str(REPO), *args], capture_output=True, text=True, check=False
    )
    return out.stdout.strip() or "unknown"


def _src_dirty() -> bool:
    return _git("status", "--porcelain", "--", "src") not in ("", "unknown")


def bench(args: argparse.Namespace, src: Path, commit: str, src_dirty: bool) -> None:
    """Run both libraries args.repeat times, interleaved; write split.json and split.md."""

    ensure_argilla_venv()
    load_start = os.getloadavg()
    runs: dict[str, list[dict[str, Any]]] = {lib: [] for lib in LIBS}
    for k in range(args.repeat):
        for lib in LIBS:
            print(f"  {lib:<12} n={args.n:,}  run {k + 1}/{args.repeat} ...", file=sys.stderr)
            load = round(os.getloadavg()[0], 2)
            res = run_once(lib, args.n, src)
            if "error" in res:
                print(f"  {lib} failed:\n{res['error']}", file=sys.stderr)
                sys.exit(1)
            res["loadavg_1m_before"] = load
            runs[lib].append(res)

    if not args.ref:
        src_dirty = src_dirty or _src_dirty()
    results = {lib: summarise(rs) for lib, rs in runs.items()}
    meta = {
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "commit": commit,
        "nb_feedback_src": f"git archive {commit[:10]}" if args.ref else "working tree src/",
        "src_has_uncommitted_changes": src_dirty,
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "n": args.n,
        "repeat": args.repeat,
        "loadavg_1m": {
            "start": round(load_start[0], 2),
            "end": round(os.getloadavg()[0], 2),
            "before_each_run": [r["loadavg_1m_before"] for rs in runs.values() for r in rs],
        },
    }
    md = markdown(results, meta)
    RESULTS.mkdir(exist_ok=True)
    _write(RESULTS / "split.json", json.dumps({"meta": meta, "results": results}, indent=2))
    _write(RESULTS / "split.md", md)
    print(md)


if __name__ == "__main__":
    main()
