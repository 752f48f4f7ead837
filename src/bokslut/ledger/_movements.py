"""Per-(year, account) movement totals, kept up to date by every write of voucher rows.

Writers collect changes in a :class:`MovementTotals` while they insert or delete rows
and :func:`apply_movements` folds them into :class:`~bokslut.ledger.models.AccountMovement`
in the same transaction. Only counting rows take part: struck rows (#BTRANS) are history.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db.models import Count, Sum

from bokslut.ledger import models as m
from bokslut.ledger.codec import EncodedRow

__all__ = ["MovementTotals", "apply_movements", "movements_of_vouchers", "rebuild_movements"]

_REMOVED = m.VoucherRow.Kind.REMOVED.value


class MovementTotals:
    """Changes to movement per account: öre and number of counting rows."""

    def __init__(self) -> None:
        self.amounts: dict[str, int] = {}
        self.counts: dict[str, int] = {}

    def add_rows(self, rows: Sequence[EncodedRow]) -> None:
        """Count ``rows`` (encoded, as inserted) in."""
        amounts, counts = self.amounts, self.counts
        for row in rows:
            if row[0] != _REMOVED:
                account = row[1]
                amounts[account] = amounts.get(account, 0) + row[2]
                counts[account] = counts.get(account, 0) + 1

    def add(self, account: str, amount_ore: int, rows: int) -> None:
        """Add ``rows`` counting rows summing to ``amount_ore`` (negative to take away)."""
        self.amounts[account] = self.amounts.get(account, 0) + amount_ore
        self.counts[account] = self.counts.get(account, 0) + rows

    def merge(self, other: MovementTotals) -> None:
        """Add ``other``'s changes into these."""
        for account, count in other.counts.items():
            self.add(account, other.amounts[account], count)

    def __bool__(self) -> bool:
        return bool(self.counts)


def movements_of_vouchers(voucher_ids: Sequence[int], batch: int = 500) -> MovementTotals:
    """The movement the rows of these vouchers make now (read before deleting them)."""
    totals = MovementTotals()
    for start in range(0, len(voucher_ids), batch):
        chunk = voucher_ids[start : start + batch]
        for account, amount, rows in (
            m.VoucherRow.objects.filter(voucher_id__in=chunk)
            .exclude(kind=_REMOVED)
            .values("account")
            .annotate(total=Sum("amount_ore"), n=Count("id"))
            .values_list("account", "total", "n")
        ):
            totals.add(account, amount, rows)
    return totals


def apply_movements(year_id: int, added: MovementTotals, removed: MovementTotals) -> None:
    """Fold ``added`` minus ``removed`` into the year's stored movements."""
    delta = MovementTotals()
    for totals, sign in ((added, 1), (removed, -1)):
        for account, count in totals.counts.items():
            delta.add(account, sign * totals.amounts[account], sign * count)
    if not delta:
        return
    existing = {
        mv.account: mv
        for mv in m.AccountMovement.objects.filter(year_id=year_id, account__in=delta.counts)
    }
    new: list[m.AccountMovement] = []
    changed: list[m.AccountMovement] = []
    gone: list[int] = []
    for account, count in delta.counts.items():
        amount = delta.amounts[account]
        mv = existing.get(account)
        if mv is None:
            if count:
                new.append(
                    m.AccountMovement(
                        year_id=year_id, account=account, amount_ore=amount, rows=count
                    )
                )
        elif mv.rows + count <= 0:
            gone.append(mv.pk)
        elif count or amount:
            mv.rows += count
            mv.amount_ore += amount
            changed.append(mv)
    if gone:
        m.AccountMovement.objects.filter(pk__in=gone).delete()
    if changed:
        m.AccountMovement.objects.bulk_update(changed, ["rows", "amount_ore"], batch_size=500)
    if new:
        m.AccountMovement.objects.bulk_create(new, batch_size=500)


def rebuild_movements(year_ids: Iterable[int] | None = None) -> None:
    """Recompute stored movements from the voucher rows (all years, or ``year_ids``)."""
    rows = m.VoucherRow.objects.exclude(kind=_REMOVED)
    stored = m.AccountMovement.objects.all()
    if year_ids is not None:
        ids = list(year_ids)
        rows = rows.filter(year_id__in=ids)
        stored = stored.filter(year_id__in=ids)
    stored.delete()
    m.AccountMovement.objects.bulk_create(
        (
            m.AccountMovement(year_id=year_id, account=account, amount_ore=total, rows=n)
            for year_id, account, total, n in rows.values("year_id", "account")
            .annotate(total=Sum("amount_ore"), n=Count("id"))
            .values_list("year_id", "account", "total", "n")
        ),
        batch_size=500,
    )
