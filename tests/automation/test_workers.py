"""Real worker processes: one sync per client across workers, SIGKILL, DB and RQ backends.

A SIGKILLed worker blocks its client until its lease expires; its task row is then failed.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from automation.processes import Processes, finish, private_database
from bokslut.automation.workers import WORKER_GONE_TEXT

pytestmark = [pytest.mark.db, pytest.mark.slow]


@pytest.fixture
def db_backend(tmp_path: Path) -> Iterator[Processes]:
    with private_database(tmp_path, backend="db") as processes:
        yield processes


@pytest.fixture
def rq_backend(tmp_path: Path, test_redis: redis.Redis) -> Iterator[Processes]:
    with private_database(tmp_path, backend="rq") as processes:
        yield processes


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
    """…and the next worker marks the killed worker's task failed instead of running."""
    client_id = db_backend.helper("seed")["client_id"]
    (doomed,) = db_backend.helper("enqueue", str(client_id), "1")
    victim = db_backend.bokslut(
        "worker", "--max-tasks", "1", "--interval", "0.1", AUTOMATION_STUB_SECONDS="600"
    )
    db_backend.wait_for_log("start")
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    lease = db_backend.helper("lease", str(client_id))
    assert f":{victim.pid}:" in lease["lease"]["holder"]
    (victim_id,) = db_backend.helper("heartbeats")
    assert f":{victim.pid}:" in victim_id
    assert db_backend.helper("results", doomed)[0]["status"] == "RUNNING"

    # The dead worker's heartbeats have stopped: its lease and its worker heartbeat run out
    # (2 s in stub settings).
    for _ in range(600):
        expired = db_backend.helper("lease", str(client_id))["expired"]
        if expired and db_backend.helper("heartbeats")[victim_id]:
            break
    else:
        pytest.fail("the killed worker's lease or heartbeat never expired")

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

    # The next worker closed the killed worker's task row instead of leaving it RUNNING.
    (dead,) = db_backend.helper("results", doomed)
    assert dead["status"] == "FAILED"
    assert dead["finished"] is True
    assert dead["error_class"] == "bokslut.automation.workers.WorkerGone"
    assert WORKER_GONE_TEXT in dead["traceback"]
    assert victim_id in dead["traceback"]
    assert victim_id not in db_backend.helper("heartbeats")
