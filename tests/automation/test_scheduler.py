"""The scheduler: due slots are claimed once, enqueued as sync tasks, and plans are enforced."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core import mail
from django.core.management import call_command
from pytest_django.fixtures import Settings

from automation import stubs
from automation.conftest import ClientFactory
from bokslut.automation import scheduler, tasks
from bokslut.automation.models import Notice, ScheduledSlot, SlotOutcome
from bokslut.automation.slots import STOCKHOLM
from bokslut.firms.models import Client, Firm
from bokslut.integrations.models import Connection, FirmPlan, SyncSettings

pytestmark = pytest.mark.django_db

UseStub = Callable[[str], None]
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

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
