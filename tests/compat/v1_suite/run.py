"""Run Argilla v1's own tests against nb_feedback and against argilla-v1 itself, and compare.

Opt-in, never run by CI, fetches nothing: v1's tests are not part of this repository (nor of
v1's PyPI package), so point the runner at a local copy of them, the ``argilla-v1/tests`` folder
of argilla-io/argilla at 1.29.1::

    .venv/bin/python tests/compat/v1_suite/run.py /path/to/argilla-v1/tests

The runner copies the selected test files (``v1_selection.py``) into a scratch folder,
unchanged; writes each ``conftest.py`` on their way with only the fixtures they use (v1's root
conftest also sets up a server); and runs them three times with pytest: on argilla-v1
(``benchmarks/.venv-argilla``, built by ``bash benchmarks/setup_argilla_venv.sh``, with pytest
installed in it, or in a folder named by ``V1_SUITE_PYTHONPATH``), on nb_feedback through an
import shim (``nbf_v1_shim.py``: ``argilla_v1`` is nb_feedback, pydantic's ``ValidationError`` is
``ValueError``), and on nb_feedback again with ``match=`` dropped from ``pytest.raises`` /
``pytest.warns``. It prints how many of the tests that pass on argilla-v1 pass on nb_feedback
(with the wording, and counting a failure on the wording alone as passed), then each test still
failing with its error. ``--min 0.9`` makes the exit status fail below 90%.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(HERE))

from v1_selection import FIXTURES, TESTS  # noqa: E402

# our own stand-in for v1's tests/pydantic_v1.py: the one name the selected tests import from it
PYDANTIC_V1 = """import os

if os.environ.get("V1SHIM") == "nb":
    ValidationError = ValueError  # nb_feedback raises ValueError subclasses
else:
    try:
        from pydantic.v1 import ValidationError
    except ImportError:
        from pydantic import ValidationError
"""


def derive_conftest(source: str, keep: list[str], where: str) -> str:
    """The part of a v1 conftest the selected tests use: its imports and the fixtures in ``keep``.

    An import that fails (a server package) is skipped; every other statement, fixture and hook
    is left out. Raises ``SystemExit`` naming the file when a fixture in ``keep`` is not in it.
    """
    tree = ast.parse(source)
    body: list[ast.stmt] = []
    found: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            handler = ast.ExceptHandler(
                type=ast.Name("ImportError", ast.Load()), name=None, body=[ast.Pass()]
            )
            body.append(ast.Try(body=[node], handlers=[handler], orelse=[], finalbody=[]))
        elif isinstance(node, ast.FunctionDef) and node.name in keep:
            body.append(node)
            found.add(node.name)
        elif (
            isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Call)
            and ast.unparse(node.value.func) == "random.seed"
        ):
            body.append(node)  # the fixtures' random data depends on it
    if missing := sorted(set(keep) - found):
        raise SystemExit(f"{where}: fixtures {missing} not found (is this v1's tests folder?)")
    module = ast.Module(body=body, type_ignores=[])
    return "from __future__ import annotations\n\n" + ast.unparse(ast.fix_missing_locations(module))


def prepare(v1_tests: Path, work: Path) -> list[str]:
    """Write the scratch copy under ``work/tests``; return the pytest node ids to run."""
    target = work / "tests"
    if target.exists():
        shutil.rmtree(target)
    node_ids: list[str] = []
    folders: set[Path] = {Path()}
    for rel, names in TESTS.items():
        source = v1_tests / rel
        if not source.is_file():
            raise SystemExit(f"{source}: not found; expected argilla-v1's tests folder at 1.29.1")
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target / rel)
        node_ids += [f"tests/{rel}::{name}" for name in names]
        folders.update(Path(rel).parents)
    for folder in folders:
        (target / folder / "__init__.py").touch()
        conftest = v1_tests / folder / "conftest.py"
        rel = str(folder / "conftest.py") if folder != Path() else "conftest.py"
        keep = FIXTURES.get(rel, [])
        if conftest.is_file():
            text = conftest.read_text(encoding="utf-8")
            (target / rel).write_text(derive_conftest(text, keep, str(conftest)), encoding="utf-8")
        elif keep:
            raise SystemExit(f"{conftest}: not found; expected argilla-v1's tests folder at 1.29.1")
    (target / "pydantic_v1.py").write_text(PYDANTIC_V1, encoding="utf-8")
    (work / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    return node_ids


def run(
    python: str, work: Path, node_ids: list[str], *, nb_src: Path | None, lenient: bool, label: str
) -> dict[str, dict[str, str]]:
    """Run the selection with ``python``; the outcome of each test by its node id."""
    report = work / f"outcomes-{label}.json"
    report.unlink(missing_ok=True)
    extra = os.environ.get("V1_SUITE_PYTHONPATH", "")  # e.g. a pytest installed with --target
    paths = [str(HERE), *([str(nb_src)] if nb_src else []), *([extra] if extra else [])]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(paths),
        "V1SHIM_REPORT": str(report),
        "HF_DATASETS_OFFLINE": "1",
        "HF_HUB_OFFLINE": "1",
    }
    env.pop("V1SHIM", None)
    if nb_src:
        env["V1SHIM"] = "nb"
    args = [python, "-m", "pytest", "-p", "nbf_v1_shim", "-p", "no:cacheprovider", "-q"]
    args += ["--rootdir", str(work), "-c", str(work / "pytest.ini")]
    args += (["--lenient"] if lenient else []) + node_ids
    done = subprocess.run(args, cwd=work, env=env, capture_output=True, text=True, check=False)
    if not report.is_file():
        raise SystemExit(f"{label}: pytest did not run\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    outcomes: dict[str, dict[str, str]] = json.loads(report.read_text(encoding="utf-8"))
    return outcomes


def normalise(node_id: str) -> str:
    # the shim makes pydantic's ValidationError ValueError, which shows in parameter ids
    return node_id.replace("ValidationError", "ValueError")


def passed(outcomes: dict[str, dict[str, str]]) -> set[str]:
    return {normalise(k) for k, v in outcomes.items() if v["outcome"] == "passed"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("v1_tests", type=Path, help="argilla-v1's tests folder (1.29.1)")
    parser.add_argument(
        "--v1-python",
        default=str(ROOT / "benchmarks" / ".venv-argilla" / "bin" / "python"),
        help="a Python with argilla-v1==1.29.1 and pytest",
    )
    parser.add_argument("--nb-python", default=sys.executable, help="a Python with nb_feedback")
    parser.add_argument("--nb-src", type=Path, default=ROOT / "src", help="nb_feedback's source")
    parser.add_argument("--work", type=Path, help="scratch folder (default: a temporary one)")
    parser.add_argument("--min", type=float, default=0.0, help="fail below this pass rate")
    parser.add_argument("--json", type=Path, help="write the figures and failures here")
    args = parser.parse_args(argv)

    work = args.work or Path(tempfile.mkdtemp(prefix="nbf-v1-suite-"))
    work.mkdir(parents=True, exist_ok=True)
    node_ids = prepare(args.v1_tests.resolve(), work)
    on_v1 = run(args.v1_python, work, node_ids, nb_src=None, lenient=False, label="v1")
    strict = run(args.nb_python, work, node_ids, nb_src=args.nb_src, lenient=False, label="nb")
    lenient = run(args.nb_python, work, node_ids, nb_src=args.nb_src, lenient=True, label="nbl")

    base = passed(on_v1)
    if not base:
        raise SystemExit("no test passed on argilla-v1: check --v1-python (argilla-v1 and pytest)")
    ok_strict, ok_lenient = base & passed(strict), base & passed(lenient)
    errors = {normalise(k): v["error"] for k, v in lenient.items()}
    left = {k: errors.get(k, "not collected") for k in sorted(base - ok_lenient)}
    rate = len(ok_lenient) / len(base)
    print(f"selected: {len(on_v1)} tests; passing on argilla-v1: {len(base)}")
    print(f"pass on nb_feedback: {len(ok_lenient)} / {len(base)} ({rate:.1%}) counting a failure")
    print(f"  on an error message's wording alone as passed; {len(ok_strict)} with the wording")
    print(f"still failing ({len(left)}):")
    for node_id, error in left.items():
        print(f"  {node_id}\n      {error}")
    if args.json:
        figures = {
            "passing_on_v1": len(base),
            "passing_on_nb": len(ok_lenient),
            "passing_on_nb_with_wording": len(ok_strict),
            "still_failing": left,
        }
        args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")
    return 0 if rate >= args.min else 1


if __name__ == "__main__":
    sys.exit(main())
