"""Fixtures for the browser end-to-end tests: one real Jupyter server, Debian's Chromium.

Each setting below avoids a trap of headless Chromium on a closed network (see the comments). One ``jupyter lab`` server per session serves both UIs: JupyterLab at ``/lab/tree/...``
and Notebook 7 at ``/notebooks/...``. Each test writes its own notebook (one kernel each) whose
first cell builds a small dataset, saves it in the server's root dir and shows the widget; the
test then proves what the kernel did by reopening that folder with ``FeedbackDataset.from_disk``.

Setup (a venv of its own; NEVER `playwright install`, its download fails here)::

    python3 -m venv /tmp/e2e-venv && /tmp/e2e-venv/bin/pip install -e '.[dev]'
    /tmp/e2e-venv/bin/python -m pytest tests/e2e -v        # ~1.5 min on 2 cores

Skipped when Chromium or Playwright is missing; deselect with ``-m "not e2e"``.

Debugging: ``--tracing retain-on-failure --screenshot only-on-failure --output /tmp/e2e-out``,
``E2E_SHOW_CONSOLE=1`` (browser console), ``E2E_SHOW_SERVER_LOG=1``, ``E2E_CHROMIUM=/path``.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")

HAVE_CHROMIUM = Path(CHROMIUM).exists()

try:
    from playwright.sync_api import Locator, Page, expect
except ImportError:  # no [dev] extra: the test modules skip themselves (importorskip)
    expect = None

# Playwright makes its own temp --user-data-dir; passing one in args is an error.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 60_000  # first kernel start + first page load on a busy 2-core box
# expect() polls; 5 s (its default) is short for a kernel round trip on a loaded 2-core box
if expect is not None:
    expect.set_options(timeout=15_000)
UIS = ["lab", "notebook7"]

SERVER_CONFIG = {
    "LabApp": {
        "news_url": None,
        "expose_app_in_browser": True,  # window.jupyterapp, used for waits and cell checks
        "extension_manager": "readonly",
    },
    "JupyterNotebookApp": {"expose_app_in_browser": True},
}
# Hides the "official Jupyter news?" toast, which covers the bottom-right corner in Lab 4.6.
NOTIFICATION_SETTINGS = (
    "@jupyterlab/apputils-extension",
    "notification.jupyterlab-settings",
    {"fetchNews": "false", "checkForUpdates": False},
)

KERNEL_IDLE_JS = """() => {
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const k = w && w.sessionContext && w.sessionContext.session
            && w.sessionContext.session.kernel;
  return !!k && k.connectionStatus === "connected" && k.status === "idle";
}"""

# The notebook's own model: what the a/b/m/r/1/dd shortcuts would change.
CELLS_JS = """() => {
  const w = window.jupyterapp.shell.currentWidget;
  const cells = w.content.model.cells;
  const out = [];
  for (let i = 0; i < cells.length; i++) {
    const c = cells.get(i);
    out.push({type: c.type, source: c.sharedModel.getSource()});
  }
  return out;
}"""

SAVE_NOTEBOOK_JS = """async () => {
  const w = window.jupyterapp.shell.currentWidget;
  await w.context.save();
  return w.context.model.dirty;
}"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Jupyter:
    """A running Jupyter server: its root dir, URL and token."""

    def __init__(self, root: Path, port: int, token: str, proc: subprocess.Popen[bytes]):
        self.root, self.port, self.token, self.proc = root, port, token, proc
        self.base = f"http://127.0.0.1:{port}"

    def api(self, path: str, method: str = "GET") -> bytes:
        req = urllib.request.Request(
            self.base + path, method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(req, timeout=10) as r:
            return bytes(r.read())

    def url(self, ui: str, name: str) -> str:
        # Lab restores earlier tabs of the same server unless told to ?reset.
        path = {"lab": f"/lab/tree/{name}?reset&", "notebook7": f"/notebooks/{name}?"}[ui]
        return f"{self.base}{path}token={self.token}"

    def start_session(self, notebook: str) -> None:
        body = {
            "path": notebook,
            "name": notebook,
            "type": "notebook",
            "kernel": {"name": "python3"},
        }
        req = urllib.request.Request(
            self.base + "/api/sessions",
            method="POST",
            data=json.dumps(body).encode(),
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=30) as r:
            r.read()

    def shutdown_sessions(self) -> None:
        """Stop every kernel, so each test's kernel (and its writer locks) ends with it."""
        for s in json.loads(self.api("/api/sessions")):
            with contextlib.suppress(OSError):
                self.api(f"/api/sessions/{s['id']}", method="DELETE")


@pytest.fixture(scope="session")
def jupyter(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Jupyter]:
    venv_bin = str(Path(sys.executable).parent)
    with running_jupyter(
        tmp_path_factory.mktemp("nbroot"),
        tmp_path_factory.mktemp("jupyter-home"),
        # the kernel is the `python` the kernelspec finds: this venv's, with nb_feedback in it
        {"PATH": venv_bin + os.pathsep + os.environ.get("PATH", "")},
    ) as jp:
        yield jp


@contextlib.contextmanager
def running_jupyter(root: Path, home: Path, env_extra: dict[str, str]) -> Iterator[Jupyter]:
    """Run ``jupyter lab`` (this venv's) serving ``root``; ``env_extra`` sets PATH and the like."""
    (home / "config").mkdir()
    (home / "config" / "jupyter_server_config.json").write_text(json.dumps(SERVER_CONFIG))
    pkg, fname, settings = NOTIFICATION_SETTINGS
    (home / "lab-settings" / pkg).mkdir(parents=True)
    (home / "lab-settings" / pkg / fname).write_text(json.dumps(settings))
    port, token = _free_port(), secrets.token_hex(16)
    env = {
        **os.environ,
        **env_extra,
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_DATA_DIR": str(home / "data"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "lab-settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "lab-workspaces"),
        "JUPYTER_PLATFORM_DIRS": "1",
        "TQDM_DISABLE": "1",
    }
    log = (home / "server.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "jupyter", "lab", "--no-browser",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0", f"--ServerApp.root_dir={root}",
            f"--IdentityProvider.token={token}",
            "--allow-root",
        ],
        cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    jp = Jupyter(root, port, token, proc)
    deadline = time.monotonic() + 60
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"jupyter exited early, see {home / 'server.log'}")
        try:
            jp.api("/api/status")
            break
        except OSError:
            if time.monotonic() > deadline:
                proc.kill()
                raise
            time.sleep(0.25)
    try:
        yield jp
    finally:
        try:
            jp.api("/api/shutdown", method="POST")  # also stops the kernels
            proc.wait(timeout=30)
        except Exception:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        log.close()
        if os.environ.get("E2E_SHOW_SERVER_LOG"):
            print((home / "server.log").read_text())


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    # Never `playwright install`: its download fails here. Use Debian's build.
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1000}}


# ------------------------------------------------------------------ notebooks and datasets
PLAIN_RECORDS = [
    "Write a haiku about the sea.",
    "Explain recursion to a child.",
    "Name three prime numbers.",
]
HOSTILE_PROMPTS = {
    "script": "<script>window.__pwned=1</script>",
    "img": '<img src=x onerror="window.__pwned=1">',
    "link": "[click](javascript:window.__pwned=1)",
}
HOSTILE_MARKDOWN = {
    "script": "Look: <script>window.__pwned=1</script> **bold**",
    "img": 'An image <img src=x onerror="window.__pwned=1"> and <b>raw bold</b>',
    "link": '[click](javascript:window.__pwned=1) and <a href="javascript:window.__pwned=1" '
    'onclick="window.__pwned=1">raw link</a> <svg onload="window.__pwned=1"></svg>',
}


def records_source() -> str:
    """Python literal of the six records: three plain, then three hostile ones."""
    recs = [{"prompt": p, "context": f"*context {i + 1}*"} for i, p in enumerate(PLAIN_RECORDS)]
    recs += [
        {"prompt": HOSTILE_PROMPTS[k], "context": HOSTILE_MARKDOWN[k]} for k in HOSTILE_PROMPTS
    ]
    return repr(recs)


def dataset_cell(folder: str | None, *, show: str = "w") -> str:
    """Cell 1: build the dataset (saved to ``folder`` unless None) and show its widget."""
    save = f"ds.save({folder!r})\n" if folder else ""
    return textwrap.dedent(
        """\
        import nb_feedback as rg
        ds = rg.FeedbackDataset(
            fields=[rg.TextField(name="prompt", title="Prompt"),
                    rg.TextField(name="context", title="Context", use_markdown=True)],
            questions=[rg.TextQuestion(name="answer", title="Answer")],
            guidelines="Guidelines: [evil](javascript:window.__pwned=1) <img src=x onerror=\\"window.__pwned=1\\">",
        )
        ds.add_records({records})
        {save}w = ds.annotate(user="e2e")
        {show}"""
    ).format(records=records_source(), save=save, show=show)


def mixed_form_cell(name: str, records: str, show: str) -> str:
    """A cell that makes dataset ``name`` with the whole keyboard form (a text, a rating and a
    label question) and ``records`` (a Python expression), saved next to ``ds``'s folder as
    ``<folder>_<name>``, then runs ``show`` (the lines that open its widget)."""
    return (
        textwrap.dedent(
            """\
            import pathlib
            {name} = rg.FeedbackDataset(
                fields=[rg.TextField(name="prompt", title="Prompt")],
                questions=[
                    rg.TextQuestion(name="answer", title="Answer"),
                    rg.RatingQuestion(name="quality", title="Quality", values=[1, 2, 3, 4, 5],
                                      required=False),
                    rg.LabelQuestion(name="topic", title="Topic", labels=["math", "code", "other"],
                                     required=False),
                ],
            )
            {name}.add_records({records})
            {name}.save(str(ds.folder) + "_{name}")
            """
        ).format(name=name, records=records)
        + show
    )


def answer_box(root: Locator) -> Locator:
    """The "Answer" text question's box in the widget ``root``."""
    return root.get_by_role("textbox", name="Answer", exact=True)


def fill_mixed_form(page: Page, root: Locator, text: str, rating: str, label: str) -> None:
    """Answer ``mixed_form_cell``'s form by keys alone: the text, Tab, a digit, Tab, a digit."""
    answer_box(root).click()
    page.keyboard.type(text)
    for key in ("Tab", rating, "Tab", label):
        page.keyboard.press(key)


def write_notebook(root: Path, name: str, cells: list[str]) -> Path:
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": None,
                "id": f"cell-{i}",
                "metadata": {},
                "outputs": [],
                "source": src,
            }
            for i, src in enumerate(cells)
        ],
        "metadata": {
            # without it both UIs ask for a kernel and start none
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = root / name
    path.write_text(json.dumps(nb, indent=1))
    return path


@dataclass
class Opened:
    """A notebook open in the browser with its widget(s) rendered."""

    page: Page
    ui: str
    panel: Locator  # the visible notebook panel
    folder: Path | None  # the dataset's folder, None for an in-memory dataset
    timings: dict[str, float]

    def root(self, n: int = 0) -> Locator:
        return self.panel.get_by_test_id("nbf-root").nth(n)

    def cells(self) -> list[dict[str, str]]:
        return list(self.page.evaluate(CELLS_JS))

    def run_cell(self, index: int) -> Locator:
        """Run one cell in place (Ctrl+Enter in its editor) and return its output area."""
        cell = self.panel.locator(".jp-Cell").nth(index)
        cell.locator(".jp-InputArea-editor").click()
        self.page.keyboard.press("Control+Enter")
        return cell.locator(".jp-OutputArea-output")

    def save_notebook(self) -> None:
        dirty = self.page.evaluate(SAVE_NOTEBOOK_JS)
        assert dirty is False, "the notebook is still dirty after saving"

    def wait_ready(self, n_widgets: int) -> None:
        """Wait for an idle kernel, then for ``n_widgets`` widgets to show."""
        self.page.wait_for_function(KERNEL_IDLE_JS, timeout=TIMEOUT_MS)
        for i in range(n_widgets):
            expect(self.root(i).get_by_test_id("nbf-position")).to_have_text(
                "Record 1 of 6", timeout=TIMEOUT_MS
            )


def run_all_cells(page: Page) -> None:
    """Run > Run All Cells through the menu bar (the same in Lab 4 and Notebook 7)."""
    page.locator(".lm-MenuBar-item", has_text="Run").first.click()
    page.locator(".lm-Menu-item", has_text="Run All Cells").first.click()


@pytest.fixture
def open_notebook(jupyter: Jupyter, page: Page, request: pytest.FixtureRequest):
    """Write a notebook for this test, open it in ``ui``, Run All, wait for the widgets.

    ``cells`` are appended after the dataset cell; ``saved=False`` keeps the dataset in memory.
    """
    page.set_default_timeout(20_000)
    t_start = time.monotonic()
    timings: dict[str, float] = {}
    if os.environ.get("E2E_SHOW_CONSOLE"):
        page.on("console", lambda m: print(f"[console.{m.type}] {m.text}"))

    def _open(
        ui: str,
        *,
        cells: tuple[str, ...] = (),
        saved: bool = True,
        show: str = "w",
        n_widgets: int = 1,
    ) -> Opened:
        stem = request.node.name.replace("[", "_").replace("]", "").replace("-", "_")
        folder_name = f"{stem}_data" if saved else None
        name = f"{stem}.ipynb"
        write_notebook(jupyter.root, name, [dataset_cell(folder_name, show=show), *cells])
        t0 = time.monotonic()
        # start the kernel now, so it boots while the page loads; the UI joins this session
        jupyter.start_session(name)
        page.goto(jupyter.url(ui, name))
        page.wait_for_function(KERNEL_IDLE_JS, timeout=TIMEOUT_MS)
        t_kernel = time.monotonic()
        run_all_cells(page)
        opened = Opened(
            page=page,
            ui=ui,
            panel=page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)"),
            folder=(jupyter.root / folder_name) if folder_name else None,
            timings=timings,
        )
        timings["kernel idle"] = t_kernel - t0
        opened.wait_ready(n_widgets)
        timings["widget shown"] = time.monotonic() - t_kernel
        return opened

    yield _open
    t_end = time.monotonic()
    jupyter.shutdown_sessions()
    if os.environ.get("E2E_SHOW_TIMINGS"):
        steps = ", ".join(f"{k} {v:.1f}s" for k, v in timings.items())
        print(f"\n[{request.node.name}] {steps}, test total {t_end - t_start:.1f}s")


def load(folder: Path | None):
    """The saved dataset as a fresh process would see it."""
    import nb_feedback

    assert folder is not None
    return nb_feedback.FeedbackDataset.from_disk(folder, show_progress=False)


def answers(folder: Path | None, user: str = "e2e") -> dict[int, tuple[str, dict[str, Any]]]:
    """``{record position: (status, values)}`` for ``user``, read back from disk."""
    ds = load(folder)
    out: dict[int, tuple[str, dict[str, Any]]] = {}
    for i, rec in enumerate(ds):
        for r in rec.responses:
            if r.user == user:
                out[i] = (r.status, dict(r.plain_values()))
    return out
