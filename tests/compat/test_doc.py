"""docs/coming-from-argilla.md: its code runs as written."""

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "coming-from-argilla.md"


def test_the_guide_code_runs():
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text("utf-8"), flags=re.S)
    assert len(blocks) == 3
    scope: dict[str, object] = {}
    for i, block in enumerate(blocks):
        exec(compile(block, f"coming-from-argilla block {i}", "exec"), scope)
    assert scope["train"].num_rows == 3
