"""Task rows a dead worker left RUNNING are marked failed, once; live workers' tasks never."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks.signals import task_finished
from django_tasks_db.models import DBTaskResult
from pytest_django.fixtures import Settings

from automation import stubs
from automation.conftest import ClientFactory
from bokslut.automation import workers
from bokslut.automation.models import WorkerHeartbeat
from bokslut.automation.tasks import sync_client
from bokslut.automation.workers import (
    WORKER_GONE_TEXT,
    WorkerGone,
    tasks_reap,
    worker_alive,
    worker_beat,
    worker_register,
    worker_stop,
)

DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

UseStub = Callable[[str], None]


@pytest.fixture
def db_queue(settings: Settings) -> None:
    settings.TASKS = DATABASE


def _heartbeat(worker_id: str, *, seconds: float) -> WorkerHeartbeat:
    now = timezone.now()
    return WorkerHeartbeat.objects.create(
        worker_id=worker_id, started_at=now, expires_at=now + dt.timedelta(seconds=seconds)
    )


def _task(status: str, *workers_ids: str) -> DBTaskResult[Any, Any]:
    """A sync task row as db_worker leaves it: enqueued, then claimed by ``workers_ids``."""
    result = sync_client.enqueue(client_id=1)
    row = DBTaskResult.objects.get(pk=result.id)
    row.status = status
    row.worker_ids = list(workers_ids)
    if status != TaskResultStatus.READY:
        row.started_at = timezone.now()
    row.save()
    return row


def _status(row: DBTaskResult[Any, Any]) -> str:
    row.refresh_from_db()
    return str(row.status)


@pytest.mark.django_db
def test_a_dead_workers_running_task_is_failed_once_with_a_swedish_reason(
    db_queue: None,
) -> None:
    _heartbeat("dead-worker", seconds=-5)
    orphan = _task(TaskResultStatus.RUNNING, "dead-worker")

    assert tasks_reap() == 1
    assert tasks_reap() == 0

    orphan.refresh_from_db()
    assert orphan.status == TaskResultStatus.FAILED
    assert orphan.finished_at is not None
    assert orphan.return_value is None
    result = sync_client.get_result(str(orphan.pk))
    assert result.status == TaskResultStatus.FAILED
    assert result.errors[0].exception_class is WorkerGone
    assert WORKER_GONE_TEXT in result.errors[0].traceback
    assert "dead-worker" in result.errors[0].traceback
    # Its heartbeat has served its purpose.
    assert not WorkerHeartbeat.objects.filter(worker_id="dead-worker").exists()


@pytest.mark.django_db
def test_a_live_workers_task_is_never_touched(db_queue: None) -> None:
    _heartbeat("live-worker", seconds=60)
    live = _task(TaskResultStatus.RUNNING, "live-worker")
    # Claimed first by a worker now dead, then (retried) by the live one: the live one has it.
    retried = _task(TaskResultStatus.RUNNING, "dead-worker", "live-worker")
    _heartbeat("dead-worker", seconds=-5)

    assert tasks_reap() == 0

    assert _status(live) == _status(retried) == TaskResultStatus.RUNNING
    assert WorkerHeartbeat.objects.filter(worker_id="live-worker").exists()


@pytest.mark.django_db
def test_only_running_tasks_of_the_dead_worker_are_failed(db_queue: None) -> None:
    _heartbeat("dead-worker", seconds=-5)
    done = _task(TaskResultStatus.SUCCESSFUL, "dead-worker")
    waiting = _task(TaskResultStatus.READY)
    orphan = _task(TaskResultStatus.RUNNING, "dead-worker")

    assert tasks_reap() == 1

    assert _status(done) == TaskResultStatus.SUCCESSFUL
    assert _status(waiting) == TaskResultStatus.READY
    assert _status(orphan) == TaskResultStatus.FAILED


@pytest.mark.django_db
def test_a_worker_without_a_heartbeat_is_not_judged(db_queue: None) -> None:
    """``db_worker`` run directly keeps no heartbeat: its long task may well be alive."""
    unknown = _task(TaskResultStatus.RUNNING, "plain-db-worker")
    _heartbeat("dead-worker", seconds=-5)

    assert tasks_reap() == 0
    assert _status(unknown) == TaskResultStatus.RUNNING


@pytest.mark.django_db
def test_a_reaped_task_is_announced_like_any_finished_task(db_queue: None) -> None:
    _heartbeat("dead-worker", seconds=-5)
    orphan = _task(TaskResultStatus.RUNNING, "dead-worker")
    heard: list[Any] = []

    def listen(sender: type, task_result: Any, **kwargs: object) -> None:
        heard.append(task_result)

    task_finished.connect(listen)
    try:
        tasks_reap()
    finally:
        task_finished.disconnect(listen)
    assert [(str(r.id), r.status) for r in heard] == [(str(orphan.pk), TaskResultStatus.FAILED)]


@pytest.mark.django_db
def test_a_restarted_worker_fails_what_its_earlier_self_left_running(db_queue: None) -> None:
    """A fixed ``--worker-id`` restarted after a kill: the old heartbeat may still be valid."""
    _heartbeat("worker-1", seconds=60)
    left = _task(TaskResultStatus.RUNNING, "worker-1")
    other = _task(TaskResultStatus.RUNNING, "worker-2")
    _heartbeat("worker-2", seconds=60)

    assert worker_register("worker-1", seconds=60) == 1

    assert _status(left) == TaskResultStatus.FAILED
    assert _status(other) == TaskResultStatus.RUNNING
    assert WorkerHeartbeat.objects.get(worker_id="worker-1").expires_at > timezone.now()


@pytest.mark.django_db
def test_a_stopped_worker_is_pruned_and_anything_it_left_running_reaped(db_queue: None) -> None:
    worker_register("worker-1", seconds=60)
    worker_register("worker-2", seconds=60)
    left = _task(TaskResultStatus.RUNNING, "worker-2")
    worker_stop("worker-1")
    worker_stop("worker-2")

    assert tasks_reap() == 1

    assert _status(left) == TaskResultStatus.FAILED
    assert WorkerHeartbeat.objects.count() == 0


@pytest.mark.django_db
def test_a_beat_renews_and_a_worker_declared_dead_announces_itself_again(
    db_queue: None,
) -> None:
    worker_register("worker-1", seconds=-5)
    assert worker_beat("worker-1", seconds=60) is True
    assert tasks_reap() == 0
    assert WorkerHeartbeat.objects.filter(worker_id="worker-1").exists()

    WorkerHeartbeat.objects.all().delete()  # as a reaper does with an expired heartbeat
    assert worker_beat("worker-1", seconds=60) is False
    assert WorkerHeartbeat.objects.get(worker_id="worker-1").expires_at > timezone.now()


@pytest.mark.django_db(transaction=True)
def test_the_worker_heartbeat_outlives_its_lifetime_and_ends_expired(db_queue: None) -> None:
    with worker_alive("worker-1", seconds=0.6) as heartbeat:
        _heartbeat("dead-worker", seconds=-5)
        orphan = _task(TaskResultStatus.RUNNING, "dead-worker")
        deadline = time.monotonic() + 30
        while heartbeat.beats < 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert heartbeat.beats >= 4
        # Alive well past 0.6 s, and the beats reaped the dead worker's task meanwhile.
        assert WorkerHeartbeat.objects.get(worker_id="worker-1").expires_at > timezone.now()
        assert _status(orphan) == TaskResultStatus.FAILED
    assert WorkerHeartbeat.objects.get(worker_id="worker-1").expires_at <= timezone.now()


@pytest.mark.django_db(transaction=True)
def test_worker_command_reaps_dead_workers_tasks_before_it_runs_its_own(
    db_queue: None, make_client: ClientFactory, stub_engine: UseStub
) -> None:
    _heartbeat("dead-worker", seconds=-5)
    orphan = _task(TaskResultStatus.RUNNING, "dead-worker")
    client = make_client()
    queued = sync_client.enqueue(client_id=client.pk)

    call_command(
        "worker", "--burst", "--interval", "0", "--worker-id", "worker-1", stdout=StringIO()
    )

    assert _status(orphan) == TaskResultStatus.FAILED
    ran = DBTaskResult.objects.get(pk=queued.id)
    assert ran.status == TaskResultStatus.SUCCESSFUL
    assert ran.worker_ids == ["worker-1"]
    assert len(stubs.CALLS) == 1
    # Gone, so anything it might have left running would be reaped by the next worker.
    assert WorkerHeartbeat.objects.get(worker_id="worker-1").expires_at <= timezone.now()


@pytest.mark.django_db
def test_worker_command_refuses_an_id_django_tasks_db_cannot_store(db_queue: None) -> None:
    with pytest.raises(CommandError, match="högst 64 tecken"):
        call_command("worker", "--burst", "--worker-id", "w" * 65, stdout=StringIO())


@pytest.mark.django_db
def test_a_scheduler_round_reaps(db_queue: None) -> None:
    _heartbeat("dead-worker", seconds=-5)
    orphan = _task(TaskResultStatus.RUNNING, "dead-worker")
    call_command("scheduler", "--once", stdout=StringIO())
    assert _status(orphan) == TaskResultStatus.FAILED


# -- many reapers at once (PostgreSQL: row locks; SQLite serialises writers outright) -----


@pytest.fixture
def postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks with SKIP LOCKED are PostgreSQL's; SQLite has one writer")


@pytest.fixture
def in_thread() -> Iterator[Callable[[Callable[[], None]], threading.Thread]]:
    """Start functions in threads that close their own database connection when done."""
    started: list[threading.Thread] = []

    def start(function: Callable[[], None]) -> threading.Thread:
        def run() -> None:
            try:
                function()
            finally:
                connections.close_all()

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        started.append(thread)
        return thread

    yield start
    for thread in started:
        thread.join(timeout=30)


@pytest.mark.django_db(transaction=True)
def test_reapers_racing_for_one_dead_worker_fail_its_task_once(
    postgresql_only: None,
    db_queue: None,
    in_thread: Callable[[Callable[[], None]], threading.Thread],
) -> None:
    _heartbeat("dead-worker", seconds=-5)
    orphan = _task(TaskResultStatus.RUNNING, "dead-worker")
    announced: list[str] = []
    original = workers._announce

    def counting(rows: list[DBTaskResult[Any, Any]]) -> None:
        announced.extend(str(row.pk) for row in rows)
        original(rows)

    reaped: list[int] = []
    gate = threading.Barrier(6)

    def reap() -> None:
        gate.wait(timeout=30)
        reaped.append(tasks_reap())

    workers._announce = counting  # type: ignore[assignment]
    try:
        threads = [in_thread(reap) for _ in range(6)]
        for thread in threads:
            thread.join(timeout=60)
    finally:
        workers._announce = original  # type: ignore[assignment]
    assert sorted(reaped) == [0, 0, 0, 0, 0, 1]
    assert announced == [str(orphan.pk)]
    assert _status(orphan) == TaskResultStatus.FAILED


@pytest.mark.django_db(transaction=True)
def test_a_heartbeat_another_reaper_holds_is_passed_by(
    postgresql_only: None,
    db_queue: None,
    in_thread: Callable[[Callable[[], None]], threading.Thread],
) -> None:
    _heartbeat("dead-worker", seconds=-5)
    orphan = _task(TaskResultStatus.RUNNING, "dead-worker")
    locked, release = threading.Event(), threading.Event()

    def hold() -> None:
        with transaction.atomic():
            WorkerHeartbeat.objects.select_for_update().get(worker_id="dead-worker")
            locked.set()
            release.wait(timeout=30)

    holder = in_thread(hold)
    assert locked.wait(timeout=30)
    try:
        # Neither waits for the other reaper nor acts behind its back.
        assert tasks_reap() == 0
        assert _status(orphan) == TaskResultStatus.RUNNING
    finally:
        release.set()
        holder.join(timeout=30)
    assert tasks_reap() == 1


@pytest.mark.django_db(transaction=True)
def test_a_task_its_worker_is_finishing_right_now_is_passed_by(
    postgresql_only: None,
    db_queue: None,
    in_thread: Callable[[Callable[[], None]], threading.Thread],
) -> None:
    _heartbeat("dead-worker", seconds=-5)
    finishing = _task(TaskResultStatus.RUNNING, "dead-worker")
    locked, release = threading.Event(), threading.Event()

    def finish() -> None:
        with transaction.atomic():
            row = DBTaskResult.objects.select_for_update().get(pk=finishing.pk)
            locked.set()
            release.wait(timeout=30)
            row.set_successful({"status": "done"})

    worker = in_thread(finish)
    assert locked.wait(timeout=30)
    try:
        assert tasks_reap() == 0
        # Kept, so the task is looked at again should its worker not finish it after all.
        assert WorkerHeartbeat.objects.filter(worker_id="dead-worker").exists()
    finally:
        release.set()
        worker.join(timeout=30)
    assert _status(finishing) == TaskResultStatus.SUCCESSFUL
    assert tasks_reap() == 0
    assert not WorkerHeartbeat.objects.filter(worker_id="dead-worker").exists()
