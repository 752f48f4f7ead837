"""The in-memory state of one sandbox company (a Fortnox tenant), guarded by a lock.

SIE records are kept as they were seeded (year indexes normalised to 0 inside each
:class:`YearData`) so an export can reproduce the seed exactly; what the API adds later is
tracked separately (``posted_delta``, ``period_delta``, ``object_delta``) so balances move
the way bookkeeping moves them.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TypeVar

from bokslut.sandbox.jsonio import JsonValue
from bokslut.sie.model import (
    Account,
    Balance,
    Dimension,
    Header,
    ObjectBalance,
    ObjectRef,
    PeriodBalance,
    SieObject,
    Voucher,
)

__all__ = [
    "ALL_SCOPES",
    "AccountState",
    "Company",
    "PeriodKey",
    "Record",
    "StoredVoucher",
    "YearData",
]

#: Every scope the sandbox knows; a company is licensed for all of them unless told otherwise.
ALL_SCOPES: frozenset[str] = frozenset(
    {
        "bookkeeping",
        "companyinformation",
        "settings",
        "costcenter",
        "project",
        "customer",
        "supplier",
        "invoice",
        "supplierinvoice",
        "assets",
    }
)

#: Dimension numbers reserved by SIE for cost centres and projects.
COST_CENTRE_DIM = 1
PROJECT_DIM = 6

_K = TypeVar("_K", bound=Hashable)

#: A period balance's identity: (YYYYMM, account, objects); objects is ``()`` or one object.
PeriodKey = tuple[str, str, tuple[ObjectRef, ...]]


@dataclass(slots=True)
class AccountState:
    """An account of the chart plus what Fortnox adds (active flag, VAT code, change time)."""

    account: Account
    active: bool = True
    vat_code: str = ""
    modified: datetime = datetime(2000, 1, 1)


@dataclass(slots=True)
class StoredVoucher:
    """A voucher as Fortnox holds it: SIE content plus API-only fields."""

    voucher: Voucher
    number: int
    modified: datetime
    comments: str | None = None
    reference_number: str = ""
    reference_type: str = "MANUAL"
    approval_state: int = 0
    #: Added through the API or control after seeding: moves the year's closing, period and
    #: object balances.
    posted: bool = False


@dataclass(slots=True)
class YearData:
    """One financial year: dates, SIE balances (index 0) and vouchers by (series, number)."""

    id: int
    start: date
    end: date
    accounting_method: str = "ACCRUAL"
    chart_type: str = "BAS 2024"
    balances: list[Balance] = field(default_factory=list)
    object_balances: list[ObjectBalance] = field(default_factory=list)
    period_balances: list[PeriodBalance] = field(default_factory=list)
    vouchers: dict[tuple[str, int], StoredVoucher] = field(default_factory=dict)
    #: Vouchers in Fortnox's list order (series, then number); rebuilt lazily.
    _ordered: list[StoredVoucher] | None = None
    opening: dict[str, Decimal] = field(default_factory=dict)
    closing: dict[str, Decimal] = field(default_factory=dict)
    #: What posted vouchers moved, per account (UB/RES), per period (#PSALDO) and per
    #: (account, object) (#OUB); the seed's own records stay untouched.
    posted_delta: dict[str, Decimal] = field(default_factory=dict)
    period_delta: dict[PeriodKey, Decimal] = field(default_factory=dict)
    object_delta: dict[tuple[str, ObjectRef], Decimal] = field(default_factory=dict)
    series_descriptions: dict[str, str] = field(default_factory=dict)
    #: Per series, the highest number of a removed voucher (numbers are never reused).
    retired: dict[str, int] = field(default_factory=dict)
    modified: datetime = datetime(2000, 1, 1)

    def contains(self, day: date) -> bool:
        """Whether ``day`` falls inside this year."""
        return self.start <= day <= self.end

    def ordered_vouchers(self) -> list[StoredVoucher]:
        """Vouchers sorted by series then number, as Fortnox lists them."""
        if self._ordered is None:
            self._ordered = [self.vouchers[key] for key in sorted(self.vouchers)]
        return self._ordered

    def add_voucher(self, stored: StoredVoucher) -> None:
        """Store ``stored``; a posted voucher moves the closing and period balances it touches.

        Period balances follow the convention of the seeds (and of :mod:`bokslut.sie.generator`):
        #PSALDO is a month's movement, stated per account and per single object, so a row with a
        cost centre and a project moves three period balances of its month.
        """
        self.vouchers[(stored.voucher.series, stored.number)] = stored
        self._ordered = None
        if stored.posted:
            self._move(stored, sign=1)

    def remove_voucher(self, series: str, number: int) -> StoredVoucher | None:
        """Take a voucher out of the year, as if it had never been booked (``None`` if absent).

        Fortnox reports no deletions (that is why bokslut compares in full now and then), so
        the control API uses this to test that. Its movements leave the balances the export
        states, seeded or posted alike, and its number is never given again: the series
        counter stays where it was.
        """
        stored = self.vouchers.pop((series, number), None)
        if stored is None:
            return None
        self._ordered = None
        self.retired[series] = max(self.retired.get(series, 0), number)
        self._move(stored, sign=-1)
        return stored

    def _move(self, stored: StoredVoucher, *, sign: int) -> None:
        for row in stored.voucher.rows:
            if not row.counts:
                continue
            amount = row.amount if sign > 0 else -row.amount
            _add(self.closing, row.account, amount)
            _add(self.posted_delta, row.account, amount)
            for ref in row.objects:
                _add(self.object_delta, (row.account, ref), amount)
            day = row.date or stored.voucher.date
            if day is None:
                continue
            period = f"{day:%Y%m}"
            _add(self.period_delta, (period, row.account, ()), amount)
            for ref in row.objects:
                _add(self.period_delta, (period, row.account, (ref,)), amount)

    def seed_was_quiet(self) -> bool:
        """Whether the seed showed no movement in this year: no vouchers, UB = IB, no RES.

        Then the posted vouchers are all the year's movements, so balances built from them
        alone (#PSALDO, #OUB) are complete even where the seed stated none.
        """
        if any(not stored.posted for stored in self.vouchers.values()):
            return False
        for balance in self.balances:
            if balance.kind == "RES" and balance.amount:
                return False
            if balance.kind == "UB" and balance.amount != self.opening.get(
                balance.account, Decimal(0)
            ):
                return False
        return True

    def next_number(self, series: str) -> int:
        """The number the next voucher of ``series`` gets."""
        numbers = [number for (code, number) in self.vouchers if code == series]
        return max(max(numbers, default=0), self.retired.get(series, 0)) + 1


def _add(totals: dict[_K, Decimal], key: _K, amount: Decimal) -> None:
    totals[key] = totals.get(key, Decimal(0)) + amount


@dataclass(slots=True)
class Record:
    """A JSON-only resource (customer, invoice, asset …) with its change time."""

    data: dict[str, JsonValue]
    modified: datetime = datetime(2000, 1, 1)


@dataclass(slots=True)
class Company:
    """One tenant: company information, chart, years and the JSON-only registers."""

    database_number: int
    name: str
    organization_number: str = ""
    address: str = ""
    zip_code: str = ""
    city: str = ""
    country_code: str = "SE"
    header: Header = field(default_factory=Header)
    accounts: dict[str, AccountState] = field(default_factory=dict)
    dimensions: dict[int, Dimension] = field(default_factory=dict)
    objects: dict[ObjectRef, SieObject] = field(default_factory=dict)
    object_modified: dict[ObjectRef, datetime] = field(default_factory=dict)
    years: dict[int, YearData] = field(default_factory=dict)
    customers: dict[str, Record] = field(default_factory=dict)
    suppliers: dict[str, Record] = field(default_factory=dict)
    invoices: dict[str, Record] = field(default_factory=dict)
    supplier_invoices: dict[str, Record] = field(default_factory=dict)
    assets: dict[str, Record] = field(default_factory=dict)
    locked_until: date | None = None
    licences: set[str] = field(default_factory=lambda: set(ALL_SCOPES))
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)

    def years_by_date(self) -> list[YearData]:
        """Financial years oldest first (their Ids are deliberately not in this order)."""
        return sorted(self.years.values(), key=lambda year: year.start)

    def year_for_date(self, day: date) -> YearData | None:
        """The financial year containing ``day``, if any."""
        for year in self.years.values():
            if year.contains(day):
                return year
        return None

    def previous_year(self, year: YearData) -> YearData | None:
        """The year just before ``year`` by date, if the company has it."""
        earlier = [y for y in self.years.values() if y.end < year.start]
        return max(earlier, key=lambda y: y.end) if earlier else None

    def current_year(self, today: date) -> YearData | None:
        """Fortnox's default year: the one containing today, else the latest."""
        year = self.year_for_date(today)
        if year is not None:
            return year
        ordered = self.years_by_date()
        return ordered[-1] if ordered else None

    def cost_centres(self) -> list[SieObject]:
        """Objects of dimension 1, by code."""
        return sorted(
            (o for o in self.objects.values() if o.dimension == COST_CENTRE_DIM),
            key=lambda o: o.code,
        )

    def projects(self) -> list[SieObject]:
        """Objects of dimension 6, by code."""
        return sorted(
            (o for o in self.objects.values() if o.dimension == PROJECT_DIM),
            key=lambda o: o.code,
        )
