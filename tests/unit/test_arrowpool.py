"""Arrow's memory pool: jemalloc on import unless the user chose a pool (base/_arrowpool.py)."""

from __future__ import annotations

import os
import subprocess
import sys

import pyarrow as pa
import pytest


def _pool_after_import(before: str = "", env: dict[str, str] | None = None) -> str:
    code = f"import pyarrow as pa\n{before}\nimport nb_feedback\nprint(pa.default_memory_pool().backend_name)"
    run_env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    run_env.update(env or {})
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=run_env, check=True
    )
    return out.stdout.strip().splitlines()[-1]


def _has_jemalloc() -> bool:
    try:
        pa.jemalloc_memory_pool()
    except NotImplementedError:
        return False
    return True


@pytest.mark.skipif(not _has_jemalloc(), reason="this pyarrow was built without jemalloc")
def test_importing_nb_feedback_makes_jemalloc_the_pool() -> None:
    assert _pool_after_import() == "jemalloc"


def test_a_pool_the_user_chose_is_kept() -> None:
    assert _pool_after_import(env={"ARROW_DEFAULT_MEMORY_POOL": "mimalloc"}) == "mimalloc"
    chosen = "pa.set_memory_pool(pa.system_memory_pool())"
    assert _pool_after_import(before=chosen) == "system"
