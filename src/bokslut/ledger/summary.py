"""What an import did: counts per kind of record, the years touched, and the warnings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from bokslut.sie.model import Issue

__all__ = ["KINDS", "ImportSummary", "KindCounts", "YearSummary"]

#: Kinds of record an import counts, with their Swedish names (the CLI's summary).
KINDS: dict[str, str] = {
    "years": "räkenskapsår",
    "accounts": "konton",
    "dimensions": "dimensioner",
    "objects": "objekt",
    "balances": "saldon (IB/UB/RES)",
    "object_balances": "objektsaldon",
    "period_balances": "periodsaldon",
    "vouchers": "verifikationer",
}


@dataclass
class KindCounts:
    """How many records of one kind were new, changed, unchanged and removed."""

    new: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0

    @property
    def touched(self) -> int:
        """Records written or deleted."""
        return self.new + self.changed + self.removed

    def add(self, other: KindCounts) -> None:
        """Add ``other`` into these counts."""
        self.new += other.new
        self.changed += other.changed
        self.unchanged += other.unchanged
        self.removed += other.removed


@dataclass
class YearSummary:
    """One financial year written by an import (in its own transaction)."""

    index: int | None
    start: dt.date
    end: dt.date
    counts: dict[str, KindCounts] = field(default_factory=lambda: {k: KindCounts() for k in KINDS})
    rows_written: int = 0


@dataclass
class ImportSummary:
    """The result of :func:`bokslut.ledger.importer.import_sie_file`."""

    name: str
    client_id: int
    client_name: str
    org_number: str
    client_created: bool = False
    years: list[YearSummary] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    path: Path | None = None

    @property
    def counts(self) -> dict[str, KindCounts]:
        """Counts per kind over all years."""
        total = {k: KindCounts() for k in KINDS}
        for year in self.years:
            for kind, counts in year.counts.items():
                total[kind].add(counts)
        return total

    @property
    def rows_written(self) -> int:
        """Voucher rows inserted (new and changed vouchers)."""
        return sum(y.rows_written for y in self.years)

    @property
    def changed_anything(self) -> bool:
        """Whether the import wrote or deleted anything at all."""
        return any(c.touched for c in self.counts.values())
