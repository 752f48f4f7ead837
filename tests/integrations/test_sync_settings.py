"""Sync settings: plans and licences enforced on the server, defaults, effective areas."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils import timezone

from bokslut.firms.models import Client
from bokslut.integrations.areas import AREA_SCOPES, BOOKKEEPING_AREAS, LEDGER_AREAS, Area
from bokslut.integrations.models import Connection, Schedule
from bokslut.integrations.sync_settings import (
    available_areas,
    effective_areas,
    effective_schedule,
    firm_plan,
    firm_plan_set,
    sync_settings_for,
    sync_settings_update,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def default_plans(settings: Any) -> None:
    settings.BOKSLUT_PLANS = None


def licensed(client: Client, scopes: set[str], *, granted: set[str] | None = None) -> Connection:
    return Connection.objects.create(
        client=client,
        status="aktiv",
        scopes=sorted(granted if granted is not None else set(AREA_SCOPES.values())),
        licences=sorted(scopes),
        licences_checked_at=timezone.now(),
    )


def test_the_catalogue_has_every_issue_area_with_a_scope() -> None:
    assert len(Area) == 15
    assert set(AREA_SCOPES) == set(Area)
    assert Area.VOUCHERS.label == "Verifikationer"


def test_plans_grow_bas_plus_byra(client_1001: Client) -> None:
    firm = client_1001.firm
    assert firm_plan(firm=firm).code == "byra"
    firm_plan_set(firm=firm, plan="bas")
    bas = firm_plan(firm=firm)
    firm_plan_set(firm=firm, plan="plus")
    plus = firm_plan(firm=firm)
    firm_plan_set(firm=firm, plan="byra")
    byra = firm_plan(firm=firm)
    assert bas.areas == frozenset(BOOKKEEPING_AREAS)
    assert plus.areas == frozenset((*BOOKKEEPING_AREAS, *LEDGER_AREAS))
    assert byra.areas == frozenset(Area)
    assert bas.schedules == plus.schedules == {"manual"}
    assert byra.schedules == {"manual", "nightly", "hourly"}
    with pytest.raises(ImproperlyConfigured):
        firm_plan_set(firm=firm, plan="guld")


def test_new_settings_default_to_what_the_plan_allows(client_1001: Client) -> None:
    firm_plan_set(firm=client_1001.firm, plan="bas")
    settings = sync_settings_for(client=client_1001)
    assert set(settings.areas) == {a.value for a in BOOKKEEPING_AREAS}
    assert settings.schedule == Schedule.MANUAL
    assert sync_settings_for(client=client_1001).pk == settings.pk


def test_area_outside_the_plan_is_refused_naming_area_and_plan(client_1001: Client) -> None:
    firm_plan_set(firm=client_1001.firm, plan="bas")
    with pytest.raises(ValidationError) as caught:
        sync_settings_update(
            client=client_1001, user=None, areas=["vouchers", "customers", "fixed_assets"]
        )
    messages = caught.value.message_dict["areas"]
    assert messages == [
        "Kunder kan inte synkas: Ingår inte i abonnemanget Bas.",
        "Anläggningstillgångar kan inte synkas: Ingår inte i abonnemanget Bas.",
    ]
    assert "customers" not in sync_settings_for(client=client_1001).areas


def test_area_without_licence_is_refused_naming_the_licence(client_1001: Client) -> None:
    licensed(client_1001, set(AREA_SCOPES.values()) - {"assets"})
    with pytest.raises(ValidationError) as caught:
        sync_settings_update(client=client_1001, user=None, areas=["fixed_assets"])
    (message,) = caught.value.message_dict["areas"]
    assert message.startswith("Anläggningstillgångar kan inte synkas")
    assert "saknar licens" in message
    assert "Anläggningsregister" in message


def test_allowed_changes_are_saved(client_1001: Client) -> None:
    settings = sync_settings_update(
        client=client_1001,
        user=None,
        areas=["vouchers", "chart_of_accounts", "customers"],
        years_back=3,
        chart_policy="keep_local",
        balance_policy="own_previous_year",
        schedule="nightly",
        nightly_at=dt.time(3, 30),
    )
    settings.refresh_from_db()
    assert settings.areas == ["chart_of_accounts", "vouchers", "customers"]
    assert (settings.years_back, settings.chart_policy, settings.balance_policy) == (
        3,
        "keep_local",
        "own_previous_year",
    )
    assert effective_schedule(client=client_1001) == (Schedule.NIGHTLY, dt.time(3, 30))


@pytest.mark.parametrize("schedule", ["nightly", "hourly"])
def test_scheduled_sync_needs_the_byra_plan(client_1001: Client, schedule: str) -> None:
    firm_plan_set(firm=client_1001.firm, plan="plus")
    with pytest.raises(ValidationError) as caught:
        sync_settings_update(client=client_1001, user=None, schedule=schedule)
    assert "ingår inte i abonnemanget Plus" in caught.value.message_dict["schedule"][0]
    sync_settings_update(client=client_1001, user=None, schedule="manual")


def test_downgraded_plan_falls_back_to_manual_and_drops_areas(client_1001: Client) -> None:
    sync_settings_update(
        client=client_1001, user=None, schedule="hourly", areas=["vouchers", "fixed_assets"]
    )
    assert effective_areas(client=client_1001) == {Area.VOUCHERS, Area.FIXED_ASSETS}
    firm_plan_set(firm=client_1001.firm, plan="bas")
    assert effective_schedule(client=client_1001) == (Schedule.MANUAL, None)
    assert effective_areas(client=client_1001) == {Area.VOUCHERS}


def test_effective_areas_drop_areas_whose_licence_is_gone(client_1001: Client) -> None:
    sync_settings_update(client=client_1001, user=None, areas=["vouchers", "projects"])
    licensed(client_1001, {"bookkeeping", "companyinformation"})
    assert effective_areas(client=client_1001) == {Area.VOUCHERS}
    reasons = available_areas(client=client_1001)
    assert reasons[Area.VOUCHERS] is None
    assert reasons[Area.PROJECTS] == "Företaget saknar licens i Fortnox för Projekt."


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"years_back": -1}, "years_back"),
        ({"years_back": 11}, "years_back"),
        ({"years_back": "2"}, "years_back"),
        ({"chart_policy": "whatever"}, "chart_policy"),
        ({"balance_policy": ""}, "balance_policy"),
        ({"schedule": "weekly"}, "schedule"),
        ({"nightly_at": "02:00"}, "nightly_at"),
        ({"areas": "vouchers"}, "areas"),
        ({"areas": ["ledger"]}, "areas"),
    ],
)
def test_invalid_values_are_refused_by_field(
    client_1001: Client, changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        sync_settings_update(client=client_1001, user=None, **changes)
    assert list(caught.value.message_dict) == [field]


def test_unknown_setting_is_refused(client_1001: Client) -> None:
    with pytest.raises(ValidationError, match="Okända inställningar"):
        sync_settings_update(client=client_1001, user=None, plan="byra")


def test_plans_can_be_replaced_in_settings(settings: Any, client_1001: Client) -> None:
    settings.BOKSLUT_PLANS = {
        "byra": {"label": "Liten", "areas": ["vouchers"], "schedules": ["manual", "hourly"]}
    }
    plan = firm_plan(firm=client_1001.firm)
    assert plan.label == "Liten"
    assert plan.areas == {Area.VOUCHERS}
    reasons = available_areas(client=client_1001)
    assert reasons[Area.CUSTOMERS] == "Ingår inte i abonnemanget Liten."
    sync_settings_update(client=client_1001, user=None, schedule="hourly")
    settings.BOKSLUT_PLANS = {"byra": {"areas": ["no_such_area"]}}
    with pytest.raises(ImproperlyConfigured):
        firm_plan(firm=client_1001.firm)
