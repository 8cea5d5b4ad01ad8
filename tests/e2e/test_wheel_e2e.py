"""Installed from its wheel, with no node anywhere, the widget works: the wheel is built from this
clone (``pip wheel``, as ``scripts/build-wheel.sh`` does), installed into a fresh venv, and a
notebook whose kernel is that venv's Python (PATH holds that venv only: no node, no npm) shows the
widget in a real JupyterLab and saves an answer typed into it.

The fresh venv gets nb_feedback from the wheel alone; its dependencies (pandas, ipykernel, ...)
are read from this venv's site-packages through a path file, so the test needs no network for
them (a path file adds a directory, not the editable install of nb_feedback kept there).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api", reason="needs the [dev] extra (playwright)")

from playwright.sync_api import Page, expect

from .conftest import (
    CHROMIUM,
    HAVE_CHROMIUM,
    KERNEL_IDLE_JS,
    TIMEOUT_MS,
    run_all_cells,
    running_jupyter,
    write_notebook,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not HAVE_CHROMIUM, reason=f"no Chromium at {CHROMIUM} (set E2E_CHROMIUM)"),
]

REPO = Path(__file__).resolve().parents[2]
CELL = textwrap.dedent(
    """\
    import nb_feedback as rg
    print("from", rg.__file__)
    ds = rg.FeedbackDataset(fields=[rg.TextField(name="prompt")],
                            questions=[rg.TextQuestion(name="answer", title="Answer")])
    ds.add_records([{"prompt": f"Prompt {i}"} for i in range(3)])
    ds.save("wheel_data")
    ds.annotate(user="e2e")"""
)


def _run(*cmd: str | Path, cwd: Path | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # the wheel's copy only
    done = subprocess.run(
        [str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, f"{cmd}: {done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def fresh_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not (REPO / "src/nb_feedback/static/widget.js").exists():
        pytest.skip("no widget bundle: build it first (cd js && npm ci && npm run build)")
    dist = tmp_path_factory.mktemp("dist")
    # the bundle is built already: the build hook skips npm, and nothing here needs node
    _run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", dist, REPO)
    (wheel,) = dist.glob("nb_feedback-*.whl")
    venv = tmp_path_factory.mktemp("fresh") / "venv"
    _run(sys.executable, "-m", "venv", venv)
    python = venv / "bin" / "python"
    _run(python, "-m", "pip", "install", "-q", "--no-deps", "--no-index", wheel)
    site = _run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").strip()
    (Path(site) / "_nbf_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    where = _run(python, "-c", "import nb_feedback; print(nb_feedback.__file__)").strip()
    assert where.startswith(str(venv)), where  # the wheel's copy, not this clone's
    return venv


def test_the_wheel_renders_the_widget_with_no_node(
    fresh_venv: Path, page: Page, tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = str(fresh_venv / "bin")
    assert shutil.which("node", path=path) is None and shutil.which("npm", path=path) is None
    root = tmp_path_factory.mktemp("wheel-root")
    write_notebook(root, "wheel.ipynb", [CELL])
    home = tmp_path_factory.mktemp("wheel-home")
    # the notebook's kernel: the fresh venv's Python (found first in the server's data dir)
    spec = home / "data" / "kernels" / "python3"
    spec.mkdir(parents=True)
    argv = [str(fresh_venv / "bin" / "python"), "-m", "ipykernel_launcher", "-f"]
    spec.joinpath("kernel.json").write_text(
        json.dumps({"argv": [*argv, "{connection_file}"], "display_name": "Python 3",
                    "language": "python"})
    )  # fmt: skip
    # the user data dir first (a venv puts its own first): this kernel, not the server's
    env = {"PATH": path, "PYTHONPATH": "", "JUPYTER_PREFER_ENV_PATH": "0"}
    with running_jupyter(root, home, env) as jp:
        jp.start_session("wheel.ipynb")
        page.goto(jp.url("lab", "wheel.ipynb"))
        page.wait_for_function(KERNEL_IDLE_JS, timeout=TIMEOUT_MS)
        run_all_cells(page)
        widget = page.get_by_test_id("nbf-root")
        expect(widget.get_by_test_id("nbf-position")).to_have_text(
            "Record 1 of 3", timeout=TIMEOUT_MS
        )
        expect(page.locator(".jp-OutputArea-output").first).to_contain_text(str(fresh_venv))
        widget.get_by_role("textbox", name="Answer", exact=True).click()
        page.keyboard.type("from the wheel")
        page.keyboard.press("Control+Enter")
        expect(widget.get_by_test_id("nbf-saved")).to_have_text("Saved")
        jp.shutdown_sessions()
    import nb_feedback as rg

    ds = rg.FeedbackDataset.from_disk(root / "wheel_data", show_progress=False)
    assert ds[0].responses[0].plain_values() == {"answer": "from the wheel"}
