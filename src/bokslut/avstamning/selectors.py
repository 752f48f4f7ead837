"""Reads for the avstämning pages: the grid, one reconciliation, the latest checks."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field

from django.db.models import Max, Prefetch, QuerySet, Sum

from bokslut.avstamning.assetaccounts import (
    AssetAccounts,
    RegisterAsset,
    accounts_for_group,
    register_by_account,
)
from bokslut.avstamning.balances import PeriodActivity, balance_grid
from bokslut.avstamning.models import (
    ChangeFlag,
    CheckResult,
    CheckRun,
    Comment,
    Reconciliation,
    ReconciliationSettings,
    SignOff,
    UnderlagItem,
)
from bokslut.avstamning.openitems import open_at
from bokslut.avstamning.periods import period_ends
from bokslut.firms.models import Client
from bokslut.ledger.models import Account, FinancialYear
from bokslut.registers.models import Asset, CustomerInvoice, SupplierInvoice

__all__ = [
    "AssetGroup",
    "AutoUnderlag",
    "Cell",
    "Grid",
    "GridRow",
    "LedgerParty",
    "OpenInvoice",
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
class OpenInvoice:
    """One invoice open at the period end, signed like the account (suppliers negative)."""

    number: str
    invoice_date: dt.date | None
    due_date: dt.date | None
    open_ore: int


@dataclass(frozen=True)
class LedgerParty:
    """One customer or supplier of a ledger underlag: what it owed (or was owed) then."""

    number: str
    name: str
    open_ore: int
    invoices: tuple[OpenInvoice, ...]


@dataclass(frozen=True)
class AutoUnderlag:
    """Underlag the app derives itself from synced registers."""

    source: str
    amount_ore: int
    items: int
    #: What ``items`` counts and where the amount comes from, for the page's sentence.
    noun: str = "öppna poster"
    origin: str = "synkade fakturor"
    #: For a ledger underlag asked with detail: the open items per customer or supplier.
    parties: tuple[LedgerParty, ...] = ()


@dataclass(frozen=True)
class AssetGroup:
    """One group of the fixed-asset register: its assets, book value and accounts."""

    group: str
    assets: int
    book_value_ore: int
    accounts: AssetAccounts | None


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


def auto_underlag(
    client: Client, account: str, period_end: dt.date, *, detail: bool = False
) -> AutoUnderlag | None:
    """Underlag from the synced registers: ledgers for 1510 and 2440, assets for 10xx–12xx.

    With ``detail`` a ledger underlag also lists its open items per customer or supplier
    (the grid asks without, as it needs only the totals of every period).
    """
    if account in ("1510", "2440"):
        return _ledger_underlag(client, account, period_end, detail=detail)
    if "1000" <= account < "1300":
        return _asset_underlag(client, account, period_end)
    return None


def _ledger_underlag(
    client: Client, account: str, period_end: dt.date, *, detail: bool
) -> AutoUnderlag | None:
    """The customer ledger for 1510 and the supplier ledger for 2440, at ``period_end``.

    Open items are invoices dated on or before the period end that are booked, not
    cancelled and were unpaid at the period end (see :func:`open_at`).
    """
    invoices: QuerySet[CustomerInvoice] | QuerySet[SupplierInvoice]
    if account == "1510":
        invoices, source, sign = CustomerInvoice.objects.filter(client=client), "Kundreskontra", 1
        party = "customer"
    else:
        invoices = SupplierInvoice.objects.filter(client=client)
        source, sign, party = "Leverantörsreskontra", -1, "supplier"
    if not invoices.exists():
        return None
    open_items = open_at(invoices, period_end)
    if not detail:
        total = open_items.aggregate(total=Sum("open_ore"))["total"] or 0
        return AutoUnderlag(source, sign * total, open_items.count())
    rows = open_items.order_by(f"{party}_number", "invoice_date", "number").values_list(
        f"{party}_number", f"{party}_name", "number", "invoice_date", "due_date", "open_ore"
    )
    grouped: dict[str, tuple[str, list[OpenInvoice]]] = {}
    for number, name, invoice, day, due, open_ore in rows:
        found = grouped.setdefault(number, (name, []))
        found[1].append(OpenInvoice(invoice, day, due, sign * open_ore))
    parties = tuple(
        LedgerParty(number, name, sum(i.open_ore for i in items), tuple(items))
        for number, (name, items) in grouped.items()
    )
    return AutoUnderlag(
        source,
        sum(p.open_ore for p in parties),
        sum(len(p.invoices) for p in parties),
        parties=parties,
    )


def _register_assets(client: Client) -> list[RegisterAsset]:
    return [
        RegisterAsset(group or "", acquired, acquisition, depreciated)
        for group, acquired, acquisition, depreciated in Asset.objects.filter(
            client=client
        ).values_list("type", "acquisition_date", "acquisition_value_ore", "depreciated_ore")
    ]


def _asset_underlag(client: Client, account: str, period_end: dt.date) -> AutoUnderlag | None:
    """The fixed-asset register's value on ``account`` at ``period_end``.

    The acquisition account holds the acquisition values of the assets bought by then. The
    register's depreciation is as of the last sync, so the depreciation account gets it
    only at the end of the client's latest financial year (or later).
    """
    assets = _register_assets(client)
    if not assets:
        return None
    mapped = [accounts_for_group(a.group) for a in assets]
    acquisition = {m.acquisition for m in mapped if m is not None}
    depreciation = {m.depreciation for m in mapped if m is not None}
    latest = FinancialYear.objects.filter(client=client).aggregate(end=Max("end"))["end"]
    known = latest is not None and period_end >= latest
    if account not in acquisition and not (known and account in depreciation):
        return None
    by_account, _ = register_by_account(assets, at=period_end, depreciation_known=known)
    found = by_account.get(account)
    return AutoUnderlag(
        "Anläggningsregister",
        found.amount_ore if found else 0,
        found.assets if found else 0,
        noun="tillgångar",
        origin="det synkade anläggningsregistret",
    )


def asset_groups(client: Client) -> list[AssetGroup]:
    """The fixed-asset register per asset group: assets, book value and mapped accounts."""
    groups: dict[str, list[int]] = {}
    for group, book in Asset.objects.filter(client=client).values_list("type", "book_value_ore"):
        counts = groups.setdefault(group or "Utan grupp", [0, 0])
        counts[0] += 1
        counts[1] += book or 0
    return [
        AssetGroup(group, count, total, accounts_for_group(group))
        for group, (count, total) in sorted(groups.items())
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
        Prefetch(
            "signoffs",
            queryset=SignOff.objects.select_related("user").order_by("-signed_at", "-pk"),
        ),
        Prefetch("signoffs__flags", queryset=ChangeFlag.objects.order_by("-detected_at", "-pk")),
        Prefetch("comments", queryset=Comment.objects.select_related("user")),
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
        auto=auto_underlag(client, account, period_end, detail=True),
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
