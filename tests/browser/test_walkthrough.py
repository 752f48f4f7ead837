"""A consultant's walk through the app in a real browser, as the seed article describes it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from bokslut.ledger.models import Balance, VoucherRow
from bokslut.money import format_sek, from_ore
from bokslut.sie.generator import GeneratedFile
from web.conftest import PASSWORD, FirmWorld, make_world

pytestmark = pytest.mark.slow


@pytest.fixture
def world(transactional_db: None, ledger_files: Callable[[int, str], GeneratedFile]) -> FirmWorld:
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    return make_world(
        name="Lindqvist Redovisning",
        username="anna",
        orgnr="556036-0793",
        seed=11,
        files=ledger_files,
    )


def test_sign_in_open_client_read_ledger_and_switch_to_english(
    live_server: Any, page: Any, world: FirmWorld
) -> None:
    ub = {
        b.account: format_sek(from_ore(b.amount_ore))
        for b in Balance.objects.filter(year=world.year, kind=Balance.Kind.UB)
    }
    struck = VoucherRow.objects.get(voucher=world.voucher, kind=VoucherRow.Kind.REMOVED)

    page.goto(f"{live_server.url}/")
    assert "/logga-in/" in page.url
    page.fill("#id_username", "anna")
    page.fill("#id_password", PASSWORD)
    page.shot("logga-in")
    page.click("button.primary")

    page.wait_for_selector("text=Klienter")
    assert page.locator(".badge").first.inner_text() == "Ej ansluten"
    page.shot("klienter")
    page.click(f"text={world.client.name}")

    page.wait_for_selector("#trial-balance")
    page.shot("saldobalans")
    for account, amount in ub.items():
        row = page.locator(f'tr[data-account="{account}"]')
        assert row.locator("td.closing").inner_text() == amount, account

    page.click('tr[data-account="1930"] a')
    page.wait_for_selector("#ledger")
    assert page.locator("#ledger-closing").inner_text() == ub["1930"]
    page.shot("huvudbok-1930")
    rows_before = page.locator("#ledger-rows tr").count()
    page.click("text=Visa fler")  # HTMX appends the next page in place
    page.wait_for_function(f"document.querySelectorAll('#ledger-rows tr').length > {rows_before}")
    page.shot("huvudbok-1930-fler")

    page.goto(f"{live_server.url}/klienter/{world.client.pk}/verifikationer/{world.voucher.pk}/")
    removed = page.locator("tr.row-removed")
    assert removed.count() == 1
    assert removed.locator("s").first.inner_text() == struck.account
    decoration = removed.locator("s").first.evaluate(
        "el => getComputedStyle(el).textDecorationLine"
    )
    assert "line-through" in decoration
    page.shot("verifikation-struken-rad")

    page.click("#language-form button[value=en]")
    page.wait_for_selector("text=Back to the vouchers")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Struck" in removed.inner_text()
    page.shot("english")
