"""Side-by-side workflow benchmark: nb_feedback vs Argilla v1's local FeedbackDataset.

For each size N, runs the same workflow (build N records, submit an answer on half, select the
submitted ones, make 80/20 SFT splits) once per library, each in its own fresh subprocess, and
prints a Markdown table of seconds per step, peak RSS and the nb_feedback-vs-Argilla ratios.

    .venv/bin/python benchmarks/run.py                        # N = 50,000 and 200,000
    .venv/bin/python benchmarks/run.py --sizes 50000 --repeat 3
    .venv/bin/python benchmarks/run.py --skip-argilla         # reuse the last Argilla numbers

Argilla v1 runs in benchmarks/.venv-argilla, created by setup_argilla_venv.sh when missing.
Results go to benchmarks/results/workflow.json and workflow.md.
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
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "results"
ARGILLA_VENV = HERE / ".venv-argilla"
ARGILLA_PY = ARGILLA_VENV / "bin" / "python"
PROJECT_PY = REPO / ".venv" / "bin" / "python"

LIBS = {
    "argilla_v1": "workflow_argilla.py",
    "nb_feedback": "workflow_nb_feedback.py",
}
STEPS = ["build", "respond", "select", "split", "total"]
# DESIGN.md section 5: at least 20x faster than Argilla v1, at most half its peak memory.
TARGET_SPEEDUP = 20.0
TARGET_MEMORY_RATIO = 0.5
# How the nb_feedback side answers: "loop" (add_response per record, the public contract) or
# "bulk" (one add_responses call); set from --nb-respond.
NB_RESPOND = "loop"


def ensure_argilla_venv() -> None:
    """Create the Argilla venv with setup_argilla_venv.sh unless it already imports."""
    if ARGILLA_PY.exists():
        check = subprocess.run(
            [str(ARGILLA_PY), "-c", "import argilla_v1"], capture_output=True, check=False
        )
        if check.returncode == 0:
            return
    print("setting up benchmarks/.venv-argilla (one time) ...", file=sys.stderr, flush=True)
    subprocess.run(["bash", str(HERE / "setup_argilla_venv.sh")], check=True)


def python_for(lib: str) -> Path:
    if lib == "argilla_v1":
        return ARGILLA_PY
    return PROJECT_PY if PROJECT_PY.exists() else Path(sys.executable)


def run_once(lib: str, n: int) -> dict[str, Any]:
    """Run one library's workflow at size n in a fresh process; return its JSON result."""
    env = dict(os.environ)
    # Same conditions for both: no progress bars drawn, never reach for a hub.
    env.update(TQDM_DISABLE="1", HF_DATASETS_OFFLINE="1", HF_HUB_OFFLINE="1", PYTHONHASHSEED="0")
    if lib == "nb_feedback":
        # Benchmark the checked-out tree, whether or not the package is installed in the venv.
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(REPO / "src"), env.get("PYTHONPATH")) if p
        )
    cmd = [str(python_for(lib)), str(HERE / LIBS[lib]), "--n", str(n)]
    if lib == "nb_feedback":
        cmd += ["--respond", NB_RESPOND]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    result: dict[str, Any] = json.loads(lines[-1]) if lines else {"lib": lib, "n": n}
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-15:]
        result.setdefault("error", "\n".join(tail) or f"exit code {proc.returncode}")
        result["returncode"] = proc.returncode
    return result


def run_lib(lib: str, n: int, repeat: int) -> dict[str, Any]:
    """Run `repeat` fresh processes and keep the one with the median total time."""
    runs = []
    for k in range(repeat):
        print(f"  {lib:<12} n={n:>9,}  run {k + 1}/{repeat} ...", file=sys.stderr, flush=True)
        res = run_once(lib, n)
        if "error" in res:
            print(f"  {lib} failed:\n{res['error']}", file=sys.stderr)
            return res
        runs.append(res)
    runs.sort(key=lambda r: r["seconds"]["total"])
    chosen = dict(runs[len(runs) // 2])
    if repeat > 1:
        chosen["all_totals"] = [r["seconds"]["total"] for r in runs]
        chosen["median_total"] = statistics.median(chosen["all_totals"])
    return chosen


def previous_results(lib: str) -> dict[int, dict[str, Any]]:
    """The last recorded results for lib from results/workflow.json, by n."""
    path = RESULTS / "workflow.json"  # Argilla's numbers do not depend on --nb-respond
    if not path.exists():
        return {}
    old = json.loads(path.read_text())
    return {
        int(r["n"]): {**r, "reused_from": old.get("meta", {}).get("date")}
        for r in old.get("results", [])
        if r.get("lib") == lib and "error" not in r
    }


def _fmt_s(x: float) -> str:
    return f"{x:.3f}" if x < 10 else f"{x:.1f}"


def markdown(results: list[dict[str, Any]], meta: dict[str, Any]) -> str:
    head = "| N | library | " + " | ".join(STEPS) + " | peak RSS (MB) |"
    sep = "| ---: | --- | " + " | ".join("---:" for _ in STEPS) + " | ---: |"
    lines = [
        "Seconds per step (lower is better) and peak resident memory, each library in its own "
        "fresh process, on the same generated data.",
        "",
        head,
        sep,
    ]
    by_n: dict[int, dict[str, dict[str, Any]]] = {}
    for r in results:
        by_n.setdefault(int(r["n"]), {})[r["lib"]] = r
    verdicts: list[str] = []
    errors: list[str] = []
    for n in sorted(by_n):
        row = by_n[n]
        for lib in LIBS:
            r = row.get(lib)
            if r is None:
                continue
            if "error" in r:
                done = r.get("seconds", {})
                cells = " | ".join(_fmt_s(done[s]) if s in done else "error" for s in STEPS)
                lines.append(f"| {n:,} | {lib} (failed: {r.get('failed_step', '?')}) | {cells} | |")
                errors.append(f"- N = {n:,}, {lib}: {r['error'].splitlines()[-1]}")
                continue
            secs = " | ".join(_fmt_s(r["seconds"][s]) for s in STEPS)
            mark = " (earlier run)" if r.get("reused_from") else ""
            lines.append(f"| {n:,} | {lib}{mark} | {secs} | {r['peak_rss_mb']:,.0f} |")
        a, b = row.get("argilla_v1"), row.get("nb_feedback")
        if a and b and "error" not in a and "error" not in b:
            speed = " | ".join(
                f"**{a['seconds'][s] / b['seconds'][s]:.1f}x**" if b["seconds"][s] > 0 else "n/a"
                for s in STEPS
            )
            mem = b["peak_rss_mb"] / a["peak_rss_mb"]
            lines.append(f"| {n:,} | speed-up, mem ratio | {speed} | **{mem:.2f}** |")
            total_x = a["seconds"]["total"] / b["seconds"]["total"]
            ok = total_x >= TARGET_SPEEDUP and mem <= TARGET_MEMORY_RATIO
            verdicts.append(
                f"- N = {n:,}: nb_feedback is {total_x:.1f}x faster end to end and uses "
                f"{mem:.2f}x Argilla's peak memory: target (>= {TARGET_SPEEDUP:.0f}x, <= "
                f"{TARGET_MEMORY_RATIO}x) {'met' if ok else 'NOT met'}."
            )
    lines += [
        "",
        "Speed-up = Argilla seconds / nb_feedback seconds; mem ratio = nb_feedback peak RSS / "
        "Argilla peak RSS. Peak RSS includes the interpreter, imports and the generated prompts "
        "(the same for both).",
    ]
    if verdicts:
        lines += ["", *verdicts]
    if errors:
        lines += ["", "Failed runs (the steps before the failure are shown):", *errors]
    lines += [
        "",
        f"Machine: {meta['cpus']} CPUs, {meta['platform']}, Python {meta['python']}; "
        f"{meta['date']}, commit {meta['commit'][:10]}; 1-minute load average "
        f"{meta['loadavg_1m']['start']} at start, {meta['loadavg_1m']['end']} at end; "
        f"median of {meta['repeat']} run(s) per point.",
        "",
        "Steps: **build** = create the dataset (one TextField, one TextQuestion) and add N "
        "records of ~300-character prompts; **respond** = one submitted demonstration on every "
        "other record; **select** = the records with a submitted answer; **split** = 80/20 SFT "
        "train/test splits (seed 0). Argilla v1 1.29.1 runs locally (no server): its local "
        "`filter_by` is a no-op, so the select step filters the records by hand into a new "
        'FeedbackDataset, and the split step is `prepare_for_training(framework="trl", '
        "task=TrainingTask.for_supervised_fine_tuning(...), train_size=0.8, seed=0)`. "
        "nb_feedback uses `add_records(DataFrame)`, "
        + (
            "`add_response` per record, "
            if meta["nb_respond"] == "loop"
            else "one `add_responses(DataFrame)` call (ids from iteration), "
        )
        + '`filter_by(response_status="submitted")` and `to_sft(test_size=0.2, seed=0)`.',
    ]
    return "\n".join(lines) + "\n"


def _write(path: Path, text: str) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[50_000, 200_000])
    parser.add_argument("--repeat", type=int, default=1, help="fresh runs per point (median)")
    parser.add_argument(
        "--skip-argilla",
        action="store_true",
        help="don't run Argilla; reuse its last numbers from results/ if any",
    )
    parser.add_argument(
        "--skip-nb-feedback",
        action="store_true",
        help="don't run nb_feedback; reuse its last numbers from results/ if any",
    )
    parser.add_argument(
        "--nb-respond",
        choices=["loop", "bulk"],
        default="loop",
        help="nb_feedback answers with add_response per record (loop, default) or one "
        "add_responses call (bulk); bulk results go to workflow_bulk_responses.{json,md}",
    )
    args = parser.parse_args()
    global NB_RESPOND
    NB_RESPOND = args.nb_respond
    stem = "workflow" if NB_RESPOND == "loop" else "workflow_bulk_responses"

    libs = [
        lib
        for lib in LIBS
        if not (lib == "argilla_v1" and args.skip_argilla)
        and not (lib == "nb_feedback" and args.skip_nb_feedback)
    ]
    if "argilla_v1" in libs:
        ensure_argilla_venv()
    reused = {lib: previous_results(lib) for lib in LIBS if lib not in libs}

    load_start = os.getloadavg()
    results: list[dict[str, Any]] = []
    for n in args.sizes:
        for lib in LIBS:
            if lib in libs:
                results.append(run_lib(lib, n, args.repeat))
            elif n in reused[lib]:
                results.append(reused[lib][n])

    commit = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    meta = {
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "commit": commit or "unknown",
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "sizes": args.sizes,
        "repeat": args.repeat,
        "nb_respond": NB_RESPOND,
        # Other work on the machine slows both libraries; the 1-minute load says how busy it was.
        "loadavg_1m": {"start": round(load_start[0], 2), "end": round(os.getloadavg()[0], 2)},
    }
    md = markdown(results, meta)
    RESULTS.mkdir(exist_ok=True)
    _write(RESULTS / f"{stem}.json", json.dumps({"meta": meta, "results": results}, indent=2))
    _write(RESULTS / f"{stem}.md", md)
    print(md)
    if any("error" in r for r in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
