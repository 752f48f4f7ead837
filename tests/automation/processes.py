"""Worker processes against a private database: SQLite file or a fresh PostgreSQL database.

The suite's own test database is invisible to other processes (in-memory SQLite, or a
transaction), so process tests migrate a database of their own, on the same engine the
suite runs on, and drive it only through subprocesses.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings

REPO = Path(__file__).resolve().parents[2]
TESTS = REPO / "tests"
BOKSLUT = REPO / ".venv" / "bin" / "bokslut"
#: A Redis database the RQ tests own and flush; ``BOKSLUT_TEST_REDIS_URL`` moves them to
#: another one, so two test runs on one machine keep out of each other's queues.
REDIS_TEST_URL = os.environ.get("BOKSLUT_TEST_REDIS_URL", "redis://127.0.0.1:6379/11")


class Processes:
    """Runs ``bokslut`` commands and ``automation.proc`` helpers with one environment."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env = env
        self.log = log
        self.started: list[subprocess.Popen[bytes]] = []

    def bokslut(self, *args: str, **env: str) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [str(BOKSLUT), *args],
            env={**self.env, **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        self.started.append(process)
        return process

    def helper(self, *args: str) -> Any:
        done = subprocess.run(
            [sys.executable, "-m", "automation.proc", *args],
            env=self.env,
            capture_output=True,
            check=False,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr.decode()
        return json.loads(done.stdout.decode().strip().splitlines()[-1])

    def log_lines(self) -> list[str]:
        return self.log.read_text().splitlines() if self.log.exists() else []

    def wait_for_log(self, prefix: str, count: int = 1, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if sum(line.startswith(prefix) for line in self.log_lines()) >= count:
                return
            time.sleep(0.05)
        raise AssertionError(f"no {prefix!r} in the stub log: {self.log_lines()}")

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                process.wait()


def finish(process: subprocess.Popen[bytes], timeout: float = 120) -> str:
    """Wait for a process to exit on its own; its output, asserting success."""
    output, _ = process.communicate(timeout=timeout)
    text = output.decode(errors="replace")
    assert process.returncode == 0, text
    return text


def _postgres_url(name: str) -> str:
    db = settings.DATABASES["default"]
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{name}"


@contextmanager
def private_database(tmp: Path, *, backend: str = "db") -> Iterator[Processes]:
    """A migrated database for subprocesses, on the engine the suite runs on."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("BOKSLUT_", "DJANGO_", "PYTEST_"))
    }
    env.update(
        PYTHONPATH=os.pathsep.join([str(TESTS), str(REPO / "src")]),
        DJANGO_SETTINGS_MODULE="automation.stub_settings",
        BOKSLUT_DATA_DIR=str(tmp),
        BOKSLUT_TASKS_BACKEND=backend,
        BOKSLUT_REDIS_URL=REDIS_TEST_URL,
        AUTOMATION_STUB_LOG=str(tmp / "stub.log"),
    )
    pg_name = None
    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        import psycopg

        pg_name = f"automation_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(_postgres_url("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{pg_name}"')
        env["BOKSLUT_DATABASE_URL"] = _postgres_url(pg_name)
    processes = Processes(env, tmp / "stub.log")
    try:
        finish(processes.bokslut("migrate", "-v", "0"), timeout=300)
        yield processes
    finally:
        processes.stop_all()
        if pg_name is not None:
            import psycopg

            with psycopg.connect(_postgres_url("postgres"), autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
