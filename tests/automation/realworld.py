"""Real worker processes running the REAL sync engine against a sandbox over HTTP.

The sandbox serves in a thread of the test process; the workers, on a private database
(:func:`automation.processes.private_database`), reach it through the Fortnox URLs in
their environment and connect with a service account. Everything the test learns about
the database it learns through subprocesses (``automation.proc``, ``automation.realproc``)
or, to catch a worker inside its write transaction, by looking at the database engine's
own bookkeeping: SQLite's write lock, PostgreSQL's ``pg_locks``.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx

from automation.canonical import through_json
from automation.processes import TESTS, Processes, private_database
from bokslut.sandbox import Company, RunningSandbox, run_in_thread

SYNC_TESTS = TESTS / "sync"
if str(SYNC_TESTS) not in sys.path:
    # The sync tests' ledger_compare is the one definition of "our ledger equals Fortnox's".
    sys.path.append(str(SYNC_TESTS))


@dataclass
class RealWorld:
    """A sandbox, its one company, and worker processes on a private database."""

    processes: Processes
    running: RunningSandbox
    company: Company
    tmp: Path

    @property
    def tenant(self) -> int:
        return self.company.database_number

    # -- the sandbox ---------------------------------------------------------------------

    def control(self, method: str, path: str, body: object = None) -> Any:
        """Call the sandbox's control API."""
        answer = httpx.request(method, self.running.control_url + path, json=body, timeout=30)
        answer.raise_for_status()
        return answer.json()

    def slow_answers(self, milliseconds: int | None) -> None:
        """Make every Fortnox answer take ``milliseconds`` (``None``: answer at once).

        Set on the in-process sandbox directly: ``PATCH /control/faults`` applies
        ``latency_ms`` but then fails to render its answer (a float in the reply).
        """
        span = None if milliseconds is None else [Decimal(milliseconds), Decimal(milliseconds)]
        self.running.sandbox.faults.update({"latency_ms": span})

    def book_vouchers(self, count: int, day: str = "2025-11-03") -> list[int]:
        """Book ``count`` new vouchers in series A of the sandbox company; their numbers."""
        numbers = []
        for index in range(count):
            amount = f"{100 + index}.25"
            body = {
                "Voucher": {
                    "VoucherSeries": "A",
                    "TransactionDate": day,
                    "Description": f"Kontorsmaterial {index}",
                    "VoucherRows": [
                        {"Account": 6110, "Debit": amount, "Credit": 0},
                        {"Account": 1930, "Debit": 0, "Credit": amount},
                    ],
                }
            }
            made = self.control("POST", f"companies/{self.tenant}/vouchers", body)["Voucher"]
            numbers.append(int(made["VoucherNumber"]))
        return numbers

    def sandbox_ledger(self) -> dict[str, Any]:
        """What the sandbox holds, in the canonical form of ``realproc ledger``."""
        from ledger_compare import sandbox_ledger, sandbox_registers

        with self.company.lock:
            return {
                "ledger": through_json(sandbox_ledger(self.company)),
                "registers": through_json(sandbox_registers(self.company)),
            }

    def sie_downloads(self) -> int:
        """How many SIE exports the sandbox has answered so far."""
        by_endpoint = self.running.sandbox.stats.snapshot()["by_endpoint"]
        assert isinstance(by_endpoint, dict)
        return sum(int(str(n)) for name, n in by_endpoint.items() if "sie" in name.lower())

    # -- the private database ------------------------------------------------------------

    def realproc(self, *args: str) -> Any:
        """Run an ``automation.realproc`` command; its JSON answer."""
        done = subprocess.run(
            [sys.executable, "-m", "automation.realproc", *args],
            env=self.processes.env,
            capture_output=True,
            check=False,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr.decode()
        return json.loads(done.stdout.decode().strip().splitlines()[-1])

    def connect_client(self) -> int:
        """A client of the sandbox company, connected with a service account; its id."""
        answer = self.realproc(
            "connect", str(self.tenant), self.company.organization_number, self.company.name
        )
        assert answer["status"] == "aktiv", answer
        return int(answer["client_id"])

    def ledger(self, client_id: int) -> dict[str, Any]:
        """``realproc ledger``: the canonical ledger, registers, counts and duplicates."""
        answer: dict[str, Any] = self.realproc("ledger", str(client_id))
        return answer

    def runs(self, client_id: int) -> list[dict[str, Any]]:
        """The client's SyncRuns, oldest first."""
        answer: list[dict[str, Any]] = self.realproc("runs", str(client_id))
        return answer

    def worker(self, *args: str, **env: str) -> subprocess.Popen[bytes]:
        """A ``bokslut worker`` that takes one task."""
        return self.processes.bokslut(
            "worker", "--max-tasks", "1", "--interval", "0.1", *args, **env
        )

    def kill_mid_write(
        self, victim: subprocess.Popen[bytes], client_id: int, *, vouchers_before: int
    ) -> None:
        """SIGKILL ``victim`` inside the transaction that writes the client's year.

        Call once the year's SIE export has been served. The worker is frozen (SIGSTOP)
        when it looks to be writing, so the proof and the kill see the same moment: it
        still holds its open write transaction, and the client still has
        ``vouchers_before`` vouchers committed (the year's new ones are not). Otherwise
        it is thawed and watched again.
        """
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if victim.poll() is not None:
                output = victim.stdout.read().decode(errors="replace") if victim.stdout else ""
                raise AssertionError(f"the worker finished before the kill: {output[-3000:]}")
            if self._writing(settle=0.1):
                victim.send_signal(signal.SIGSTOP)
                if self._writing(settle=0) and self.vouchers(client_id) == vouchers_before:
                    victim.send_signal(signal.SIGKILL)
                    victim.wait()
                    return
                victim.send_signal(signal.SIGCONT)
            time.sleep(0.01)
        raise AssertionError("the worker never got inside its year transaction")

    def _writing(self, *, settle: float) -> bool:
        """Whether a worker holds an open transaction that writes the ledger.

        PostgreSQL names it: a backend of the database holds a write lock on the voucher
        tables, which only the year's write takes. SQLite has one write lock for the
        whole file; it must stay taken ``settle`` seconds, since a lease heartbeat or an
        archived payload holds it only for milliseconds.
        """
        url = self.processes.env.get("BOKSLUT_DATABASE_URL")
        if url:
            return _postgres_writing_vouchers(url)
        path = self.tmp / "bokslut.sqlite3"
        if not _sqlite_write_locked(path):
            return False
        if settle:
            time.sleep(settle)
            return _sqlite_write_locked(path)
        return True

    def vouchers(self, client_id: int) -> int:
        """How many vouchers of the client are committed."""
        count: int = self.realproc("vouchers", str(client_id))
        return count


def _sqlite_write_locked(path: Path) -> bool:
    connection = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        if "locked" in str(error) or "busy" in str(error):
            return True
        raise
    else:
        connection.execute("ROLLBACK")
        return False
    finally:
        connection.close()


def _postgres_writing_vouchers(url: str) -> bool:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url, autocommit=True) as connection:
        row = connection.execute(
            "SELECT count(*) FROM pg_locks l"
            " JOIN pg_class c ON c.oid = l.relation"
            " JOIN pg_stat_activity a ON a.pid = l.pid"
            " WHERE a.datname = %s AND a.pid <> pg_backend_pid()"
            " AND c.relname IN ('ledger_voucher', 'ledger_voucherrow')"
            " AND l.mode = 'RowExclusiveLock' AND l.granted",
            (name,),
        ).fetchone()
    return bool(row and row[0])


@contextmanager
def real_world(tmp: Path, company: Company, *, lease_seconds: int) -> Iterator[RealWorld]:
    """A sandbox serving ``company`` and a migrated private database for real workers."""
    running = run_in_thread([company])
    try:
        with private_database(tmp, backend="db") as processes:
            processes.env.update(
                # The real settings: the real engine, not the stub of the lease tests.
                DJANGO_SETTINGS_MODULE="bokslut.settings",
                PYTHONPATH=os.pathsep.join([processes.env["PYTHONPATH"], str(SYNC_TESTS)]),
                BOKSLUT_FORTNOX_API_URL=running.api_url,
                BOKSLUT_FORTNOX_OAUTH_URL=running.oauth_url,
                BOKSLUT_SYNC_LEASE_SECONDS=str(lease_seconds),
            )
            yield RealWorld(processes, running, company, tmp)
    finally:
        running.stop()


def wait_until(condition: Any, *, what: str, timeout: float = 300, every: float = 0.05) -> None:
    """Poll ``condition()`` until it is true; fail naming ``what`` if it never is."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what}")
