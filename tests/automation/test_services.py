"""Running a sync under the lease, and telling the firm once per incident."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import IntegrityError
from pytest_django.fixtures import Settings

from automation import stubs
from automation.conftest import ClientFactory
from bokslut.automation.leases import lease_acquire, lease_release
from bokslut.automation.models import Notice, NoticeKind, ScheduledSlot, SlotOutcome, SyncLease
from bokslut.automation.services import notify_connection_status, sync_exclusive
from bokslut.firms.models import Client, Firm, Membership

pytestmark = pytest.mark.django_db

UseStub = Callable[[str], None]


@pytest.fixture
def client(make_client: ClientFactory) -> Client:
    return make_client("Fjällbolaget AB")


@pytest.fixture
def staff(firm: Firm) -> list[str]:
    """Two members with e-mail and one without: only addresses are mailed."""
    users = get_user_model().objects
    for name, email in [("anna", "anna@byra.se"), ("bo", "bo@byra.se"), ("cia", "")]:
        Membership.objects.create(user=users.create_user(name, email=email), firm=firm)
    return ["anna@byra.se", "bo@byra.se"]


def _slot(client: Client, hour: int) -> int:
    slot = ScheduledSlot.objects.create(
        client=client,
        slot_at=dt.datetime(2025, 1, 15, hour, tzinfo=dt.UTC),
        kind="hourly",
        claimed_by="test",
    )
    return slot.pk


def test_sync_runs_the_engine_with_the_request_and_reports_done(
    client: Client, stub_engine: UseStub
) -> None:
    seen: list[tuple[object, ...]] = []
    outcome = sync_exclusive(
        client=client,
        areas=["vouchers", "accounts"],
        full=True,
        trigger="manual",
        progress=lambda *args: seen.append(args),
    )
    assert outcome.status == "done"
    assert outcome.run_id == 7
    assert outcome.counts == {"vouchers": {"new": 3}}
    assert len(stubs.CALLS) == 1
    call = stubs.CALLS[0]
    assert (call["client"], call["areas"], call["full"], call["trigger"]) == (
        client,
        ["vouchers", "accounts"],
        True,
        "manual",
    )
    assert seen == [("vouchers", 1, 2), ("vouchers", 2, 2)]
    assert SyncLease.objects.count() == 0


def test_sync_is_skipped_while_another_worker_holds_the_client(
    client: Client, stub_engine: UseStub
) -> None:
    lease_acquire(client_id=client.pk, holder="other-machine:1:x", seconds=60)
    outcome = sync_exclusive(client=client, trigger="manual")
    assert outcome.status == "skipped"
    assert stubs.CALLS == []
    assert SyncLease.objects.get().holder == "other-machine:1:x"


def test_an_engine_exception_fails_the_sync_and_frees_the_client(
    client: Client, stub_engine: UseStub
) -> None:
    stub_engine("raising_sync")
    outcome = sync_exclusive(client=client, trigger="manual")
    assert outcome.status == "failed"
    assert outcome.error == "anslutningen bröts"
    assert SyncLease.objects.count() == 0


def test_a_failed_run_record_fails_the_outcome_with_its_swedish_error(
    client: Client, stub_engine: UseStub
) -> None:
    stub_engine("failed_run_sync")
    outcome = sync_exclusive(client=client, trigger="manual")
    assert outcome.status == "failed"
    assert outcome.error == "Fortnox svarade 503 tre gånger"


def test_refused_refresh_notifies_the_firm_once_however_often_it_retries(
    client: Client, stub_engine: UseStub, staff: list[str]
) -> None:
    stub_engine("reauth_sync")
    for _ in range(3):
        assert sync_exclusive(client=client, trigger="manual").needs_reapproval
    notice = Notice.objects.get()
    assert notice.kind == NoticeKind.NEEDS_REAPPROVAL
    assert notice.firm_id == client.firm_id
    assert "Fjällbolaget AB" in notice.text
    assert "behöver godkännas igen" in notice.text
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == staff
    assert notice.read_at is None


def test_a_successful_sync_clears_the_incident_so_the_next_one_notifies_again(
    client: Client, stub_engine: UseStub, staff: list[str]
) -> None:
    stub_engine("reauth_sync")
    sync_exclusive(client=client, trigger="manual")
    stub_engine("ok_sync")
    sync_exclusive(client=client, trigger="manual")
    assert Notice.objects.get().cleared_at is not None
    stub_engine("reauth_sync")
    sync_exclusive(client=client, trigger="manual")
    assert Notice.objects.count() == 2
    assert Notice.objects.filter(cleared_at__isnull=True).count() == 1
    assert len(mail.outbox) == 2


def test_connection_status_hook_notifies_on_reapproval_and_clears_when_active(
    client: Client, staff: list[str]
) -> None:
    notify_connection_status(client=client, status="behover_godkannas")
    notify_connection_status(client=client, status="behover_godkannas")
    assert Notice.objects.filter(cleared_at__isnull=True).count() == 1
    notify_connection_status(client=client, status="aktiv")
    assert Notice.objects.filter(cleared_at__isnull=True).count() == 0
    assert len(mail.outbox) == 1


def test_one_failed_scheduled_sync_is_quiet_and_the_second_in_a_row_notifies_once(
    client: Client, stub_engine: UseStub, staff: list[str]
) -> None:
    stub_engine("failed_run_sync")
    sync_exclusive(client=client, trigger="schedule", slot_id=_slot(client, 1))
    assert Notice.objects.count() == 0
    sync_exclusive(client=client, trigger="schedule", slot_id=_slot(client, 2))
    sync_exclusive(client=client, trigger="schedule", slot_id=_slot(client, 3))
    notice = Notice.objects.get()
    assert notice.kind == NoticeKind.SCHEDULED_SYNC_FAILING
    assert "misslyckats 2 gånger i rad" in notice.text
    assert "Fortnox svarade 503" in notice.text
    assert len(mail.outbox) == 1
    assert list(ScheduledSlot.objects.values_list("outcome", flat=True)) == [SlotOutcome.FAILED] * 3


def test_a_scheduled_success_breaks_the_failure_streak(
    client: Client, stub_engine: UseStub, staff: list[str]
) -> None:
    stub_engine("failed_run_sync")
    sync_exclusive(client=client, trigger="schedule", slot_id=_slot(client, 1))
    stub_engine("ok_sync")
    sync_exclusive(client=client, trigger="schedule", slot_id=_slot(client, 2))
    stub_engine("failed_run_sync")
    sync_exclusive(client=client, trigger="schedule", slot_id=_slot(client, 3))
    assert Notice.objects.count() == 0
    sync_exclusive(client=client, trigger="schedule", slot_id=_slot(client, 4))
    assert Notice.objects.count() == 1


def test_manual_failures_do_not_count_towards_the_scheduled_streak(
    client: Client, stub_engine: UseStub, staff: list[str]
) -> None:
    stub_engine("failed_run_sync")
    sync_exclusive(client=client, trigger="schedule", slot_id=_slot(client, 1))
    sync_exclusive(client=client, trigger="manual")
    sync_exclusive(client=client, trigger="manual")
    assert Notice.objects.count() == 0


def test_a_skipped_scheduled_sync_neither_counts_nor_breaks_the_streak(
    client: Client, stub_engine: UseStub, staff: list[str]
) -> None:
    stub_engine("failed_run_sync")
    sync_exclusive(client=client, trigger="schedule", slot_id=_slot(client, 1))
    lease = lease_acquire(client_id=client.pk, holder="manual-sync", seconds=60)
    assert lease is not None
    skipped = sync_exclusive(client=client, trigger="schedule", slot_id=_slot(client, 2))
    assert skipped.status == "skipped"
    lease_release(lease)
    assert Notice.objects.count() == 0
    sync_exclusive(client=client, trigger="schedule", slot_id=_slot(client, 3))
    assert Notice.objects.count() == 1


def test_configured_recipients_replace_the_firm_users(
    client: Client, stub_engine: UseStub, staff: list[str], settings: Settings
) -> None:
    settings.BOKSLUT_NOTIFY_EMAILS = ["drift@byra.se"]
    stub_engine("reauth_sync")
    sync_exclusive(client=client, trigger="manual")
    assert mail.outbox[0].to == ["drift@byra.se"]
    assert Notice.objects.get().emailed_to == "drift@byra.se"


def test_a_notice_is_kept_in_the_app_when_mail_cannot_be_sent(
    client: Client, stub_engine: UseStub, staff: list[str], settings: Settings
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_PORT = 1  # nothing listens there
    stub_engine("reauth_sync")
    sync_exclusive(client=client, trigger="manual")
    notice = Notice.objects.get()
    assert notice.emailed_to == ""


def test_the_database_refuses_a_second_open_notice_for_one_incident(client: Client) -> None:
    fields = {
        "firm_id": client.firm_id,
        "client": client,
        "kind": NoticeKind.NEEDS_REAPPROVAL,
        "text": "x",
        "dedupe_key": f"needs_reapproval:client:{client.pk}",
    }
    Notice.objects.create(**fields)
    with pytest.raises(IntegrityError):
        Notice.objects.create(**fields)


def test_a_connection_turning_to_needs_reapproval_notifies_through_the_signal(
    client: Client, staff: list[str]
) -> None:
    from bokslut.integrations.connections import connection_get_or_create, connection_set_status
    from bokslut.integrations.models import ConnectionStatus

    connection = connection_get_or_create(client=client)
    connection_set_status(connection=connection, status=ConnectionStatus.AKTIV)
    for _ in range(2):
        connection_set_status(connection=connection, status=ConnectionStatus.BEHOVER_GODKANNAS)
    assert Notice.objects.filter(cleared_at__isnull=True).count() == 1
    connection_set_status(connection=connection, status=ConnectionStatus.AKTIV)
    assert Notice.objects.filter(cleared_at__isnull=True).count() == 0
    assert len(mail.outbox) == 1
