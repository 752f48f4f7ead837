"""The app as production runs it: ``bokslut serve`` and ``bokslut worker`` as processes.

pytest-django's live server cannot host a sync the way production does: on SQLite its test
database is in memory, invisible to a worker process, and a worker thread sharing that
connection would interleave its transactions with the server's. So the browser tests that
must watch a sync *in progress* run the web server (Waitress) and a database-queue worker
as subprocesses on a private database of the suite's engine
(:func:`automation.processes.private_database`: a SQLite file, or a fresh PostgreSQL
database), exactly the embedded install's two processes. The Fortnox sandbox still runs
in a thread of the test process, so a test can slow its answers directly.
"""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import httpx

from automation.processes import Processes, finish, private_database
from bokslut.sandbox import RunningSandbox
from web.conftest import PASSWORD

#: Seeds the firm and its admin the browser signs in as, inside the served database.
SEED_MEMBER = f"""
from django.contrib.auth.models import User
from bokslut.firms.models import Firm, Membership
firm = Firm.objects.create(name="Lindqvist Redovisning")
user = User.objects.create_user("anna", password={PASSWORD!r})
Membership.objects.create(user=user, firm=firm, role=Membership.Role.ADMIN)
"""


@dataclass
class Production:
    """A served app and a running worker on one private database, talking to the sandbox."""

    url: str
    processes: Processes
    server: subprocess.Popen[bytes]
    worker: subprocess.Popen[bytes]

    def shell(self, code: str) -> str:
        """Run ``code`` in ``bokslut shell`` against the served database; its output."""
        return finish(self.processes.bokslut("shell", "-c", code), timeout=120)


def slow_answers(sandbox: RunningSandbox, milliseconds: int | None) -> None:
    """Make every Fortnox API answer take ``milliseconds`` (``None``: answer at once).

    Set on the in-process sandbox directly, as tests/automation/realworld.py does.
    """
    span = None if milliseconds is None else [Decimal(milliseconds), Decimal(milliseconds)]
    sandbox.sandbox.faults.update({"latency_ms": span})


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_until_serving(url: str, server: subprocess.Popen[bytes]) -> None:
    # Waitress starts after migrate --check and collectstatic; poll until it answers.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            output = server.stdout.read().decode(errors="replace") if server.stdout else ""
            raise AssertionError(f"bokslut serve exited: {output[-3000:]}")
        try:
            httpx.get(url, timeout=2)
        except httpx.TransportError:
            time.sleep(0.1)
        else:
            return
    raise AssertionError(f"bokslut serve never answered on {url}")


@contextmanager
def production(tmp: Path, sandbox: RunningSandbox) -> Iterator[Production]:
    """``bokslut serve`` and ``bokslut worker`` on a migrated private database, seeded."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    with private_database(tmp, backend="db") as processes:
        env = processes.env
        # The real settings and engine (not the lease tests' stub), the embedded install:
        # database queue, no Redis, token keys derived from the secret key.
        env.pop("BOKSLUT_REDIS_URL", None)
        env.update(
            DJANGO_SETTINGS_MODULE="bokslut.settings",
            BOKSLUT_FORTNOX_API_URL=sandbox.api_url,
            BOKSLUT_FORTNOX_OAUTH_URL=sandbox.oauth_url,
            BOKSLUT_FORTNOX_REDIRECT_URI=f"{url}/integrations/fortnox/callback",
            BOKSLUT_ALLOWED_HOSTS="127.0.0.1",
        )
        finish(processes.bokslut("shell", "-c", SEED_MEMBER), timeout=120)
        server = processes.bokslut("serve", "--host", "127.0.0.1", "--port", str(port))
        _wait_until_serving(url, server)
        worker = processes.bokslut("worker", "--interval", "0.2")
        try:
            yield Production(url, processes, server, worker)
        finally:
            if worker.poll() is not None:
                output = worker.stdout.read().decode(errors="replace") if worker.stdout else ""
                raise AssertionError(f"the worker died: {output[-3000:]}")


__all__ = ["Production", "production", "slow_answers"]
