"""docs/ARCHITECTURE.md names every module of the package, and names no file that is gone."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "nb_feedback"
DOC = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")


def test_every_module_is_named_with_what_it_owns():
    named = set(re.findall(r"`([\w/]+\.py)`", DOC))
    modules = {
        p.relative_to(PACKAGE).as_posix()
        for p in PACKAGE.rglob("*.py")
        if p.name != "__init__.py" or p.parent == PACKAGE
    }
    missing = sorted(modules - named)
    assert not missing, f"docs/ARCHITECTURE.md does not name {missing}"


def test_every_file_named_exists():
    named = set(re.findall(r"`([\w./-]+\.(?:py|ts|css))(?:::[\w:]+)?`", DOC))
    gone = sorted(
        n for n in named if not (PACKAGE / n).exists() and not (ROOT / n).exists() and "/" in n
    )
    assert not gone, f"docs/ARCHITECTURE.md names files that do not exist: {gone}"


def test_every_package_is_a_layer_of_the_import_contract():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    for package in (p for p in PACKAGE.iterdir() if (p / "__init__.py").exists()):
        assert f'"nb_feedback.{package.name}"' in pyproject, package.name
