"""The client's books: years, accounts, saldobalans, vouchers with their rows."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from bokslut.api.access import client_or_404, voucher_or_404, year_or_404
from bokslut.api.auth import api_user
from bokslut.api.schemas import (
    ERRORS,
    AccountOut,
    TrialBalanceOut,
    TrialBalanceRowOut,
    VoucherDetailOut,
    VoucherOut,
    VoucherPageOut,
    VoucherRowOut,
    YearOut,
)
from bokslut.ledger.models import Account, FinancialYear, Voucher, VoucherRow
from bokslut.ledger.selectors import trial_balance, voucher_list, year_list
from bokslut.money import from_ore

router = Router(tags=["bokföring"])


class YearFilter(Schema):
    """Which financial year: its id from ``/years``; the latest when left out."""

    year: int | None = None


class VoucherFilters(YearFilter):
    """Voucher filters and the page wanted (offset paging, newest series order)."""

    series: str | None = Field(None, max_length=20)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    account: str | None = Field(None, max_length=20, description="vouchers with a row on it")
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10_000_000)


def _year_out(year: FinancialYear) -> YearOut:
    return YearOut(id=year.pk, start=year.start, end=year.end)


@router.get(
    "/clients/{client_id}/years",
    response={200: list[YearOut], **ERRORS},
    summary="Räkenskapsår",
)
def years_list(request: HttpRequest, client_id: int) -> list[YearOut]:
    """The client's financial years, oldest first."""
    client = client_or_404(user=api_user(request), client_id=client_id)
    return [_year_out(y) for y in year_list(client=client)]


@router.get(
    "/clients/{client_id}/accounts",
    response={200: list[AccountOut], **ERRORS},
    summary="Kontoplan",
)
def accounts_list(
    request: HttpRequest, client_id: int, filters: Query[YearFilter]
) -> list[AccountOut]:
    """The year's chart of accounts, by account number."""
    client = client_or_404(user=api_user(request), client_id=client_id)
    year = year_or_404(client=client, year_id=filters.year)
    return [
        AccountOut(number=a.number, name=a.name, type=a.type, sru=a.sru, active=a.active)
        for a in Account.objects.filter(year=year).order_by("number")
    ]


@router.get(
    "/clients/{client_id}/balances",
    response={200: TrialBalanceOut, **ERRORS},
    summary="Saldobalans",
)
def balances_list(
    request: HttpRequest, client_id: int, filters: Query[YearFilter]
) -> TrialBalanceOut:
    """The saldobalans: IB, movement and UB per account, and whether UB agrees as stated."""
    client = client_or_404(user=api_user(request), client_id=client_id)
    year = year_or_404(client=client, year_id=filters.year)
    rows = [
        TrialBalanceRowOut(
            account=row.account,
            name=row.name,
            opening=row.opening,
            movement=row.movement,
            closing=row.closing,
            stated_closing=row.stated_closing,
            agrees=row.agrees,
        )
        for row in trial_balance(client=client, year=year)
    ]
    return TrialBalanceOut(year=_year_out(year), rows=rows)


def _voucher_out(voucher: Voucher) -> VoucherOut:
    return VoucherOut(
        id=voucher.pk,
        series=voucher.series,
        number=voucher.number,
        date=voucher.date,
        text=voucher.text,
        registered=voucher.registered,
    )


@router.get(
    "/clients/{client_id}/vouchers",
    response={200: VoucherPageOut, **ERRORS},
    summary="Verifikationer",
)
def vouchers_list(
    request: HttpRequest, client_id: int, filters: Query[VoucherFilters]
) -> VoucherPageOut:
    """The year's vouchers in series and number order, filtered, one page at a time."""
    client = client_or_404(user=api_user(request), client_id=client_id)
    year = year_or_404(client=client, year_id=filters.year)
    vouchers = voucher_list(client=client, year=year, series=filters.series or None)
    if filters.date_from is not None:
        vouchers = vouchers.filter(date__gte=filters.date_from)
    if filters.date_to is not None:
        vouchers = vouchers.filter(date__lte=filters.date_to)
    if filters.account:
        # Through the (year, account, booking_date) index rather than a per-voucher EXISTS;
        # struck rows count too: the voucher did touch the account.
        on_account = VoucherRow.objects.filter(year=year, account=filters.account)
        vouchers = vouchers.filter(id__in=on_account.values("voucher_id"))
    # One row more than asked tells whether a next page exists without a COUNT.
    page = list(vouchers[filters.offset : filters.offset + filters.limit + 1])
    more = len(page) > filters.limit
    return VoucherPageOut(
        year=_year_out(year),
        items=[_voucher_out(v) for v in page[: filters.limit]],
        next_offset=filters.offset + filters.limit if more else None,
    )


@router.get(
    "/clients/{client_id}/vouchers/{voucher_id}",
    response={200: VoucherDetailOut, **ERRORS},
    summary="En verifikation",
)
def vouchers_detail(request: HttpRequest, client_id: int, voucher_id: int) -> VoucherDetailOut:
    """One voucher with every row in order, struck rows included and marked."""
    client = client_or_404(user=api_user(request), client_id=client_id)
    voucher = voucher_or_404(client=client, voucher_id=voucher_id)
    rows = [
        VoucherRowOut(
            position=row.position,
            kind=row.kind,
            struck=row.kind == VoucherRow.Kind.REMOVED,
            account=row.account,
            amount=from_ore(row.amount_ore),
            text=row.text,
            date=row.date,
            quantity=row.quantity,
            objects=row.object_list,
        )
        for row in VoucherRow.objects.filter(voucher=voucher).order_by("position")
    ]
    return VoucherDetailOut(
        **_voucher_out(voucher).model_dump(),
        year=_year_out(voucher.year),
        signature=voucher.signature,
        rows=rows,
    )
