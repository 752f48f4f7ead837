"""The planner: from what Fortnox's cheap probes say and what we hold, the cheapest correct work.

Pure functions over plain values (no Django, no HTTP), so the rules can be read and
property-tested alone:

* A year we hold that was already inside the locked period when we last wrote it cannot
  have changed (Fortnox books nothing into a locked period): no request at all.
* Any other year costs one ``GET /3/voucherseries?financialyear=``. Vouchers are immutable
  and numbered per series without gaps, so ``NextVoucherNumber`` per series tells exactly
  which vouchers are new; equal counters mean no new voucher.
* New vouchers: few in a large year → fetch just those (``GET /3/vouchers/{series}/{n}``);
  otherwise → the bulk path, one ``GET /3/sie/4`` for the year.
* A year never written, a full comparison, or counters that went backwards → bulk path.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

__all__ = [
    "DeltaRule",
    "HeldYear",
    "Path",
    "RemoteYear",
    "YearDecision",
    "decide_year",
    "needs_probe",
    "new_vouchers",
    "select_years",
]


class Path(StrEnum):
    """How a year's bookkeeping is brought in."""

    UNCHANGED = "unchanged"
    SIE = "sie"
    DELTA = "delta"
    JSON = "json"


@dataclass(frozen=True, slots=True)
class RemoteYear:
    """A financial year as Fortnox lists it."""

    id: int
    start: dt.date
    end: dt.date


@dataclass(frozen=True, slots=True)
class HeldYear:
    """What our last successful write of a Fortnox year recorded."""

    id: int
    start: dt.date
    end: dt.date
    series: Mapping[str, int]
    locked: bool
    vouchers: int = 0


@dataclass(frozen=True, slots=True)
class DeltaRule:
    """When fetching new vouchers one by one beats downloading the year again.

    One SIE request brings the whole year but costs bytes and parse time that grow with
    the year; one JSON request per voucher costs rate-limit budget. Few new vouchers in a
    large year go by JSON.
    """

    max_new: int = 25
    min_held: int = 1000


@dataclass(frozen=True, slots=True)
class YearDecision:
    """The plan for one year."""

    path: Path
    new: tuple[tuple[str, int], ...] = field(default=())
    reason: str = ""


def select_years(remote: Sequence[RemoteYear], *, years: int | None) -> list[RemoteYear]:
    """The ``years`` most recent financial years (all with ``None``), oldest first."""
    ordered = sorted(remote, key=lambda y: (y.start, y.id))
    if years is None:
        return ordered
    return ordered[-years:] if years > 0 else []


def needs_probe(held: HeldYear | None, *, full: bool) -> bool:
    """Whether a year must be looked at at all (a locked, written year needs nothing)."""
    return full or held is None or not held.locked


def new_vouchers(
    held: Mapping[str, int], now: Mapping[str, int]
) -> tuple[tuple[str, int], ...] | None:
    """The (series, number) of vouchers added since ``held``; ``None`` if counters went back."""
    found: list[tuple[str, int]] = []
    for code in sorted(now):
        before = held.get(code, 1)
        after = now[code]
        if after < before:
            return None
        found.extend((code, number) for number in range(before, after))
    for code in held:
        if code not in now:
            return None
    return tuple(found)


def decide_year(
    held: HeldYear | None,
    series_now: Mapping[str, int] | None,
    *,
    full: bool,
    rule: DeltaRule | None = None,
) -> YearDecision:
    """The cheapest correct path for one year, given its current series counters."""
    rule = rule or DeltaRule()
    if held is None:
        return YearDecision(Path.SIE, reason="första synken av året")
    if full:
        return YearDecision(Path.SIE, reason="full jämförelse")
    if series_now is None:
        return YearDecision(Path.UNCHANGED, reason="året är låst och redan hämtat")
    added = new_vouchers(held.series, series_now)
    if added is None:
        return YearDecision(Path.SIE, reason="verifikationsnumren har gått bakåt")
    if not added:
        return YearDecision(Path.UNCHANGED, reason="inga nya verifikationer")
    if len(added) <= rule.max_new and held.vouchers >= rule.min_held:
        return YearDecision(Path.DELTA, added, reason=f"{len(added)} nya verifikationer")
    return YearDecision(Path.SIE, added, reason=f"{len(added)} nya verifikationer")
