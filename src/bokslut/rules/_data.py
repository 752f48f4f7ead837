"""Plain inputs of the checks: what SQL aggregates over the ledger store give.

All amounts are integer öre (debit positive, credit negative), the store's own unit, so
a million rows can be summed in the database and only small aggregates reach Python.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

__all__ = [
    "AccountTotal",
    "OpenItem",
    "Posting",
    "VoucherNumber",
    "VoucherTotal",
    "is_balance_account",
]


def is_balance_account(number: str) -> bool:
    """Whether ``number`` is a balance-sheet account in BAS (classes 1 and 2)."""
    return number[:1] in {"1", "2"}


@dataclass(frozen=True)
class AccountTotal:
    """One account in one year: stated IB, the year's counted movement, stated UB/RES.

    ``stated_closing_ore`` is UB for balance-sheet accounts and RES for income-statement
    accounts, as the source (SIE file or Fortnox) states it; None when it states none.
    """

    account: str
    opening_ore: int = 0
    movement_ore: int = 0
    stated_closing_ore: int | None = None
    active: bool = True
    row_count: int = 0

    @property
    def closing_ore(self) -> int:
        """IB plus the movement: the closing balance the rows prove."""
        return self.opening_ore + self.movement_ore

    @property
    def is_balance(self) -> bool:
        """Whether this is a balance-sheet account."""
        return is_balance_account(self.account)


@dataclass(frozen=True)
class VoucherTotal:
    """The sum of a voucher's counted rows (struck rows excluded)."""

    series: str
    number: str
    total_ore: int
    date: dt.date | None = None

    @property
    def key(self) -> str:
        """The voucher's stable key: ``"A 12"``."""
        return f"{self.series} {self.number}".strip()


@dataclass(frozen=True)
class VoucherNumber:
    """A voucher's identity within a series, with its numeric value for gap checks."""

    series: str
    number: str
    number_sort: int | None


@dataclass(frozen=True)
class Posting:
    """A voucher's effect on one account (new since the last sync, or on an inactive account)."""

    series: str
    number: str
    account: str
    amount_ore: int
    date: dt.date | None

    @property
    def key(self) -> str:
        """The voucher's stable key: ``"A 12"``."""
        return f"{self.series} {self.number}".strip()


@dataclass(frozen=True)
class OpenItem:
    """An open invoice in a customer or supplier ledger: what is left to pay, in öre."""

    party: str
    invoice: str
    balance_ore: int
    invoice_date: dt.date | None = None
