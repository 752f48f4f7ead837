"""Real-shaped ledgers for the checks: a generated company turned into the checks' inputs.

The generator (:mod:`bokslut.sie.generator`) books customer and supplier invoices,
salaries, VAT, the tax account and depreciation like a real small company, and closes its
previous years, so its aggregates are what the avstämning app feeds the rules with.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass

from bokslut.money import to_ore
from bokslut.rules import AccountTotal, VoucherNumber, VoucherTotal
from bokslut.sie.generator import GeneratedCompany, generate_company
from bokslut.sie.model import RowKind, Voucher


@dataclass(frozen=True)
class Year:
    """One generated year as the checks see it."""

    accounts: list[AccountTotal]
    vouchers: list[VoucherTotal]
    numbers: list[VoucherNumber]
    raw_vouchers: list[Voucher]

    def closing(self) -> dict[str, int]:
        """Stated UB per balance-sheet account."""
        return {
            a.account: a.stated_closing_ore or 0
            for a in self.accounts
            if a.is_balance and a.stated_closing_ore is not None
        }

    def opening(self) -> dict[str, int]:
        """IB per balance-sheet account."""
        return {a.account: a.opening_ore for a in self.accounts if a.opening_ore}


@functools.cache
def company() -> GeneratedCompany:
    """Two years of a small company (same seed every time)."""
    return generate_company(seed=13, vouchers_per_year=300, years=2)


@functools.cache
def year(index: int = 0) -> Year:
    """Year ``index`` (0 current, -1 previous) of :func:`company`."""
    gen = company()
    stated: dict[tuple[str, str], int] = {
        (b.kind, b.account): to_ore(b.amount) for b in gen.balances() if b.year == index
    }
    movement: dict[str, int] = defaultdict(int)
    rows: dict[str, int] = defaultdict(int)
    vouchers: list[VoucherTotal] = []
    numbers: list[VoucherNumber] = []
    raw = list(gen.vouchers(index))
    for voucher in raw:
        total = 0
        for row in voucher.rows:
            if row.kind is RowKind.REMOVED:
                continue
            amount = to_ore(row.amount)
            movement[row.account] += amount
            rows[row.account] += 1
            total += amount
        vouchers.append(VoucherTotal(voucher.series, voucher.number, total, voucher.date))
        numbers.append(VoucherNumber(voucher.series, voucher.number, int(voucher.number)))
    accounts = sorted({a for _, a in stated} | set(movement))
    totals = [
        AccountTotal(
            account=a,
            opening_ore=stated.get(("IB", a), 0),
            movement_ore=movement.get(a, 0),
            stated_closing_ore=stated.get(("UB", a), stated.get(("RES", a))),
            row_count=rows.get(a, 0),
        )
        for a in accounts
    ]
    # The generator leaves zero UBs out; a zero closing is stated as 0 by Fortnox.
    totals = [
        t
        if t.stated_closing_ore is not None or not t.is_balance
        else AccountTotal(t.account, t.opening_ore, t.movement_ore, 0, t.active, t.row_count)
        for t in totals
    ]
    return Year(totals, vouchers, numbers, raw)


def replace(accounts: list[AccountTotal], number: str, **changes: object) -> list[AccountTotal]:
    """``accounts`` with account ``number`` changed."""
    out = []
    for account in accounts:
        if account.account == number:
            fields = {**account.__dict__, **changes}
            account = AccountTotal(**fields)
        out.append(account)
    return out
