"""When a scheduled sync is due: slot arithmetic in Europe/Stockholm, free of the database.

A *slot* is the moment a schedule asks for a sync (02:00 every night, or the top of every
hour). Each slot is identified by its UTC instant, so the scheduler can claim it exactly
once. A slot stays due for a catch-up window after its moment, so a scheduler that was down
at 02:00 still runs the night's sync when it comes back, but not a week-old one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")

ScheduleKindName = Literal["manual", "nightly", "hourly"]

#: How long after its moment a missed slot is still run.
CATCH_UP: dict[str, dt.timedelta] = {
    "nightly": dt.timedelta(hours=6),
    "hourly": dt.timedelta(hours=1),
}


@dataclass(frozen=True, slots=True)
class Schedule:
    """A client's schedule: ``nightly`` at ``at`` (Stockholm time), ``hourly``, or ``manual``."""

    kind: ScheduleKindName
    at: dt.time = dt.time(2, 0)


def latest_slot(schedule: Schedule, now: dt.datetime) -> dt.datetime | None:
    """The most recent slot at or before ``now`` (aware, UTC), or None for manual schedules."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    now_utc = now.astimezone(dt.UTC)
    if schedule.kind == "hourly":
        # Stockholm's offset is whole hours, so the top of the hour is the same in UTC.
        return now_utc.replace(minute=0, second=0, microsecond=0)
    if schedule.kind == "nightly":
        local_day = now_utc.astimezone(STOCKHOLM).date()
        for day in (local_day, local_day - dt.timedelta(days=1)):
            slot = _local_moment(day, schedule.at)
            if slot <= now_utc:
                return slot
        raise AssertionError("a nightly slot exists within every 48 hours")  # pragma: no cover
    return None


def due_slot(schedule: Schedule, now: dt.datetime) -> dt.datetime | None:
    """The slot to run now, if the latest one is still inside its catch-up window."""
    slot = latest_slot(schedule, now)
    if slot is None or now.astimezone(dt.UTC) - slot >= CATCH_UP[schedule.kind]:
        return None
    return slot


def _local_moment(day: dt.date, at: dt.time) -> dt.datetime:
    """``day`` at ``at`` on the Stockholm wall clock, as UTC.

    A wall time skipped by the spring change (02:30 on the last Sunday of March) is read
    with the winter offset, i.e. it lands at 03:30 summer time; a time repeated in autumn
    means its first occurrence (fold=0). Either way there is exactly one slot per day.
    """
    naive = dt.datetime.combine(day, at.replace(tzinfo=None, fold=0))
    return naive.replace(tzinfo=STOCKHOLM).astimezone(dt.UTC)
