"""The Fortnox pages over HTTP against the sandbox: Integrationer, Inställningar, Synkronisering.

Every test talks to a real sandbox over HTTP (its consent page, token endpoint and API); the
sync tests queue the task on the database backend and run ``bokslut worker --burst``, as a
worker process would.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from io import StringIO
from typing import Any

import httpx
import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client as HttpClient
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from bokslut.audit.models import AuditEvent
from bokslut.firms.models import Client, Firm, Membership
from bokslut.integrations.models import Connection, ConnectionStatus, SyncSettings
from bokslut.integrations.sync_settings import firm_plan_set
from bokslut.integrations.tokens import DatabaseTokenStore
from bokslut.sandbox import RunningSandbox, demo_company, run_in_thread
from bokslut.sync.models import SyncRun

from .conftest import PASSWORD, signed_in

#: The sandbox's demo company 1001 has this org.nr.
ORG_1001 = "551655-9795"
TESTSERVER_CALLBACK = "http://testserver/integrations/fortnox/callback"


# -- the sandbox and the consent round trip (also used by the browser tests) ----------------


@pytest.fixture(scope="module")
def sandbox() -> Iterator[RunningSandbox]:
    running = run_in_thread([demo_company(1001, vouchers_per_year=15)])
    yield running
    running.stop()


def control(sandbox: RunningSandbox, method: str, path: str, body: object = None) -> Any:
    """Call the sandbox's control API."""
    response = httpx.request(method, sandbox.control_url + path, json=body, timeout=10)
    response.raise_for_status()
    return response.json()


def point_at_sandbox(settings: Any, sandbox: RunningSandbox, redirect_uri: str) -> None:
    """Settings of an embedded install talking to ``sandbox`` (no Redis, every plan default)."""
    settings.BOKSLUT_FORTNOX_API_URL = sandbox.api_url
    settings.BOKSLUT_FORTNOX_OAUTH_URL = sandbox.oauth_url
    settings.BOKSLUT_FORTNOX_REDIRECT_URI = redirect_uri
    settings.BOKSLUT_FORTNOX_REDIS_URL = None
    settings.BOKSLUT_FERNET_KEYS = []
    settings.BOKSLUT_PLANS = None
    control(sandbox, "DELETE", "faults")
    control(sandbox, "POST", "ratelimit/reset")


def approve_consent(sandbox: RunningSandbox, authorize_url: str, tenant: int = 1001) -> str:
    """Approve the sandbox's consent page as a person would; returns the callback URL."""
    page = httpx.get(authorize_url, timeout=10)
    assert page.status_code == 200, page.text
    consent = re.search(r'name="consent" value="([^"]+)"', page.text)
    assert consent is not None
    form = {
        "consent": consent.group(1),
        "tenant": str(tenant),
        "decision": "approve",
        "scope_item": re.findall(r'name="scope_item" value="([^"]+)"', page.text),
    }
    answer = httpx.post(sandbox.oauth_url + "auth", data=form, timeout=10)
    assert answer.status_code == 302, answer.text
    return str(answer.headers["location"])


@pytest.fixture
def fortnox(settings: Any, sandbox: RunningSandbox) -> RunningSandbox:
    point_at_sandbox(settings, sandbox, TESTSERVER_CALLBACK)
    return sandbox


@pytest.fixture
def member(db: None) -> User:
    firm = Firm.objects.create(name="Revisionsbyrån AB")
    user = User.objects.create_user("anna", password=PASSWORD)
    Membership.objects.create(user=user, firm=firm, role=Membership.Role.ADMIN)
    return user


@pytest.fixture
def client_1001(member: User) -> Client:
    return Client.objects.create(
        firm=member.membership.firm, name="Vinterviks Bygg och Måleri AB", org_number=ORG_1001
    )


def connect(http: HttpClient, sandbox: RunningSandbox, client: Client) -> Any:
    """Anslut till Fortnox → the consent page → our callback; the page it lands on."""
    start = http.post(reverse("web:fortnox_connect", args=[client.pk]))
    assert start.status_code == 302
    callback = approve_consent(sandbox, start["Location"])
    assert callback.startswith(TESTSERVER_CALLBACK)
    return http.get(callback.removeprefix("http://testserver"), follow=True)


def run_worker() -> None:
    call_command("worker", "--burst", stdout=StringIO(), stderr=StringIO())


def integrations_url(client: Client) -> str:
    return reverse("web:fortnox_integrations", args=[client.pk])


# -- Integrationer ------------------------------------------------------------------------------


def test_unconnected_client_offers_only_anslut_till_fortnox(
    member: User, client_1001: Client
) -> None:
    html = signed_in(member).get(integrations_url(client_1001)).text

    assert 'id="fortnox-status">Ej ansluten<' in html
    assert 'id="fortnox-connect"' in html
    for button in ("fortnox-reapprove", "fortnox-sync", "fortnox-disconnect"):
        assert f'id="{button}"' not in html


def test_connecting_shows_aktiv_with_company_orgnr_tenant_scopes_and_licences(
    fortnox: RunningSandbox, member: User, client_1001: Client
) -> None:
    http = signed_in(member)

    page = connect(http, fortnox, client_1001)

    html = page.text
    assert page.request["PATH_INFO"] == integrations_url(client_1001)
    assert 'id="fortnox-status">Aktiv<' in html
    assert "Vinterviks" in html.split('id="fortnox-company">')[1].split("<")[0]
    assert f'id="fortnox-orgnr">{ORG_1001}<' in html
    assert 'id="fortnox-tenant">1001<' in html
    connection = Connection.objects.get(client=client_1001)
    assert html.count("<tr data-scope=") == len(connection.scopes) >= 5
    assert 'data-scope="bookkeeping"><td>Bokföring</td><td>finns<' in html
    for button in ("fortnox-sync", "fortnox-disconnect"):
        assert f'id="{button}"' in html
    assert 'id="fortnox-connect"' not in html
    event = AuditEvent.objects.get(action=AuditEvent.Action.CONNECT)
    assert (event.client, event.user, event.details["tenant"]) == (client_1001, member, "1001")


def test_no_token_appears_on_any_fortnox_page(
    fortnox: RunningSandbox, member: User, client_1001: Client
) -> None:
    http = signed_in(member)
    connect(http, fortnox, client_1001)
    tokens = DatabaseTokenStore(Connection.objects.get(client=client_1001).pk).load()
    assert tokens is not None
    assert tokens.refresh_token
    connection = Connection.objects.get(client=client_1001)
    secrets = [
        tokens.access_token,
        tokens.refresh_token,
        connection.access_token_encrypted,
        connection.refresh_token_encrypted,
    ]
    pages = ["fortnox_integrations", "fortnox_settings", "sync", "sync_progress"]
    for name in pages:
        html = http.get(reverse(f"web:{name}", args=[client_1001.pk])).text
        for secret in secrets:
            assert secret[:40] not in html, name


def test_koppla_fran_revokes_the_grant_and_is_audited(
    fortnox: RunningSandbox, member: User, client_1001: Client
) -> None:
    http = signed_in(member)
    connect(http, fortnox, client_1001)

    page = http.post(reverse("web:fortnox_disconnect", args=[client_1001.pk]), follow=True)

    connection = Connection.objects.get(client=client_1001)
    assert connection.status == ConnectionStatus.FRANKOPPLAD
    assert not connection.has_tokens
    assert 'id="fortnox-connect"' in page.text
    assert "Kopplingen till Fortnox är borttagen." in page.text
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DISCONNECT).count() == 1


def test_a_differing_org_number_must_be_confirmed_before_syncing(
    fortnox: RunningSandbox, member: User
) -> None:
    other = Client.objects.create(
        firm=member.membership.firm, name="Fel Företag AB", org_number="556036-0793"
    )
    http = signed_in(member)

    html = connect(http, fortnox, other).text
    assert 'id="org-mismatch"' in html
    assert 'id="fortnox-sync"' not in html

    confirmed = http.post(reverse("web:fortnox_confirm", args=[other.pk]), follow=True).text
    assert 'id="org-mismatch"' not in confirmed
    assert 'id="fortnox-sync"' in confirmed


# -- Inställningar för Fortnox ---------------------------------------------------------------


def settings_url(client: Client) -> str:
    return reverse("web:fortnox_settings", args=[client.pk])


def valid_settings(**changes: Any) -> dict[str, Any]:
    form = {
        "areas": ["company_info", "financial_years", "chart_of_accounts", "balances", "vouchers"],
        "years_back": "1",
        "chart_policy": "fortnox",
        "balance_policy": "fortnox",
        "schedule": "manual",
        "nightly_at": "02:00",
    }
    form.update(changes)
    return form


def test_options_outside_the_plan_are_disabled_with_the_reason(
    member: User, client_1001: Client
) -> None:
    firm_plan_set(firm=client_1001.firm, plan="bas")

    html = signed_in(member).get(settings_url(client_1001)).text

    invoices = re.search(r'value="customer_invoices"[^>]*>', html)
    assert invoices is not None
    assert "disabled" in invoices.group(0)
    assert 'id="reason-customer_invoices">Ingår inte i abonnemanget Bas.<' in html
    vouchers = re.search(r'value="vouchers"[^>]*>', html)
    assert vouchers is not None
    assert "disabled" not in vouchers.group(0)
    nightly = re.search(r'name="schedule" value="nightly"[^>]*>', html)
    assert nightly is not None
    assert "disabled" in nightly.group(0)
    # Projects, the two ledgers, two invoice registers and assets; nightly and hourly.
    assert len(re.findall(r"<input[^>]* disabled", html)) == 6 + 2


def test_options_the_company_lacks_a_licence_for_name_the_licence(
    fortnox: RunningSandbox, member: User, client_1001: Client
) -> None:
    http = signed_in(member)
    control(
        fortnox,
        "PUT",
        "companies/1001/licences",
        {"scopes": ["bookkeeping", "companyinformation", "settings"]},
    )
    try:
        connect(http, fortnox, client_1001)
    finally:
        control(fortnox, "PUT", "companies/1001/licences", {"scopes": sorted(ALL_SCOPES)})

    html = http.get(settings_url(client_1001)).text

    assert "Företaget saknar licens i Fortnox för Kunder." in html
    assert re.search(r'value="customers"[^>]*disabled', html)


ALL_SCOPES = {
    "bookkeeping",
    "companyinformation",
    "settings",
    "costcenter",
    "project",
    "customer",
    "supplier",
    "invoice",
    "supplierinvoice",
    "assets",
}


def test_saving_settings_stores_them_and_writes_the_audit_log(
    member: User, client_1001: Client
) -> None:
    http = signed_in(member)

    answer = http.post(settings_url(client_1001), valid_settings(schedule="nightly"))

    assert answer.status_code == 302
    stored = SyncSettings.objects.get(client=client_1001)
    assert stored.areas == [
        "company_info",
        "financial_years",
        "chart_of_accounts",
        "balances",
        "vouchers",
    ]
    assert (stored.years_back, stored.schedule, stored.updated_by) == (1, "nightly", member)
    event = AuditEvent.objects.get(action=AuditEvent.Action.SETTINGS_CHANGE)
    assert event.details["schedule"] == "nightly"
    assert event.details["nightly_at"] == "02:00"


def test_a_forged_unavailable_option_is_refused_by_the_server(
    member: User, client_1001: Client
) -> None:
    firm_plan_set(firm=client_1001.firm, plan="bas")
    before = SyncSettings.objects.get_or_create(client=client_1001)[0].areas
    http = signed_in(member)

    answer = http.post(
        settings_url(client_1001),
        valid_settings(areas=["vouchers", "customer_invoices"], schedule="hourly"),
    )

    assert answer.status_code == 400
    assert "Kundfakturor kan inte synkas: Ingår inte i abonnemanget Bas." in answer.text
    assert "Schemat varje timme ingår inte i abonnemanget Bas." in answer.text
    assert SyncSettings.objects.get(client=client_1001).areas == before
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.SETTINGS_CHANGE).exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("years_back", "11"),
        ("years_back", "två"),
        ("chart_policy", "egen"),
        ("nightly_at", "25:00"),
    ],
)
def test_out_of_range_values_are_refused(
    member: User, client_1001: Client, field: str, value: str
) -> None:
    answer = signed_in(member).post(settings_url(client_1001), valid_settings(**{field: value}))

    assert answer.status_code == 400
    assert SyncSettings.objects.get(client=client_1001).years_back == 2  # the default, kept


# -- Synkronisering ----------------------------------------------------------------------------


def sync_url(client: Client, name: str = "sync") -> str:
    return reverse(f"web:{name}", args=[client.pk])


def test_synkronisera_without_a_connection_says_why_and_queues_nothing(
    member: User, client_1001: Client
) -> None:
    page = signed_in(member).post(sync_url(client_1001, "sync_start"), follow=True)

    assert "Klienten är inte ansluten till Fortnox." in page.text
    assert DBTaskResult.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_queued_sync_waits_then_progress_reaches_done_with_per_area_counts(
    fortnox: RunningSandbox, member: User, client_1001: Client
) -> None:
    http = signed_in(member)
    connect(http, fortnox, client_1001)
    http.post(settings_url(client_1001), valid_settings())

    started = http.post(sync_url(client_1001, "sync_start"))

    assert started.status_code == 302
    assert DBTaskResult.objects.count() == 1
    waiting = http.get(sync_url(client_1001, "sync_progress"), headers={"HX-Request": "true"})
    assert 'data-status="waiting"' in waiting.text
    assert 'hx-trigger="every 1s"' in waiting.text
    assert "HX-Refresh" not in waiting

    run_worker()

    done = http.get(sync_url(client_1001, "sync_progress"), headers={"HX-Request": "true"})
    assert 'data-status="done"' in done.text
    assert "hx-trigger" not in done.text
    assert done["HX-Refresh"] == "true"  # so the history and the diff show the new run
    run = SyncRun.objects.get(client=client_1001)
    assert (run.status, run.started_by, run.trigger) == ("done", member, "manual")
    assert re.findall(r'data-area="([a-z_]+)" data-state="done"', done.text) == [
        "company_info",
        "financial_years",
        "chart_of_accounts",
        "balances",
        "vouchers",
    ]
    page = http.get(sync_url(client_1001)).text
    vouchers = run.counts["vouchers"]["new"]
    assert vouchers > 0
    assert f"Verifikationer: {vouchers}<" in page  # nytt sedan senaste synkroniseringen
    assert f'data-run="{run.pk}"' in page
    event = AuditEvent.objects.get(action=AuditEvent.Action.SYNC)
    assert event.details == {"event": "start", "trigger": "manual"}


@pytest.mark.django_db(transaction=True)
def test_a_revoked_grant_shows_behover_godkannas_igen_and_what_to_do(
    fortnox: RunningSandbox, member: User, client_1001: Client
) -> None:
    http = signed_in(member)
    connect(http, fortnox, client_1001)
    control(fortnox, "POST", "tokens/expire", {"tenant": 1001})
    control(fortnox, "POST", "tokens/revoke", {"tenant": 1001})

    http.post(sync_url(client_1001, "sync_start"))
    run_worker()

    sync_page = http.get(sync_url(client_1001)).text
    assert 'id="sync-error"' in sync_page
    assert "klicka på Godkänn igen" in sync_page
    card = http.get(integrations_url(client_1001)).text
    assert 'id="fortnox-status">Behöver godkännas igen<' in card
    assert 'id="fortnox-reapprove"' in card
    assert 'id="fortnox-sync"' not in card

    again = connect(http, fortnox, client_1001).text
    assert 'id="fortnox-status">Aktiv<' in again


def test_run_details_list_counts_requests_and_changes_of_that_run_only(
    member: User, client_1001: Client
) -> None:
    run = SyncRun.objects.create(
        client=client_1001,
        trigger=SyncRun.Trigger.MANUAL,
        status=SyncRun.Status.DONE,
        areas=["vouchers"],
        counts={"vouchers": {"new": 2, "changed": 0, "unchanged": 5, "removed": 1}},
        requests={"GET /3/sie/{type}": {"requests": 1, "retries": 0, "bytes": 900}},
        request_total=1,
        finished_at=dt.datetime(2025, 3, 1, tzinfo=dt.UTC),
    )
    run.changes.create(entity="voucher", kind="new", key="A 12")
    other = SyncRun.objects.create(client=client_1001, trigger=SyncRun.Trigger.MANUAL)
    other.changes.create(entity="voucher", kind="new", key="B 99")

    html = signed_in(member).get(reverse("web:sync_run", args=[client_1001.pk, run.pk])).text

    assert "A 12" in html
    assert "B 99" not in html
    assert "GET /3/sie/{type}" in html
    row = re.search(r'data-area="vouchers".*?</tr>', html, re.S)
    assert row is not None
    assert [int(n) for n in re.findall(r'class="num">(\d+)<', row.group(0))] == [2, 0, 5, 1]


def test_run_details_name_paths_and_register_areas_in_swedish(
    member: User, client_1001: Client
) -> None:
    run = SyncRun.objects.create(
        client=client_1001,
        trigger=SyncRun.Trigger.MANUAL,
        status=SyncRun.Status.DONE,
        paths={"2023-01-01": "unchanged", "2024-01-01": "sie", "2025-01-01": "delta"},
        finished_at=dt.datetime(2025, 3, 1, tzinfo=dt.UTC),
    )
    run.changes.create(entity="register", kind="new", key="customer_invoices 1001")
    run.changes.create(entity="register", kind="changed", key="voucher_series A")

    html = signed_in(member).get(reverse("web:sync_run", args=[client_1001.pk, run.pk])).text

    paths = re.search(r'id="run-paths">(.*?)</tbody>', html, re.S)
    assert paths is not None
    assert re.findall(r"<td>([^<]*)</td></tr>", paths.group(1)) == [
        "Oförändrat",
        "SIE-fil",
        "Nya verifikationer (JSON)",
    ]
    changes = re.search(r'id="run-changes">(.*?)</ul>', html, re.S)
    assert changes is not None
    assert "Kundfakturor 1001" in changes.group(1)
    assert "Verifikationsserier A" in changes.group(1)
    assert "customer_invoices" not in html
    assert "voucher_series" not in html


def test_a_run_of_another_client_is_not_found(member: User, client_1001: Client) -> None:
    sibling = Client.objects.create(
        firm=client_1001.firm, name="Syskon AB", org_number="556036-0793"
    )
    run = SyncRun.objects.create(client=sibling, trigger=SyncRun.Trigger.MANUAL)

    answer = signed_in(member).get(reverse("web:sync_run", args=[client_1001.pk, run.pk]))

    assert answer.status_code == 404


# -- Ny klient -----------------------------------------------------------------------------------


def test_a_new_client_is_created_and_taken_to_integrationer(member: User) -> None:
    http = signed_in(member)

    answer = http.post(
        reverse("web:client_create"), {"name": "Nya Bolaget AB", "org_number": "5516559795"}
    )

    client = Client.objects.get(name="Nya Bolaget AB")
    assert client.org_number == ORG_1001
    assert client.firm == member.membership.firm
    assert answer["Location"] == integrations_url(client)


@pytest.mark.parametrize(
    ("org_number", "message"),
    [("551655-9796", "kontrollsiffran"), ("551655-9795", "redan en klient")],
)
def test_invalid_or_duplicate_org_numbers_are_refused(
    member: User, client_1001: Client, org_number: str, message: str
) -> None:
    answer = signed_in(member).post(
        reverse("web:client_create"), {"name": "Dubblett AB", "org_number": org_number}
    )

    assert answer.status_code == 200
    assert message in answer.text
    assert Client.objects.count() == 1


def test_a_limited_consultant_may_not_create_clients(member: User) -> None:
    consultant = User.objects.create_user("kalle", password=PASSWORD)
    Membership.objects.create(
        user=consultant,
        firm=member.membership.firm,
        role=Membership.Role.CONSULTANT,
        limited_to_clients=True,
    )

    answer = signed_in(consultant).post(
        reverse("web:client_create"), {"name": "Smyg AB", "org_number": ORG_1001}
    )

    assert answer.status_code == 403
    assert not Client.objects.exists()
