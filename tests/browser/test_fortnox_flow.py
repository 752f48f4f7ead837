"""The seed article's three steps in a real browser: Integrationer → inställningar → Synkronisera.

Chromium drives the app and the sandbox's own consent page. The acceptance flow runs the
app as production does (tests/browser/production.py): ``bokslut serve`` and a
``bokslut worker`` on the database queue, as processes on a private database of the
suite's engine, with the sandbox answering slowly enough that the page's HTMX polling is
what carries the progress from queued through running to done. The failure path runs the
same ``sync_client`` task on django-tasks' ImmediateBackend inside pytest-django's live
server (the sync finishes inside the POST): it is about the advice on the finished page,
not the polling. Screenshots of every step go to test-artifacts/browser/<test>/.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User

from bokslut.firms.models import Client, Firm, Membership
from bokslut.money import format_sek
from bokslut.sandbox import RunningSandbox, demo_company, run_in_thread
from browser.production import Production, production, slow_answers
from web.conftest import PASSWORD
from web.test_fortnox_pages import ORG_1001, control, point_at_sandbox

pytestmark = pytest.mark.slow
expect = pytest.importorskip("playwright.sync_api").expect

#: Every Fortnox answer takes this long while the sync runs: with a few dozen requests the
#: sync spans several of the page's polls, so it is seen running, not only queued and done.
SLOW_FORTNOX_MS = 200

IMMEDIATE_TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default"],
    }
}


@pytest.fixture(scope="module")
def sandbox() -> Iterator[RunningSandbox]:
    running = run_in_thread([demo_company(1001, vouchers_per_year=15)])
    yield running
    running.stop()


@pytest.fixture
def fortnox(settings: Any, sandbox: RunningSandbox, live_server: Any) -> RunningSandbox:
    """The app pointed at the sandbox, called back on the live server, syncing immediately."""
    point_at_sandbox(settings, sandbox, f"{live_server.url}/integrations/fortnox/callback")
    settings.TASKS = IMMEDIATE_TASKS
    Path(django_settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    return sandbox


@pytest.fixture
def served(tmp_path: Path, sandbox: RunningSandbox) -> Iterator[Production]:
    """The app served and worked as in production, pointed at a healthy sandbox."""
    control(sandbox, "DELETE", "faults")
    control(sandbox, "POST", "ratelimit/reset")
    try:
        with production(tmp_path, sandbox) as app:
            yield app
    finally:
        slow_answers(sandbox, None)


@pytest.fixture
def anna(transactional_db: None) -> User:
    firm = Firm.objects.create(name="Lindqvist Redovisning")
    user = User.objects.create_user("anna", password=PASSWORD)
    Membership.objects.create(user=user, firm=firm, role=Membership.Role.ADMIN)
    return user


def seed_closing_balances(sandbox: RunningSandbox) -> dict[str, str]:
    """The #UB of every account in the latest year Fortnox (the sandbox) holds, formatted."""
    latest = sandbox.sandbox.companies[1001].years_by_date()[-1]
    balances = {b.account: b.amount for b in latest.balances if b.kind == "UB" and b.year == 0}
    assert len(balances) >= 5, "the demo company has a balance sheet"
    return {account: format_sek(amount) for account, amount in balances.items()}


def sign_in(page: Any, base: str) -> None:
    page.goto(f"{base}/")
    page.fill("#id_username", "anna")
    page.fill("#id_password", PASSWORD)
    page.shot("logga-in")
    page.click("button.primary")
    page.wait_for_selector("#new-client")


def approve_on_fortnox(page: Any, sandbox: RunningSandbox) -> None:
    """On the sandbox's consent page: choose company 1001 and press Godkänn."""
    page.wait_for_url(f"{sandbox.base_url}/**")
    page.select_option("#tenant", "1001")
    page.shot("fortnox-godkann")
    page.click("button[value=approve]")


# The private database is on the suite's engine, so this also runs on PostgreSQL (-m db).
@pytest.mark.db
def test_connect_configure_sync_and_see_the_seeds_closing_balances(
    page: Any, sandbox: RunningSandbox, served: Production
) -> None:
    expected = seed_closing_balances(sandbox)
    sign_in(page, served.url)

    page.click("#new-client")
    page.fill("#id_name", "Vinterviks Bygg och Måleri AB")
    page.fill("#id_org_number", "5516559795")
    page.shot("ny-klient")
    page.click("#client-form button.primary")
    page.wait_for_selector("#fortnox-card")
    assert page.inner_text("#fortnox-status") == "Ej ansluten"
    page.shot("integrationer-ej-ansluten")

    page.click("#fortnox-connect")
    approve_on_fortnox(page, sandbox)
    page.wait_for_selector("#fortnox-card")
    assert page.inner_text("#fortnox-status") == "Aktiv"
    assert page.inner_text("#fortnox-orgnr") == ORG_1001
    assert page.inner_text("#fortnox-tenant") == "1001"
    page.shot("integrationer-aktiv")

    page.click("#fortnox-settings-link")
    page.uncheck("input[name=areas][value=fixed_assets]")
    page.fill("#id_years_back", "1")
    page.check("input[name=schedule][value=nightly]")
    page.shot("installningar")
    page.click("#settings-save")
    page.wait_for_selector("text=Inställningarna för Fortnox är sparade.")
    assert not page.is_checked("input[name=areas][value=fixed_assets]")
    page.shot("installningar-sparade")

    page.click("nav.tabs >> text=Integrationer")
    assert page.inner_text("#fortnox-next-sync") != "manuellt"  # nightly now
    slow_answers(sandbox, SLOW_FORTNOX_MS)
    page.click("#fortnox-sync")
    # The page is never reloaded from here on: only its polling can show the worker's
    # progress, first a run under way (an area fetched, another being fetched), then done.
    progress = page.locator("#sync-progress")
    under_way = page.locator(
        '#sync-progress[data-status="running"]:has(#sync-areas tr[data-state="done"])'
        ' #sync-areas tr[data-state="running"]'
    )
    expect(under_way.first).to_be_visible(timeout=60_000)
    page.shot("synkronisering-pagar")

    expect(progress).to_have_attribute("data-status", "done", timeout=120_000)
    states = page.locator("#sync-areas tr[data-area]")
    assert states.count() > 5
    assert "fixed_assets" not in [
        states.nth(i).get_attribute("data-area") for i in range(states.count())
    ]
    assert page.locator('#sync-areas tr[data-state="done"]').count() == states.count()
    page.shot("synkronisering-klar")
    slow_answers(sandbox, None)

    page.click("nav.tabs >> text=Saldobalans")
    page.wait_for_selector("#trial-balance")
    page.shot("saldobalans")
    for account, amount in expected.items():
        closing = page.locator(f'tr[data-account="{account}"] td.closing')
        assert closing.inner_text() == amount, account
    firm = served.shell(
        "from bokslut.firms.models import Client;"
        f" print(Client.objects.get(org_number={ORG_1001!r}).firm.name)"
    )
    assert firm.strip().splitlines()[-1] == "Lindqvist Redovisning"


def test_an_expired_consent_asks_for_reapproval_and_godkann_igen_restores_it(
    live_server: Any, page: Any, fortnox: RunningSandbox, anna: User
) -> None:
    client = Client.objects.create(
        firm=anna.membership.firm, name="Vinterviks Bygg och Måleri AB", org_number=ORG_1001
    )
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/klienter/{client.pk}/integrationer/")
    page.click("#fortnox-connect")
    approve_on_fortnox(page, fortnox)
    page.wait_for_selector("#fortnox-card")
    assert page.inner_text("#fortnox-status") == "Aktiv"

    # The consent ends at Fortnox: the access token expires and the grant is gone.
    for action in ("expire", "revoke"):
        httpx.post(f"{fortnox.control_url}tokens/{action}", json={"tenant": 1001}, timeout=10)
    page.click("#fortnox-sync")
    page.wait_for_selector('#sync-progress[data-status="failed"]', timeout=60_000)
    assert "Godkänn igen" in page.inner_text("#sync-error")
    page.shot("synkronisering-misslyckades")

    page.click("nav.tabs >> text=Integrationer")
    assert page.inner_text("#fortnox-status") == "Behöver godkännas igen"
    assert page.locator("#fortnox-sync").count() == 0
    page.shot("behover-godkannas-igen")

    page.click("#fortnox-reapprove")
    approve_on_fortnox(page, fortnox)
    page.wait_for_selector("#fortnox-card")
    assert page.inner_text("#fortnox-status") == "Aktiv"
    page.shot("aktiv-igen")
    page.click("#fortnox-sync")
    page.wait_for_selector('#sync-progress[data-status="done"]', timeout=60_000)
    page.shot("synkronisering-klar")
