"""Arrow's memory pool for this process: jemalloc where pyarrow has it, chosen on import.

pyarrow's default pool (mimalloc) hands freed pages back to the kernel and takes fresh ones
for the next buffer of the same size, and nb_feedback's steps are many such buffers (a
response frame, the prompts gathered for a split). Measured on Linux (benchmarks/run.py,
200,000 records, the same run): with mimalloc about half of ``to_sft``'s time was spent in
the kernel (0.25 s system of 0.44 s); with jemalloc the whole Argilla-style workflow took
1.87-2.0 s instead of 2.28-2.31 s, and its peak memory was 493 MB instead of 528 MB. The
buffers and results are the same whichever pool made them.

The pool is the process's, so a user's choice wins: with ``ARROW_DEFAULT_MEMORY_POOL`` set, or
a pool other than mimalloc already chosen (``pyarrow.set_memory_pool``), nothing changes.
"""

from __future__ import annotations

import os

import pyarrow as pa


def prefer_jemalloc() -> str:
    """Make jemalloc Arrow's default pool unless the user chose one; return the pool in use."""
    current = pa.default_memory_pool()
    chosen: str = current.backend_name
    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL") or chosen != "mimalloc":
        return chosen
    try:
        pool = pa.jemalloc_memory_pool()
    except NotImplementedError:  # a pyarrow built without jemalloc (Windows wheels)
        return chosen
    pa.set_memory_pool(pool)
    return "jemalloc"
