"""Opt-in: Argilla v1.29's own code on the ``argilla-v1`` layout, both ways.

Runs when ``NB_FEEDBACK_ARGILLA_PARITY=1`` and the benchmarks' venv exists (build it once with
``bash benchmarks/setup_argilla_venv.sh``), as the other v1 parity tests do; see
``argilla_v1_side.py`` for which v1 code runs.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from tests.hub.cases import float32_rounded, full_dataset, span_dataset
from tests.hub.side import run_side

import nb_feedback as rg
from nb_feedback.argilla.hub_settings import user_uuid

ROOT = Path(__file__).resolve().parents[2]
VENV_PYTHON = ROOT / "benchmarks" / ".venv-argilla" / "bin" / "python"
SIDE = Path(__file__).with_name("argilla_v1_side.py")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        os.environ.get("NB_FEEDBACK_ARGILLA_PARITY") != "1",
        reason="opt-in: set NB_FEEDBACK_ARGILLA_PARITY=1 (needs benchmarks/.venv-argilla)",
    ),
]


def argilla_v1(*args: str) -> Any:
    line = run_side(VENV_PYTHON, SIDE, *args, setup="bash benchmarks/setup_argilla_venv.sh")
    return json.loads(line)


def v1_view(ds: rg.FeedbackDataset) -> list[dict[str, Any]]:
    """``ds`` as ``argilla_v1_side.neutral`` shows v1's records (user ids as UUIDs)."""
    return [
        {
            "external_id": r.external_id,
            "fields": {k: v for k, v in r.fields.items() if v is not None},
            "metadata": dict(r.metadata or {}),
            "suggestions": sorted(
                (
                    {
                        "question": s.question_name,
                        "value": s.value,
                        "score": float32_rounded(s.score),
                        "agent": s.agent,
                    }
                    for s in r.suggestions
                ),
                key=lambda s: s["question"],
            ),
            "responses": sorted(
                (
                    {"user_id": user_uuid(x.user), "status": x.status, "values": x.plain_values()}
                    for x in r.responses
                    if x.plain_values()  # v1's layout lists answers per question
                ),
                key=lambda x: x["user_id"],
            ),
        }
        for r in ds
    ]


def test_argilla_v1_reads_the_v1_layout(tmp_path: Path) -> None:
    ds = full_dataset()
    ds.to_hub(local_dir=tmp_path / "out", layout="argilla-v1")
    assert argilla_v1("read", str(tmp_path / "out")) == v1_view(ds)


def test_argilla_v1_reads_span_answers_of_the_v1_layout(tmp_path: Path) -> None:
    ds = span_dataset()
    ds.to_hub(local_dir=tmp_path / "out", layout="argilla-v1")
    assert argilla_v1("read", str(tmp_path / "out")) == v1_view(ds)


def test_nb_feedback_reads_what_argilla_v1_writes(tmp_path: Path) -> None:
    theirs = argilla_v1("write", str(tmp_path / "out"))
    back = rg.FeedbackDataset.from_hub(local_dir=tmp_path / "out")
    mine = v1_view(back)
    for record in mine:  # v1 names its users by UUID; they are the names here
        for response in record["responses"]:
            assert response["user_id"] == user_uuid(response["user_id"])
    assert mine == theirs
