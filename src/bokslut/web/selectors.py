"""Page-sized reads for the web UI, built to stay fast on a million voucher rows.

* Saldobalans: the ledger's :func:`~bokslut.ledger.selectors.trial_balance`, read from the
  per-account movement totals the importer keeps (milliseconds at a million rows).
* Huvudbok and Verifikationer: keyset pages (no OFFSET, no COUNT over all rows); the
  running balance at the top of a huvudbok page is one SUM on the
  (year, account, booking_date) index.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import IntegerField, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from bokslut.ledger.models import Account, Balance, FinancialYear, Voucher, VoucherRow
from bokslut.ledger.selectors import TrialBalanceRow, trial_balance
from bokslut.money import from_ore, to_ore
from bokslut.web.paging import LedgerCursor, VoucherCursor

__all__ = [
    "LEDGER_PAGE_SIZE",
    "VOUCHER_PAGE_SIZE",
    "AccountLedgerPage",
    "LedgerLine",
    "VoucherFilters",
    "VoucherPage",
    "YearOverview",
    "account_ledger_page",
    "voucher_page",
    "voucher_rows",
    "year_overview",
]

LEDGER_PAGE_SIZE = 200
VOUCHER_PAGE_SIZE = 50


@dataclass(frozen=True)
class YearOverview:
    """What is slow to compute over a whole year and changes only when the year is written."""

    trial_balance: list[TrialBalanceRow]
    series: list[str]


def year_overview(*, year: FinancialYear) -> YearOverview:
    """The saldobalans and voucher series of ``year``.

    Not cached: the ledger keeps per-account movement totals, so the saldobalans costs a
    few milliseconds even at a million rows, and a cache keyed on ids would go stale when a
    newer export changes a voucher, an account name or a balance in place.
    """
    series = Voucher.objects.filter(year=year).values_list("series", flat=True).distinct()
    return YearOverview(
        trial_balance=trial_balance(client=year.client, year=year),
        series=sorted(set(series)),
    )


@dataclass(frozen=True)
class LedgerLine:
    """A huvudbok line: one counting voucher row and the account's balance after it."""

    row_id: int
    voucher_id: int
    date: dt.date | None
    series: str
    number: str
    text: str
    amount: Decimal
    balance: Decimal


@dataclass(frozen=True)
class AccountLedgerPage:
    """One page of an account's huvudbok."""

    account: str
    name: str
    opening: Decimal  # IB of the year
    page_opening: Decimal  # balance before the first line of this page
    lines: list[LedgerLine]
    closing: Decimal  # IB + all counting rows: UB
    next_cursor: str | None
    first_page: bool


def _counting_rows(year: FinancialYear, account: str) -> QuerySet[VoucherRow]:
    # Struck rows (#BTRANS) are history, not movement.
    return VoucherRow.objects.filter(year=year, account=account).exclude(
        kind=VoucherRow.Kind.REMOVED
    )


def account_ledger_page(
    *,
    year: FinancialYear,
    account: str,
    cursor: str | None = None,
    movement: Decimal | None = None,
) -> AccountLedgerPage:
    """A page of ``account``'s huvudbok in (booking date, row id) order, after ``cursor``.

    ``movement`` is the account's movement for the year when the caller already has it
    (from :func:`year_overview`); it saves summing every row of a busy account again.
    """
    after = LedgerCursor.decode(cursor)
    rows = _counting_rows(year, account)
    opening_ore = (
        Balance.objects.filter(year=year, kind=Balance.Kind.IB, account=account)
        .values_list("amount_ore", flat=True)
        .first()
        or 0
    )
    # Undated rows (only from broken files) count first and are listed on the first page.
    undated = rows.filter(booking_date__isnull=True)
    dated = rows.filter(booking_date__isnull=False)
    if after is None:
        before_ore = 0
        page_rows = list(_ledger_values(undated.order_by("id")[:LEDGER_PAGE_SIZE]))
        page_rows += _ledger_values(
            dated.order_by("booking_date", "id")[: LEDGER_PAGE_SIZE + 1 - len(page_rows)]
        )
    else:
        earlier = Q(booking_date__lt=after.booking_date) | Q(
            booking_date=after.booking_date, id__lte=after.row_id
        )
        before_ore = (
            rows.filter(Q(booking_date__isnull=True) | earlier).aggregate(s=Sum("amount_ore"))["s"]
            or 0
        )
        later = dated.filter(booking_date__gte=after.booking_date).exclude(earlier)
        page_rows = list(
            _ledger_values(later.order_by("booking_date", "id")[: LEDGER_PAGE_SIZE + 1])
        )
    has_more = len(page_rows) > LEDGER_PAGE_SIZE
    page_rows = page_rows[:LEDGER_PAGE_SIZE]
    balance = opening_ore + before_ore
    lines = []
    for row_id, voucher_id, date, series, number, text, voucher_text, amount in page_rows:
        balance += amount
        lines.append(
            LedgerLine(
                row_id=row_id,
                voucher_id=voucher_id,
                date=date,
                series=series,
                number=number,
                text=text or voucher_text,
                amount=from_ore(amount),
                balance=from_ore(balance),
            )
        )
    next_cursor = None
    if has_more and lines and lines[-1].date is not None:
        next_cursor = LedgerCursor(lines[-1].date, lines[-1].row_id).encode()
    if movement is not None:
        total = to_ore(movement)
    else:
        total = rows.aggregate(s=Sum("amount_ore"))["s"] or 0
    name = (
        Account.objects.filter(year=year, number=account).values_list("name", flat=True).first()
        or ""
    )
    return AccountLedgerPage(
        account=account,
        name=name,
        opening=from_ore(opening_ore),
        page_opening=from_ore(opening_ore + before_ore),
        lines=lines,
        closing=from_ore(opening_ore + total),
        next_cursor=next_cursor,
        first_page=after is None,
    )


def _ledger_values(
    rows: QuerySet[VoucherRow],
) -> list[tuple[int, int, dt.date | None, str, str, str, str, int]]:
    return list(
        rows.values_list(
            "id",
            "voucher_id",
            "booking_date",
            "voucher__series",
            "voucher__number",
            "text",
            "voucher__text",
            "amount_ore",
        )
    )


@dataclass(frozen=True)
class VoucherFilters:
    """The Verifikationer page's filters; empty values filter nothing."""

    series: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    account: str = ""
    text: str = ""


@dataclass(frozen=True)
class VoucherListItem:
    """A voucher in the list, with its total (the sum of its debit rows)."""

    voucher_id: int
    date: dt.date | None
    series: str
    number: str
    text: str
    total: Decimal


@dataclass(frozen=True)
class VoucherPage:
    """One page of vouchers."""

    items: list[VoucherListItem]
    next_cursor: str | None
    first_page: bool


def voucher_page(
    *, year: FinancialYear, filters: VoucherFilters, cursor: str | None = None
) -> VoucherPage:
    """A page of the year's vouchers in (date, series, number) order, after ``cursor``."""
    after = VoucherCursor.decode(cursor)
    vouchers = Voucher.objects.filter(year=year).annotate(
        number_key=Coalesce("number_sort", Value(-1), output_field=IntegerField())
    )
    if filters.series:
        vouchers = vouchers.filter(series=filters.series)
    if filters.date_from:
        vouchers = vouchers.filter(date__gte=filters.date_from)
    if filters.date_to:
        vouchers = vouchers.filter(date__lte=filters.date_to)
    if filters.account:
        # Through the (year, account, booking_date) index rather than a per-voucher EXISTS.
        on_account = VoucherRow.objects.filter(year=year, account=filters.account).values(
            "voucher_id"
        )
        vouchers = vouchers.filter(id__in=Subquery(on_account))
    if filters.text:
        if filters.text.isascii():
            vouchers = vouchers.filter(text__icontains=filters.text)
        else:
            # SQLite's LIKE folds only ASCII case ("Ö" would not find "ö"); its REGEXP is
            # Python's re, and PostgreSQL's ~* folds Unicode too.
            vouchers = vouchers.filter(text__iregex=re.escape(filters.text))
    if after is None:
        # Undated vouchers (broken files only) come first, then dated ones.
        undated = list(vouchers.filter(date__isnull=True).order_by("id")[:VOUCHER_PAGE_SIZE])
        dated = vouchers.filter(date__isnull=False)
    else:
        undated = []
        dated = vouchers.filter(date__gte=after.date).filter(
            Q(date__gt=after.date)
            | Q(series__gt=after.series)
            | Q(series=after.series, number_key__gt=after.number_sort)
            | Q(series=after.series, number_key=after.number_sort, id__gt=after.voucher_id)
        )
    page = undated + list(
        dated.order_by("date", "series", "number_key", "id")[: VOUCHER_PAGE_SIZE + 1 - len(undated)]
    )
    has_more = len(page) > VOUCHER_PAGE_SIZE
    page = page[:VOUCHER_PAGE_SIZE]
    totals = _debit_totals([v.pk for v in page])
    items = [
        VoucherListItem(
            voucher_id=v.pk,
            date=v.date,
            series=v.series,
            number=v.number,
            text=v.text,
            total=from_ore(totals.get(v.pk, 0)),
        )
        for v in page
    ]
    next_cursor = None
    last = page[-1] if page else None
    if has_more and last is not None and last.date is not None:
        next_cursor = VoucherCursor(last.date, last.series, last.number_key, last.pk).encode()
    return VoucherPage(items=items, next_cursor=next_cursor, first_page=after is None)


def _debit_totals(voucher_ids: list[int]) -> dict[int, int]:
    if not voucher_ids:
        return {}
    return dict(
        VoucherRow.objects.filter(voucher_id__in=voucher_ids, amount_ore__gt=0)
        .exclude(kind=VoucherRow.Kind.REMOVED)
        .values("voucher_id")
        .annotate(total=Sum("amount_ore"))
        .values_list("voucher_id", "total")
    )


def voucher_rows(*, voucher: Voucher) -> list[VoucherRow]:
    """All rows of ``voucher`` in position order, struck and added ones included."""
    return list(voucher.rows.order_by("position"))
