"""Task rows left ``RUNNING`` by a worker that died, and the heartbeats that tell dead from alive.

django-tasks-db marks a task ``RUNNING`` when a worker claims it, and ``SUCCESSFUL`` or
``FAILED`` when that worker finishes it. A worker killed outright (SIGKILL, out of memory,
power loss) never finishes it, and the row would say ``RUNNING`` forever: to the admin, the
API and anyone counting running tasks. The sync it ran is handled elsewhere (its lease
expires, the next sync closes its ``SyncRun``); this module closes the task row.

``bokslut worker`` keeps a :class:`~bokslut.automation.models.WorkerHeartbeat` under the
worker id it gives ``db_worker``, which django-tasks-db records on every task the worker
claims. A ``RUNNING`` task whose worker's heartbeat has expired has nobody running it, and
:func:`tasks_reap` marks it failed. Workers reap when they start and on every beat,
schedulers on every round; any number of them may do so at once on any number of machines.

Only workers that keep a heartbeat are judged: a task claimed by ``db_worker`` started
directly, outside ``bokslut worker``, is never touched.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.core.exceptions import SuspiciousOperation
from django.db import Error, connection, transaction
from django.db.models import DateTimeField, ExpressionWrapper, QuerySet
from django.db.models.functions import Now
from django_tasks import TaskResultStatus
from django_tasks.signals import task_finished
from django_tasks_db.models import DBTaskResult

from bokslut.automation.leases import lease_seconds
from bokslut.automation.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

#: django-tasks-db refuses longer worker ids, and the heartbeat column is this wide.
WORKER_ID_MAX_LENGTH = 64

#: The error recorded on a task whose worker died under it.
WORKER_GONE_TEXT = (
    "Uppgiften avbröts: arbetaren som körde den slutade svara "
    "(processen stoppades eller maskinen gick ner)."
)


class WorkerGone(RuntimeError):
    """Recorded as a reaped task's exception: its worker stopped without finishing it."""


def worker_id_new() -> str:
    """A worker id unique to this process that also tells an operator where it runs."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _expiry(seconds: float) -> ExpressionWrapper[Any]:
    # The database's clock, as for leases: machines with skewed clocks agree on expiry.
    return ExpressionWrapper(Now() + timedelta(seconds=seconds), output_field=DateTimeField())


def worker_register(worker_id: str, *, seconds: float | None = None) -> int:
    """Announce ``worker_id`` as alive; how many of its earlier tasks were marked failed.

    Call before the worker claims anything. A task still ``RUNNING`` under this id then
    belongs to an earlier process that used the same id (a worker restarted with a fixed
    ``--worker-id`` after a kill) and was never finished; its heartbeat may not even have
    expired yet, so it is closed here rather than left to :func:`tasks_reap`.
    """
    ttl = lease_seconds() if seconds is None else seconds
    with transaction.atomic():
        stale = _fail_running({worker_id})
        updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(
            started_at=Now(), expires_at=_expiry(ttl)
        )
        if not updated:
            WorkerHeartbeat.objects.create(
                worker_id=worker_id, started_at=Now(), expires_at=_expiry(ttl)
            )
    _announce(stale)
    return len(stale)


def worker_beat(worker_id: str, *, seconds: float | None = None) -> bool:
    """Push the worker's heartbeat forward; False if it had been declared dead meanwhile.

    A worker whose beats failed for a whole lifetime (a database unreachable that long) may
    have been reaped, its running task marked failed; it is alive after all, so the row is
    written again, and the task's own end will overwrite the failed status.
    """
    ttl = lease_seconds() if seconds is None else seconds
    if WorkerHeartbeat.objects.filter(worker_id=worker_id).update(expires_at=_expiry(ttl)):
        return True
    logger.warning("worker %s had been declared dead; announcing it again", worker_id)
    WorkerHeartbeat.objects.get_or_create(
        worker_id=worker_id, defaults={"started_at": Now(), "expires_at": _expiry(ttl)}
    )
    return False


def worker_stop(worker_id: str) -> None:
    """Mark the worker gone: expired rather than deleted, so a task it could not finish
    (its database write failed on the way out) is still reaped."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).update(expires_at=Now())


def tasks_reap() -> int:
    """Mark failed the ``RUNNING`` tasks whose worker's heartbeat has expired; how many.

    Safe to call from any number of processes at once: each expired heartbeat is locked
    with SKIP LOCKED and deleted in the same transaction, so one reaper acts on it and
    the others pass it by; a task row locked by its worker (being finished right now) is
    passed by too. On SQLite the transaction itself is the lock (it begins IMMEDIATE).
    """
    if not WorkerHeartbeat.objects.filter(expires_at__lte=Now()).exists():
        # The usual answer, found without a write transaction (on SQLite one would wait
        # for the write lock a sync may hold for a while).
        return 0
    with transaction.atomic():
        dead = list(
            WorkerHeartbeat.objects.filter(expires_at__lte=Now())
            .order_by("worker_id")
            .select_for_update(skip_locked=True)
            .values_list("worker_id", flat=True)
        )
        if not dead:
            return 0
        reaped = _fail_running(set(dead))
        # A task passed by because its row was locked still reads RUNNING here; its worker's
        # heartbeat stays, so the next round looks at that task again.
        unsettled = _last_claimants(DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING))
        settled = [worker_id for worker_id in dead if worker_id not in unsettled]
        WorkerHeartbeat.objects.filter(worker_id__in=settled, expires_at__lte=Now()).delete()
    if reaped:
        logger.warning("marked %s task(s) of dead workers failed: %s", len(reaped), dead)
    _announce(reaped)
    return len(reaped)


def _last_claimants(rows: QuerySet[DBTaskResult[Any, Any]]) -> set[str]:
    """The workers that last claimed ``rows`` (a task retried by another worker is its)."""
    return {ids[-1] for ids in rows.values_list("worker_ids", flat=True) if ids}


def _fail_running(worker_ids: Collection[str]) -> list[DBTaskResult[Any, Any]]:
    """Fail the running tasks last claimed by one of ``worker_ids``; call in a transaction."""
    # Few rows are RUNNING at any time (one per busy worker), and JSON list lookups differ
    # between SQLite and PostgreSQL, so the last claimant is compared here, not in SQL.
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
    candidates = [
        pk for pk, ids in running.values_list("pk", "worker_ids") if ids and ids[-1] in worker_ids
    ]
    if not candidates:
        return []
    # Locked, and read again, so a task its worker is finishing right now is passed by and
    # one finished meanwhile is no longer RUNNING.
    orphans = list(running.filter(pk__in=candidates).select_for_update(skip_locked=True))
    for row in orphans:
        # The backend's own transition, so the row reads exactly like a task that raised.
        row.set_failed(WorkerGone(f"{WORKER_GONE_TEXT} Arbetare: {row.worker_ids[-1]}."))
    return orphans


def _announce(rows: list[DBTaskResult[Any, Any]]) -> None:
    """Send ``task_finished`` for reaped tasks, as their worker would have."""
    for row in rows:
        try:
            sender = type(row.task.get_backend())
            result = row.task_result
        except (ImportError, SuspiciousOperation):
            logger.exception("reaped task %s names no task that can be loaded", row.pk)
            continue
        task_finished.send(sender=sender, task_result=result)


class _Heartbeat(threading.Thread):
    """Beats for a worker every ``interval`` seconds and reaps, on its own DB connection."""

    def __init__(self, worker_id: str, *, seconds: float, interval: float) -> None:
        super().__init__(name=f"worker-heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.seconds = seconds
        self.interval = interval
        self.stopped = threading.Event()
        self.beats = 0

    def run(self) -> None:
        try:
            while not self.stopped.wait(self.interval):
                try:
                    worker_beat(self.worker_id, seconds=self.seconds)
                    self.beats += 1
                    tasks_reap()
                except Error:
                    # SQLite may be busy with a sync's year transaction, PostgreSQL may be
                    # restarting; the heartbeat outlives several missed beats, so try again
                    # next interval, on a fresh connection if this one broke.
                    logger.warning("heartbeat of worker %s failed", self.worker_id, exc_info=True)
                    connection.close_if_unusable_or_obsolete()
        finally:
            connection.close()


@contextmanager
def worker_alive(worker_id: str, *, seconds: float | None = None) -> Iterator[_Heartbeat]:
    """Keep ``worker_id``'s heartbeat for the ``with`` block, reaping dead workers' tasks.

    On entry the worker is registered (:func:`worker_register`) and dead workers' tasks
    are reaped; a background thread then beats every third of the heartbeat's lifetime
    (the client lease's, ``BOKSLUT_SYNC_LEASE_SECONDS``) and reaps again. Leaving the
    block stops the thread and marks the worker gone.
    """
    ttl = float(lease_seconds() if seconds is None else seconds)
    worker_register(worker_id, seconds=ttl)
    tasks_reap()
    heartbeat = _Heartbeat(worker_id, seconds=ttl, interval=max(ttl / 3, 0.05))
    heartbeat.start()
    try:
        yield heartbeat
    finally:
        heartbeat.stopped.set()
        heartbeat.join()
        worker_stop(worker_id)
