"""Every REST resource answers in Fortnox's shape, with Fortnox's quirks."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import httpx
import pytest

from bokslut.sandbox import RunningSandbox
from bokslut.sandbox.jsonio import loads
from bokslut.sandbox.store import StoredVoucher
from bokslut.sie.model import RowKind, Voucher, VoucherRow

from .conftest import DEMO_DB


def _get(http: httpx.Client, auth: dict[str, str], path: str, **params: object) -> object:
    answer = http.get(f"/3/{path}", headers=auth, params=params)
    assert answer.status_code == 200, answer.text
    return loads(answer.content)


def _year_ids(http: httpx.Client, auth: dict[str, str]) -> dict[int, int]:
    years = _get(http, auth, "financialyears")["FinancialYears"]  # type: ignore[index]
    return {int(y["FromDate"][:4]): y["Id"] for y in years}


def test_company_information_carries_the_database_number(
    http: httpx.Client, auth: dict[str, str]
) -> None:
    info = _get(http, auth, "companyinformation")["CompanyInformation"]  # type: ignore[index]
    assert info["DatabaseNumber"] == DEMO_DB
    assert {"CompanyName", "OrganizationNumber", "Address", "ZipCode", "City"} <= set(info)


def test_financial_year_ids_are_not_in_date_order(http: httpx.Client, auth: dict[str, str]) -> None:
    body = _get(http, auth, "financialyears")
    years = body["FinancialYears"]  # type: ignore[index]
    assert body["MetaInformation"]["@TotalResources"] == 3  # type: ignore[index]
    by_id = [y["FromDate"] for y in sorted(years, key=lambda y: y["Id"])]
    assert by_id != sorted(by_id)
    assert set(years[0]) >= {"Id", "FromDate", "ToDate", "AccountingMethod", "AccountChartType"}
    one = _get(http, auth, f"financialyears/{years[0]['Id']}")["FinancialYear"]  # type: ignore[index]
    assert one == years[0]


def test_financial_years_by_date(http: httpx.Client, auth: dict[str, str]) -> None:
    body = _get(http, auth, "financialyears", date="2024-03-01")
    assert [y["FromDate"] for y in body["FinancialYears"]] == ["2024-01-01"]  # type: ignore[index]


def test_account_list_has_no_closing_balance_but_detail_does(
    http: httpx.Client, auth: dict[str, str]
) -> None:
    year = _year_ids(http, auth)[2025]
    accounts = _get(http, auth, "accounts", financialyear=year, limit=500)["Accounts"]  # type: ignore[index]
    assert all("BalanceCarriedForward" not in a for a in accounts)
    bank = next(a for a in accounts if a["Number"] == 1930)
    assert isinstance(bank["BalanceBroughtForward"], Decimal)
    assert bank["Year"] == year
    assert bank["Project"] == 0  # an int where the spec says string, as seen in real answers
    detail = _get(http, auth, "accounts/1930", financialyear=year)["Account"]  # type: ignore[index]
    assert "BalanceCarriedForward" in detail
    assert detail["BalanceBroughtForward"] == bank["BalanceBroughtForward"]


def test_opening_balance_equals_previous_years_closing(
    http: httpx.Client, auth: dict[str, str]
) -> None:
    ids = _year_ids(http, auth)
    closing = _get(http, auth, "accounts/1930", financialyear=ids[2024])["Account"]  # type: ignore[index]
    opening = _get(http, auth, "accounts/1930", financialyear=ids[2025])["Account"]  # type: ignore[index]
    assert opening["BalanceBroughtForward"] == closing["BalanceCarriedForward"]


def test_unknown_account_is_2001304(http: httpx.Client, auth: dict[str, str]) -> None:
    answer = http.get("/3/accounts/9999", headers=auth)
    assert answer.status_code == 404
    assert answer.json()["ErrorInformation"]["code"] == 2001304


def test_voucher_list_has_no_rows_and_is_sorted_by_series_then_number(
    http: httpx.Client, auth: dict[str, str], sandbox: RunningSandbox
) -> None:
    year = _year_ids(http, auth)[2025]
    body = _get(http, auth, "vouchers", financialyear=year, limit=500)
    vouchers = body["Vouchers"]  # type: ignore[index]
    stored = sandbox.sandbox.companies[DEMO_DB].years[year].vouchers
    assert body["MetaInformation"]["@TotalResources"] == len(stored)  # type: ignore[index]
    assert all("VoucherRows" not in v for v in vouchers)
    keys = [(v["VoucherSeries"], v["VoucherNumber"]) for v in vouchers]
    assert keys == sorted(keys)
    assert vouchers[0]["Comments"] is None
    assert vouchers[0]["Year"] == year


def test_voucher_detail_rows_balance_and_keep_removed_rows(
    http: httpx.Client, auth: dict[str, str], sandbox: RunningSandbox
) -> None:
    year = _year_ids(http, auth)[2025]
    company = sandbox.sandbox.companies[DEMO_DB]
    # A corrected voucher as Fortnox keeps it: the struck row stays, marked Removed.
    rows = (
        VoucherRow(RowKind.NORMAL, "6570", Decimal("125.50")),
        VoucherRow(RowKind.REMOVED, "6570", Decimal("152.50")),
        VoucherRow(RowKind.NORMAL, "1930", Decimal("-125.50")),
    )
    with company.lock:
        target = company.years[year]
        number = target.next_number("A")
        with_removed = StoredVoucher(
            Voucher("A", str(number), date(2025, 8, 1), "Rättad bankavgift", rows),
            number,
            datetime(2025, 8, 1),
        )
        target.add_voucher(with_removed)
    series = "A"
    voucher = _get(http, auth, f"vouchers/{series}/{number}", financialyear=year)["Voucher"]  # type: ignore[index]
    rows = voucher["VoucherRows"]
    assert len(rows) == len(with_removed.voucher.rows)
    assert any(r["Removed"] for r in rows)
    live = [r for r in rows if not r["Removed"]]
    assert sum(r["Debit"] for r in live) == sum(r["Credit"] for r in live)
    expected = [r.amount for r in with_removed.voucher.rows]
    assert [r["Debit"] - r["Credit"] for r in rows] == expected  # exact, no float on the way


def test_amounts_are_json_numbers_and_slashes_are_escaped(
    http: httpx.Client, auth: dict[str, str]
) -> None:
    raw = http.get("/3/accounts/1930", headers=auth).text
    assert '"BalanceBroughtForward":' in raw
    assert '"BalanceBroughtForward":"' not in raw
    assert "http:\\/\\/" in raw


def test_voucher_series_carry_next_number(
    http: httpx.Client, auth: dict[str, str], sandbox: RunningSandbox
) -> None:
    year = _year_ids(http, auth)[2025]
    series = _get(http, auth, "voucherseries", financialyear=year)["VoucherSeriesCollection"]  # type: ignore[index]
    stored = sandbox.sandbox.companies[DEMO_DB].years[year]
    for item in series:
        assert item["NextVoucherNumber"] == stored.next_number(item["Code"])
    one = _get(http, auth, f"voucherseries/{series[0]['Code']}", financialyear=year)
    assert one["VoucherSeries"]["Code"] == series[0]["Code"]  # type: ignore[index]


@pytest.mark.parametrize(
    ("path", "wrapper", "single", "key"),
    [
        ("customers", "Customers", "Customer", "CustomerNumber"),
        ("suppliers", "Suppliers", "Supplier", "SupplierNumber"),
        ("invoices", "Invoices", "Invoice", "DocumentNumber"),
        ("supplierinvoices", "SupplierInvoices", "SupplierInvoice", "GivenNumber"),
        ("assets", "Assets", "Assets", "Id"),
        ("costcenters", "CostCenters", "CostCenter", "Code"),
        ("projects", "Projects", "Project", "ProjectNumber"),
    ],
)
def test_registers_have_list_and_single_forms(
    http: httpx.Client, auth: dict[str, str], path: str, wrapper: str, single: str, key: str
) -> None:
    listing = _get(http, auth, path)
    items = listing[wrapper]  # type: ignore[index]
    assert items
    assert listing["MetaInformation"]["@TotalResources"] >= len(items)  # type: ignore[index]
    first = items[0]
    detail = _get(http, auth, f"{path}/{first[key]}")[single]  # type: ignore[index]
    assert detail[key] == first[key]
    assert set(first) <= set(detail)
    missing = http.get(f"/3/{path}/NOPE999", headers=auth)
    assert missing.status_code == 404


def test_supplier_invoice_amounts_come_as_strings(http: httpx.Client, auth: dict[str, str]) -> None:
    invoices = _get(http, auth, "supplierinvoices")["SupplierInvoices"]  # type: ignore[index]
    assert all(isinstance(i["Total"], str) and isinstance(i["Balance"], str) for i in invoices)
    assert all(len(i["Total"].split(".")[1]) == 2 for i in invoices)
    customer = _get(http, auth, "invoices")["Invoices"][0]  # type: ignore[index]
    assert isinstance(customer["Total"], Decimal)


def test_locked_period(http: httpx.Client, auth: dict[str, str]) -> None:
    body = _get(http, auth, "settings/lockedperiod")
    assert body == {"LockedPeriod": {"EndDate": "2025-06-30"}}


def test_unknown_path_is_404_and_wrong_method_405(http: httpx.Client, auth: dict[str, str]) -> None:
    assert http.get("/3/nothing", headers=auth).status_code == 404
    assert http.delete("/3/vouchers", headers=auth).status_code == 405
