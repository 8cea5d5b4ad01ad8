"""pytest plugin of the v1-suite runner (``run.py``): with ``V1SHIM=nb``, ``argilla_v1`` is nb_feedback.

Every ``argilla_v1`` / ``argilla_v1.*`` module becomes a view of nb_feedback: a name is looked up on
``nb_feedback`` first, then on each of its modules; a name nb_feedback lacks becomes a stand-in that
raises when used, so only the tests that use it fail (their error names it), not their whole file.
``--lenient`` drops ``match=`` from ``pytest.raises`` / ``pytest.warns``: a test that then passes
failed only on an error message's wording. Without ``V1SHIM=nb`` the plugin does nothing but add
the option, so the same files run against argilla-v1 itself.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import json
import os
import pkgutil
import sys
import types
from pathlib import Path
from typing import Any, ClassVar

import pytest

NB_MODE = os.environ.get("V1SHIM") == "nb"
REPORT = os.environ.get("V1SHIM_REPORT")  # where each test's outcome is written, as JSON
MISSING: set[str] = set()
OUTCOMES: dict[str, dict[str, str]] = {}


def _nb_modules() -> list[types.ModuleType]:
    import nb_feedback

    found = [nb_feedback]
    for info in pkgutil.walk_packages(nb_feedback.__path__, "nb_feedback."):
        if info.name.endswith("__main__"):
            continue
        try:
            found.append(importlib.import_module(info.name))
        except ImportError:  # an optional extra that is not installed
            continue
    return found


class _Missing:
    """Stands for a v1 name nb_feedback does not have; fails (naming it) when used."""

    def __init__(self, name: str) -> None:
        self._name = name

    def _fail(self, *args: Any, **kwargs: Any) -> Any:
        MISSING.add(self._name)
        raise NotImplementedError(f"missing in nb_feedback: {self._name}")

    __call__ = _fail

    def __getattr__(self, item: str) -> Any:
        if item.startswith("__"):
            raise AttributeError(item)
        return self._fail()

    def __mro_entries__(self, bases: tuple[Any, ...]) -> Any:
        return self._fail()

    def __instancecheck__(self, other: Any) -> bool:
        return bool(self._fail())


class _ShimModule(types.ModuleType):
    modules: ClassVar[list[types.ModuleType]] = []

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        for module in self.modules:
            if hasattr(module, name):
                return getattr(module, name)
        return sys.modules.get(f"{self.__name__}.{name}") or _Missing(name)


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname == "argilla_v1" or fullname.startswith("argilla_v1."):
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        return None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        module = _ShimModule(spec.name)
        module.__path__ = []
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        pass


# installed on import: pytest imports this plugin (-p) before the conftest files that import v1
if NB_MODE and not any(isinstance(f, _Finder) for f in sys.meta_path):
    _ShimModule.modules = _nb_modules()
    sys.meta_path.insert(0, _Finder())


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--lenient", action="store_true", help="ignore match= in pytest.raises / pytest.warns"
    )


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--lenient"):
        real_raises, real_warns = pytest.raises, pytest.warns

        def raises(*args: Any, **kwargs: Any) -> Any:
            kwargs.pop("match", None)
            return real_raises(*args, **kwargs)

        def warns(*args: Any, **kwargs: Any) -> Any:
            kwargs.pop("match", None)
            return real_warns(*args, **kwargs)

        pytest.raises = raises  # type: ignore[assignment]
        pytest.warns = warns  # type: ignore[assignment]


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    # a test passes when its set-up, call and teardown pass; the first failure is kept
    seen = OUTCOMES.setdefault(report.nodeid, {"outcome": "passed", "error": ""})
    if report.outcome == "failed" and seen["outcome"] == "passed":
        crash = getattr(report.longrepr, "reprcrash", None)
        message = crash.message if crash is not None else str(report.longrepr)
        seen.update(outcome="failed", error=message.strip().splitlines()[0] if message else "")
    elif report.outcome == "skipped" and seen["outcome"] == "passed":
        seen.update(outcome="skipped")


def pytest_collectreport(report: pytest.CollectReport) -> None:
    if report.failed:  # a file that cannot be imported: its tests are counted as failing
        OUTCOMES[report.nodeid] = {"outcome": "error", "error": str(report.longrepr).strip()[-300:]}


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if REPORT:
        with Path(REPORT).open("w", encoding="utf-8") as out:
            json.dump(OUTCOMES, out, indent=1, sort_keys=True)
    if MISSING:
        print("\nnames missing in nb_feedback:", sorted(MISSING))
