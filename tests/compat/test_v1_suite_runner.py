"""The v1-suite runner (tests/compat/v1_suite/run.py): how it builds and scores its runs.

Argilla v1's own tests are not in this repository; these tests check the runner on small files
of our own. With ``NB_FEEDBACK_V1_TESTS=/path/to/argilla-v1/tests`` (and benchmarks/.venv-argilla
with pytest in it), the last test runs v1's suite itself and asks for at least 90%.
"""

import importlib.util
import os
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

_spec = importlib.util.spec_from_file_location(
    "nbf_v1_suite_run", Path(__file__).parent / "v1_suite" / "run.py"
)
assert _spec is not None and _spec.loader is not None
v1_suite = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(v1_suite)

ROOT = Path(__file__).resolve().parents[2]

SERVER_CONFTEST = textwrap.dedent(
    """\
    import random
    from typing import TYPE_CHECKING

    import pytest
    from not_installed_server.models import User
    from argilla_v1.client.feedback.schemas.fields import TextField

    if TYPE_CHECKING:
        from not_installed_server.db import Session

    random.seed(7)
    connect_to_the_server()


    @pytest.fixture(autouse=True)
    def logged_in(user: User):
        return user


    @pytest.fixture
    def fields():
        return [TextField(name="text")]
    """
)


def test_a_conftest_keeps_its_imports_and_the_listed_fixtures_only() -> None:
    derived = v1_suite.derive_conftest(SERVER_CONFTEST, ["fields"], "conftest.py")
    assert "def fields" in derived and "random.seed(7)" in derived
    assert "logged_in" not in derived and "connect_to_the_server" not in derived
    assert "except ImportError" in derived  # the server's import is skipped when it fails
    namespace: dict[str, Any] = {}
    exec(compile(derived, "conftest.py", "exec"), namespace)  # runs without the server package
    assert "fields" in namespace and "User" not in namespace


def test_a_conftest_without_a_listed_fixture_is_refused_by_name() -> None:
    with pytest.raises(SystemExit, match=r"v1/conftest.py: fixtures \['other'\] not found"):
        v1_suite.derive_conftest(SERVER_CONFTEST, ["fields", "other"], "v1/conftest.py")


V1_STYLE_TEST = textwrap.dedent(
    """\
    import pytest
    from argilla_v1.client.feedback.schemas.questions import RatingQuestion
    from argilla_v1.client.feedback.schemas.enums import NotInNbFeedback

    from tests.pydantic_v1 import ValidationError


    def test_wording():
        with pytest.raises(ValidationError, match="v1's own wording"):
            RatingQuestion(name="q", values=[1, 1])


    def test_shape(fields):
        assert RatingQuestion(name="q", values=["1", "2"]).values == (1, 2)
        assert fields[0].name == "text"


    def test_missing_name():
        NotInNbFeedback()
    """
)


def test_the_shim_runs_v1_style_tests_on_nb_feedback(tmp_path: Path, monkeypatch: Any) -> None:
    v1_tests = tmp_path / "v1-tests"
    (v1_tests / "unit").mkdir(parents=True)
    (v1_tests / "unit" / "test_x.py").write_text(V1_STYLE_TEST, encoding="utf-8")
    (v1_tests / "conftest.py").write_text(SERVER_CONFTEST, encoding="utf-8")
    names = ["test_wording", "test_shape", "test_missing_name"]
    monkeypatch.setattr(v1_suite, "TESTS", {"unit/test_x.py": names})
    monkeypatch.setattr(v1_suite, "FIXTURES", {"conftest.py": ["fields"]})
    work = tmp_path / "work"
    node_ids = v1_suite.prepare(v1_tests, work)
    assert node_ids == [f"tests/unit/test_x.py::{name}" for name in names]

    def outcomes(lenient: bool) -> dict[str, str]:
        found = v1_suite.run(
            sys.executable, work, node_ids, nb_src=ROOT / "src", lenient=lenient, label="t"
        )
        return {k.split("::")[1]: v["outcome"] + " " + v["error"] for k, v in found.items()}

    strict = outcomes(lenient=False)
    assert strict["test_shape"] == "passed "
    assert strict["test_wording"].startswith("failed")  # nb_feedback's own message
    assert strict["test_missing_name"].startswith(
        "failed NotImplementedError: missing in nb_feedback: NotInNbFeedback"
    )
    assert outcomes(lenient=True)["test_wording"] == "passed "


@pytest.mark.skipif(
    not os.environ.get("NB_FEEDBACK_V1_TESTS"),
    reason="opt-in: set NB_FEEDBACK_V1_TESTS to argilla-v1's tests folder (1.29.1)",
)
def test_argilla_v1_own_suite_passes_at_least_90_percent(tmp_path: Path) -> None:
    figures = tmp_path / "figures.json"
    folder = os.environ["NB_FEEDBACK_V1_TESTS"]
    args = [folder, "--work", str(tmp_path), "--json", str(figures), "--min", "0.9"]
    status = v1_suite.main(args)
    assert status == 0, figures.read_text(encoding="utf-8")
