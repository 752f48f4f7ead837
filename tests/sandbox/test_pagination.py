"""Fortnox pagination: limit (default 100, max 500), page, offset and MetaInformation."""

from __future__ import annotations

import math

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bokslut.sandbox.errors import ApiError
from bokslut.sandbox.listing import paginate

from .conftest import client_token


@given(
    total=st.integers(min_value=0, max_value=1200),
    limit=st.integers(min_value=1, max_value=700),
)
def test_walking_all_pages_yields_every_item_once(total: int, limit: int) -> None:
    items = list(range(total))
    first = paginate(items, {"limit": str(limit)}, lambda i: i)
    effective = min(limit, 500)
    assert first.total == total
    assert first.pages == (math.ceil(total / effective) if total else 0)
    seen: list[int] = []
    for page in range(1, max(first.pages, 1) + 1):
        chunk = paginate(items, {"limit": str(limit), "page": str(page)}, lambda i: i)
        assert chunk.current == page
        assert len(chunk.items) <= effective
        seen += chunk.items
    assert seen == items


@given(
    total=st.integers(min_value=0, max_value=300), offset=st.integers(min_value=0, max_value=400)
)
def test_offset_skips_that_many_items(total: int, offset: int) -> None:
    items = list(range(total))
    page = paginate(items, {"offset": str(offset), "limit": "50"}, lambda i: i)
    assert page.items == items[offset : offset + 50]


def test_empty_list_has_zero_pages_and_current_page_one() -> None:
    assert paginate([], {}, lambda i: i).meta() == {
        "@TotalResources": 0,
        "@TotalPages": 0,
        "@CurrentPage": 1,
    }


@pytest.mark.parametrize("bad", [{"limit": "0"}, {"page": "0"}, {"limit": "ten"}, {"offset": "-1"}])
def test_invalid_paging_parameters_are_2000588(bad: dict[str, str]) -> None:
    with pytest.raises(ApiError) as error:
        paginate([1, 2, 3], bad, lambda i: i)
    assert error.value.code == 2000588


def test_cap_limits_the_page_size() -> None:
    page = paginate(list(range(450)), {"limit": "500"}, lambda i: i, cap=100)
    assert len(page.items) == 100
    assert page.pages == 5


def test_default_limit_is_100_and_max_500_over_http(http: httpx.Client) -> None:
    auth = client_token(http)
    default = http.get("/3/vouchers", headers=auth).json()
    total = default["MetaInformation"]["@TotalResources"]
    assert total > 100
    assert len(default["Vouchers"]) == 100
    assert default["MetaInformation"]["@TotalPages"] == math.ceil(total / 100)
    big = http.get("/3/vouchers", headers=auth, params={"limit": 1000}).json()
    assert len(big["Vouchers"]) == min(total, 500)


def test_empty_result_over_http(http: httpx.Client) -> None:
    auth = client_token(http)
    backwards = {"fromdate": "2025-12-31", "todate": "2025-01-01"}
    body = http.get("/3/vouchers", headers=auth, params=backwards).json()
    assert body == {
        "MetaInformation": {"@TotalResources": 0, "@TotalPages": 0, "@CurrentPage": 1},
        "Vouchers": [],
    }


def test_page_past_the_end_is_empty(http: httpx.Client) -> None:
    auth = client_token(http)
    body = http.get("/3/customers", headers=auth, params={"page": 99}).json()
    assert body["Customers"] == []
    assert body["MetaInformation"]["@CurrentPage"] == 99


def test_a_new_company_lists_nothing_with_zero_pages() -> None:
    from bokslut.sandbox import new_company, run_in_thread

    with (
        run_in_thread([new_company(1003)]) as running,
        httpx.Client(base_url=running.base_url, timeout=10) as http,
    ):
        auth = client_token(http, tenant=1003)
        for path, key in [
            ("vouchers", "Vouchers"),
            ("customers", "Customers"),
            ("suppliers", "Suppliers"),
            ("invoices", "Invoices"),
            ("supplierinvoices", "SupplierInvoices"),
            ("assets", "Assets"),
            ("costcenters", "CostCenters"),
            ("projects", "Projects"),
        ]:
            body = http.get(f"/3/{path}", headers=auth, params={"limit": 500}).json()
            assert body[key] == [], path
            assert body["MetaInformation"] == {
                "@TotalResources": 0,
                "@TotalPages": 0,
                "@CurrentPage": 1,
            }, path
        # It is a working company all the same: a chart, one year, series A to book in.
        assert http.get("/3/accounts/1930", headers=auth).status_code == 200
        years = http.get("/3/financialyears", headers=auth).json()["FinancialYears"]
        assert [(y["FromDate"], y["ToDate"]) for y in years] == [("2025-01-01", "2025-12-31")]
        series = http.get("/3/voucherseries/A", headers=auth).json()["VoucherSeries"]
        assert series["NextVoucherNumber"] == 1
