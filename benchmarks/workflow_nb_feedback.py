"""The benchmark workflow with nb_feedback, through its public API.

Run in the project venv, one fresh process per size:

    .venv/bin/python benchmarks/workflow_nb_feedback.py --n 50000

Prints one JSON line in the same shape as workflow_argilla.py. Steps:

- build:   pd.DataFrame({"prompt": prompts}) from the generated list, FeedbackDataset(TextField
           "prompt", TextQuestion "demonstration") and add_records(that DataFrame), the bulk
           path a user would take (--build records: add_records([FeedbackRecord(fields=
           {"prompt": p}), ...]), as Argilla v1's guide and workflow_argilla.py write it)
- respond: add_response(ds[i].id, {"demonstration": text}, user="labeler-1", status="submitted")
           for every other record, one call each: the public contract for answers from code
           (--respond bulk: ids = ds.to_pandas()["id"], then one add_responses(DataFrame) call;
           --respond iterate: `for i, record in enumerate(ds):` and add_response(record.id, ...)
           on every other record, as Argilla users walk their records)
- select:  filter_by(response_status="submitted")
- split:   to_sft(test_size=0.2, seed=0)

--answered all answers every record instead of every other one. --split-only (used by
benchmarks/split.py) builds the answered dataset untimed, with add_records(DataFrame) and one
add_responses(DataFrame) call, and times to_sft(test_size=0.2, seed=0) alone, with the RSS
just before it and the peak RSS during it.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from data import make_answers, make_prompts
from procmem import peak_mb, reset_peak, rss_mb, split_memory

SEED = 0


def _bulk_answers(ds, answers: dict[int, str], pd) -> None:
    """ids = ds.to_pandas()["id"], then one add_responses(DataFrame) call (README bulk recipe)."""
    ids = ds.to_pandas()["id"]
    bulk = pd.DataFrame(
        {
            "record_id": ids.iloc[list(answers)].array,
            "demonstration": list(answers.values()),
        }
    )
    ds.add_responses(bulk, user="labeler-1", status="submitted")


def _iterate_answers(ds, answers: dict[int, str]) -> None:
    """Walk every record, as Argilla users do, and answer the ones that have an answer."""
    for i, record in enumerate(ds):
        text = answers.get(i)
        if text is not None:
            ds.add_response(
                record.id, {"demonstration": text}, user="labeler-1", status="submitted"
            )


def run(n: int, respond: str = "loop", answered: str = "half", build: str = "frame") -> dict:
    prompts = make_prompts(n, SEED)
    answers = make_answers(n, answered)

    t_import = time.perf_counter()
    # datasets is imported here, untimed, so that the split step times to_sft and not a one-time
    # ~0.4-2 s import of a third-party library (nb_feedback imports it lazily in to_sft).
    # workflow_argilla.py does the same: Argilla v1 1.29.1 does NOT import datasets when
    # argilla_v1 is imported (checked: only inside prepare_for_training), so pre-importing it on
    # one side only would favour nb_feedback.
    import datasets  # noqa: F401
    import pandas as pd

    import nb_feedback as rg

    import_s = time.perf_counter() - t_import
    rss_before = peak_mb()  # what imports and data grew to: nothing is freed before the build
    seconds: dict[str, float] = {}
    step = "build"
    try:
        # build: from the same list of prompts Argilla's build starts from, so the user's
        # DataFrame is made (and its memory counted) inside the step, as Argilla's records are
        t0 = time.perf_counter()
        ds = rg.FeedbackDataset(
            fields=[rg.TextField(name="prompt")],
            questions=[rg.TextQuestion(name="demonstration")],
        )
        if build == "records":  # the Argilla guide's way, the same line as workflow_argilla.py
            ds.add_records([rg.FeedbackRecord(fields={"prompt": p}) for p in prompts])
        else:
            ds.add_records(pd.DataFrame({"prompt": prompts}))
        seconds["build"] = time.perf_counter() - t0

        # respond: a submitted demonstration on every other record
        step = "respond"
        t0 = time.perf_counter()
        if respond == "loop":
            for i, text in answers.items():
                ds.add_response(
                    ds[i].id, {"demonstration": text}, user="labeler-1", status="submitted"
                )
        elif respond == "iterate":
            _iterate_answers(ds, answers)
        else:  # "bulk": ids from to_pandas(), then one add_responses call (README bulk recipe)
            _bulk_answers(ds, answers, pd)
        seconds["respond"] = time.perf_counter() - t0

        # select
        step = "select"
        t0 = time.perf_counter()
        selected = ds.filter_by(response_status="submitted")
        seconds["select"] = time.perf_counter() - t0

        # split
        step = "split"
        t0 = time.perf_counter()
        splits = selected.to_sft(test_size=0.2, seed=SEED)
        seconds["split"] = time.perf_counter() - t0
    except Exception as exc:  # report the steps that did run, then fail
        return {
            "lib": "nb_feedback",
            "version": rg.__version__,
            "n": n,
            "error": f"{step}: {type(exc).__name__}: {exc}",
            "failed_step": step,
            "seconds": {k: round(v, 3) for k, v in seconds.items()},
            "peak_rss_mb": round(peak_mb(), 1),
        }
    seconds["total"] = sum(seconds.values())
    peak = peak_mb()

    # Checks, outside the timed steps.
    n_sub = len(answers)
    assert len(selected) == n_sub, (len(selected), n_sub)
    assert splits["train"].num_rows + splits["test"].num_rows == n_sub
    first = splits["train"][0]
    assert first["completion"].startswith("Answer "), first

    return {
        "lib": "nb_feedback",
        "version": rg.__version__,
        "n": n,
        "seconds": {k: round(v, 3) for k, v in seconds.items()},
        "peak_rss_mb": round(peak, 1),
        "rss_before_build_mb": round(rss_before, 1),
        "import_seconds": round(import_s, 3),
        "rows": {
            "selected": n_sub,
            "train": splits["train"].num_rows,
            "test": splits["test"].num_rows,
        },
        "columns": splits["train"].column_names,
        "notes": {"build": build, "respond": respond, "answered": answered},
    }


def run_split(n: int, answered: str = "all") -> dict:
    """Build the answered dataset untimed, then time to_sft alone (benchmarks/split.py)."""
    prompts = make_prompts(n, SEED)
    answers = make_answers(n, answered)
    # Untimed, as in run(): datasets is imported before the split on both sides.
    import datasets  # noqa: F401
    import pandas as pd

    import nb_feedback as rg

    t0 = time.perf_counter()
    ds = rg.FeedbackDataset(
        fields=[rg.TextField(name="prompt")],
        questions=[rg.TextQuestion(name="demonstration")],
    )
    ds.add_records(pd.DataFrame({"prompt": prompts}))
    _bulk_answers(ds, answers, pd)
    build_s = time.perf_counter() - t0
    # The generated prompts and answers stay alive on both sides (Argilla's records hold them).
    gc.collect()
    peak_build = peak_mb()
    reset_peak()
    rss_before = rss_mb()

    t0 = time.perf_counter()
    splits = ds.to_sft(test_size=0.2, seed=SEED)
    split_s = time.perf_counter() - t0
    peak_split = peak_mb()

    # Checks, outside the timed step.
    n_sub = len(answers)
    assert splits["train"].num_rows + splits["test"].num_rows == n_sub, splits
    assert splits["train"][0]["completion"].startswith("Answer "), splits["train"][0]
    return {
        "lib": "nb_feedback",
        "version": rg.__version__,
        "n": n,
        "answered": n_sub,
        "seconds": {"split": round(split_s, 3)},
        "build_seconds_untimed": round(build_s, 3),
        **split_memory(rss_before, peak_build, peak_split),
        "rows": {"train": splits["train"].num_rows, "test": splits["test"].num_rows},
        "columns": splits["train"].column_names,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, required=True)
    parser.add_argument(
        "--build",
        choices=["frame", "records"],
        default="frame",
        help="frame: add_records(DataFrame); records: add_records(list of FeedbackRecord)",
    )
    parser.add_argument(
        "--respond",
        choices=["loop", "bulk", "iterate"],
        default="loop",
        help="loop: add_response(ds[i].id, ...) per answer; bulk: one add_responses call; "
        "iterate: for record in ds, add_response(record.id, ...) on every other record",
    )
    parser.add_argument(
        "--answered",
        choices=["half", "all"],
        default="half",
        help="half: a submitted answer on every other record; all: on every record",
    )
    parser.add_argument(
        "--split-only",
        action="store_true",
        help="build and answer untimed (bulk), then time to_sft alone, with its memory",
    )
    args = parser.parse_args()
    if args.split_only:
        result = run_split(args.n, args.answered)
    else:
        result = run(args.n, args.respond, args.answered, args.build)
    print(json.dumps(result))
    if "error" in result:
        sys.exit(1)


if __name__ == "__main__":
    main()
