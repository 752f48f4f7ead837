"""Moving a year's balances for vouchers added by the delta path, the way Fortnox's export does.

The delta path imports a few new vouchers without re-reading the year's SIE export, so it
has to move by itself every balance the export would show moved, or the ledger would differ
from what a full sync gives:

* ``UB`` of a balance account, ``RES`` of a result account (started from ``IB`` / zero);
* ``#PSALDO`` of the row's month, per account, and per single object of the row;
* ``#OUB`` per (account, object), started from the ``#OIB`` of that pair if there is one.

Fortnox's export, as the sandbox models it, moves a *kind* of derived balance (period
balances per account, per object, object balances) only where the year states that kind
already, or where the year had no movement before the posted vouchers, for then the posted
vouchers are all of the kind's movements. Starting a kind the year lacks in any other case
would hold only part of the year's movements and contradict ``UB - IB``.

The ledger cannot tell a seeded voucher from a posted one, so "no movement before" is read
from the ledger as: every ``UB``/``RES`` is what ``IB`` plus the year's earlier vouchers
make it, and the earlier vouchers give nothing to any kind the year lacks (had they, the
export would state it). A year whose earlier vouchers are fully itemised, never touch an
object and state no object balances therefore gets them from the first voucher with one,
where the sandbox, which knows that its seed had vouchers, states none.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum

from django.db.models import F, Sum
from django.db.models.functions import ExtractMonth, ExtractYear

from bokslut.ledger import models as m
from bokslut.ledger.codec import objects_from_text, objects_to_text
from bokslut.money import to_ore
from bokslut.sie.model import Voucher
from bokslut.sync.jsonledger import is_result_account

__all__ = ["shift_balances"]

_REMOVED = m.VoucherRow.Kind.REMOVED.value

#: (YYYYMM, account, object list): ``""`` for the account's own #PSALDO, one object otherwise.
PeriodKey = tuple[str, str, str]
#: (account, dimension, object code) of #OIB/#OUB.
ObjectKey = tuple[str, int, str]


class Kind(Enum):
    """The kinds of balance derived from voucher rows beyond UB/RES."""

    ACCOUNT_PERIODS = "#PSALDO per konto"
    OBJECT_PERIODS = "#PSALDO per objekt"
    OBJECT_BALANCES = "#OIB/#OUB"


@dataclass
class Movements:
    """What some voucher rows move, in öre, per account, per period and per object."""

    accounts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    periods: dict[PeriodKey, int] = field(default_factory=lambda: defaultdict(int))
    objects: dict[ObjectKey, int] = field(default_factory=lambda: defaultdict(int))

    def kinds(self) -> set[Kind]:
        """The derived kinds these movements add something (non-zero) to."""
        found: set[Kind] = set()
        for (_period, _account, object_list), amount in self.periods.items():
            if amount:
                found.add(Kind.OBJECT_PERIODS if object_list else Kind.ACCOUNT_PERIODS)
        if any(self.objects.values()):
            found.add(Kind.OBJECT_BALANCES)
        return found


def voucher_movements_ore(vouchers: Iterable[Voucher]) -> Movements:
    """The movements of the counting rows of ``vouchers`` (struck rows are history only)."""
    moved = Movements()
    for voucher in vouchers:
        for row in voucher.rows:
            if not row.counts:
                continue
            amount = to_ore(row.amount)
            moved.accounts[row.account] += amount
            for dimension, code in row.objects:
                moved.objects[(row.account, dimension, code)] += amount
            day = row.date or voucher.date
            if day is None:
                continue
            period = f"{day:%Y%m}"
            moved.periods[(period, row.account, "")] += amount
            for ref in row.objects:
                moved.periods[(period, row.account, objects_to_text((ref,)))] += amount
    return moved


def shift_balances(year: m.FinancialYear, vouchers: list[Voucher], source: m.Source) -> None:
    """Move every balance that ``vouchers`` move in Fortnox's export of ``year``.

    ``vouchers`` are already imported into ``year``; call this in the transaction that
    imported them, once per set of new vouchers.
    """
    new = voucher_movements_ore(vouchers)
    held = _held_kinds(year)
    moved = held.copy()
    lacking = new.kinds() - held
    # Read before UB/RES move: the check compares them with the earlier vouchers.
    if lacking and _without_earlier_movement(year, new, set(Kind) - held):
        moved |= lacking
    _shift_closing(year, new.accounts, source)
    periods = {
        key: amount
        for key, amount in new.periods.items()
        if (Kind.OBJECT_PERIODS if key[2] else Kind.ACCOUNT_PERIODS) in moved
    }
    _shift_periods(year, periods, source)
    if Kind.OBJECT_BALANCES in moved:
        _shift_objects(year, new.objects, source)


def _held_kinds(year: m.FinancialYear) -> set[Kind]:
    psaldo = m.PeriodBalance.objects.filter(year=year, kind=m.PeriodBalance.Kind.PSALDO)
    held: set[Kind] = set()
    if psaldo.filter(object_list="").exists():
        held.add(Kind.ACCOUNT_PERIODS)
    if psaldo.exclude(object_list="").exists():
        held.add(Kind.OBJECT_PERIODS)
    if m.ObjectBalance.objects.filter(year=year).exists():
        held.add(Kind.OBJECT_BALANCES)
    return held


# -- was the year without movement before these vouchers? ------------------------------------


def _without_earlier_movement(year: m.FinancialYear, new: Movements, lacking: set[Kind]) -> bool:
    """Whether the year had no movement before its vouchers, as far as the ledger can tell.

    That is: before ``new``, its UB/RES are exactly what its vouchers make them, and those
    vouchers give nothing to any kind in ``lacking`` (the kinds the year does not state).
    The cheap checks come first; the row sums run only for a year that passes them.
    """
    earlier_accounts = _earlier_account_movements(year, new.accounts)
    if not _closing_explained(year, earlier_accounts):
        return False
    if Kind.ACCOUNT_PERIODS in lacking:
        # A non-zero year total means some month's is non-zero too.
        if any(earlier_accounts.values()):
            return False
        if any(_earlier_periods(year, new, objects=False).values()):
            return False
    if Kind.OBJECT_PERIODS in lacking and any(_earlier_periods(year, new, objects=True).values()):
        return False
    return not (
        Kind.OBJECT_BALANCES in lacking and any(_earlier_object_movements(year, new).values())
    )


def _earlier_account_movements(year: m.FinancialYear, new: Mapping[str, int]) -> dict[str, int]:
    """The year's movement per account without ``new`` (the importer keeps the totals)."""
    earlier = dict(m.AccountMovement.objects.filter(year=year).values_list("account", "amount_ore"))
    for account, amount in new.items():
        earlier[account] = earlier.get(account, 0) - amount
    return earlier


def _closing_explained(year: m.FinancialYear, movements: Mapping[str, int]) -> bool:
    """Every UB/RES is IB plus the movements, as posting vouchers into a still year leaves it.

    A posted voucher moves UB of a balance account and RES of a result account and starts
    the one it moves if the year lacks it; any other UB stays at IB and any other RES at zero.
    """
    stated = {
        (kind, account): amount
        for kind, account, amount in m.Balance.objects.filter(year=year).values_list(
            "kind", "account", "amount_ore"
        )
    }
    opening = {account: amount for (kind, account), amount in stated.items() if kind == "IB"}
    for (kind, account), amount in stated.items():
        if kind == "IB":
            continue
        expected = opening.get(account, 0) if kind == "UB" else 0
        if kind == _closing_kind(account):
            expected += movements.get(account, 0)
        if amount != expected:
            return False
    return all(
        not amount or (_closing_kind(account), account) in stated
        for account, amount in movements.items()
    )


def _closing_kind(account: str) -> str:
    return "RES" if is_result_account(account) else "UB"


def _earlier_periods(
    year: m.FinancialYear, new: Movements, *, objects: bool
) -> dict[PeriodKey, int]:
    """Per month the year's earlier vouchers' movements: per account, or per object list."""
    rows = m.VoucherRow.objects.filter(year=year, booking_date__isnull=False).exclude(kind=_REMOVED)
    if objects:
        rows = rows.exclude(object_list="")
    fields = ["account", "object_list"] if objects else ["account"]
    earlier: dict[PeriodKey, int] = defaultdict(int)
    for row in (
        rows.order_by()
        .values(*fields, y=ExtractYear("booking_date"), mo=ExtractMonth("booking_date"))
        .annotate(total=Sum("amount_ore"))
        .values_list("y", "mo", "total", *fields)
    ):
        period = f"{row[0]:04d}{row[1]:02d}"
        if objects:
            for ref in objects_from_text(row[4]):
                earlier[(period, row[3], objects_to_text((ref,)))] += row[2]
        else:
            earlier[(period, row[3], "")] += row[2]
    for key, amount in new.periods.items():
        if bool(key[2]) == objects:
            earlier[key] -= amount
    return earlier


def _earlier_object_movements(year: m.FinancialYear, new: Movements) -> dict[ObjectKey, int]:
    """The year's earlier vouchers' movements per (account, object), dated or not."""
    objects: dict[ObjectKey, int] = defaultdict(int)
    for account, object_list, total in (
        m.VoucherRow.objects.filter(year=year)
        .exclude(kind=_REMOVED)
        .exclude(object_list="")
        .order_by()
        .values("account", "object_list")
        .annotate(total=Sum("amount_ore"))
        .values_list("account", "object_list", "total")
    ):
        for dimension, code in objects_from_text(object_list):
            objects[(account, dimension, code)] += total
    for key, amount in new.objects.items():
        objects[key] -= amount
    return objects


# -- moving ---------------------------------------------------------------------------------


def _shift_closing(year: m.FinancialYear, moved: Mapping[str, int], source: m.Source) -> None:
    """UB (balance accounts, started from IB) or RES (result accounts, from zero)."""
    for account, delta in moved.items():
        if not delta:
            continue
        kind = _closing_kind(account)
        updated = m.Balance.objects.filter(year=year, kind=kind, account=account).update(
            amount_ore=F("amount_ore") + delta
        )
        if updated:
            continue
        start = 0
        if kind == m.Balance.Kind.UB:
            ib = m.Balance.objects.filter(year=year, kind=m.Balance.Kind.IB, account=account)
            start = ib.values_list("amount_ore", flat=True).first() or 0
        m.Balance.objects.create(
            year=year, kind=kind, account=account, amount_ore=start + delta, source=source
        )


def _shift_periods(year: m.FinancialYear, moved: Mapping[PeriodKey, int], source: m.Source) -> None:
    """The month's #PSALDO, per account and per object."""
    for (period, account, object_list), delta in moved.items():
        if not delta:
            continue
        updated = m.PeriodBalance.objects.filter(
            year=year,
            kind=m.PeriodBalance.Kind.PSALDO,
            account=account,
            period=period,
            object_list=object_list,
        ).update(amount_ore=F("amount_ore") + delta)
        if not updated:
            m.PeriodBalance.objects.create(
                year=year,
                kind=m.PeriodBalance.Kind.PSALDO,
                account=account,
                period=period,
                object_list=object_list,
                amount_ore=delta,
                source=source,
            )


def _shift_objects(year: m.FinancialYear, moved: Mapping[ObjectKey, int], source: m.Source) -> None:
    """#OUB per (account, object), started from that pair's #OIB; #OIB is the opening."""
    for (account, dimension, code), delta in moved.items():
        if not delta:
            continue
        pair = m.ObjectBalance.objects.filter(
            year=year, account=account, dimension=dimension, object_code=code
        )
        updated = pair.filter(kind=m.ObjectBalance.Kind.OUB).update(
            amount_ore=F("amount_ore") + delta
        )
        if updated:
            continue
        opening = (
            pair.filter(kind=m.ObjectBalance.Kind.OIB).values_list("amount_ore", flat=True).first()
        )
        m.ObjectBalance.objects.create(
            year=year,
            kind=m.ObjectBalance.Kind.OUB,
            account=account,
            dimension=dimension,
            object_code=code,
            amount_ore=(opening or 0) + delta,
            source=source,
        )
