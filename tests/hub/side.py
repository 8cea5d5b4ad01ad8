"""Run a side script in Argilla's own venv and return the last line it prints (its JSON answer).

The side scripts import Argilla, which cannot share a venv with nb_feedback's test run: each
runs in its own interpreter, without our PYTHONPATH, offline from the Hugging Face Hub.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest


def run_side(python: Path, script: Path, *args: str, setup: str, timeout: int = 300) -> str:
    """Run ``script`` with ``python``; fail naming ``setup`` (the command that makes the venv)."""
    if not python.exists():
        pytest.fail(f"{python} is missing: run {setup}")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(
        [str(python), str(script), *args],
        capture_output=True,
        text=True,
        env={**env, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"},
        timeout=timeout,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip().splitlines()[-1]
