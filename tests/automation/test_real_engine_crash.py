"""Issue 4's acceptance with the REAL sync engine, real worker processes and a sandbox over HTTP.

A worker SIGKILLed while it writes a financial year leaves the previous ledger exactly as it
was; after the killed worker's lease expires the next sync completes, equals the sandbox and
duplicates nothing, and the killed run is marked failed. Two workers given the same client
run one sync between them. The database is the engine the suite runs on: a SQLite file, or
a fresh PostgreSQL database when ``BOKSLUT_DATABASE_URL`` points at a server.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from automation.processes import finish
from automation.realworld import RealWorld, real_world, wait_until
from bokslut.automation.abandoned import ABANDONED_TEXT
from bokslut.automation.services import ALREADY_RUNNING
from bokslut.automation.workers import WORKER_GONE_TEXT
from bokslut.sandbox import demo_company, large_company

pytestmark = [pytest.mark.db, pytest.mark.slow]

#: One year of this many vouchers: writing it takes the worker a while (the kill must land
#: inside that transaction), yet the test stays affordable.
VOUCHERS_PER_YEAR = 15_000

#: More new vouchers than the planner fetches one by one, so the year is re-imported from
#: SIE in one long transaction rather than added as a small delta.
NEW_VOUCHERS = 30

#: The killed worker's lease: short, so the next worker may start soon after the kill.
SHORT_LEASE = 3


def _enqueue(world: RealWorld, client_id: int, count: int = 1) -> list[str]:
    ids: list[str] = world.processes.helper("enqueue", str(client_id), str(count))
    return ids


def _results(world: RealWorld, *task_ids: str) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = world.processes.helper("results", *task_ids)
    return results


def _statuses(world: RealWorld, client_id: int, *task_ids: str) -> list[str]:
    """Each task's outcome status; on a failed task, the runs' errors make the message."""
    results = _results(world, *task_ids)
    statuses = [str(r["value"]["status"]) if r["value"] else r["status"] for r in results]
    if "FAILED" in statuses:
        errors = [run["error"] for run in world.runs(client_id)]
        raise AssertionError(f"a sync task failed: {statuses}, runs' errors: {errors}")
    return statuses


def _lease(world: RealWorld, client_id: int) -> dict[str, Any]:
    lease: dict[str, Any] = world.processes.helper("lease", str(client_id))
    return lease


def test_a_worker_killed_mid_write_leaves_the_ledger_intact_and_the_next_sync_completes(
    tmp_path: Path,
) -> None:
    company = large_company(7001, vouchers_per_year=VOUCHERS_PER_YEAR, years=1)
    with real_world(tmp_path, company, lease_seconds=SHORT_LEASE) as world:
        client_id = world.connect_client()

        # 1. A full first sync; what it wrote is the state a crash must not disturb.
        (first,) = _enqueue(world, client_id)
        finish(world.worker(BOKSLUT_SYNC_LEASE_SECONDS="600"), timeout=600)
        assert _statuses(world, client_id, first) == ["done"]
        recorded = world.ledger(client_id)
        assert recorded["duplicates"] == []
        assert {k: recorded[k] for k in ("ledger", "registers")} == world.sandbox_ledger()
        years = recorded["ledger"]["years"]
        assert len(years) == 1
        assert recorded["vouchers"] == sum(len(y["vouchers"]) for y in years.values())

        # 2. New vouchers in Fortnox; kill the worker while it writes the year holding them.
        world.book_vouchers(NEW_VOUCHERS)
        downloads = world.sie_downloads()
        (doomed,) = _enqueue(world, client_id)
        victim = world.worker()
        wait_until(
            lambda: world.sie_downloads() > downloads or victim.poll() is not None,
            what="the worker to download the year's SIE export",
        )
        world.kill_mid_write(victim, client_id, vouchers_before=recorded["vouchers"])

        after_kill = world.ledger(client_id)
        assert after_kill == recorded, "the killed sync left part of its work behind"
        killed_run = world.runs(client_id)[-1]
        assert (killed_run["status"], killed_run["finished"]) == ("running", False)
        assert f":{victim.pid}:" in _lease(world, client_id)["lease"]["holder"]
        assert _results(world, doomed)[0]["status"] != "SUCCESSFUL"

        # 3. Once the dead worker's lease has expired, the next sync completes.
        wait_until(lambda: _lease(world, client_id)["expired"], what="the lease to expire")
        wait_until(
            lambda: all(world.processes.helper("heartbeats").values()),
            what="the killed worker's heartbeat to expire",
        )
        (second,) = _enqueue(world, client_id)
        finish(world.worker(BOKSLUT_SYNC_LEASE_SECONDS="600"), timeout=600)
        assert _statuses(world, client_id, second) == ["done"]

        final = world.ledger(client_id)
        assert final["duplicates"] == []
        assert {k: final[k] for k in ("ledger", "registers")} == world.sandbox_ledger()
        assert final["vouchers"] == recorded["vouchers"] + NEW_VOUCHERS
        runs = world.runs(client_id)
        assert [run["status"] for run in runs] == ["done", "failed", "done"]
        assert runs[1]["id"] == killed_run["id"]
        assert runs[1]["error"] == ABANDONED_TEXT
        assert runs[1]["finished"] is True
        assert runs[2]["counts"]["vouchers"]["new"] == NEW_VOUCHERS
        assert _lease(world, client_id)["lease"] is None
        # The killed worker's task row was closed too, by the next worker as it started.
        (killed_task,) = _results(world, doomed)
        assert killed_task["status"] == "FAILED"
        assert killed_task["error_class"] == "bokslut.automation.workers.WorkerGone"
        assert WORKER_GONE_TEXT in killed_task["traceback"]


def test_two_workers_given_the_same_client_run_one_real_sync(tmp_path: Path) -> None:
    company = demo_company(7002, seed=5, vouchers_per_year=40)
    with real_world(tmp_path, company, lease_seconds=60) as world:
        client_id = world.connect_client()
        (first,) = _enqueue(world, client_id)
        finish(world.worker())
        assert _statuses(world, client_id, first) == ["done"]
        before = world.ledger(client_id)

        world.book_vouchers(3)
        # Every Fortnox answer takes a second: the one sync outlasts the workers' start-up,
        # so both really try the client at the same time.
        world.slow_answers(1000)
        task_ids = _enqueue(world, client_id, 2)
        workers = [world.worker("--worker-id", name) for name in ("worker-a", "worker-b")]
        for worker in workers:
            finish(worker, timeout=600)
        world.slow_answers(None)

        results = _results(world, *task_ids)
        assert sorted(r["status"] for r in results) == ["SUCCESSFUL", "SUCCESSFUL"]
        values = sorted((r["value"] for r in results), key=lambda v: str(v["status"]))
        assert [v["status"] for v in values] == ["done", "skipped"]
        assert values[1]["error"] == ALREADY_RUNNING
        runs = world.runs(client_id)
        assert [run["status"] for run in runs] == ["done", "done"]
        assert runs[1]["counts"]["vouchers"]["new"] == 3

        after = world.ledger(client_id)
        assert after["duplicates"] == []
        assert after["vouchers"] == before["vouchers"] + 3
        assert {k: after[k] for k in ("ledger", "registers")} == world.sandbox_ledger()
        assert _lease(world, client_id)["lease"] is None
