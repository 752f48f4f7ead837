"""Reads for the avstämning pages: the grid, one reconciliation, the latest checks."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, QuerySet, Sum

from bokslut.avstamning.balances import PeriodActivity, balance_grid
from bokslut.avstamning.models import (
    ChangeFlag,
    CheckResult,
    CheckRun,
    Reconciliation,
    ReconciliationSettings,
    SignOff,
    UnderlagItem,
)
from bokslut.avstamning.periods import period_ends
from bokslut.firms.models import Client
from bokslut.ledger.models import Account, FinancialYear
from bokslut.registers.models import Asset, CustomerInvoice, SupplierInvoice

__all__ = [
    "AutoUnderlag",
    "Cell",
    "Grid",
    "GridRow",
    "Status",
    "asset_groups",
    "auto_underlag",
    "cell_get",
    "latest_checks",
    "period_kind",
    "reconciliation_grid",
    "year_period_ends",
]


class Status(enum.StrEnum):
    """A cell's colour in the grid."""

    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"
    GREY = "grey"

    @property
    def label(self) -> str:
        """The Swedish name of the status."""
        return {
            "green": "Avstämd",
            "yellow": "Förklarad differens",
            "red": "Differens eller ej klar",
            "grey": "Ingen aktivitet",
        }[self.value]


@dataclass(frozen=True)
class AutoUnderlag:
    """Underlag the app derives itself from synced registers."""

    source: str
    amount_ore: int
    items: int


@dataclass
class Cell:
    """One account and period in the grid."""

    account: str
    period_end: dt.date
    balance_ore: int
    rows: int
    reconciliation: Reconciliation | None = None
    underlag_ore: int | None = None
    auto: AutoUnderlag | None = None
    signoff: SignOff | None = None
    flag: ChangeFlag | None = None
    status: Status = Status.RED

    @property
    def difference_ore(self) -> int | None:
        """Fetched balance minus underlag, when there is underlag."""
        return None if self.underlag_ore is None else self.balance_ore - self.underlag_ore


@dataclass
class GridRow:
    """One balance-sheet account across the periods."""

    account: str
    name: str
    cells: list[Cell] = field(default_factory=list)


@dataclass
class Grid:
    """The reconciliation workspace of a year."""

    period_ends: list[dt.date]
    period: str
    rows: list[GridRow]

    def cells(self) -> list[Cell]:
        """Every cell, account by account."""
        return [c for r in self.rows for c in r.cells]

    def by_status(self) -> dict[Status, list[Cell]]:
        """Cells grouped by status, in the grid's order."""
        groups: dict[Status, list[Cell]] = {s: [] for s in Status}
        for cell in self.cells():
            groups[cell.status].append(cell)
        return groups


def period_kind(client: Client) -> str:
    """The client's reconciliation period: ``month``, ``quarter`` or ``year``."""
    found = ReconciliationSettings.objects.filter(client=client).first()
    return found.period if found else ReconciliationSettings.Period.YEAR


def year_period_ends(client: Client, year: FinancialYear) -> list[dt.date]:
    """The period ends of ``year`` under the client's setting."""
    return period_ends(year.start, year.end, period_kind(client))


def auto_underlag(client: Client, account: str, period_end: dt.date) -> AutoUnderlag | None:
    """The customer ledger for 1510 and the supplier ledger for 2440, at ``period_end``.

    Open items are invoices dated on or before the period end that are booked, not
    cancelled and still unpaid as last synced (payments are not synced one by one, so
    an invoice paid after the period end no longer counts as open then).
    """
    invoices: QuerySet[CustomerInvoice] | QuerySet[SupplierInvoice]
    if account == "1510":
        invoices, source, sign = CustomerInvoice.objects.filter(client=client), "Kundreskontra", 1
    elif account == "2440":
        invoices = SupplierInvoice.objects.filter(client=client)
        source, sign = "Leverantörsreskontra", -1
    else:
        return None
    if not invoices.exists():
        return None
    open_items = invoices.filter(
        booked=True, cancelled=False, invoice_date__lte=period_end
    ).exclude(balance_ore=0)
    total = open_items.aggregate(total=Sum("balance_ore"))["total"] or 0
    return AutoUnderlag(source, sign * total, open_items.count())


def asset_groups(client: Client) -> list[tuple[str, int, int]]:
    """The fixed-asset register's book value per asset group: (group, assets, öre)."""
    return [
        (group or "Utan grupp", count, total or 0)
        for group, count, total in Asset.objects.filter(client=client)
        .values("type")
        .annotate(count=Count("id"), total=Sum("book_value_ore"))
        .values_list("type", "count", "total")
        .order_by("type")
    ]


def _decide(cell: Cell, activity: PeriodActivity) -> None:
    reconciliation = cell.reconciliation
    items = (
        [u for u in reconciliation.underlag.all() if u.removed_at is None] if reconciliation else []
    )
    if items:
        cell.underlag_ore = sum(u.amount_ore for u in items)
    elif cell.auto is not None:
        cell.underlag_ore = cell.auto.amount_ore
    signoffs = (
        [s for s in reconciliation.signoffs.all() if s.superseded_at is None]
        if reconciliation
        else []
    )
    cell.signoff = signoffs[0] if signoffs else None
    if cell.signoff is not None:
        flags = list(cell.signoff.flags.all())
        cell.flag = flags[0] if flags else None
    difference = cell.difference_ore
    if (
        activity.balance_ore == 0
        and activity.rows == 0
        and not items
        and cell.signoff is None
        and not (reconciliation and reconciliation.explanation)
    ):
        cell.status = Status.GREY
    elif difference == 0 and cell.signoff is not None and cell.flag is None:
        cell.status = Status.GREEN
    elif difference and reconciliation is not None and reconciliation.explanation.strip():
        cell.status = Status.YELLOW
    else:
        cell.status = Status.RED


def _reconciliations(
    client: Client, year: FinancialYear, **filters: object
) -> dict[tuple[str, dt.date], Reconciliation]:
    query = Reconciliation.objects.filter(
        client=client, year_start=year.start, **filters
    ).prefetch_related(
        "underlag",
        Prefetch("signoffs", queryset=SignOff.objects.order_by("-signed_at", "-pk")),
        Prefetch("signoffs__flags", queryset=ChangeFlag.objects.order_by("-detected_at", "-pk")),
        "comments",
        "attachments",
    )
    return {(r.account, r.period_end): r for r in query}


def reconciliation_grid(*, client: Client, year: FinancialYear) -> Grid:
    """Every balance-sheet account with a balance or rows, across the year's periods."""
    ends = year_period_ends(client, year)
    balances = balance_grid(year, ends)
    names = dict(Account.objects.filter(year=year).values_list("number", "name"))
    existing = _reconciliations(client, year)
    accounts = sorted(set(balances) | {a for a, _ in existing})
    rows: list[GridRow] = []
    for account in accounts:
        row = GridRow(account, names.get(account, ""))
        for end in ends:
            activity = balances.get(account, {}).get(end, PeriodActivity(0, 0))
            cell = Cell(
                account=account,
                period_end=end,
                balance_ore=activity.balance_ore,
                rows=activity.rows,
                reconciliation=existing.get((account, end)),
                auto=auto_underlag(client, account, end),
            )
            _decide(cell, activity)
            row.cells.append(cell)
        rows.append(row)
    return Grid(ends, period_kind(client), rows)


def cell_get(*, client: Client, year: FinancialYear, account: str, period_end: dt.date) -> Cell:
    """One account and period, computed like the grid's cell."""
    ends = year_period_ends(client, year)
    activity = (
        balance_grid(year, ends, [account]).get(account, {}).get(period_end, PeriodActivity(0, 0))
    )
    cell = Cell(
        account=account,
        period_end=period_end,
        balance_ore=activity.balance_ore,
        rows=activity.rows,
        reconciliation=_reconciliations(client, year, account=account, period_end=period_end).get(
            (account, period_end)
        ),
        auto=auto_underlag(client, account, period_end),
    )
    _decide(cell, activity)
    return cell


def latest_checks(
    *, client: Client, year: FinancialYear
) -> tuple[CheckRun | None, list[CheckResult]]:
    """The latest check run of the year and its results in display order."""
    run = CheckRun.objects.filter(client=client, year_start=year.start).first()
    if run is None:
        return None, []
    return run, list(run.results.order_by("position"))


def underlag_items(reconciliation: Reconciliation) -> list[UnderlagItem]:
    """The reconciliation's underlag still in force."""
    return list(
        reconciliation.underlag.filter(removed_at__isnull=True).select_related("attachment")
    )
