"""The benchmark workflow with Argilla v1's local FeedbackDataset (no server).

Run in benchmarks/.venv-argilla (see setup_argilla_venv.sh), one fresh process per size:

    benchmarks/.venv-argilla/bin/python benchmarks/workflow_argilla.py --n 50000

Prints one JSON line: {"lib", "n", "seconds": {build, respond, select, split, total},
"peak_rss_mb", ...}. Steps, written the way an Argilla v1 user would write them locally:

- build:   FeedbackDataset(TextField "prompt", TextQuestion "demonstration") and
           add_records([FeedbackRecord(fields={"prompt": p}), ...])
- respond: for every other record, assign a submitted ResponseSchema to record.responses
           (locally there is no add_response; the records are pydantic models with validated
           assignment, so this is the supported way to give a local record a response)
- select:  keep the records that have a submitted response, as a new FeedbackDataset.
           filter_by(response_status="submitted") would be the obvious call, but on a local
           FeedbackDataset it only warns and returns the dataset unchanged (checked below,
           outside the timed steps), so a user has to filter by hand.
- split:   prepare_for_training(framework="trl",
           task=TrainingTask.for_supervised_fine_tuning(formatting_func), train_size=0.8, seed=0)

--answered all answers every record instead of every other one. --split-only (used by
benchmarks/split.py) builds the dataset untimed, each FeedbackRecord created with its submitted
response, and times prepare_for_training(...) alone, with the RSS just before it and the peak
RSS during it.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
import uuid
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from data import make_answers, make_prompts
from procmem import peak_mb, reset_peak, rss_mb, split_memory

SEED = 0
USER_ID = uuid.uuid5(uuid.NAMESPACE_URL, "nb_feedback-benchmark/labeler-1")
TEMPLATE = "### Instruction: {prompt}\n### Response: {response}"


def formatting_func(sample: dict) -> str | None:
    """Argilla v1 SFT formatting function: one text per record with a submitted answer."""
    answers = [a["value"] for a in sample["demonstration"] if a["status"] == "submitted"]
    if not answers:
        return None
    return TEMPLATE.format(prompt=sample["prompt"], response=answers[0])


def _response(text: str, ResponseSchema, ValueSchema):
    """One submitted demonstration by the benchmark's user."""
    return ResponseSchema(
        user_id=USER_ID, values={"demonstration": ValueSchema(value=text)}, status="submitted"
    )


def run(n: int, answered: str = "half") -> dict:
    prompts = make_prompts(n, SEED)
    answers = make_answers(n, answered)

    t_import = time.perf_counter()
    # datasets untimed, as in workflow_nb_feedback.py: importing argilla_v1 does not import it
    # (prepare_for_training does, inside the split step), so without this line Argilla's split
    # step alone would pay the one-time import of a library both sides use for the splits.
    import argilla_v1 as rg
    import datasets  # noqa: F401
    from argilla_v1.feedback import ResponseSchema, TrainingTask, ValueSchema

    import_s = time.perf_counter() - t_import
    rss_before = peak_mb()  # what imports and data grew to: nothing is freed before the build
    seconds: dict[str, float] = {}

    # build
    t0 = time.perf_counter()
    ds = rg.FeedbackDataset(
        fields=[rg.TextField(name="prompt")],
        questions=[rg.TextQuestion(name="demonstration")],
    )
    ds.add_records([rg.FeedbackRecord(fields={"prompt": p}) for p in prompts])
    seconds["build"] = time.perf_counter() - t0

    # respond: a submitted demonstration on every other record
    t0 = time.perf_counter()
    records = ds.records
    for i, text in answers.items():
        records[i].responses = [_response(text, ResponseSchema, ValueSchema)]
    seconds["respond"] = time.perf_counter() - t0

    # select: filter_by is a no-op locally, so filter by hand into a new dataset
    t0 = time.perf_counter()
    submitted = [r for r in ds.records if any(x.status == "submitted" for x in r.responses)]
    selected = rg.FeedbackDataset(fields=ds.fields, questions=ds.questions)
    selected.add_records(submitted)
    seconds["select"] = time.perf_counter() - t0

    # split
    t0 = time.perf_counter()
    task = TrainingTask.for_supervised_fine_tuning(formatting_func=formatting_func)
    splits = selected.prepare_for_training(framework="trl", task=task, train_size=0.8, seed=SEED)
    seconds["split"] = time.perf_counter() - t0
    seconds["total"] = sum(seconds.values())
    peak = peak_mb()

    # Checks, outside the timed steps.
    n_sub = len(answers)
    assert len(selected) == n_sub, (len(selected), n_sub)
    assert splits["train"].num_rows + splits["test"].num_rows == n_sub
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        filtered = ds.filter_by(response_status="submitted")
    filter_by_noop = filtered is ds and len(filtered) == n

    return {
        "lib": "argilla_v1",
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
        "notes": {
            "filter_by_is_noop_locally": filter_by_noop,
            "filter_by_warning": str(caught[0].message)[:80] if caught else None,
            "answered": answered,
        },
    }


def run_split(n: int, answered: str = "all") -> dict:
    """Build the answered dataset untimed, then time prepare_for_training alone (split.py)."""
    prompts = make_prompts(n, SEED)
    answers = make_answers(n, answered)
    # Untimed, as in run(): datasets is imported before the split on both sides.
    import argilla_v1 as rg
    import datasets  # noqa: F401
    from argilla_v1.feedback import ResponseSchema, TrainingTask, ValueSchema

    t0 = time.perf_counter()
    ds = rg.FeedbackDataset(
        fields=[rg.TextField(name="prompt")],
        questions=[rg.TextQuestion(name="demonstration")],
    )
    ds.add_records(
        [
            rg.FeedbackRecord(
                fields={"prompt": p},
                responses=(
                    [_response(answers[i], ResponseSchema, ValueSchema)] if i in answers else []
                ),
            )
            for i, p in enumerate(prompts)
        ]
    )
    build_s = time.perf_counter() - t0
    gc.collect()
    peak_build = peak_mb()
    reset_peak()
    rss_before = rss_mb()

    t0 = time.perf_counter()
    task = TrainingTask.for_supervised_fine_tuning(formatting_func=formatting_func)
    splits = ds.prepare_for_training(framework="trl", task=task, train_size=0.8, seed=SEED)
    split_s = time.perf_counter() - t0
    peak_split = peak_mb()

    # Checks, outside the timed step.
    n_sub = len(answers)
    assert splits["train"].num_rows + splits["test"].num_rows == n_sub, splits
    assert "### Response: Answer " in splits["train"][0]["text"], splits["train"][0]
    return {
        "lib": "argilla_v1",
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
        "--answered",
        choices=["half", "all"],
        default="half",
        help="half: a submitted answer on every other record; all: on every record",
    )
    parser.add_argument(
        "--split-only",
        action="store_true",
        help="build with the responses untimed, then time prepare_for_training alone",
    )
    args = parser.parse_args()
    if args.split_only:
        print(json.dumps(run_split(args.n, args.answered)))
    else:
        print(json.dumps(run(args.n, args.answered)))


if __name__ == "__main__":
    main()
