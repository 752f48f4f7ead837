"""The scheduler: due slots are claimed once, enqueued as sync tasks, and plans are enforced."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import django_rq
import pytest
import redis
from django.core import mail
from django.core.management import call_command
from django_tasks_rq.backend import Job
from pytest_django.fixtures import Settings
from rq import Queue, SimpleWorker

from automation import stubs
from automation.conftest import ClientFactory
from automation.processes import REDIS_TEST_URL
from bokslut.automation import scheduler, tasks
from bokslut.automation.models import Notice, ScheduledSlot, SlotOutcome
from bokslut.automation.slots import STOCKHOLM
from bokslut.firms.models import Client, Firm
from bokslut.integrations.models import Connection, FirmPlan, SyncSettings

pytestmark = pytest.mark.django_db

UseStub = Callable[[str], None]
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
RQ = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}

#: 02:10 on a winter night in Stockholm: a nightly 02:00 slot and the 01:00 UTC hour are due.
NIGHT = dt.datetime(2025, 1, 15, 2, 10, tzinfo=STOCKHOLM)


def scheduled(
    client: Client, schedule: str, *, at: dt.time = dt.time(2, 0), status: str = "aktiv"
) -> Client:
    Connection.objects.create(client=client, status=status)
    SyncSettings.objects.create(client=client, schedule=schedule, nightly_at=at)
    return client


@pytest.fixture
def immediate_tasks(settings: Settings, stub_engine: UseStub) -> None:
    settings.TASKS = IMMEDIATE


def test_due_nightly_and_hourly_clients_are_enqueued_and_synced_with_the_schedule_trigger(
    make_client: ClientFactory, immediate_tasks: None
) -> None:
    nightly = scheduled(make_client(), "nightly")
    hourly = scheduled(make_client(), "hourly")
    scheduled(make_client(), "nightly", at=dt.time(4, 0))  # not yet tonight, yesterday too old
    scheduled(make_client(), "manual")
    slots = scheduler.enqueue_due(now=NIGHT, scheduler_id="s1")
    assert sorted(slot.client_id for slot in slots) == sorted([nightly.pk, hourly.pk])
    assert sorted(call["client"].pk for call in stubs.CALLS) == sorted([nightly.pk, hourly.pk])
    assert {call["trigger"] for call in stubs.CALLS} == {"schedule"}
    assert set(ScheduledSlot.objects.values_list("outcome", flat=True)) == {SlotOutcome.DONE}


def test_a_slot_is_enqueued_once_however_many_schedulers_tick(
    make_client: ClientFactory, immediate_tasks: None
) -> None:
    scheduled(make_client(), "nightly")
    first = scheduler.enqueue_due(now=NIGHT, scheduler_id="s1")
    second = scheduler.enqueue_due(now=NIGHT + dt.timedelta(minutes=1), scheduler_id="s2")
    third = scheduler.enqueue_due(now=NIGHT + dt.timedelta(hours=2), scheduler_id="s3")
    assert (len(first), len(second), len(third)) == (1, 0, 0)
    assert len(stubs.CALLS) == 1
    assert ScheduledSlot.objects.get().claimed_by == "s1"


def test_the_next_night_is_a_new_slot(make_client: ClientFactory, immediate_tasks: None) -> None:
    scheduled(make_client(), "nightly")
    scheduler.enqueue_due(now=NIGHT)
    scheduler.enqueue_due(now=NIGHT + dt.timedelta(days=1))
    assert ScheduledSlot.objects.count() == 2
    assert len(stubs.CALLS) == 2


def test_a_plan_without_schedules_gets_no_scheduled_syncs(
    make_client: ClientFactory, firm: Firm, immediate_tasks: None
) -> None:
    FirmPlan.objects.create(firm=firm, plan="bas")
    scheduled(make_client(), "nightly")
    assert scheduler.enqueue_due(now=NIGHT) == []
    assert stubs.CALLS == []


def test_clients_whose_connection_cannot_sync_are_left_alone(
    make_client: ClientFactory, immediate_tasks: None
) -> None:
    scheduled(make_client(), "hourly", status="frankopplad")
    scheduled(make_client(), "hourly", status="ej_ansluten")
    unconnected = make_client()
    SyncSettings.objects.create(client=unconnected, schedule="hourly")
    assert scheduler.enqueue_due(now=NIGHT) == []
    assert Notice.objects.count() == 0


def test_a_connection_needing_reapproval_is_not_synced_and_notified_once(
    make_client: ClientFactory, immediate_tasks: None, settings: Settings
) -> None:
    settings.BOKSLUT_NOTIFY_EMAILS = ["drift@byra.se"]
    scheduled(make_client(), "hourly", status="behover_godkannas")
    scheduler.enqueue_due(now=NIGHT)
    scheduler.enqueue_due(now=NIGHT + dt.timedelta(hours=1))
    assert stubs.CALLS == []
    assert Notice.objects.count() == 1
    assert len(mail.outbox) == 1


def test_on_the_database_backend_claim_and_task_commit_together(
    make_client: ClientFactory, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE
    scheduled(make_client(), "nightly")

    def broken_enqueue(*args: object, **kwargs: object) -> None:
        raise ConnectionError("kön svarar inte")

    monkeypatch.setattr("django_tasks_db.backend.DatabaseBackend.enqueue", broken_enqueue)
    with pytest.raises(ConnectionError):
        scheduler.enqueue_due(now=NIGHT)
    assert ScheduledSlot.objects.count() == 0
    monkeypatch.undo()
    slots = scheduler.enqueue_due(now=NIGHT)
    task = DBTaskResult.objects.get()
    assert slots[0].task_id == str(task.id)
    assert task.task_result.kwargs == {
        "client_id": slots[0].client_id,
        "areas": None,
        "full": False,
        "trigger": "schedule",
        "user_id": None,
        "slot_id": slots[0].pk,
    }


def test_sync_client_task_returns_the_outcome_and_fails_when_the_sync_fails(
    make_client: ClientFactory, immediate_tasks: None, stub_engine: UseStub
) -> None:
    client = make_client()
    result = tasks.sync_client.enqueue(client.pk, ["vouchers"], True, "manual", None)
    assert result.status == "SUCCESSFUL"
    assert result.return_value is not None
    assert result.return_value["status"] == "done"
    stub_engine("raising_sync")
    failed = tasks.sync_client.enqueue(client.pk, None, False, "manual", None)
    assert failed.status == "FAILED"
    assert failed.errors[0].exception_class is tasks.SyncFailed


def test_sync_client_task_for_a_deleted_client_is_skipped(immediate_tasks: None) -> None:
    result = tasks.sync_client.enqueue(999_999, None, False, "manual", None)
    assert result.status == "SUCCESSFUL"
    assert result.return_value is not None
    assert result.return_value["status"] == "skipped"
    assert stubs.CALLS == []


def test_scheduler_command_once_enqueues_what_is_due(
    make_client: ClientFactory, immediate_tasks: None
) -> None:
    scheduled(make_client(), "hourly")
    call_command("scheduler", "--once")
    assert len(stubs.CALLS) == 1


# -- RQ: the queue is outside the database, so the claim must commit before the job exists --


@pytest.fixture
def rq_queue(settings: Settings, test_redis: redis.Redis, stub_engine: UseStub) -> Queue:
    """The RQ backend on the test Redis database; its (empty) default queue."""
    settings.RQ_QUEUES = {"default": {"URL": REDIS_TEST_URL}}
    settings.TASKS = RQ
    queue: Queue = django_rq.get_queue("default", job_class=Job)
    assert queue.count == 0
    return queue


def test_on_rq_the_sync_is_enqueued_only_once_the_claim_has_committed(
    make_client: ClientFactory,
    rq_queue: Queue,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    client = scheduled(make_client(), "nightly")
    with django_capture_on_commit_callbacks(execute=False) as after_commit:
        (slot,) = scheduler.enqueue_due(now=NIGHT, scheduler_id="s1")
        # Uncommitted, the slot is invisible to a worker on another connection; a job that
        # ran now would record its outcome on no row and leave the slot pending for good.
        assert rq_queue.count == 0
        assert slot.task_id == ""
    for callback in after_commit:
        callback()

    assert rq_queue.job_ids == [slot.task_id]
    assert ScheduledSlot.objects.get().task_id == slot.task_id
    # What `bokslut worker` runs on RQ, in this process so it sees the test's transaction.
    SimpleWorker([rq_queue], connection=rq_queue.connection, job_class=Job).work(burst=True)
    finished = ScheduledSlot.objects.get()
    assert finished.outcome == SlotOutcome.DONE
    assert finished.finished_at is not None
    assert [call["client"].pk for call in stubs.CALLS] == [client.pk]
    assert tasks.sync_client.get_result(slot.task_id).status == "SUCCESSFUL"


def test_on_rq_a_refused_enqueue_releases_the_claim_for_the_next_round(
    make_client: ClientFactory,
    rq_queue: Queue,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    scheduled(make_client(), "nightly")

    def broken_enqueue(*args: object, **kwargs: object) -> None:
        raise ConnectionError("Redis svarar inte")

    monkeypatch.setattr("django_tasks_rq.RQBackend.enqueue", broken_enqueue)
    with (
        pytest.raises(ConnectionError),
        django_capture_on_commit_callbacks(execute=True),
    ):
        scheduler.enqueue_due(now=NIGHT)
    assert ScheduledSlot.objects.count() == 0
    monkeypatch.undo()

    with django_capture_on_commit_callbacks(execute=True):
        (slot,) = scheduler.enqueue_due(now=NIGHT + dt.timedelta(minutes=1))
    assert rq_queue.job_ids == [slot.task_id]


def _compared(client: Client, at: dt.datetime | None) -> None:
    from bokslut.sync.models import ClientState

    ClientState.objects.create(client=client, full_compared_at=at)


def test_a_scheduled_sync_is_a_full_comparison_only_when_the_last_one_is_too_old(
    make_client: ClientFactory, immediate_tasks: None, settings: Settings
) -> None:
    settings.BOKSLUT_FULL_COMPARE_DAYS = 7
    recent = scheduled(make_client(), "nightly")
    _compared(recent, NIGHT - dt.timedelta(days=6, hours=23))
    old = scheduled(make_client(), "nightly")
    _compared(old, NIGHT - dt.timedelta(days=7))
    never_compared = scheduled(make_client(), "nightly")
    _compared(never_compared, None)
    never_synced = scheduled(make_client(), "nightly")  # its first sync reads everything

    scheduler.enqueue_due(now=NIGHT)

    full = {call["client"].pk: call["full"] for call in stubs.CALLS}
    assert full == {
        recent.pk: False,
        old.pk: True,
        never_compared.pk: True,
        never_synced.pk: False,
    }


def test_periodic_full_comparison_can_be_turned_off(
    make_client: ClientFactory, immediate_tasks: None, settings: Settings
) -> None:
    settings.BOKSLUT_FULL_COMPARE_DAYS = 0
    client = scheduled(make_client(), "nightly")
    _compared(client, NIGHT - dt.timedelta(days=400))
    scheduler.enqueue_due(now=NIGHT)
    assert [call["full"] for call in stubs.CALLS] == [False]
