"""Every top-level function and class of the package is used somewhere in the package.

A helper nothing calls is a second way to do something that drifts from the first (an "append
durably" beside the log that does it, say). The check is by name, anywhere in the package's
source (a call, an import, a re-export in ``__init__``), so moving modules does not break it.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path

import nb_feedback

PACKAGE = Path(nb_feedback.__file__).parent

# Kept although nothing names them: the wire format's message shapes, documentation that
# js/src/protocol.ts mirrors field by field.
DOCUMENTS = {"AnswerMessage", "AckMessage", "ErrorMessage"}


def test_every_top_level_function_and_class_is_used() -> None:
    sources = {path: path.read_text(encoding="utf-8") for path in sorted(PACKAGE.rglob("*.py"))}
    words = Counter(re.findall(r"\w+", "\n".join(sources.values())))
    unused = []
    for path, source in sources.items():
        for node in ast.parse(source).body:
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                continue
            if node.name in DOCUMENTS:
                continue
            if words[node.name] <= 1:  # its own definition only
                unused.append(f"{path.relative_to(PACKAGE)}: {node.name}")
    assert not unused, f"defined but never used in the package: {unused}"
