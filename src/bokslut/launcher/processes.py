"""Child processes of the demo: start them, wait until they answer, stop them all together.

Plain Python (no Django), so the supervision logic can be tested with any commands.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import IO

import httpx

__all__ = ["Child", "ChildExited", "Supervisor", "bokslut_command", "http_answers"]

#: How long a child may take to exit after SIGTERM before it is killed.
STOP_GRACE_SECONDS = 10.0


class ChildExited(RuntimeError):
    """A child process stopped although nobody asked it to."""


def bokslut_command(*args: str) -> list[str]:
    """The argv running ``bokslut ARGS`` with this interpreter (no console script needed)."""
    return [sys.executable, "-m", "bokslut.cli", *args]


def http_answers(url: str) -> Callable[[], bool]:
    """A readiness probe: true once ``url`` gives any HTTP answer below 500."""

    def probe() -> bool:
        try:
            return httpx.get(url, timeout=2.0).status_code < 500
        except httpx.HTTPError:
            return False

    return probe


@dataclass
class Child:
    """One long-running child: its name (Swedish, for people), argv and readiness probe."""

    name: str
    argv: Sequence[str]
    ready: Callable[[], bool] | None = None
    log_path: Path | None = None
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    _log: IO[bytes] | None = field(default=None, repr=False)

    @property
    def pid(self) -> int | None:
        """The child's process id once started."""
        return self.process.pid if self.process is not None else None

    def log_tail(self, lines: int = 20) -> str:
        """The last lines the child wrote (for a message when it died)."""
        if self.log_path is None or not self.log_path.exists():
            return ""
        text = self.log_path.read_text("utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])


class Supervisor:
    """Runs children until one of them dies or a stop is requested (SIGINT, SIGTERM)."""

    def __init__(self, children: Sequence[Child], *, env: Mapping[str, str]) -> None:
        self.children = list(children)
        self.env = dict(env)
        self.stop_requested = threading.Event()

    def start(self) -> None:
        """Start every child, in order, writing each one's output to its log file."""
        for child in self.children:
            output: IO[bytes] | int = subprocess.DEVNULL
            if child.log_path is not None:
                child.log_path.parent.mkdir(parents=True, exist_ok=True)
                child._log = child.log_path.open("ab")
                output = child._log
            child.process = subprocess.Popen(  # noqa: S603 - argv built by us, no shell
                list(child.argv),
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent if sys.platform == "linux" else None,
            )

    def wait_ready(self, *, timeout: float = 90.0, poll: float = 0.2) -> None:
        """Return once every child's probe answers; raise if one dies or time runs out."""
        deadline = time.monotonic() + timeout
        pending = [c for c in self.children if c.ready is not None]
        while pending:
            self.check_alive()
            if self.stop_requested.is_set():
                return
            pending = [c for c in pending if c.ready is not None and not c.ready()]
            if pending and time.monotonic() > deadline:
                names = ", ".join(c.name for c in pending)
                raise TimeoutError(f"svarar inte efter {timeout:.0f} s: {names}")
            if pending:
                self.stop_requested.wait(poll)

    def check_alive(self) -> None:
        """Raise :class:`ChildExited` if any child has stopped."""
        for child in self.children:
            if child.process is not None and child.process.poll() is not None:
                raise ChildExited(
                    f"{child.name} avslutades oväntat (kod {child.process.returncode})"
                    + (f":\n{child.log_tail()}" if child.log_tail() else "")
                )

    def run_until_stopped(self, *, poll: float = 0.5) -> None:
        """Block until a stop is requested or a child dies (then raise :class:`ChildExited`)."""
        while not self.stop_requested.wait(poll):
            self.check_alive()

    def request_stop(self, signum: int | None = None, frame: FrameType | None = None) -> None:
        """Signal handler: ask the main loop to stop (safe to call more than once)."""
        self.stop_requested.set()

    def install_signal_handlers(self) -> None:
        """Ctrl-C and SIGTERM stop every child instead of killing only this process."""
        signal.signal(signal.SIGINT, self.request_stop)
        signal.signal(signal.SIGTERM, self.request_stop)

    def stop(self, *, grace: float = STOP_GRACE_SECONDS) -> None:
        """Terminate the children, last started first; kill any that outlive ``grace``."""
        running = [c for c in reversed(self.children) if c.process is not None]
        for child in running:
            assert child.process is not None
            if child.process.poll() is None:
                child.process.terminate()
        for child in running:
            assert child.process is not None
            try:
                child.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                child.process.kill()
                child.process.wait()
            if child._log is not None:
                child._log.close()


def _die_with_parent() -> None:
    # Runs in the child before exec: if the demo itself is killed outright (SIGKILL, OOM),
    # the kernel sends the child SIGTERM instead of leaving it holding the ports.
    import ctypes

    pr_set_pdeathsig = 1
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(pr_set_pdeathsig, signal.SIGTERM, 0, 0, 0)


def child_env(overrides: Mapping[str, str]) -> dict[str, str]:
    """This process's environment with ``overrides`` (what every child runs with)."""
    return {**os.environ, **overrides}
