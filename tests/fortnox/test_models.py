"""Every documented resource, read through the client from fixtures of its real shape."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import httpx
from fortnox_fakes import FakeFortnox, fixture_bytes

from bokslut.fortnox import FortnoxClient


def test_company_information_gives_the_tenant_id_and_keeps_unknown_fields(
    fake: FakeFortnox, make_client
) -> None:
    fake.json("GET", "/3/companyinformation", "companyinformation.json")
    info = make_client().company_information()
    assert info.company_name == "Exempelbolaget AB"
    assert info.organization_number == "556677-8899"
    assert info.database_number == 1234567
    assert info.raw["UnknownFutureField"] == {"nested": True}


def test_financial_years_are_sorted_by_date_not_by_id(fake: FakeFortnox, make_client) -> None:
    fake.json("GET", "/3/financialyears", "financialyears.json")
    years = make_client().financial_years()
    assert [year.id for year in years] == [2, 7, 9]
    assert years[0].from_date == dt.date(2023, 1, 1)
    assert years[2].accounting_method == "CASH"
    assert years[2].account_chart_type is None


def test_single_financial_year(fake: FakeFortnox, make_client) -> None:
    fake.json("GET", "/3/financialyears/7", "financialyear.json")
    year = make_client().financial_year(7)
    assert (year.id, year.to_date) == (7, dt.date(2024, 12, 31))


def test_accounts_accept_ints_as_strings_and_amounts_as_strings(
    fake: FakeFortnox, make_client
) -> None:
    fake.json("GET", "/3/accounts", "accounts.json")
    accounts = list(make_client().accounts(financial_year=7))
    assert [a.number for a in accounts] == [1930, 2440, 3001]
    bank, payables, sales = accounts
    assert bank.balance_brought_forward == Decimal("125000.5")
    assert isinstance(bank.balance_brought_forward, Decimal)
    assert bank.balance_carried_forward is None  # the list has no closing balance
    assert payables.balance_brought_forward == Decimal("-370.78")
    assert payables.sru == 7368
    assert payables.project is None
    assert payables.active is True
    assert sales.active is True
    assert sales.sru is None
    assert fake.requests[0].url.params["financialyear"] == "7"


def test_account_detail_has_the_closing_balance(fake: FakeFortnox, make_client) -> None:
    fake.json("GET", "/3/accounts/1930", "account_1930.json")
    account = make_client().account(1930, financial_year=7)
    assert account.balance_carried_forward == Decimal("98765.43")


def test_voucher_list_has_heads_only(fake: FakeFortnox, make_client) -> None:
    fake.json("GET", "/3/vouchers", "vouchers.json")
    vouchers = list(make_client().vouchers(financial_year=7))
    assert [(v.series, v.number) for v in vouchers] == [("A", 1), ("B", 12)]
    assert vouchers[0].comments is None
    assert vouchers[1].approval_state == 2
    assert vouchers[1].year == 7


def test_voucher_sublist_is_used_for_one_series(fake: FakeFortnox, make_client) -> None:
    fake.json("GET", "/3/vouchers/sublist/A", "vouchers.json")
    assert len(list(make_client().vouchers(financial_year=7, series="A"))) == 2


def test_voucher_rows_keep_struck_rows_apart_and_amounts_exact(
    fake: FakeFortnox, make_client
) -> None:
    fake.json("GET", "/3/vouchers/A/1", "voucher_A_1.json")
    voucher = make_client().voucher("A", 1, financial_year=7)
    assert len(voucher.rows) == 5
    assert [row.removed for row in voucher.rows] == [False, False, False, True, True]
    active = voucher.active_rows
    assert sum((row.amount for row in active), Decimal(0)) == 0
    assert active[0].debit == Decimal("296.62")
    assert active[0].project is None
    assert voucher.rows[3].debit == Decimal("100.00")
    assert voucher.rows[3].account == 6110


def test_voucher_series_with_next_number(fake: FakeFortnox, make_client) -> None:
    fake.json("GET", "/3/voucherseries", "voucherseries.json")
    series = make_client().voucher_series(financial_year=7)
    assert [(s.code, s.next_voucher_number, s.manual) for s in series] == [
        ("A", 57, True),
        ("B", 13, False),
    ]


def test_registers(fake: FakeFortnox, make_client) -> None:
    for path, name in [
        ("/3/costcenters", "costcenters.json"),
        ("/3/projects", "projects.json"),
        ("/3/customers", "customers.json"),
        ("/3/suppliers", "suppliers.json"),
    ]:
        fake.json("GET", path, name)
    client: FortnoxClient = make_client()
    centres = list(client.cost_centers())
    assert [(c.code, c.active) for c in centres] == [("SALJ", True), ("100", False)]
    (project,) = client.projects()
    assert project.project_number == "1"
    assert project.end_date is None
    (customer,) = client.customers()
    assert customer.organisation_number == "556000-0001"
    (supplier,) = client.suppliers()
    assert supplier.supplier_number == "7"
    assert supplier.active is False
    assert supplier.organisation_number is None


def test_invoices(fake: FakeFortnox, make_client) -> None:
    fake.json("GET", "/3/invoices", "invoices.json")
    (invoice,) = make_client().invoices(filter="unpaid")
    assert invoice.total == Decimal(12500)
    assert invoice.balance == 0
    assert (invoice.voucher_series, invoice.voucher_number, invoice.voucher_year) == ("B", 12, 7)
    assert fake.requests[0].url.params["filter"] == "unpaid"


def test_supplier_invoice_amounts_arrive_as_strings(fake: FakeFortnox, make_client) -> None:
    fake.json("GET", "/3/supplierinvoices", "supplierinvoices.json")
    fake.json("GET", "/3/supplierinvoices/44", "supplierinvoice_44.json")
    client = make_client()
    (listed,) = client.supplier_invoices()
    assert listed.total == Decimal("1250.00")
    assert listed.rows == ()
    assert listed.final_pay_date is None
    detail = client.supplier_invoice(44)
    assert detail.given_number == "44"
    assert detail.vat == Decimal("250.00")
    assert sum((r.debit - r.credit for r in detail.rows), Decimal(0)) == 0
    assert detail.rows[2].project == "1"
    assert detail.rows[0].project is None


def test_assets_list_and_single_asset_wrapped_as_assets(fake: FakeFortnox, make_client) -> None:
    fake.json("GET", "/3/assets", "assets.json")
    fake.json("GET", "/3/assets/3", "asset_3.json")
    client = make_client()
    (listed,) = client.assets()
    single = client.asset(3)
    assert listed.acquisition_value == single.acquisition_value == Decimal(24000)
    assert single.id == 3
    assert single.depreciated_to == dt.date(2024, 6, 30)


def test_locked_period_with_and_without_an_end_date(fake: FakeFortnox, make_client) -> None:
    fake.add(
        "GET",
        "/3/settings/lockedperiod",
        httpx.Response(200, content=fixture_bytes("lockedperiod.json")),
        httpx.Response(200, content=fixture_bytes("lockedperiod_none.json")),
    )
    client = make_client()
    assert client.locked_period().end_date == dt.date(2023, 12, 31)
    assert client.locked_period().end_date is None
