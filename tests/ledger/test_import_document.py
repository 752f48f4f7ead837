"""Importing documents: identity, idempotency, newer exports, crash safety."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from bokslut.ledger import models as m
from bokslut.ledger._yearwrite import YearWriter
from bokslut.ledger.importer import SieImportError, import_sie_document
from bokslut.sie.model import Account

from .conftest import ORG, ledger_snapshot, row, sample_document, voucher

pytestmark = pytest.mark.django_db(transaction=True)


def test_first_import_creates_client_years_and_everything_in_the_file() -> None:
    summary = import_sie_document(sample_document(), name="test.se")

    assert summary.client_created
    assert summary.org_number == ORG
    counts = summary.counts
    assert counts["years"].new == 2
    assert counts["accounts"].new == 10  # five accounts in each of the two years
    assert counts["dimensions"].new == 2
    assert counts["objects"].new == 2
    assert counts["balances"].new == 9
    assert counts["object_balances"].new == 2
    assert counts["period_balances"].new == 3
    assert counts["vouchers"].new == 5
    assert summary.rows_written == 2 + 2 + 5 + 2 + 2
    year = m.FinancialYear.objects.get(start=dt.date(2024, 1, 1))
    assert m.VoucherRow.objects.filter(year=year).count() == 13
    b1 = m.Voucher.objects.get(year=year, series="B", number="1")
    assert [r.kind for r in b1.rows.all()] == ["normal", "normal", "removed", "added", "normal"]


def test_reimport_changes_nothing_and_keeps_row_ids() -> None:
    summary = import_sie_document(sample_document(), name="test.se")
    before = ledger_snapshot(summary.client_id)

    again = import_sie_document(sample_document(), name="test.se")

    assert not again.changed_anything
    assert again.counts["vouchers"].unchanged == 5
    assert again.counts["balances"].unchanged == 9
    assert again.counts["accounts"].unchanged == 10
    assert ledger_snapshot(summary.client_id) == before


def test_newer_export_updates_exactly_what_differs() -> None:
    first = import_sie_document(sample_document(), name="test.se")
    before = ledger_snapshot(first.client_id)
    newer = sample_document()
    a2 = newer.vouchers[1]
    newer.vouchers[1] = dataclasses.replace(a2, text="Hyra februari")
    del newer.vouchers[2]  # B 1 is gone
    newer.vouchers.append(
        voucher("A", "3", dt.date(2024, 5, 1), row("1930", "1"), row("3010", "-1"))
    )
    newer.accounts["5010"] = Account("5010", "Hyra lokal", newer.accounts["5010"].type)

    summary = import_sie_document(newer, name="newer.se")

    counts = summary.counts
    assert (counts["vouchers"].new, counts["vouchers"].changed, counts["vouchers"].removed) == (
        1,
        1,
        1,
    )
    assert counts["vouchers"].unchanged == 3
    assert counts["accounts"].changed == 1  # renamed in year 0 only; year -1 keeps its chart
    assert counts["accounts"].unchanged == 9
    after = ledger_snapshot(first.client_id)
    kept = {v[0] for v in before["vouchers"]} & {v[0] for v in after["vouchers"]}
    assert len(kept) == 4  # A1, A2 (changed in place), two unnumbered K
    year = m.FinancialYear.objects.get(start=dt.date(2024, 1, 1))
    assert not m.Voucher.objects.filter(year=year, series="B").exists()
    assert m.Voucher.objects.get(year=year, series="A", number="2").text == "Hyra februari"
    assert m.Account.objects.get(year=year, number="5010").name == "Hyra lokal"
    assert m.VoucherRow.objects.filter(year=year).count() == 13 - 5 + 2


def test_broken_document_imports_nothing() -> None:
    doc = sample_document()
    doc.vouchers.append(voucher("A", "1", dt.date(2024, 6, 1), row("1930", "1"), row("3010", "-1")))

    with pytest.raises(SieImportError) as raised:
        import_sie_document(doc, name="broken.se")

    codes = {i.code for i in raised.value.issues}
    assert codes & {"voucher_duplicate", "import.voucher_duplicate"}
    assert not m.Source.objects.exists()
    assert not m.FinancialYear.objects.exists()


def test_amount_with_fractions_of_ore_is_refused() -> None:
    doc = sample_document()
    doc.vouchers.append(
        voucher("A", "9", dt.date(2024, 6, 1), row("1930", "0.005"), row("3010", "-0.005"))
    )

    with pytest.raises(SieImportError) as raised:
        import_sie_document(doc, name="broken.se")

    assert [i.code for i in raised.value.issues if i.code.startswith("import.")] == [
        "import.fraction_of_ore"
    ]


def test_crash_in_second_year_leaves_first_year_complete(monkeypatch: pytest.MonkeyPatch) -> None:
    first = import_sie_document(sample_document(), name="test.se")
    before = ledger_snapshot(first.client_id)
    newer = sample_document()
    newer.vouchers.append(
        voucher("A", "3", dt.date(2024, 5, 1), row("1930", "1"), row("3010", "-1"))
    )
    newer.balances.append(
        dataclasses.replace(newer.balances[4], amount=newer.balances[4].amount + 1)
    )
    del newer.balances[4]  # UB -1 1930 changes by 1 krona
    original = YearWriter.write
    calls = []

    def failing_write(self: YearWriter, plan):  # type: ignore[no-untyped-def]
        calls.append(plan.index)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return original(self, plan)

    monkeypatch.setattr(YearWriter, "write", failing_write)
    with pytest.raises(RuntimeError):
        import_sie_document(newer, name="newer.se")

    after = ledger_snapshot(first.client_id)
    assert calls == [-1, 0]
    ub = m.Balance.objects.get(year__start=dt.date(2023, 1, 1), kind="UB", account="1930")
    assert ub.amount_ore == 100100  # year -1 was committed
    assert after["vouchers"] == before["vouchers"]  # year 0 as before
    assert after["rows"] == before["rows"]


def test_4i_without_years_adds_vouchers_to_the_existing_year() -> None:
    import_sie_document(sample_document(), name="test.se")
    doc = sample_document()
    doc.header.years = {}
    doc.header.sie_type = 4
    doc.balances, doc.object_balances, doc.period_balances = [], [], []
    doc.vouchers = [voucher("I", "1", dt.date(2024, 8, 1), row("1930", "10"), row("3010", "-10"))]

    summary = import_sie_document(doc, name="import.si")

    assert summary.counts["vouchers"].new == 1
    assert summary.counts["vouchers"].removed == 0
    assert m.Voucher.objects.filter(year__start=dt.date(2024, 1, 1)).count() == 6


def test_4i_without_years_and_no_matching_year_is_refused() -> None:
    doc = sample_document()
    doc.header.years = {}
    doc.balances, doc.object_balances, doc.period_balances = [], [], []
    doc.vouchers = [voucher("I", "1", dt.date(2024, 8, 1), row("1930", "10"), row("3010", "-10"))]

    with pytest.raises(SieImportError) as raised:
        import_sie_document(doc, name="import.si")

    assert [i.code for i in raised.value.issues] == ["import.voucher_no_year"]


def test_voucher_outside_the_years_goes_to_year_zero_with_a_warning() -> None:
    doc = sample_document()
    doc.vouchers.append(voucher("A", "7", dt.date(2026, 1, 1), row("1930", "1"), row("3010", "-1")))

    summary = import_sie_document(doc, name="test.se")

    assert [w.code for w in summary.warnings if w.code.startswith("import.")] == [
        "import.voucher_outside_year"
    ]
    assert m.Voucher.objects.get(series="A", number="7").year.start == dt.date(2024, 1, 1)


def test_client_given_must_match_the_file() -> None:
    from bokslut.firms.services import client_get_or_create, default_firm

    other, _ = client_get_or_create(firm=default_firm(), org_number="5560360793", name="Annat AB")

    with pytest.raises(SieImportError) as raised:
        import_sie_document(sample_document(), name="test.se", client=other)

    assert raised.value.issues[0].code == "import.org_number_mismatch"
    assert "556036-0793" in str(raised.value)
