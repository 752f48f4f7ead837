"""How a client wants to be synced: the parts of its sync settings the engine obeys."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from bokslut.sync.planner import DeltaRule

__all__ = ["BalancePolicy", "ChartPolicy", "SyncOptions", "options_from_settings"]


class ChartPolicy(StrEnum):
    """Whose account names and SRU codes win."""

    #: Take Fortnox's names, SRU codes and active flags.
    FORTNOX = "fortnox"
    #: Keep our local names and SRU codes; only add accounts that are new.
    KEEP_LOCAL = "keep_local"


class BalancePolicy(StrEnum):
    """Where a year's opening balances (IB) come from; the other source is always checked."""

    FORTNOX = "fortnox"
    #: IB of balance accounts = our own previous year's UB.
    OWN_PREVIOUS_YEAR = "own_previous_year"


@dataclass(frozen=True, slots=True)
class SyncOptions:
    """The engine's knobs; defaults suit a firm's nightly sync."""

    #: Sync the most recent ``years`` financial years (``None``: every year Fortnox has).
    years: int | None = None
    chart_policy: ChartPolicy = ChartPolicy.FORTNOX
    balance_policy: BalancePolicy = BalancePolicy.FORTNOX
    delta: DeltaRule = field(default_factory=DeltaRule)
    #: Registers whose vouchers show nothing new are still re-read this often.
    register_max_age: dt.timedelta = dt.timedelta(hours=24)
    #: ``lastmodified`` asks from this long before the last check: Fortnox's timestamps
    #: are minutes in an unstated zone, and re-reading a few items is harmless.
    modified_margin: dt.timedelta = dt.timedelta(days=1)


def options_from_settings(settings: object | None) -> SyncOptions:
    """Options from a client's sync settings object (the integrations app's ``SyncSettings``).

    Read by attribute name so the engine does not depend on that model's module:
    ``years_back`` (years before the current one), ``chart_policy``, ``balance_policy``.
    """
    if settings is None:
        return SyncOptions()
    years_back = getattr(settings, "years_back", None)
    chart = str(getattr(settings, "chart_policy", ChartPolicy.FORTNOX) or ChartPolicy.FORTNOX)
    balance = str(
        getattr(settings, "balance_policy", BalancePolicy.FORTNOX) or BalancePolicy.FORTNOX
    )
    return SyncOptions(
        years=None if years_back is None else int(years_back) + 1,
        chart_policy=ChartPolicy(chart)
        if chart in {p.value for p in ChartPolicy}
        else ChartPolicy.FORTNOX,
        balance_policy=(
            BalancePolicy(balance)
            if balance in {p.value for p in BalancePolicy}
            else BalancePolicy.FORTNOX
        ),
    )
