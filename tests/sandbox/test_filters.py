"""The global filters: financialyear, financialyeardate, lastmodified, fromdate/todate, …"""

from __future__ import annotations

import httpx

from bokslut.sandbox import ManualClock, RunningSandbox

from .conftest import DEMO_DB


def _years(http: httpx.Client, auth: dict[str, str]) -> dict[int, int]:
    years = http.get("/3/financialyears", headers=auth).json()["FinancialYears"]
    return {int(y["FromDate"][:4]): y["Id"] for y in years}


def _all(http: httpx.Client, auth: dict[str, str], path: str, **params: object) -> list[dict]:  # type: ignore[type-arg]
    answer = http.get(f"/3/{path}", headers=auth, params={"limit": 500, **params})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    wrapper = next(k for k in body if k != "MetaInformation")
    items: list[dict] = body[wrapper]  # type: ignore[type-arg]
    return items


def test_financialyear_selects_the_years_vouchers(
    http: httpx.Client, auth: dict[str, str], sandbox: RunningSandbox
) -> None:
    for start, year_id in _years(http, auth).items():
        vouchers = _all(http, auth, "vouchers", financialyear=year_id)
        assert {v["Year"] for v in vouchers} == {year_id}
        assert all(v["TransactionDate"].startswith(str(start)) for v in vouchers)
        assert len(vouchers) == len(sandbox.sandbox.companies[DEMO_DB].years[year_id].vouchers)


def test_financialyeardate_picks_the_year_containing_it(
    http: httpx.Client, auth: dict[str, str]
) -> None:
    ids = _years(http, auth)
    accounts = _all(http, auth, "accounts", financialyeardate="2023-05-05")
    assert {a["Year"] for a in accounts} == {ids[2023]}


def test_default_year_is_the_one_containing_today(http: httpx.Client, auth: dict[str, str]) -> None:
    ids = _years(http, auth)  # the clock says 2025-09-15
    assert {v["Year"] for v in _all(http, auth, "vouchers")} == {ids[2025]}


def test_unknown_financial_year_is_an_error(http: httpx.Client, auth: dict[str, str]) -> None:
    answer = http.get("/3/vouchers", headers=auth, params={"financialyear": 99})
    assert answer.status_code == 400
    assert "ErrorInformation" in answer.json()


def test_fromdate_todate_bound_transaction_dates(http: httpx.Client, auth: dict[str, str]) -> None:
    ids = _years(http, auth)
    vouchers = _all(http, auth, "vouchers", financialyear=ids[2025],
                    fromdate="2025-03-01", todate="2025-03-31")  # fmt: skip
    assert vouchers
    assert all("2025-03-01" <= v["TransactionDate"] <= "2025-03-31" for v in vouchers)


def test_voucherseries_filter_and_sublist_agree(http: httpx.Client, auth: dict[str, str]) -> None:
    ids = _years(http, auth)
    series = _all(http, auth, "vouchers", financialyear=ids[2025])[0]["VoucherSeries"]
    by_param = _all(http, auth, "vouchers", financialyear=ids[2025], voucherseries=series)
    by_path = _all(http, auth, f"vouchers/sublist/{series}", financialyear=ids[2025])
    assert by_param == by_path
    assert {v["VoucherSeries"] for v in by_path} == {series}


def test_lastmodified_returns_only_what_changed(
    http: httpx.Client, auth: dict[str, str], clock: ManualClock
) -> None:
    since = clock.now().strftime("%Y-%m-%d %H:%M")
    assert _all(http, auth, "accounts", lastmodified=since) == []
    renamed = http.patch(f"/control/companies/{DEMO_DB}/accounts/1930",
                         json={"Description": "Affärskonto"})  # fmt: skip
    assert renamed.status_code == 200
    changed = _all(http, auth, "accounts", lastmodified=since)
    assert [(a["Number"], a["Description"]) for a in changed] == [(1930, "Affärskonto")]


def test_invoice_filter_unpaid(http: httpx.Client, auth: dict[str, str]) -> None:
    unpaid = _all(http, auth, "invoices", filter="unpaid")
    everything = _all(http, auth, "invoices")
    assert 0 < len(unpaid) < len(everything)
    assert all(float(i["Balance"]) != 0 and not i["Cancelled"] for i in unpaid)
    bad = http.get("/3/invoices", headers=auth, params={"filter": "whatever"})
    assert bad.status_code == 400


def test_sortby_descending(http: httpx.Client, auth: dict[str, str]) -> None:
    customers = _all(http, auth, "customers", sortby="customernumber", sortorder="descending")
    numbers = [int(c["CustomerNumber"]) for c in customers]
    assert numbers == sorted(numbers, reverse=True)
