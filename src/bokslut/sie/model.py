"""The SIE data model: plain, typed, immutable records shared by reader, writer and importers.

Equality of these objects is what "round trip" means: read → write → read must give equal
models. Source line numbers are kept for messages but take no part in equality.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

__all__ = [
    "Account",
    "AccountType",
    "Address",
    "Balance",
    "BalanceKind",
    "Dimension",
    "Document",
    "FinancialYear",
    "Header",
    "Issue",
    "Item",
    "ObjectBalance",
    "ObjectRef",
    "PeriodBalance",
    "RowKind",
    "Severity",
    "SieObject",
    "Voucher",
    "VoucherRow",
]

#: An object reference on a row or balance: (dimension number, object code).
ObjectRef = tuple[int, str]


class AccountType(enum.StrEnum):
    """``#KTYP``: T tillgång, S skuld, K kostnad, I intäkt."""

    ASSET = "T"
    LIABILITY = "S"
    COST = "K"
    INCOME = "I"


class RowKind(enum.StrEnum):
    """How a voucher row stands: as registered, added later (#RTRANS), or removed (#BTRANS)."""

    NORMAL = "normal"
    ADDED = "added"
    REMOVED = "removed"


BalanceKind = Literal["IB", "UB", "RES"]


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem found in a file: where, how bad, and what it means in Swedish and English."""

    severity: Severity
    code: str
    line: int | None
    message_sv: str
    message_en: str

    def __str__(self) -> str:
        where = f"rad {self.line}: " if self.line is not None else ""
        return f"{where}{self.message_sv}"


@dataclass(frozen=True, slots=True)
class FinancialYear:
    """``#RAR``: year index (0 current, -1 previous, …) with its first and last day."""

    index: int
    start: dt.date
    end: dt.date


@dataclass(frozen=True, slots=True)
class Address:
    """``#ADRESS contact street postal phone``."""

    contact: str = ""
    street: str = ""
    postal: str = ""
    phone: str = ""


@dataclass(slots=True)
class Header:
    """Identification records of a file (everything that is not chart, balance or voucher)."""

    flag: int | None = None  # #FLAGGA
    program: str | None = None  # #PROGRAM name
    program_version: str | None = None  # #PROGRAM version
    format: str | None = None  # #FORMAT as written (PC8)
    generated: dt.date | None = None  # #GEN date
    generated_by: str | None = None  # #GEN signature
    sie_type: int | None = None  # #SIETYP
    prosa: str | None = None  # #PROSA
    company_type: str | None = None  # #FTYP
    company_id: str | None = None  # #FNR
    org_number: str | None = None  # #ORGNR
    org_multiple: str | None = None  # #ORGNR förvärvsnummer
    org_activity: str | None = None  # #ORGNR verksamhetsnummer
    industry_code: str | None = None  # #BKOD
    address: Address | None = None  # #ADRESS
    company_name: str | None = None  # #FNAMN
    years: dict[int, FinancialYear] = field(default_factory=dict)  # #RAR by index
    tax_year: int | None = None  # #TAXAR
    period_end: dt.date | None = None  # #OMFATTN
    chart_type: str | None = None  # #KPTYP
    currency: str | None = None  # #VALUTA


@dataclass(slots=True)
class Account:
    """``#KONTO`` with its ``#KTYP``, ``#ENHET`` and ``#SRU`` attributes."""

    number: str
    name: str
    type: AccountType | None = None
    unit: str | None = None
    sru: tuple[str, ...] = ()
    #: False when only attributes (#KTYP, #SRU, #ENHET) named the account, never a #KONTO.
    declared: bool = field(default=True, compare=False)
    line: int | None = field(default=None, compare=False)  # of the #KONTO (or first attribute)


@dataclass(frozen=True, slots=True)
class Dimension:
    """``#DIM`` (``parent`` None) or ``#UNDERDIM`` (``parent`` = the superior dimension)."""

    number: int
    name: str
    parent: int | None = None
    line: int | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class SieObject:
    """``#OBJEKT dimension code name``: a cost centre, project or any dimension's object."""

    dimension: int
    code: str
    name: str
    line: int | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Balance:
    """``#IB``, ``#UB`` or ``#RES`` of one account in one year."""

    kind: BalanceKind
    year: int
    account: str
    amount: Decimal
    quantity: Decimal | None = None
    line: int | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class ObjectBalance:
    """``#OIB`` / ``#OUB``: an account's balance for one object."""

    kind: Literal["OIB", "OUB"]
    year: int
    account: str
    object: ObjectRef
    amount: Decimal
    quantity: Decimal | None = None
    line: int | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class PeriodBalance:
    """``#PSALDO`` / ``#PBUDGET``: an account's balance (or budget) for one month (YYYYMM)."""

    kind: Literal["PSALDO", "PBUDGET"]
    year: int
    period: str
    account: str
    objects: tuple[ObjectRef, ...]
    amount: Decimal
    quantity: Decimal | None = None
    line: int | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class VoucherRow:
    """``#TRANS`` (normal), ``#RTRANS`` (added later) or ``#BTRANS`` (removed) row."""

    kind: RowKind
    account: str
    amount: Decimal
    objects: tuple[ObjectRef, ...] = ()
    date: dt.date | None = None
    text: str | None = None
    quantity: Decimal | None = None
    signature: str | None = None
    line: int | None = field(default=None, compare=False)

    @property
    def counts(self) -> bool:
        """Whether the row is part of balances (removed rows are history only)."""
        return self.kind is not RowKind.REMOVED


@dataclass(frozen=True, slots=True)
class Voucher:
    """``#VER series number date text [regdate] [sign]`` with its rows."""

    series: str
    number: str
    date: dt.date | None
    text: str
    rows: tuple[VoucherRow, ...]
    registered: dt.date | None = None
    signature: str | None = None
    line: int | None = field(default=None, compare=False)

    def total(self) -> Decimal:
        """Sum of the rows that count; zero for a balanced voucher."""
        return sum((r.amount for r in self.rows if r.kind is not RowKind.REMOVED), Decimal(0))


#: What the streaming reader yields, in file order.
Item = Balance | ObjectBalance | PeriodBalance | Voucher


@dataclass(slots=True)
class Document:
    """A whole SIE file in memory (small files, tests, round trips)."""

    header: Header = field(default_factory=Header)
    accounts: dict[str, Account] = field(default_factory=dict)
    dimensions: dict[int, Dimension] = field(default_factory=dict)
    objects: dict[ObjectRef, SieObject] = field(default_factory=dict)
    balances: list[Balance] = field(default_factory=list)
    object_balances: list[ObjectBalance] = field(default_factory=list)
    period_balances: list[PeriodBalance] = field(default_factory=list)
    vouchers: list[Voucher] = field(default_factory=list)
