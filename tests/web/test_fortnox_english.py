"""The Fortnox pages in English: area, status and run labels and the reasons an option is off."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone, translation

from bokslut.firms.models import Client, Firm, Membership
from bokslut.integrations.areas import Area
from bokslut.integrations.models import Connection, ConnectionStatus, Schedule
from bokslut.integrations.sync_settings import available_areas, firm_plan_set
from bokslut.sync.models import SyncRun

ORG = "556036-0793"


@pytest.fixture
def client_on_bas(db: None) -> tuple[User, Client]:
    firm = Firm.objects.create(name="Revisionsbyrån AB")
    firm_plan_set(firm=firm, plan="bas")  # no registers, manual syncs only
    user = User.objects.create_user("anna", password="lösenord-123-abc")
    Membership.objects.create(user=user, firm=firm, role=Membership.Role.ADMIN)
    client = Client.objects.create(firm=firm, name="Vinterviks Bygg AB", org_number=ORG)
    # Connected, but granted no settings scope and licensed for no cost centres.
    Connection.objects.create(
        client=client,
        status=ConnectionStatus.AKTIV,
        scopes=["bookkeeping", "companyinformation", "costcenter"],
        licences=["bookkeeping", "companyinformation"],
        licences_checked_at=timezone.now(),
    )
    return user, client


def in_english(user: User) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    http.post(reverse("web:set_language"), {"language": "en", "next": "/klienter/"})
    return http


def test_reasons_follow_the_active_language(client_on_bas: tuple[User, Client]) -> None:
    _, client = client_on_bas

    with translation.override("en"):
        english = available_areas(client=client)
    with translation.override("sv"):
        swedish = available_areas(client=client)

    assert english[Area.CUSTOMERS] == "Not included in the Bas plan."
    assert swedish[Area.CUSTOMERS] == "Ingår inte i abonnemanget Bas."
    assert english[Area.LOCKED_PERIOD] == (
        "The Settings permission was not granted when Fortnox was connected."
    )
    assert english[Area.COST_CENTRES] == "The company has no Fortnox licence for Cost centres."
    assert swedish[Area.COST_CENTRES] == "Företaget saknar licens i Fortnox för Kostnadsställen."


def test_choice_labels_are_translated() -> None:
    with translation.override("en"):
        assert str(Area.VOUCHERS.label) == "Vouchers"
        assert str(Schedule.NIGHTLY.label) == "Every night"
        assert str(ConnectionStatus.BEHOVER_GODKANNAS.label) == "needs re-approval"
        assert SyncRun(status=SyncRun.Status.FAILED).get_status_display() == "Failed"
        assert SyncRun(trigger=SyncRun.Trigger.SCHEDULE).get_trigger_display() == "Scheduled"
    with translation.override("sv"):
        assert SyncRun(status=SyncRun.Status.FAILED).get_status_display() == "Misslyckades"


def test_the_settings_page_in_english_says_why_options_are_off(
    client_on_bas: tuple[User, Client],
) -> None:
    user, client = client_on_bas

    page = in_english(user).get(reverse("web:fortnox_settings", args=[client.pk])).text

    assert "Not included in the Bas plan." in page
    assert "The company has no Fortnox licence for Cost centres." in page
    assert "Customer invoices" in page
    assert "Ingår inte i abonnemanget" not in page
    assert "Kundfakturor" not in page


def test_the_sync_page_in_english_shows_run_and_area_states_in_english(
    client_on_bas: tuple[User, Client],
) -> None:
    user, client = client_on_bas
    SyncRun.objects.create(
        client=client,
        trigger=SyncRun.Trigger.MANUAL,
        status=SyncRun.Status.FAILED,
        error="Fortnox svarade inte.",
        areas=["company_info", "vouchers"],
        area_progress={
            "company_info": {"state": "done", "done": 1, "total": 1},
            "vouchers": {"state": "failed", "done": 1, "total": 3},
        },
        finished_at=dt.datetime(2025, 3, 1, tzinfo=dt.UTC),
    )

    page = in_english(user).get(reverse("web:sync", args=[client.pk])).text

    assert 'id="sync-status">Failed<' in page
    assert "Company information" in page
    assert "Vouchers" in page
    for swedish in ("Misslyckades", "Företagsinformation", "Verifikationer", "avbröts"):
        assert swedish not in page
