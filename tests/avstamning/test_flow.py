"""Checks after a sync, reconciling 1930 with camt.053, 1510 against the customer ledger,
sign-off, and *ändrat efter avstämning* after a new payment is synced."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from bokslut.avstamning import services
from bokslut.avstamning.models import Attachment, ChangeFlag, CheckRun, UnderlagItem
from bokslut.avstamning.receivers import after_sync
from bokslut.avstamning.selectors import Status, cell_get
from bokslut.ledger.models import Balance
from bokslut.money import from_ore
from bokslut.registers.models import CustomerInvoice
from bokslut.sync.models import SyncRun

from .camt import camt053
from .conftest import Synced


def _new_payment(synced: Synced, amount: str) -> str:
    body = {
        "Voucher": {
            "VoucherSeries": "A",
            "TransactionDate": synced.year.end.replace(day=20).isoformat(),
            "Description": "Betalning leverantör",
            "VoucherRows": [
                {"Account": 2440, "Debit": amount, "Credit": 0},
                {"Account": 1930, "Debit": 0, "Credit": amount},
            ],
        }
    }
    made = synced.world.control("POST", "companies/1001/vouchers", body)["Voucher"]
    return f"A {made['VoucherNumber']}"


def test_a_sync_runs_every_check_and_the_demo_ledger_passes_its_arithmetic(
    synced: Synced,
) -> None:
    run = CheckRun.objects.filter(client=synced.world.client, year_start=synced.year.start).first()

    assert run is not None
    assert run.trigger == CheckRun.Trigger.SYNC
    statuses = {r.code: r.status for r in run.results.all()}
    assert len(statuses) == 11
    for code in ("trial_balance", "vouchers_balance", "closing_balances", "year_result"):
        assert statuses[code] == "ok", code
    assert statuses["opening_balances"] == "ok"


def test_a_changed_stated_balance_fails_the_closing_balance_check(synced: Synced) -> None:
    Balance.objects.filter(year=synced.year, kind="UB", account="1930").update(amount_ore=123)

    from bokslut.avstamning.checks import checks_run

    run = checks_run(client=synced.world.client, year=synced.year, fortnox_budget=0)

    result = run.results.get(code="closing_balances")
    assert result.status == "fail"
    assert [f["key"] for f in result.findings] == ["1930"]


def test_1930_reconciled_with_camt053_signed_then_flagged_after_a_new_payment(
    synced: Synced,
) -> None:
    client, year = synced.world.client, synced.year
    before = cell_get(client=client, year=year, account="1930", period_end=year.end)
    rec = services.reconciliation_get_or_create(
        client=client, year=year, account="1930", period_end=year.end
    )

    services.underlag_add_statement(
        reconciliation=rec,
        file_name="december.xml",
        file_data=camt053(from_ore(before.balance_ore), year.end),
        user=synced.user,
    )
    matched = cell_get(client=client, year=year, account="1930", period_end=year.end)
    assert matched.difference_ore == 0
    assert matched.status is Status.RED  # matched, not yet signed
    services.signoff_create(reconciliation=rec, user=synced.user)
    assert cell_get(client=client, year=year, account="1930", period_end=year.end).status is (
        Status.GREEN
    )

    key = _new_payment(synced, "1250.00")
    synced.sync()

    after = cell_get(client=client, year=year, account="1930", period_end=year.end)
    assert after.status is Status.RED
    assert after.flag is not None
    assert after.flag.old_balance_ore == before.balance_ore
    assert after.flag.new_balance_ore == before.balance_ore - 125_000
    assert after.flag.vouchers == [{"voucher": key, "old_ore": 0, "new_ore": -125_000}]
    # The reconciliation, its underlag and its attachment are all still there.
    assert UnderlagItem.objects.filter(reconciliation=rec).count() == 1
    assert Attachment.objects.filter(reconciliation=rec).count() == 1


def test_1510_matches_the_customer_ledger_automatically(synced: Synced) -> None:
    client, year = synced.world.client, synced.year
    # The sandbox's demo invoices are drawn independently of its ledger; make the synced
    # register agree with UB 1510 the way a real Fortnox company's does.
    balance = cell_get(client=client, year=year, account="1510", period_end=year.end).balance_ore
    invoices = CustomerInvoice.objects.filter(client=client, booked=True, cancelled=False)
    invoices.update(balance_ore=0)
    first = invoices.order_by("number").first()
    assert first is not None
    CustomerInvoice.objects.filter(pk=first.pk).update(balance_ore=balance)

    cell = cell_get(client=client, year=year, account="1510", period_end=year.end)

    assert cell.auto is not None
    assert cell.auto.source == "Kundreskontra"
    assert cell.auto.items == 1
    assert cell.difference_ore == 0
    CustomerInvoice.objects.filter(pk=first.pk).update(balance_ore=balance + 100)
    assert (
        cell_get(client=client, year=year, account="1510", period_end=year.end).difference_ore
        == -100
    )


def test_a_bad_file_is_refused_and_changes_nothing(synced: Synced) -> None:
    client, year = synced.world.client, synced.year
    rec = services.reconciliation_get_or_create(
        client=client, year=year, account="1930", period_end=year.end
    )

    with pytest.raises(services.UploadRefused, match="stämmer inte"):
        services.underlag_add_statement(
            reconciliation=rec, file_name="utdrag.pdf", file_data=b"<Document/>"
        )
    with pytest.raises(services.UnderlagError, match="inte ett kontoutdrag"):
        services.underlag_add_statement(
            reconciliation=rec, file_name="utdrag.xml", file_data=b"<Document><A/></Document>"
        )
    with pytest.raises(services.UploadRefused, match="Filtypen"):
        services.underlag_add_manual(
            reconciliation=rec, amount=Decimal(1), file_name="virus.exe", file_data=b"MZ"
        )

    assert UnderlagItem.objects.count() == 0
    assert Attachment.objects.count() == 0
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not [p for p in media.rglob("*") if p.is_file()]


def test_a_bank_statement_cannot_reconcile_the_customer_account(synced: Synced) -> None:
    rec = services.reconciliation_get_or_create(
        client=synced.world.client, year=synced.year, account="1510", period_end=synced.year.end
    )

    with pytest.raises(services.ReconciliationError, match="1910–1940"):
        services.underlag_add_statement(
            reconciliation=rec, file_name="x.xml", file_data=camt053(Decimal(1), synced.year.end)
        )
    assert ChangeFlag.objects.count() == 0


def test_a_sync_that_changes_nothing_reruns_no_checks(synced: Synced) -> None:
    before = CheckRun.objects.filter(client=synced.world.client).count()
    synced.sync()
    assert CheckRun.objects.filter(client=synced.world.client).count() == before


def test_a_sync_with_new_vouchers_checks_the_year_they_landed_in(synced: Synced) -> None:
    before = CheckRun.objects.filter(client=synced.world.client).count()
    # A run that wrote the year, as the engine records it.
    run = SyncRun.objects.filter(client=synced.world.client).latest("pk")
    run.paths = {str(synced.year.start): "sie"}

    after_sync(sender=SyncRun, run=run)
    runs = CheckRun.objects.filter(client=synced.world.client)
    assert runs.count() == before + 1
    assert runs.latest("pk").year_start == synced.year.start
