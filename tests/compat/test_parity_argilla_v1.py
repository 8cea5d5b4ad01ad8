"""Opt-in: the same cases on Argilla v1 (argilla-v1==1.29.1), compared with nb_feedback's values.

Runs when ``NB_FEEDBACK_ARGILLA_PARITY=1`` and the benchmarks' venv exists (build it once with
``bash benchmarks/setup_argilla_venv.sh``). Every case must give v1's value, except the ones in
``cases.DIFFERS``, which must really differ (so each documented difference is measured, not
assumed).
"""

import json
import os
from pathlib import Path

import pytest
from tests.compat import cases
from tests.hub.side import run_side

import nb_feedback as rg

ROOT = Path(__file__).resolve().parents[2]
VENV_PYTHON = ROOT / "benchmarks" / ".venv-argilla" / "bin" / "python"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        os.environ.get("NB_FEEDBACK_ARGILLA_PARITY") != "1",
        reason="opt-in: set NB_FEEDBACK_ARGILLA_PARITY=1 (needs benchmarks/.venv-argilla)",
    ),
]


@pytest.fixture(scope="module")
def v1_results():
    script = Path(__file__).with_name("run_cases.py")
    setup = "bash benchmarks/setup_argilla_venv.sh"
    return json.loads(run_side(VENV_PYTHON, script, "argilla_v1", setup=setup, timeout=600))


@pytest.mark.parametrize("name", sorted(cases.CASES))
def test_same_value_as_argilla_v1(v1_results, name):
    ours = json.loads(json.dumps(cases.CASES[name](rg)))
    theirs = v1_results[name]
    if name in cases.DIFFERS:
        assert theirs.get("value") != ours, f"{name} no longer differs: {cases.DIFFERS[name]}"
        return
    assert "error" not in theirs, theirs
    assert theirs["value"] == ours
