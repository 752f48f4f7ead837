"""The demo company's registers agree with its own books, as a real Fortnox company's do."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bokslut.sandbox import demo_company
from bokslut.sandbox.registers import registers_from_history
from bokslut.sandbox.store import Company, YearData
from bokslut.sie.generator import generate_company


def _open_at(record: dict[str, Any], day: date) -> Decimal:
    """What an invoice had open at the end of ``day``: unpaid then, from its final payment."""
    if record["InvoiceDate"] > day:
        return Decimal(0)
    paid = record["FinalPayDate"]
    if paid is not None and paid > day:
        return Decimal(record["Total"])
    return Decimal(record["Balance"])


def _years(company: Company) -> list[YearData]:
    return sorted(company.years.values(), key=lambda y: y.start)


@pytest.fixture(scope="module")
def company() -> Company:
    return demo_company(1001, vouchers_per_year=300)


def test_open_customer_invoices_equal_ub_1510_at_every_year_end(company: Company) -> None:
    years = _years(company)
    assert len(years) == 3
    for year in years:
        ledger = sum(_open_at(r.data, year.end) for r in company.invoices.values())
        assert ledger == year.closing.get("1510", Decimal(0)), year.start


def test_open_supplier_invoices_equal_minus_ub_2440_at_every_year_end(company: Company) -> None:
    for year in _years(company):
        ledger = sum(_open_at(r.data, year.end) for r in company.supplier_invoices.values())
        assert ledger == -year.closing.get("2440", Decimal(0)), year.start


def test_the_current_balance_is_what_is_open_at_the_last_year_end(company: Company) -> None:
    last = _years(company)[-1]
    open_now = sum(Decimal(r.data["Balance"]) for r in company.invoices.values())
    assert open_now == last.closing["1510"]
    open_items = [r for r in company.invoices.values() if r.data["Balance"] != 0]
    assert 0 < len(open_items) < len(company.invoices)
    assert all(r.data["FinalPayDate"] is None for r in open_items)


def test_every_invoice_points_at_its_own_booking_voucher(company: Company) -> None:
    checked = 0
    for register, series, text in (
        (company.invoices, "B", "Kundfaktura {n} "),
        (company.supplier_invoices, "D", "Leverantörsfaktura {n} "),
    ):
        number_field = "DocumentNumber" if series == "B" else "GivenNumber"
        for record in register.values():
            data = record.data
            if data["VoucherNumber"] is None:  # booked before the first year the company has
                assert data["InvoiceDate"] < _years(company)[0].start
                continue
            year = company.years[data["VoucherYear"]]
            voucher = year.vouchers[(data["VoucherSeries"], data["VoucherNumber"])].voucher
            assert data["VoucherSeries"] == series
            assert voucher.text is not None
            assert voucher.text.startswith(text.format(n=data[number_field]))
            assert voucher.date == data["InvoiceDate"]
            gross = sum(r.amount for r in voucher.rows if r.account in ("1510", "2440"))
            assert abs(gross) == Decimal(data["Total"])
            checked += 1
    assert checked > 300


def test_customers_and_suppliers_are_the_parties_of_the_invoices(company: Company) -> None:
    customers = {k: r.data["Name"] for k, r in company.customers.items()}
    suppliers = {k: r.data["Name"] for k, r in company.suppliers.items()}
    assert len(customers) == 25
    for record in company.invoices.values():
        assert customers[record.data["CustomerNumber"]] == record.data["CustomerName"]
    for record in company.supplier_invoices.values():
        assert suppliers[record.data["SupplierNumber"]] == record.data["SupplierName"]
    invoiced = {r.data["CustomerNumber"] for r in company.invoices.values()}
    assert {k for k, r in company.customers.items() if r.data["Active"]} >= invoiced


def test_due_dates_follow_invoice_dates_and_payments_follow_invoices(company: Company) -> None:
    for record in [*company.invoices.values(), *company.supplier_invoices.values()]:
        data = record.data
        assert data["DueDate"] > data["InvoiceDate"]
        if data["FinalPayDate"] is not None:
            assert data["FinalPayDate"] >= data["InvoiceDate"]
            assert data["Balance"] == 0


def test_asset_register_sums_to_1220_and_1229_at_the_last_year_end(company: Company) -> None:
    last = _years(company)[-1]
    assets = [r.data for r in company.assets.values()]
    assert len(assets) >= 2  # the opening inventory and at least one capitalised purchase
    assert sum(a["AcquisitionValue"] for a in assets) == last.closing["1220"]
    depreciated = sum(a["AcquisitionValue"] - a["BookValue"] for a in assets)
    assert depreciated == -last.closing["1229"]
    assert all(0 <= a["BookValue"] <= a["AcquisitionValue"] for a in assets)
    assert {a["Type"] for a in assets} == {"Inventarier"}


def test_the_same_seed_gives_the_same_registers() -> None:
    first = generate_company(seed=4, vouchers_per_year=60, years=2, current_year=2025)
    again = generate_company(seed=4, vouchers_per_year=60, years=2, current_year=2025)
    ids = {date(2024, 1, 1): 2, date(2025, 1, 1): 1}
    assert registers_from_history(first, ids) == registers_from_history(again, ids)


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 10_000), per_year=st.integers(3, 120), years=st.integers(1, 3))
def test_any_generated_company_has_ledgers_equal_to_its_books(
    seed: int, per_year: int, years: int
) -> None:
    generated = generate_company(
        seed=seed, vouchers_per_year=per_year, years=years, current_year=2025
    )
    history = generated.history()
    closing = {(b.year, b.account): b.amount for b in generated.balances() if b.kind == "UB"}
    for index, fy in generated.header.years.items():
        sales = sum(i.gross for i in history.open_sales(fy.end))
        purchases = sum(i.gross for i in history.open_purchases(fy.end))
        assert sales == closing.get((index, "1510"), 0)
        assert purchases == -closing.get((index, "2440"), 0)
    ids = {fy.start: 1 - fy.index for fy in generated.header.years.values()}
    assets = registers_from_history(generated, ids)["Assets"]
    assert isinstance(assets, list)
    cost = sum(a["AcquisitionValue"] for a in assets)  # type: ignore[index]
    book = sum(a["BookValue"] for a in assets)  # type: ignore[index]
    assert cost == closing.get((0, "1220"), 0)
    assert book - cost == closing.get((0, "1229"), 0)
