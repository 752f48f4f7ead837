"""Fetched balances per account and period, what a sign-off signs, and its fingerprint.

A row counts in the period its ``booking_date`` falls in; a row without any date counts
in the year's last period. Struck rows (#BTRANS / Fortnox ``Removed``) never count.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth

from bokslut.ledger.models import Balance, FinancialYear, VoucherRow
from bokslut.rules import is_balance_account

__all__ = [
    "PeriodActivity",
    "SignedState",
    "balance_grid",
    "fingerprint",
    "signed_state",
]


@dataclass(frozen=True)
class PeriodActivity:
    """An account's balance at a period's end and how many rows the period had."""

    balance_ore: int
    rows: int


def balance_grid(
    year: FinancialYear, period_ends: list[dt.date], accounts: list[str] | None = None
) -> dict[str, dict[dt.date, PeriodActivity]]:
    """Balance at every period end for every balance-sheet account with IB or rows.

    Two aggregate queries (IB, and rows by account and month), whatever the row count.
    """
    opening = {
        a: amount
        for a, amount in Balance.objects.filter(year=year, kind=Balance.Kind.IB).values_list(
            "account", "amount_ore"
        )
        if is_balance_account(a)
    }
    rows = VoucherRow.objects.filter(year=year).exclude(kind=VoucherRow.Kind.REMOVED)
    rows = rows.filter(Q(account__startswith="1") | Q(account__startswith="2"))
    if accounts is not None:
        rows = rows.filter(account__in=accounts)
        opening = {a: v for a, v in opening.items() if a in accounts}
    monthly: dict[str, list[tuple[dt.date, int, int]]] = defaultdict(list)
    for account, month, total, count in (
        rows.annotate(month=TruncMonth("booking_date"))
        .values("account", "month")
        .annotate(total=Sum("amount_ore"), count=Count("id"))
        .values_list("account", "month", "total", "count")
    ):
        # Undated rows belong to the last period.
        day = month if month is not None else period_ends[-1]
        if isinstance(day, dt.datetime):
            day = day.date()
        monthly[account].append((day, total or 0, count))
    grid: dict[str, dict[dt.date, PeriodActivity]] = {}
    for account in sorted(set(opening) | set(monthly)):
        balance = opening.get(account, 0)
        movements = sorted(monthly.get(account, []))
        index = 0
        cells: dict[dt.date, PeriodActivity] = {}
        for end in period_ends:
            count = 0
            while index < len(movements) and movements[index][0] <= end:
                balance += movements[index][1]
                count += movements[index][2]
                index += 1
            cells[end] = PeriodActivity(balance, count)
        grid[account] = cells
    return grid


@dataclass(frozen=True)
class SignedState:
    """What a sign-off of an account and period signs: the balance and the period's vouchers."""

    balance_ore: int
    vouchers: dict[str, int]

    @property
    def fingerprint(self) -> str:
        """The hash a sign-off stores (see :func:`fingerprint`)."""
        return fingerprint(self.balance_ore, self.vouchers)


def fingerprint(balance_ore: int, vouchers: dict[str, int]) -> str:
    """SHA-256 over the balance and each voucher's identity and amount, in a fixed order."""
    text = f"{balance_ore}\n" + "".join(f"{key}\t{vouchers[key]}\n" for key in sorted(vouchers))
    return hashlib.sha256(text.encode()).hexdigest()


def signed_state(
    year: FinancialYear, account: str, period_start: dt.date, period_end: dt.date, last: bool
) -> SignedState:
    """The balance of ``account`` at ``period_end`` and its vouchers in the period.

    ``last`` says whether the period is the year's last (undated rows belong there).
    """
    ib = (
        Balance.objects.filter(year=year, kind=Balance.Kind.IB, account=account)
        .values_list("amount_ore", flat=True)
        .first()
        or 0
    )
    rows = VoucherRow.objects.filter(year=year, account=account).exclude(
        kind=VoucherRow.Kind.REMOVED
    )
    up_to = Q(booking_date__lte=period_end) | (Q(booking_date__isnull=True) if last else Q(pk=None))
    moved = rows.filter(up_to).aggregate(total=Sum("amount_ore"))["total"] or 0
    in_period = Q(booking_date__gte=period_start, booking_date__lte=period_end)
    if last:
        in_period |= Q(booking_date__isnull=True)
    vouchers: dict[str, int] = {}
    for series, number, total in (
        rows.filter(in_period)
        .values("voucher__series", "voucher__number")
        .annotate(total=Sum("amount_ore"))
        .values_list("voucher__series", "voucher__number", "total")
    ):
        vouchers[f"{series} {number}".strip()] = total or 0
    return SignedState(ib + moved, vouchers)
