"""*Fullständig jämförelse* on the Synkronisering page: a CSRF-checked POST that queues a
full sync, audited like *Synkronisera*, refused without an active connection."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from bokslut.audit.models import AuditEvent
from bokslut.firms.models import Client, Firm, Membership
from bokslut.sandbox import RunningSandbox
from bokslut.sync.models import SyncRun

from .conftest import PASSWORD, signed_in
from .test_fortnox_pages import client_1001, connect, fortnox, member, run_worker, sandbox

__all__ = ["client_1001", "fortnox", "member", "sandbox"]  # fixtures, used by name


def start_url(client: Client) -> str:
    return reverse("web:sync_start", args=[client.pk])


@pytest.mark.django_db(transaction=True)
def test_the_button_queues_a_full_run_that_is_recorded_and_audited(
    fortnox: RunningSandbox, member: User, client_1001: Client
) -> None:
    http = signed_in(member)
    connect(http, fortnox, client_1001)
    page = http.get(reverse("web:sync", args=[client_1001.pk])).text
    assert 'id="sync-full"' in page
    assert 'name="full" value="1"' in page
    assert "Fortnox talar aldrig om att en verifikation har tagits bort" in page

    started = http.post(start_url(client_1001), {"full": "1"})

    assert started.status_code == 302
    run_worker()
    run = SyncRun.objects.get(client=client_1001)
    assert (run.status, run.full, run.trigger, run.started_by) == ("done", True, "manual", member)
    event = AuditEvent.objects.get(action=AuditEvent.Action.SYNC)
    assert event.details == {"event": "start", "trigger": "manual", "full": True}

    http.post(start_url(client_1001))  # the plain button stays incremental
    run_worker()
    assert SyncRun.objects.filter(client=client_1001).latest("pk").full is False


def test_without_a_connection_nothing_is_queued(member: User, client_1001: Client) -> None:
    page = signed_in(member).post(start_url(client_1001), {"full": "1"}, follow=True)

    assert "Klienten är inte ansluten till Fortnox." in page.text
    assert 'id="sync-full"' not in page.text
    assert DBTaskResult.objects.count() == 0


def test_another_firms_member_cannot_start_it(member: User, client_1001: Client) -> None:
    firm = Firm.objects.create(name="Annan byrå AB")
    stranger = User.objects.create_user("bertil", password=PASSWORD)
    Membership.objects.create(user=stranger, firm=firm, role=Membership.Role.ADMIN)

    answer = signed_in(stranger).post(start_url(client_1001), {"full": "1"})

    assert answer.status_code == 404
    assert DBTaskResult.objects.count() == 0


def test_the_post_needs_a_csrf_token(member: User, client_1001: Client) -> None:
    http = HttpClient(enforce_csrf_checks=True)
    http.force_login(member)

    assert http.post(start_url(client_1001), {"full": "1"}).status_code == 403
    assert DBTaskResult.objects.count() == 0
