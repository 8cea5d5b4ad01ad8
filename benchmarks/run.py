"""Side-by-side workflow benchmark: nb_feedback vs Argilla v1's local FeedbackDataset.

For each size N, runs the same workflow (build N records, submit an answer on half, select the
submitted ones, make 80/20 SFT splits) in four variants, each run in its own fresh subprocess:
Argilla v1; nb_feedback written as Argilla users write it ("argilla-style": a list of
FeedbackRecords into add_records, then `for record in ds:` with add_response on every other
record); nb_feedback from a DataFrame answering with add_response(ds[i].id, ...) per answer
("loop"); and from a DataFrame with one add_responses call ("bulk"). With --repeat k the variants
are interleaved (A, style, loop, bulk, A, ...) so that a change in machine load hits all alike.
Prints a Markdown table of seconds per step, peak RSS and, for the nb_feedback rows, the ratios
to Argilla at the same N.

    .venv/bin/python benchmarks/run.py                        # N = 50,000 and 200,000
    .venv/bin/python benchmarks/run.py --sizes 50000 200000 --repeat 3
    .venv/bin/python benchmarks/run.py --skip-argilla         # reuse the last Argilla numbers

Argilla v1 runs in benchmarks/.venv-argilla, created by setup_argilla_venv.sh when missing.
Results go to --out DIR (default benchmarks/out/, not committed): workflow.json and workflow.md.
The committed results are benchmarks/results/: pass `--out benchmarks/results` to replace them.
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

# variant -> (library, workflow script, extra arguments)
VARIANTS: dict[str, tuple[str, str, list[str]]] = {
    "argilla_v1": ("argilla_v1", "workflow_argilla.py", []),
    "nb_feedback argilla-style": (
        "nb_feedback",
        "workflow_nb_feedback.py",
        ["--build", "records", "--respond", "iterate"],
    ),
    "nb_feedback loop": ("nb_feedback", "workflow_nb_feedback.py", ["--respond", "loop"]),
    "nb_feedback bulk": ("nb_feedback", "workflow_nb_feedback.py", ["--respond", "bulk"]),
}
STEPS = ["build", "respond", "select", "split", "total"]
# The project's targets: bulk calls at least 20x faster than Argilla v1; code written as Argilla
# users write it (and one add_response call per answer) at least 10x; every variant at most half
# of Argilla's workflow memory (peak RSS minus the RSS before the build step).
TARGET_SPEEDUP = {
    "nb_feedback argilla-style": 10.0,
    "nb_feedback loop": 10.0,
    "nb_feedback bulk": 20.0,
}
TARGET_MEMORY_RATIO = 0.5


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


def compile_sources() -> None:
    """Write the bytecode of the checked-out package, as installing it would."""
    subprocess.run(
        [
            str(python_for("nb_feedback")),
            "-m",
            "compileall",
            "-q",
            str(REPO / "src" / "nb_feedback"),
        ],
        check=True,
    )


def run_once(variant: str, n: int) -> dict[str, Any]:
    """Run one variant's workflow at size n in a fresh process; return its JSON result."""
    lib, script, extra = VARIANTS[variant]
    env = dict(os.environ)
    # Same conditions for both: no progress bars drawn, never reach for a hub.
    env.update(TQDM_DISABLE="1", HF_DATASETS_OFFLINE="1", HF_HUB_OFFLINE="1", PYTHONHASHSEED="0")
    # Both sides import compiled modules, as an installed package does (pip compiles Argilla's
    # at install; ours are compiled by compile_sources): a module imported inside a timed step
    # is never compiled there.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if lib == "nb_feedback":
        # Benchmark the checked-out tree, whether or not the package is installed in the venv.
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(REPO / "src"), env.get("PYTHONPATH")) if p
        )
    cmd = [str(python_for(lib)), str(HERE / script), "--n", str(n), *extra]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    result: dict[str, Any] = json.loads(lines[-1]) if lines else {"lib": lib, "n": n}
    result["variant"] = variant
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-15:]
        result.setdefault("error", "\n".join(tail) or f"exit code {proc.returncode}")
        result["returncode"] = proc.returncode
    return result


def run_size(variants: list[str], n: int, repeat: int) -> list[dict[str, Any]]:
    """Run each variant `repeat` times at size n, interleaved, each in a fresh process.

    For each variant, keeps the run with the median total time (its steps add up to its total)
    and records every run's totals, the per-step medians and every run's peak RSS beside it.
    """
    runs: dict[str, list[dict[str, Any]]] = {v: [] for v in variants}
    failed: dict[str, dict[str, Any]] = {}
    for k in range(repeat):
        for v in variants:
            if v in failed:
                continue
            print(f"  {v:<17} n={n:>9,}  run {k + 1}/{repeat} ...", file=sys.stderr, flush=True)
            load = round(os.getloadavg()[0], 2)
            res = run_once(v, n)
            res["loadavg_1m_before"] = load
            if "error" in res:
                print(f"  {v} failed:\n{res['error']}", file=sys.stderr)
                failed[v] = res
                continue
            runs[v].append(res)
    out = []
    for v in variants:
        if v in failed:
            out.append(failed[v])
            continue
        rs = sorted(runs[v], key=lambda r: r["seconds"]["total"])
        chosen = dict(rs[len(rs) // 2])
        chosen["all_totals"] = [r["seconds"]["total"] for r in rs]
        chosen["all_peak_rss_mb"] = [r["peak_rss_mb"] for r in rs]
        chosen["all_loadavg_1m_before"] = [r["loadavg_1m_before"] for r in rs]
        chosen["median_seconds"] = {
            s: round(statistics.median(r["seconds"][s] for r in rs), 3) for s in STEPS
        }
        out.append(chosen)
    return out


def previous_results(variant: str) -> dict[int, dict[str, Any]]:
    """The last recorded results for variant from results/workflow.json, by n."""
    path = RESULTS / "workflow.json"
    if not path.exists():
        return {}
    old = json.loads(path.read_text())
    return {
        int(r["n"]): {**r, "variant": variant, "reused_from": old.get("meta", {}).get("date")}
        for r in old.get("results", [])
        if r.get("variant", r.get("lib")) == variant and "error" not in r
    }


def _own_mb(r: dict[str, Any]) -> float | None:
    """Peak RSS minus the RSS before the build step: what the workflow itself added."""
    before = r.get("rss_before_build_mb")
    return None if before is None else r["peak_rss_mb"] - before


def _fmt_mb(x: float | None) -> str:
    return "" if x is None else f"{x:,.0f}"


def _memory_floor_note(n: int, a: dict[str, Any] | None, ours: list[dict[str, Any]]) -> str | None:
    """Say so when half of Argilla's peak is below what our process held before building."""
    befores = [r["rss_before_build_mb"] for r in ours if "rss_before_build_mb" in r]
    if a is None or not befores:
        return None
    half = a["peak_rss_mb"] * TARGET_MEMORY_RATIO
    if min(befores) <= half:
        return None
    return (
        f"- N = {n:,}: half of Argilla's peak is {half:,.0f} MB, but nb_feedback's process "
        f"held {min(befores):,.0f} MB before building anything (interpreter, pandas, pyarrow "
        f"and datasets imports, and the generated data); Argilla's held "
        f"{a.get('rss_before_build_mb', float('nan')):,.0f} MB. At this N the peak ratio mostly "
        "compares those fixed costs; the memory target is judged on the workflow's own memory."
    )


def _fmt_s(x: float) -> str:
    return f"{x:.3f}" if x < 10 else f"{x:.1f}"


def _load_range(meta: dict[str, Any]) -> str:
    seen = meta["loadavg_1m"].get("before_each_run") or []
    return f"{min(seen)}-{max(seen)}" if seen else "n/a"


def markdown(results: list[dict[str, Any]], meta: dict[str, Any]) -> str:
    head = (
        "| N | variant | "
        + " | ".join(STEPS)
        + " | peak RSS (MB) | workflow's own (MB) | speed-up (total) | mem ratio | own ratio"
        + " | target |"
    )
    sep = (
        "| ---: | --- | "
        + " | ".join("---:" for _ in STEPS)
        + " | ---: | ---: | ---: | ---: | ---: | --- |"
    )
    lines = [
        "Seconds per step (lower is better) and peak resident memory, each run in its own fresh "
        f"process, on the same generated data; per variant, the run with the median total of "
        f"{meta['repeat']}.",
        "",
        head,
        sep,
    ]
    by_n: dict[int, dict[str, dict[str, Any]]] = {}
    for r in results:
        by_n.setdefault(int(r["n"]), {})[r["variant"]] = r
    verdicts: list[str] = []
    errors: list[str] = []
    for n in sorted(by_n):
        row = by_n[n]
        a_row = row.get("argilla_v1")
        a = a_row if a_row is not None and "error" not in a_row else None
        for variant in VARIANTS:
            if variant not in row:
                continue
            r = row[variant]
            if "error" in r:
                done = r.get("seconds", {})
                cells = " | ".join(_fmt_s(done[s]) if s in done else "error" for s in STEPS)
                lines.append(
                    f"| {n:,} | {variant} (failed: {r.get('failed_step', '?')}) | {cells} "
                    "| | | | | | |"
                )
                errors.append(f"- N = {n:,}, {variant}: {r['error'].splitlines()[-1]}")
                continue
            secs = " | ".join(_fmt_s(r["seconds"][s]) for s in STEPS)
            mark = " (earlier run)" if r.get("reused_from") else ""
            ratio_cells = " | | |"
            verdict_cell = ""
            own_cell = _fmt_mb(_own_mb(r))
            if variant != "argilla_v1" and a is not None:
                total_x = a["seconds"]["total"] / r["seconds"]["total"]
                mem = r["peak_rss_mb"] / a["peak_rss_mb"]
                target = TARGET_SPEEDUP[variant]
                speed_ok = total_x >= target
                own = _own_mb(r), _own_mb(a)
                own_x = own[0] / own[1] if own[0] is not None and own[1] else None
                mem_ok = own_x is not None and own_x <= TARGET_MEMORY_RATIO
                own_ratio = "" if own_x is None else f"{own_x:.2f}"
                ratio_cells = f" {total_x:.1f}x | {mem:.2f} | {own_ratio} |"
                verdict_cell = (
                    f">= {target:.0f}x {'PASS' if speed_ok else 'MISS'}, "
                    f"memory {'PASS' if mem_ok else 'MISS'}"
                )
                verdicts.append(
                    f"- N = {n:,}, {variant}: {total_x:.1f}x faster end to end "
                    f"({'met' if speed_ok else 'missed'}: target >= {target:.0f}x); the "
                    f"workflow's own memory {own_ratio or '?'}x Argilla's "
                    f"({'met' if mem_ok else 'missed'}: target <= {TARGET_MEMORY_RATIO}x); "
                    f"peak RSS {mem:.2f}x."
                )
            lines.append(
                f"| {n:,} | {variant}{mark} | {secs} | {r['peak_rss_mb']:,.0f} | {own_cell} |"
                f"{ratio_cells} {verdict_cell} |"
            )
        ours = [r for v, r in row.items() if v != "argilla_v1" and "error" not in r]
        floor = _memory_floor_note(n, a, ours)
        if floor:
            verdicts.append(floor)
    lines += [
        "",
        "Speed-up = Argilla total seconds / nb_feedback total seconds; mem ratio = nb_feedback "
        "peak RSS / Argilla peak RSS, both against Argilla at the same N in the same run. Peak "
        "RSS includes the interpreter, imports and the generated prompts and answers (the same "
        "for both). The workflow's own memory is the peak minus the RSS just before the build "
        "step (after imports and data generation); own ratio compares those. Targets: bulk >= "
        "20x faster, argilla-style and loop >= 10x, and an own ratio <= 0.5 for every variant.",
    ]
    if verdicts:
        lines += ["", *verdicts]
    if errors:
        lines += ["", "Failed runs (the steps before the failure are shown):", *errors]
    lines += [
        "",
        f"Machine: {meta['cpus']} CPUs, {meta['platform']}, Python {meta['python']}; "
        f"{meta['date']}, commit {meta['commit'][:10]}; 1-minute load average "
        f"{meta['loadavg_1m']['start']} at start, {meta['loadavg_1m']['end']} at end, "
        f"{_load_range(meta)} before the individual runs (other work was running on the "
        f"machine); {meta['repeat']} run(s) per point.",
        "",
        "Steps: **build** = create the dataset (one TextField, one TextQuestion) and add N "
        "records of ~300-character prompts; **respond** = one submitted demonstration on every "
        "other record (answer texts generated before the timers); **select** = the records with "
        "a submitted answer; **split** = 80/20 SFT train/test splits (seed 0). `datasets` is "
        "imported before the timers on both sides. Argilla v1 1.29.1 runs locally (no server): "
        "locally there is no add_response, so each answer is a `ResponseSchema` assigned to "
        "`record.responses`; its local `filter_by` is a no-op, so the select step filters the "
        "records by hand into a new FeedbackDataset; the split step is "
        '`prepare_for_training(framework="trl", task=TrainingTask.for_supervised_fine_tuning('
        "...), train_size=0.8, seed=0)`. nb_feedback **argilla-style** builds as Argilla's does "
        '(`add_records([FeedbackRecord(fields={"prompt": p}) for p in prompts])`) and responds '
        "with `for i, record in enumerate(ds):` and `add_response(record.id, ...)` on every "
        'other record; **loop** and **bulk** build with `add_records(pd.DataFrame({"prompt": '
        "prompts}))` and respond with `add_response(ds[i].id, ...)` per answer (**loop**) or "
        '`ids = ds.to_pandas()["id"]` then one `add_responses(DataFrame)` call (**bulk**); all '
        'three then call `filter_by(response_status="submitted")` and '
        "`to_sft(test_size=0.2, seed=0)`.",
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
        help="don't run Argilla; reuse its last numbers from results/workflow.json if any",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=HERE / "out",
        help="where workflow.json and workflow.md go (default benchmarks/out/; the committed "
        "results are benchmarks/results/)",
    )
    args = parser.parse_args()

    compile_sources()
    variants = [v for v in VARIANTS if not (v == "argilla_v1" and args.skip_argilla)]
    if "argilla_v1" in variants:
        ensure_argilla_venv()
    reused = {v: previous_results(v) for v in VARIANTS if v not in variants}

    load_start = os.getloadavg()
    results: list[dict[str, Any]] = []
    for n in args.sizes:
        for v in reused:
            if n in reused[v]:
                results.append(reused[v][n])
        results.extend(run_size(variants, n, args.repeat))

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
        "variants": list(VARIANTS),
        # Other work on the machine slows every variant; the 1-minute load says how busy it was.
        "loadavg_1m": {
            "start": round(load_start[0], 2),
            "end": round(os.getloadavg()[0], 2),
            "before_each_run": [x for r in results for x in r.get("all_loadavg_1m_before", [])],
        },
    }
    md = markdown(results, meta)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    _write(out / "workflow.json", json.dumps({"meta": meta, "results": results}, indent=2))
    _write(out / "workflow.md", md)
    print(f"written to {out}/workflow.json and workflow.md")
    print(md)
    if any("error" in r for r in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
