"""Real worker processes: one sync per client across workers, SIGKILL, DB and RQ backends."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from automation.processes import REDIS_TEST_URL, Processes, finish, private_database

pytestmark = [pytest.mark.db, pytest.mark.slow]


@pytest.fixture
def db_backend(tmp_path: Path) -> Iterator[Processes]:
    with private_database(tmp_path, backend="db") as processes:
        yield processes


@pytest.fixture
def rq_backend(tmp_path: Path) -> Iterator[Processes]:
    connection = redis.Redis.from_url(REDIS_TEST_URL)
    try:
        connection.ping()
    except redis.ConnectionError:
        if os.environ.get("CI") == "true":
            pytest.fail("Redis is not running on 127.0.0.1:6379")
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    # Database 11 belongs to these tests; start from an empty queue.
    connection.flushdb()
    with private_database(tmp_path, backend="rq") as processes:
        yield processes
    connection.flushdb()


def _two_workers_one_client(processes: Processes) -> None:
    client_id = processes.helper("seed")["client_id"]
    task_ids = processes.helper("enqueue", str(client_id), "2")
    workers = [
        processes.bokslut("worker", "--max-tasks", "1", "--interval", "0.1", "--worker-id", name)
        for name in ("worker-a", "worker-b")
    ]
    for worker in workers:
        finish(worker)
    starts = [line for line in processes.log_lines() if line.startswith("start")]
    assert len(starts) == 1, processes.log_lines()
    results = processes.helper("results", *task_ids)
    assert sorted(result["status"] for result in results) == ["SUCCESSFUL", "SUCCESSFUL"]
    assert sorted(result["value"]["status"] for result in results) == ["done", "skipped"]
    assert processes.helper("lease", str(client_id))["lease"] is None


def test_two_database_workers_given_the_same_client_run_one_sync(db_backend: Processes) -> None:
    db_backend.env["AUTOMATION_STUB_SECONDS"] = "6"
    _two_workers_one_client(db_backend)


def test_two_rq_workers_given_the_same_client_run_one_sync(rq_backend: Processes) -> None:
    rq_backend.env["AUTOMATION_STUB_SECONDS"] = "6"
    _two_workers_one_client(rq_backend)


def test_a_sigkilled_worker_blocks_its_client_only_until_the_lease_expires(
    db_backend: Processes,
) -> None:
    client_id = db_backend.helper("seed")["client_id"]
    db_backend.helper("enqueue", str(client_id), "1")
    victim = db_backend.bokslut(
        "worker", "--max-tasks", "1", "--interval", "0.1", AUTOMATION_STUB_SECONDS="600"
    )
    db_backend.wait_for_log("start")
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    lease = db_backend.helper("lease", str(client_id))
    assert f":{victim.pid}:" in lease["lease"]["holder"]

    # The dead worker's heartbeat has stopped: its lease runs out (2 s in stub settings).
    for _ in range(600):
        if db_backend.helper("lease", str(client_id))["expired"]:
            break
    else:
        pytest.fail("the killed worker's lease never expired")

    (task_id,) = db_backend.helper("enqueue", str(client_id), "1")
    finish(
        db_backend.bokslut(
            "worker", "--max-tasks", "1", "--interval", "0.1", AUTOMATION_STUB_SECONDS="0.2"
        )
    )
    (result,) = db_backend.helper("results", task_id)
    assert result["value"]["status"] == "done"
    lines = db_backend.log_lines()
    assert [line.split()[0] for line in lines] == ["start", "start", "end"]
    assert db_backend.helper("lease", str(client_id))["lease"] is None
