"""Years, accounts, saldobalans and vouchers over the API equal the ledger store, exactly."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bokslut.api.schemas import AMOUNT_PATTERN, TrialBalanceRowOut
from bokslut.ledger.models import Account, Voucher, VoucherRow
from bokslut.ledger.selectors import trial_balance
from bokslut.money import from_ore

from .conftest import FirmWorld

pytestmark = pytest.mark.django_db


def base(world: FirmWorld) -> str:
    return f"/api/clients/{world.client.pk}"


def test_years_list_the_clients_financial_years(firm_a: FirmWorld) -> None:
    years = firm_a.admin.http().get(f"{base(firm_a)}/years").json()
    assert years == [
        {"id": firm_a.year.pk, "start": str(firm_a.year.start), "end": str(firm_a.year.end)}
    ]


def test_accounts_are_the_years_chart_in_number_order(firm_a: FirmWorld) -> None:
    accounts = firm_a.admin.http().get(f"{base(firm_a)}/accounts").json()
    expected = list(Account.objects.filter(year=firm_a.year).order_by("number"))
    assert [a["number"] for a in accounts] == [a.number for a in expected]
    assert accounts[0]["name"] == expected[0].name


def test_saldobalans_amounts_are_exact_strings_equal_to_the_ledger(firm_a: FirmWorld) -> None:
    answer = firm_a.admin.http().get(f"{base(firm_a)}/balances").json()
    expected = trial_balance(client=firm_a.client, year=firm_a.year)

    assert answer["year"]["id"] == firm_a.year.pk
    assert len(answer["rows"]) == len(expected) > 10
    for row, want in zip(answer["rows"], expected, strict=True):
        assert row["account"] == want.account
        assert Decimal(row["opening"]) == want.opening
        assert Decimal(row["movement"]) == want.movement
        assert Decimal(row["closing"]) == want.closing
        assert row["agrees"] is want.agrees
        assert all(isinstance(row[k], str) for k in ("opening", "movement", "closing"))


def test_an_unknown_year_is_not_found(firm_a: FirmWorld) -> None:
    response = firm_a.admin.http().get(f"{base(firm_a)}/balances", {"year": 999_999})
    assert response.status_code == 404


def test_another_clients_year_is_not_found(firm_a: FirmWorld, firm_b: FirmWorld) -> None:
    response = firm_a.admin.http().get(f"{base(firm_a)}/accounts", {"year": firm_b.year.pk})
    assert response.status_code == 404


def all_pages(world: FirmWorld, **filters: Any) -> list[dict[str, Any]]:
    http = world.admin.http()
    items: list[dict[str, Any]] = []
    offset: int | None = 0
    while offset is not None:
        page = http.get(f"{base(world)}/vouchers", {**filters, "offset": offset}).json()
        items += page["items"]
        offset = page["next_offset"]
    return items


def test_paging_returns_every_voucher_once_in_series_order(firm_a: FirmWorld) -> None:
    items = all_pages(firm_a, limit=97)

    vouchers = Voucher.objects.filter(year=firm_a.year)
    assert len(items) == vouchers.count() > 97
    assert len({i["id"] for i in items}) == len(items)
    series = [i["series"] for i in items]
    assert series == sorted(series)


def test_filter_by_series(firm_a: FirmWorld) -> None:
    series = Voucher.objects.filter(year=firm_a.year).values_list("series", flat=True).first()
    items = all_pages(firm_a, series=series, limit=500)
    assert len(items) == Voucher.objects.filter(year=firm_a.year, series=series).count()
    assert {i["series"] for i in items} == {series}


def test_filter_by_dates_includes_both_ends(firm_a: FirmWorld) -> None:
    start, end = dt.date(firm_a.year.start.year, 3, 1), dt.date(firm_a.year.start.year, 3, 31)
    items = all_pages(firm_a, date_from=start, date_to=end, limit=500)
    expected = Voucher.objects.filter(year=firm_a.year, date__gte=start, date__lte=end)
    assert len(items) == expected.count() > 0
    assert all(str(start) <= str(i["date"]) <= str(end) for i in items)


def test_filter_by_account_finds_vouchers_with_a_row_on_it(firm_a: FirmWorld) -> None:
    items = all_pages(firm_a, account="1930", limit=500)
    expected = (
        VoucherRow.objects.filter(year=firm_a.year, account="1930")
        .values("voucher_id")
        .distinct()
        .count()
    )
    assert len(items) == expected > 0


def test_voucher_detail_has_every_row_with_struck_rows_marked(firm_a: FirmWorld) -> None:
    voucher = firm_a.voucher
    answer = firm_a.admin.http().get(f"{base(firm_a)}/vouchers/{voucher.pk}").json()

    rows = list(VoucherRow.objects.filter(voucher=voucher).order_by("position"))
    assert [r["position"] for r in answer["rows"]] == [r.position for r in rows]
    assert [r["amount"] for r in answer["rows"]] == [f"{from_ore(r.amount_ore)}" for r in rows]
    struck = [r for r in answer["rows"] if r["struck"]]
    assert struck
    assert all(r["kind"] == "removed" for r in struck)
    counting = [Decimal(r["amount"]) for r in answer["rows"] if not r["struck"]]
    assert sum(counting) == 0  # a voucher balances on its counting rows
    assert answer["series"] == voucher.series
    assert answer["number"] == voucher.number


@given(ore=st.integers(min_value=-(10**15), max_value=10**15))
def test_amounts_serialise_to_exact_two_decimal_strings(ore: int) -> None:
    amount = from_ore(ore)
    row = TrialBalanceRowOut(
        account="1930",
        name="Bank",
        opening=amount,
        movement=amount,
        closing=amount,
        stated_closing=None,
        agrees=True,
    ).model_dump(mode="json")

    assert re.fullmatch(AMOUNT_PATTERN, row["opening"])
    assert Decimal(row["opening"]) == amount
    assert row["stated_closing"] is None
