"""SQL aggregates of the ledger store, shaped as the pure rules' inputs (integer öre).

Only aggregates leave the database: a year of a million rows becomes a few hundred
account totals and the handful of vouchers that do not balance.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Sum

from bokslut.ledger.models import Account, Balance, FinancialYear, Voucher, VoucherRow
from bokslut.rules import AccountTotal, Posting, VoucherNumber, VoucherTotal

__all__ = [
    "account_totals",
    "closing_by_account",
    "late_postings",
    "previous_year",
    "unbalanced_vouchers",
    "voucher_numbers",
]


def _counted_rows(year: FinancialYear) -> object:
    return VoucherRow.objects.filter(year=year).exclude(kind=VoucherRow.Kind.REMOVED)


def account_totals(year: FinancialYear) -> list[AccountTotal]:
    """IB, counted movement, stated UB/RES, active flag and row count for every account."""
    stated: dict[tuple[str, str], int] = {
        (kind, account): amount
        for kind, account, amount in Balance.objects.filter(year=year).values_list(
            "kind", "account", "amount_ore"
        )
    }
    movements = {
        account: (total or 0, count)
        for account, total, count in VoucherRow.objects.filter(year=year)
        .exclude(kind=VoucherRow.Kind.REMOVED)
        .values("account")
        .annotate(total=Sum("amount_ore"), count=Count("id"))
        .values_list("account", "total", "count")
    }
    active = dict(Account.objects.filter(year=year).values_list("number", "active"))
    numbers = sorted({a for _, a in stated} | set(movements))
    return [
        AccountTotal(
            account=number,
            opening_ore=stated.get(("IB", number), 0),
            movement_ore=movements.get(number, (0, 0))[0],
            stated_closing_ore=stated.get(("UB", number), stated.get(("RES", number))),
            active=active.get(number, True),
            row_count=movements.get(number, (0, 0))[1],
        )
        for number in numbers
    ]


def closing_by_account(totals: list[AccountTotal]) -> dict[str, int]:
    """The stated UB (else IB + movement) of every balance-sheet account."""
    return {
        t.account: t.stated_closing_ore if t.stated_closing_ore is not None else t.closing_ore
        for t in totals
        if t.is_balance
    }


def unbalanced_vouchers(year: FinancialYear) -> tuple[list[VoucherTotal], int]:
    """The vouchers whose counted rows do not sum to 0, and how many vouchers there are."""
    sums = (
        VoucherRow.objects.filter(year=year)
        .exclude(kind=VoucherRow.Kind.REMOVED)
        .values("voucher_id")
        .annotate(total=Sum("amount_ore"))
        .exclude(total=0)
        .values_list("voucher_id", "total")
    )
    totals = dict(sums)
    found = Voucher.objects.filter(pk__in=list(totals)[:1000]).values_list(
        "pk", "series", "number", "date"
    )
    vouchers = [
        VoucherTotal(series, number, totals[pk], date) for pk, series, number, date in found
    ]
    return vouchers, Voucher.objects.filter(year=year).count()


def voucher_numbers(year: FinancialYear) -> list[VoucherNumber]:
    """Series, number and numeric number of every voucher of the year."""
    return [
        VoucherNumber(series, number, number_sort)
        for series, number, number_sort in Voucher.objects.filter(year=year)
        .exclude(number="")
        .values_list("series", "number", "number_sort")
        .iterator(chunk_size=10_000)
    ]


def previous_year(year: FinancialYear) -> FinancialYear | None:
    """The client's financial year that ends the day before ``year`` starts."""
    return FinancialYear.objects.filter(
        client_id=year.client_id, end=year.start - dt.timedelta(days=1)
    ).first()


def late_postings(year: FinancialYear) -> dict[str, int]:
    """Per account, ``year``'s rows on vouchers registered after the year ended.

    Those are the postings made after the balances were (probably) carried forward.
    """
    return {
        account: total or 0
        for account, total in VoucherRow.objects.filter(year=year, voucher__registered__gt=year.end)
        .exclude(kind=VoucherRow.Kind.REMOVED)
        .values("account")
        .annotate(total=Sum("amount_ore"))
        .values_list("account", "total")
    }


def postings_of_vouchers(year: FinancialYear, keys: list[tuple[str, str]]) -> list[Posting]:
    """One posting per voucher (date only) for the (series, number) pairs given."""
    if not keys:
        return []
    wanted = set(keys)
    # One OR-term (or bound parameter) per key makes SQLite refuse large syncs ("Expression
    # tree is too large"), so narrow by series in SQL and pick the exact pairs here.
    candidates = Voucher.objects.filter(
        year=year, series__in={series for series, _ in wanted}
    ).values_list("series", "number", "date")
    return [
        Posting(series, number, "", 0, date)
        for series, number, date in candidates.iterator()
        if (series, number) in wanted
    ]
