"""Real Jupyter kernels for the robustness tests: start, run code without waiting, read output."""

from __future__ import annotations

import os
import queue
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jupyter_client.blocking.client import BlockingKernelClient
from jupyter_client.manager import KernelManager

SRC = Path(__file__).resolve().parents[2] / "src"


@dataclass
class Output:
    """What one execute request printed, and the error it raised if any."""

    stdout: str = ""
    stderr: str = ""
    error: dict[str, Any] | None = None
    done: bool = False  # the kernel went idle after this request

    @property
    def error_text(self) -> str:
        if self.error is None:
            return ""
        return f"{self.error['ename']}: {self.error['evalue']}"


@dataclass
class Kernel:
    """One python3 kernel of this venv, with a client on its channels."""

    km: KernelManager
    kc: BlockingKernelClient
    outputs: dict[str, Output] = field(default_factory=dict)

    @classmethod
    def start(cls, cwd: Path) -> Kernel:
        # kernel_name "python3" is this venv's kernelspec; its argv[0] "python" is replaced by
        # sys.executable by jupyter_client, and the test checks that below
        km = KernelManager(kernel_name="python3")
        env = {**os.environ, "PYTHONPATH": str(SRC), "PYTHONUNBUFFERED": "1"}
        km.start_kernel(cwd=str(cwd), env=env)
        kc = km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=60)
        except RuntimeError:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
            raise
        return cls(km, kc)

    @property
    def pid(self) -> int:
        pid = self.km.provisioner.pid if self.km.provisioner is not None else None
        assert isinstance(pid, int), "the installed jupyter_client exposes no kernel pid"
        return pid

    def execute(self, code: str) -> str:
        """Send ``code`` and return at once with the request's id."""
        msg_id = self.kc.execute(code, store_history=False)
        self.outputs[msg_id] = Output()
        return msg_id

    def pump(self, timeout: float = 0.05) -> bool:
        """Read iopub messages for up to ``timeout`` s; return whether any arrived."""
        got = False
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            try:
                msg = self.kc.get_iopub_msg(timeout=max(left, 0.001))
            except queue.Empty:
                return got
            got = True
            out = self.outputs.get(msg["parent_header"].get("msg_id", ""))
            if out is None:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream":
                if content["name"] == "stdout":
                    out.stdout += content["text"]
                else:
                    out.stderr += content["text"]
            elif kind == "error":
                out.error = content
            elif kind == "status" and content["execution_state"] == "idle":
                out.done = True

    def wait(self, msg_id: str, *, until: Any = None, timeout: float = 60) -> Output:
        """Pump until request ``msg_id`` is done (or ``until(output)`` holds); return its output."""
        out = self.outputs[msg_id]
        deadline = time.monotonic() + timeout
        while not (out.done or (until is not None and until(out))):
            if time.monotonic() > deadline:
                raise AssertionError(f"kernel gave no answer in {timeout} s: {out}")
            self.pump(0.2)
        return out

    def run(self, code: str, timeout: float = 60) -> Output:
        """Run ``code`` and wait for it; fail the test if it raised."""
        out = self.wait(self.execute(code), timeout=timeout)
        assert out.error is None, out.error_text + "\n" + "\n".join(out.error["traceback"])
        return out

    def sigkill(self) -> None:
        """Kill the kernel process at once, with no chance to clean up."""
        pid = self.pid
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while self.km.is_alive():
            if time.monotonic() > deadline:
                raise AssertionError(f"kernel {pid} still alive after SIGKILL")
            time.sleep(0.05)

    def stop(self) -> None:
        """Shut the kernel down (a no-op on a dead one) and close the client."""
        self.kc.stop_channels()
        if self.km.has_kernel:
            self.km.shutdown_kernel(now=True)


def check_interpreter(kernel: Kernel) -> None:
    """The kernel runs this venv's python, with this checkout's nb_feedback."""
    out = kernel.run("import sys, nb_feedback; print(sys.executable); print(nb_feedback.__file__)")
    executable, module = out.stdout.splitlines()
    assert os.path.realpath(executable) == os.path.realpath(sys.executable)
    assert Path(module).resolve().is_relative_to(SRC)
