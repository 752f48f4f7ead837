"""What every account statement parser returns, and the balance at a period's end."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from bokslut.underlag._errors import UnderlagError

__all__ = ["BalanceAt", "Statement", "StatementBalance", "StatementLine"]


@dataclass(frozen=True)
class StatementLine:
    """One transaction: booking date, amount (positive = money in), text, balance after it."""

    line: int
    date: dt.date
    amount: Decimal
    text: str = ""
    balance_after: Decimal | None = None


@dataclass(frozen=True)
class StatementBalance:
    """A balance the statement states: ``kind`` ``OPBD`` (opening) or ``CLBD`` (closing)."""

    kind: str
    date: dt.date
    amount: Decimal


@dataclass(frozen=True)
class BalanceAt:
    """The balance the underlag gives for a date, and the date it is actually stated for.

    ``as_of`` may be before the asked date: a bank's last statement of December is dated
    its last banking day; nothing was booked in between.
    """

    amount: Decimal
    as_of: dt.date
    how: str


@dataclass(frozen=True)
class Statement:
    """A parsed account statement (bank or tax account), oldest transaction first."""

    source: str
    account: str = ""
    currency: str = "SEK"
    lines: tuple[StatementLine, ...] = ()
    balances: tuple[StatementBalance, ...] = field(default_factory=tuple)

    @property
    def first_date(self) -> dt.date | None:
        """The earliest date the statement covers."""
        dates = [x.date for x in self.lines] + [b.date for b in self.balances]
        return min(dates) if dates else None

    @property
    def last_date(self) -> dt.date | None:
        """The latest date the statement covers."""
        dates = [x.date for x in self.lines] + [b.date for b in self.balances]
        return max(dates) if dates else None

    def balance_at(self, day: dt.date) -> BalanceAt:
        """The balance at the end of ``day``.

        Taken, in order of trust, from a stated closing balance on or before ``day``
        (with later transactions of the statement subtracted if the statement runs past
        ``day``), from the running balance after the last transaction on or before
        ``day``, or from a stated opening balance plus the transactions up to ``day``.
        Raises :class:`UnderlagError` when the statement cannot tell.
        """
        first = self.first_date
        if (
            first is not None
            and day < first
            and not any(b.kind == "OPBD" and b.date <= day for b in self.balances)
        ):
            raise UnderlagError(
                f"Underlaget börjar {first:%Y-%m-%d}, efter {day:%Y-%m-%d}: det visar inte "
                "saldot vid periodens slut."
            )
        closings = sorted((b for b in self.balances if b.kind == "CLBD"), key=lambda b: b.date)
        before = [b for b in closings if b.date <= day]
        after = [b for b in closings if b.date > day]
        if before:
            chosen = before[-1]
            return BalanceAt(chosen.amount, chosen.date, "utgående saldo enligt underlaget")
        if after:
            # Step back from the first closing balance after the day.
            chosen = after[0]
            later = sum((x.amount for x in self.lines if day < x.date <= chosen.date), Decimal("0"))
            return BalanceAt(
                chosen.amount - later, day, "utgående saldo minus senare transaktioner"
            )
        running = [x for x in self.lines if x.date <= day and x.balance_after is not None]
        if running:
            last = running[-1]
            assert last.balance_after is not None
            return BalanceAt(last.balance_after, last.date, "saldo efter sista transaktionen")
        openings = sorted(
            (b for b in self.balances if b.kind == "OPBD" and b.date <= day), key=lambda b: b.date
        )
        if openings:
            start = openings[-1]
            moved = sum((x.amount for x in self.lines if start.date <= x.date <= day), Decimal("0"))
            return BalanceAt(start.amount + moved, day, "ingående saldo plus transaktioner")
        raise UnderlagError(
            "Underlaget anger inget saldo: filen saknar saldokolumn och ingående/utgående saldo."
        )
