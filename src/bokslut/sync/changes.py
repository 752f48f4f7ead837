"""What a write changed: snapshots of a year's ledger before and after, and their difference.

The importer counts what it wrote; the "nytt sedan senaste synk" view needs *which*
vouchers, accounts and balances changed, so the engine takes a cheap snapshot (identity →
fingerprint, no rows) of the years a write touches and records the difference.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from bokslut.firms.models import Client
from bokslut.ledger import models as m
from bokslut.money import format_sek, from_ore
from bokslut.sync.models import SyncChange, SyncRun

__all__ = ["AREA_OF_ENTITY", "Diff", "YearSnapshot", "snapshot_years"]

Entity = SyncChange.Entity

#: Which run area each snapshot part counts under.
AREA_OF_ENTITY: dict[str, str] = {
    Entity.VOUCHER: "vouchers",
    Entity.ACCOUNT: "chart_of_accounts",
    Entity.BALANCE: "balances",
    Entity.PERIOD_BALANCE: "period_balances",
}


@dataclass
class YearSnapshot:
    """Fingerprints of one ledger year, by entity kind and stable key."""

    start: dt.date
    parts: dict[str, dict[str, Any]] = field(default_factory=dict)


def snapshot_years(client: Client, starts: Iterable[dt.date]) -> dict[dt.date, YearSnapshot]:
    """Snapshots of ``client``'s ledger years starting on ``starts`` (absent years: empty)."""
    result: dict[dt.date, YearSnapshot] = {}
    years = {y.start: y for y in m.FinancialYear.objects.filter(client=client, start__in=starts)}
    for start in starts:
        snap = YearSnapshot(start)
        year = years.get(start)
        snap.parts = {entity: {} for entity in AREA_OF_ENTITY}
        if year is not None:
            snap.parts[Entity.VOUCHER] = {
                f"{series} {number}": digest
                for series, number, digest in m.Voucher.objects.filter(year=year).values_list(
                    "series", "number", "content_hash"
                )
            }
            snap.parts[Entity.ACCOUNT] = {
                number: (name, sru, active)
                for number, name, sru, active in m.Account.objects.filter(year=year).values_list(
                    "number", "name", "sru", "active"
                )
            }
            snap.parts[Entity.BALANCE] = {
                f"{kind} {account}": amount
                for kind, account, amount in m.Balance.objects.filter(year=year).values_list(
                    "kind", "account", "amount_ore"
                )
            }
            snap.parts[Entity.PERIOD_BALANCE] = {
                f"{kind} {period} {account} {objects}".rstrip(): amount
                for kind, period, account, objects, amount in m.PeriodBalance.objects.filter(
                    year=year
                ).values_list("kind", "period", "account", "object_list", "amount_ore")
            }
        result[start] = snap
    return result


@dataclass
class Diff:
    """Accumulates the difference of snapshots into change rows and per-area counts."""

    run: SyncRun
    changes: list[SyncChange] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def count(self, area: str, kind: str, n: int = 1) -> None:
        """Add ``n`` to ``area``'s ``kind`` counter (new/changed/unchanged/removed)."""
        area_counts = self.counts.setdefault(
            area, {"new": 0, "changed": 0, "unchanged": 0, "removed": 0}
        )
        area_counts[kind] += n

    def record(
        self,
        entity: str,
        kind: str,
        key: str,
        *,
        year_start: dt.date | None = None,
        detail: str = "",
        area: str | None = None,
    ) -> None:
        """One changed item: counted under its area, and listed for the view."""
        self.count(area or AREA_OF_ENTITY.get(entity, entity), kind)
        self.changes.append(
            SyncChange(
                run=self.run,
                entity=entity,
                kind=kind,
                year_start=year_start,
                key=key[:200],
                detail=detail[:500],
            )
        )

    def compare(
        self,
        before: dict[dt.date, YearSnapshot],
        after: dict[dt.date, YearSnapshot],
        *,
        unchanged_for: set[dt.date] | None = None,
    ) -> None:
        """Record every difference between two snapshots of the same years.

        Unchanged items are counted only for the years in ``unchanged_for`` (default: all),
        so a neighbouring year an export merely repeats does not inflate the counts.
        """
        for start, new_snap in after.items():
            old_snap = before.get(start, YearSnapshot(start))
            for entity, now in new_snap.parts.items():
                was = old_snap.parts.get(entity, {})
                area = AREA_OF_ENTITY[entity]
                unchanged = 0
                for key, value in now.items():
                    if key not in was:
                        self.record(entity, "new", key, year_start=start, area=area)
                    elif was[key] != value:
                        self.record(
                            entity,
                            "changed",
                            key,
                            year_start=start,
                            area=area,
                            detail=_describe(entity, was[key], value),
                        )
                    else:
                        unchanged += 1
                for key in was.keys() - now.keys():
                    self.record(entity, "removed", key, year_start=start, area=area)
                if unchanged_for is None or start in unchanged_for:
                    self.count(area, "unchanged", unchanged)

    def save(self) -> None:
        """Write the change rows (inside the caller's transaction)."""
        SyncChange.objects.bulk_create(self.changes, batch_size=1000)
        self.changes = []


def _describe(entity: str, was: Any, now: Any) -> str:
    if entity == Entity.ACCOUNT:
        return f"{was[0]} → {now[0]}" if was[0] != now[0] else f"{was} → {now}"
    if entity in (Entity.BALANCE, Entity.PERIOD_BALANCE):
        return f"{format_sek(from_ore(was))} → {format_sek(from_ore(now))}"
    return "innehållet har ändrats"
