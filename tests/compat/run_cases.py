"""Run every compatibility case against one library and print the results as JSON.

Usage: ``python tests/compat/run_cases.py argilla_v1`` (or ``nb_feedback``). A case that
raises gives ``{"error": "<type>: <message>"}``. The results are the last line of the output.
Used by test_parity_argilla_v1.py.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import sys
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from cases import CASES


class _Library:
    """``import argilla as rg`` plus ``from argilla.feedback import *``, as v1's docs use both."""

    def __init__(self, name: str) -> None:
        self._modules = [importlib.import_module(name)]
        with contextlib.suppress(ImportError):
            self._modules.append(importlib.import_module(f"{name}.feedback"))

    def __getattr__(self, attr: str) -> object:
        for module in self._modules:
            if hasattr(module, attr):
                return getattr(module, attr)
        raise AttributeError(attr)


def main() -> None:
    """Run the cases against the library named on the command line."""
    rg = _Library(sys.argv[1])
    results = {}
    for name, case in CASES.items():
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                results[name] = {"value": case(rg)}
        except Exception as exc:
            results[name] = {"error": f"{type(exc).__name__}: {exc}"[:500]}
    # the last line: v1 logs to stdout on some paths (its OpenAI advice, for one)
    print("\n" + json.dumps(results, default=repr))


if __name__ == "__main__":
    main()
