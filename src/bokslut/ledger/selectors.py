"""Reads of the ledger store: years, saldobalans, voucher lists, huvudbok. Sums run in SQL."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, QuerySet, Sum, Window

from bokslut.firms.models import Client
from bokslut.ledger.models import (
    Account,
    AccountMovement,
    Balance,
    FinancialYear,
    Voucher,
    VoucherRow,
)
from bokslut.money import from_ore

__all__ = [
    "LedgerRow",
    "TrialBalanceRow",
    "account_ledger",
    "trial_balance",
    "voucher_list",
    "year_get",
    "year_list",
]

YearRef = FinancialYear | dt.date | int


@dataclass(frozen=True)
class TrialBalanceRow:
    """One account's line in the saldobalans (debit positive, credit negative)."""

    account: str
    name: str
    opening: Decimal  # IB as stated
    movement: Decimal  # the year's rows that count (not #BTRANS)
    closing: Decimal  # IB + movement
    stated_closing: Decimal | None  # UB (balance sheet) or RES (income statement) as stated

    @property
    def agrees(self) -> bool:
        """Whether the computed closing balance equals the stated one (absent counts as 0)."""
        return self.closing == (self.stated_closing or Decimal("0.00"))


@dataclass(frozen=True)
class LedgerRow:
    """A huvudbok line: one voucher row on the account, with the running balance after it."""

    date: dt.date | None
    series: str
    number: str
    voucher_text: str
    text: str
    amount: Decimal
    balance: Decimal


def year_list(*, client: Client) -> QuerySet[FinancialYear]:
    """The client's financial years, oldest first."""
    return FinancialYear.objects.filter(client=client).order_by("start")


def year_get(*, client: Client, year: YearRef) -> FinancialYear:
    """The client's financial year: the year itself, its first day, or a calendar year.

    A calendar year ``2024`` means the financial year that starts in 2024, or else the one
    that ends in 2024 (a broken year 2023-07-01–2024-06-30). Raises
    :class:`FinancialYear.DoesNotExist` when there is none.
    """
    if isinstance(year, FinancialYear):
        return year
    years = FinancialYear.objects.filter(client=client)
    if isinstance(year, dt.date):
        return years.get(start=year)
    found = years.filter(start__year=year).order_by("start").first()
    if found is None:
        found = years.filter(end__year=year).order_by("start").first()
    if found is None:
        raise FinancialYear.DoesNotExist(f"no financial year {year} for {client}")
    return found


def trial_balance(*, client: Client, year: YearRef) -> list[TrialBalanceRow]:
    """The saldobalans: IB, movement, UB per account, for every account with any of them."""
    fy = year_get(client=client, year=year)
    stated: dict[tuple[str, str], int] = {
        (kind, account): amount
        for kind, account, amount in Balance.objects.filter(year=fy).values_list(
            "kind", "account", "amount_ore"
        )
    }
    # Kept per (year, account) by the writers of voucher rows: a few hundred rows to read
    # instead of a GROUP BY over every voucher row of the year.
    movements: dict[str, int] = dict(
        AccountMovement.objects.filter(year=fy).values_list("account", "amount_ore")
    )
    names = dict(Account.objects.filter(year=fy).values_list("number", "name"))
    numbers = sorted({a for _, a in stated} | set(movements), key=_account_order)
    result = []
    for number in numbers:
        opening = stated.get(("IB", number), 0)
        movement = movements.get(number, 0)
        closing_stated = stated.get(("UB", number), stated.get(("RES", number)))
        result.append(
            TrialBalanceRow(
                account=number,
                name=names.get(number, ""),
                opening=from_ore(opening),
                movement=from_ore(movement),
                closing=from_ore(opening + movement),
                stated_closing=None if closing_stated is None else from_ore(closing_stated),
            )
        )
    return result


def voucher_list(*, client: Client, year: YearRef, series: str | None = None) -> QuerySet[Voucher]:
    """The year's vouchers in series and number order, optionally of one series."""
    fy = year_get(client=client, year=year)
    vouchers = Voucher.objects.filter(year=fy)
    if series is not None:
        vouchers = vouchers.filter(series=series)
    return vouchers.order_by("series", "number_sort", "number", "id")


def account_ledger(*, client: Client, year: YearRef, account: str) -> list[LedgerRow]:
    """The huvudbok of one account: its counting rows by date, with a running balance from IB."""
    fy = year_get(client=client, year=year)
    opening = (
        Balance.objects.filter(year=fy, kind="IB", account=account)
        .values_list("amount_ore", flat=True)
        .first()
        or 0
    )
    order = ["booking_date", "voucher__series", "voucher__number_sort", "voucher_id", "position"]
    rows = (
        VoucherRow.objects.filter(year=fy, account=account)
        .exclude(kind=VoucherRow.Kind.REMOVED)
        .annotate(running=Window(Sum("amount_ore"), order_by=[F(o).asc() for o in order]))
        .order_by(*order)
        .values_list(
            "booking_date",
            "voucher__series",
            "voucher__number",
            "voucher__text",
            "text",
            "amount_ore",
            "running",
        )
    )
    return [
        LedgerRow(
            date=date,
            series=series,
            number=number,
            voucher_text=voucher_text,
            text=text,
            amount=from_ore(amount),
            balance=from_ore(opening + running),
        )
        for date, series, number, voucher_text, text, amount, running in rows
    ]


def _account_order(number: str) -> tuple[int, int | str]:
    # Numeric accounts in numeric order, anything else after them.
    return (0, int(number)) if number.isdigit() else (1, number)
