"""Reading sync history: the last run, and what it changed ("nytt sedan senaste synk")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet

from bokslut.firms.models import Client
from bokslut.sync.models import SyncChange, SyncRun

__all__ = ["ChangeItem", "Changes", "changes_since_last_sync", "last_run", "run_list"]


@dataclass(frozen=True, slots=True)
class ChangeItem:
    """One changed thing: what kind, its stable key, its year, and a Swedish description."""

    kind: str
    key: str
    year_start: dt.date | None
    detail: str


@dataclass
class Changes:
    """What the client's last finished sync changed, grouped for the view."""

    run: SyncRun | None
    vouchers: list[ChangeItem] = field(default_factory=list)
    accounts: list[ChangeItem] = field(default_factory=list)
    balances: list[ChangeItem] = field(default_factory=list)
    period_balances: list[ChangeItem] = field(default_factory=list)
    registers: list[ChangeItem] = field(default_factory=list)
    locked_period: list[ChangeItem] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Whether nothing changed."""
        return not any(
            (
                self.vouchers,
                self.accounts,
                self.balances,
                self.period_balances,
                self.registers,
                self.locked_period,
            )
        )


_GROUP: dict[str, str] = {
    SyncChange.Entity.VOUCHER: "vouchers",
    SyncChange.Entity.ACCOUNT: "accounts",
    SyncChange.Entity.BALANCE: "balances",
    SyncChange.Entity.PERIOD_BALANCE: "period_balances",
    SyncChange.Entity.REGISTER: "registers",
    SyncChange.Entity.LOCKED_PERIOD: "locked_period",
}


def run_list(*, client: Client) -> QuerySet[SyncRun]:
    """The client's runs, newest first."""
    return SyncRun.objects.filter(client=client).order_by("-queued_at", "-pk")


def last_run(*, client: Client, finished: bool = True) -> SyncRun | None:
    """The client's most recent run (by default: the most recent one that finished)."""
    runs = run_list(client=client)
    if finished:
        runs = runs.filter(status__in=[SyncRun.Status.DONE, SyncRun.Status.FAILED])
    return runs.first()


def changes_since_last_sync(*, client: Client) -> Changes:
    """Exactly the vouchers, accounts, balances (and registers) the last sync changed.

    A failed run still lists what its finished years wrote.
    """
    run = last_run(client=client)
    changes = Changes(run=run)
    if run is None:
        return changes
    for change in SyncChange.objects.filter(run=run).order_by("entity", "year_start", "key"):
        group: list[ChangeItem] = getattr(changes, _GROUP[change.entity])
        group.append(ChangeItem(change.kind, change.shown_key, change.year_start, change.detail))
    return changes
