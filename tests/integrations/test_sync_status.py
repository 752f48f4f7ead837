"""What syncs do to the connection: ``fel`` after a failure that will not pass, ``aktiv``
again after the next good sync, and licences kept true to what Fortnox answers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client as DjangoClient
from django.urls import reverse

from bokslut.firms.models import Client
from bokslut.fortnox import LicenceMissing, ServerError
from bokslut.integrations.areas import REQUESTED_SCOPES, Area
from bokslut.integrations.connections import FAILURES_BEFORE_FEL, connection_record_error
from bokslut.integrations.models import Connection, ConnectionStatus
from bokslut.integrations.sync_settings import available_areas
from bokslut.sandbox import RunningSandbox
from bokslut.sync.models import SyncRun
from bokslut.sync.services import sync_run

from .conftest import connect_in_browser, control

ALL_LICENCES = sorted(set(REQUESTED_SCOPES) | {"assets"})


@pytest.fixture
def connected(
    fortnox_settings: Any, browser: DjangoClient, running: RunningSandbox, client_1001: Client
) -> Iterator[Connection]:
    """Client 1001 connected to the sandbox with every licence; licences restored after."""
    control(running, "PUT", "companies/1001/licences", {"scopes": ALL_LICENCES})
    connect_in_browser(browser, running, client_1001)
    try:
        yield Connection.objects.get(client=client_1001)
    finally:
        control(running, "PUT", "companies/1001/licences", {"scopes": ALL_LICENCES})
        control(running, "DELETE", "faults")


def licences_without(*scopes: str) -> dict[str, list[str]]:
    return {"scopes": [s for s in ALL_LICENCES if s not in scopes]}


def listed_as_error(browser: DjangoClient, client: Client) -> bool:
    html = browser.get(reverse("web:client_list"), {"status": "fel"}).text
    return f">{client.name}</a>" in html


def test_a_lasting_error_sets_fel_and_the_next_good_sync_sets_aktiv(
    connected: Connection, running: RunningSandbox, browser: DjangoClient, client_1001: Client
) -> None:
    control(running, "PUT", "companies/1001/licences", licences_without("bookkeeping"))

    failed = sync_run(client=client_1001)

    assert failed.status == SyncRun.Status.FAILED
    connected.refresh_from_db()
    assert connected.status == ConnectionStatus.FEL
    assert connected.last_error == failed.error
    assert "licens" in connected.last_error  # Swedish, Fortnox's own reason
    assert "bookkeeping" not in connected.licences  # re-detected on the licence error
    assert listed_as_error(browser, client_1001)
    page = browser.get(reverse("web:client_list")).text
    assert "badge-error" in page

    control(running, "PUT", "companies/1001/licences", {"scopes": ALL_LICENCES})
    mended = sync_run(client=client_1001)

    assert mended.status == SyncRun.Status.DONE, mended.error
    connected.refresh_from_db()
    assert (connected.status, connected.last_error) == (ConnectionStatus.AKTIV, "")
    assert "bookkeeping" in connected.licences  # financialyears answered again


def test_transient_errors_set_fel_only_after_three_failed_syncs_in_a_row(
    connected: Connection, running: RunningSandbox, client_1001: Client
) -> None:
    for _ in range(FAILURES_BEFORE_FEL - 1):
        SyncRun.objects.create(
            client=client_1001,
            status=SyncRun.Status.FAILED,
            error="Fortnox svarar inte just nu.",
            finished_at=dt.datetime.now(dt.UTC),
        )
    control(running, "PATCH", "faults", {"error_next": 5})  # every retry of one request

    run = sync_run(client=client_1001)

    assert run.status == SyncRun.Status.FAILED
    connected.refresh_from_db()
    assert connected.status == ConnectionStatus.FEL
    assert connected.last_error == run.error


@pytest.mark.django_db
def test_one_transient_failure_keeps_the_status_and_a_lasting_one_does_not(
    client_1001: Client,
) -> None:
    connection = Connection.objects.create(client=client_1001, status=ConnectionStatus.AKTIV)
    down = ServerError("503", status_code=503)

    for failures in range(1, FAILURES_BEFORE_FEL):
        connection_record_error(connection=connection, error=down, failures=failures)
        connection.refresh_from_db()
        assert connection.status == ConnectionStatus.AKTIV
        assert connection.last_error == down.user_message
    connection_record_error(
        connection=connection, error=RuntimeError("oläsbar fil"), failures=FAILURES_BEFORE_FEL
    )
    connection.refresh_from_db()
    assert (connection.status, connection.last_error) == (ConnectionStatus.FEL, "oläsbar fil")

    other = Connection.objects.create(
        client=Client.objects.create(
            firm=client_1001.firm, name="Annan AB", org_number="556036-0793"
        ),
        status=ConnectionStatus.AKTIV,
    )
    connection_record_error(connection=other, error=LicenceMissing("nej", code=2000663))
    other.refresh_from_db()
    assert other.status == ConnectionStatus.FEL
    assert other.can_sync  # a sync is how it mends


def test_a_licence_lost_for_a_register_is_redetected_and_the_area_shown_unavailable(
    connected: Connection, running: RunningSandbox, browser: DjangoClient, client_1001: Client
) -> None:
    control(running, "PUT", "companies/1001/licences", licences_without("customer"))

    run = sync_run(client=client_1001)

    assert run.status == SyncRun.Status.DONE, run.error
    connected.refresh_from_db()
    assert connected.status == ConnectionStatus.AKTIV
    assert "customer" not in connected.licences
    assert "supplier" in connected.licences
    reason = available_areas(client=client_1001)[Area.CUSTOMERS]
    assert reason is not None
    assert "saknar licens" in reason
    settings_page = browser.get(reverse("web:fortnox_settings", args=[client_1001.pk])).text
    assert "Företaget saknar licens i Fortnox för" in settings_page

    # Bought again: not probed within the day, probed (that scope alone) once a day has passed.
    control(running, "PUT", "companies/1001/licences", {"scopes": ALL_LICENCES})
    sync_run(client=client_1001)
    connected.refresh_from_db()
    assert "customer" not in connected.licences
    Connection.objects.filter(pk=connected.pk).update(
        licences_checked_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=1, minutes=1)
    )
    later = sync_run(client=client_1001)
    connected.refresh_from_db()
    assert "customer" in connected.licences
    assert later.requests["GET /3/customers"]["requests"] == 1, later.requests


def test_the_daily_licence_check_costs_no_request_when_every_scope_is_licensed(
    connected: Connection, client_1001: Client
) -> None:
    sync_run(client=client_1001)
    fresh = sync_run(client=client_1001)
    Connection.objects.filter(pk=connected.pk).update(
        licences_checked_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
    )
    stale = sync_run(client=client_1001)

    assert (fresh.status, stale.status) == ("done", "done")
    assert stale.request_total == fresh.request_total, (stale.requests, fresh.requests)
    connected.refresh_from_db()
    assert connected.licences_checked_at > dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
