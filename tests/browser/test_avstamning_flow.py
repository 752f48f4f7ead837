"""Issue 6's acceptance in a real browser: sync the demo client → *Avstämning* → reconcile 1930
with an uploaded camt.053 statement → green; 1510 matches the customer ledger by itself;
sign off; a new payment on 1930 in the sandbox → sync → *ändrat efter avstämning* with the
old and the new amount.

Connecting and syncing go through the Fortnox pages and the sandbox's own consent page,
with the helpers of test_fortnox_flow (the sync runs on django-tasks' ImmediateBackend for
the reasons given there). Screenshots of every step go to test-artifacts/browser/<test>/.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User

from avstamning.camt import camt053
from bokslut.avstamning.models import ChangeFlag
from bokslut.avstamning.selectors import cell_get
from bokslut.firms.models import Client, Firm, Membership
from bokslut.ledger.models import FinancialYear
from bokslut.money import format_sek, from_ore
from bokslut.sandbox import RunningSandbox, demo_company, run_in_thread
from browser.test_fortnox_flow import IMMEDIATE_TASKS, approve_on_fortnox, sign_in
from web.conftest import PASSWORD
from web.test_fortnox_pages import ORG_1001, point_at_sandbox

pytestmark = pytest.mark.slow

PAYMENT = "1250.00"
CLIENT_TABS = 'nav[aria-label="Klientens sidor"]'


@pytest.fixture
def sandbox() -> Iterator[RunningSandbox]:
    """A sandbox of its own: the test books a new voucher in it."""
    running = run_in_thread([demo_company(1001, vouchers_per_year=40)])
    yield running
    running.stop()


@pytest.fixture
def fortnox(
    settings: Any, sandbox: RunningSandbox, live_server: Any, tmp_path: Path
) -> RunningSandbox:
    point_at_sandbox(settings, sandbox, f"{live_server.url}/integrations/fortnox/callback")
    settings.TASKS = IMMEDIATE_TASKS
    settings.MEDIA_ROOT = tmp_path / "media"
    Path(django_settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    return sandbox


@pytest.fixture
def client(transactional_db: None) -> Client:
    firm = Firm.objects.create(name="Lindqvist Redovisning")
    user = User.objects.create_user("anna", password=PASSWORD)
    Membership.objects.create(user=user, firm=firm, role=Membership.Role.ADMIN)
    return Client.objects.create(
        firm=firm, name="Vinterviks Bygg och Måleri AB", org_number=ORG_1001
    )


def _sync(page: Any) -> None:
    page.click(f"{CLIENT_TABS} >> text=Integrationer")
    page.click("#fortnox-sync")
    page.wait_for_selector('#sync-progress[data-status="done"]', timeout=60_000)


def _open_cell(page: Any, account: str) -> None:
    page.click(f"{CLIENT_TABS} >> text=Avstämning")
    page.wait_for_selector(".recgrid")
    page.locator(f'tr[data-account="{account}"] td.cell a').last.click()
    page.wait_for_selector("#status")


def _new_payment(sandbox: RunningSandbox, year: FinancialYear) -> str:
    body = {
        "Voucher": {
            "VoucherSeries": "A",
            "TransactionDate": year.end.replace(day=20).isoformat(),
            "Description": "Betalning leverantör",
            "VoucherRows": [
                {"Account": 2440, "Debit": PAYMENT, "Credit": 0},
                {"Account": 1930, "Debit": 0, "Credit": PAYMENT},
            ],
        }
    }
    answer = httpx.post(f"{sandbox.control_url}companies/1001/vouchers", json=body, timeout=10)
    answer.raise_for_status()
    return f"A {answer.json()['Voucher']['VoucherNumber']}"


def test_reconcile_1930_with_camt053_sign_off_and_see_it_flagged_after_a_new_payment(
    live_server: Any, page: Any, fortnox: RunningSandbox, client: Client, tmp_path: Path
) -> None:
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/klienter/{client.pk}/integrationer/")
    page.click("#fortnox-connect")
    approve_on_fortnox(page, fortnox)
    page.wait_for_selector("#fortnox-card")
    assert page.inner_text("#fortnox-status") == "Aktiv"
    _sync(page)
    page.shot("synkronisering-klar")

    # Avstämning: the checks ran after the sync; the grid shows the latest year.
    page.click(f"{CLIENT_TABS} >> text=Avstämning")
    page.wait_for_selector(".recgrid")
    assert page.locator(f"{CLIENT_TABS} a[aria-current=page]").inner_text() == "Avstämning"
    assert page.get_attribute('li[data-check="customer_ledger"]', "data-status") == "ok"
    assert page.get_attribute('li[data-check="trial_balance"]', "data-status") == "ok"
    page.shot("avstamning")
    year = FinancialYear.objects.filter(client=client).order_by("-start").first()
    assert year is not None

    # 1510 against the customer ledger: underlag without lifting a finger.
    _open_cell(page, "1510")
    assert "Kundreskontra" in page.inner_text("#auto-underlag")
    assert "Stämmer" in page.inner_text("#difference")
    assert page.inner_text("#underlag") == page.inner_text("#balance")
    page.shot("1510-kundreskontra")
    page.click("#signoff-form button")
    page.wait_for_selector('#status[data-status="green"]')
    page.shot("1510-signerad")

    # 1930 against the bank's camt.053 statement at the year end.
    _open_cell(page, "1930")
    assert page.get_attribute("#status", "data-status") == "red"
    balance = page.inner_text("#balance")
    statement = tmp_path / "kontoutdrag-december.xml"
    ledger_1930 = _cell_balance(client, year, "1930")
    statement.write_bytes(camt053(from_ore(ledger_1930), year.end))
    page.set_input_files("#statement-form input[type=file]", str(statement))
    page.shot("1930-ladda-upp")
    page.click("#statement-form button[type=submit]")
    page.wait_for_selector("text=Kontoutdraget har lästs in.")
    assert page.inner_text("#underlag") == balance
    assert "Stämmer" in page.inner_text("#difference")
    assert "camt.053" in page.inner_text("#underlag-list")
    page.shot("1930-stammer")
    page.click("#signoff-form button")
    page.wait_for_selector('#status[data-status="green"]')
    page.shot("1930-signerad")
    page.click(f"{CLIENT_TABS} >> text=Avstämning")
    assert page.get_attribute('tr[data-account="1930"] td.cell', "data-status") == "green"
    assert page.get_attribute('tr[data-account="1510"] td.cell', "data-status") == "green"
    page.shot("avstamning-gront")

    # Fortnox gets a new payment from the bank account; the next sync brings it.
    key = _new_payment(fortnox, year)
    _sync(page)
    page.shot("synkronisering-efter-betalning")

    page.click(f"{CLIENT_TABS} >> text=Avstämning")
    cell = page.locator('tr[data-account="1930"] td.cell')
    assert cell.get_attribute("data-status") == "red"
    assert "Ändrat efter avstämning" in cell.inner_text()
    assert page.get_attribute('tr[data-account="1510"] td.cell', "data-status") == "green"
    page.shot("avstamning-andrat")
    _open_cell(page, "1930")
    flag = page.inner_text("#change-flag")
    new_balance = format_sek(from_ore(ledger_1930 - 125_000))
    assert "Ändrat efter avstämning" in flag
    assert f"var {balance} när det signerades och är nu {new_balance}" in flag
    assert f"Verifikation {key}: 0,00 → {format_sek(from_ore(-125_000))}" in flag
    assert page.inner_text("#balance") == new_balance
    page.shot("1930-andrat-efter-avstamning")
    assert ChangeFlag.objects.count() == 1


def _cell_balance(client: Client, year: FinancialYear, account: str) -> int:
    return cell_get(client=client, year=year, account=account, period_end=year.end).balance_ore
