"""Reconciliation periods of a financial year: month, quarter or the whole year."""

from __future__ import annotations

import datetime as dt

__all__ = ["period_ends", "period_start"]


def _month_end(day: dt.date) -> dt.date:
    first_next = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return first_next - dt.timedelta(days=1)


def period_ends(start: dt.date, end: dt.date, kind: str) -> list[dt.date]:
    """The last day of each period in the year ``start``–``end``.

    Quarters count from the year's first month (a broken year's first quarter is its
    first three months); a short last period ends on the year's last day.
    """
    if kind == "year":
        return [end]
    step = 1 if kind == "month" else 3
    ends: list[dt.date] = []
    cursor = start
    while cursor <= end:
        last = cursor
        for _ in range(step):
            last = _month_end(last)
            if last >= end:
                break
            last = last + dt.timedelta(days=1)
        else:
            last = last - dt.timedelta(days=1)
        last = min(last, end)
        ends.append(last)
        cursor = last + dt.timedelta(days=1)
    return ends


def period_start(year_start: dt.date, ends: list[dt.date], period_end: dt.date) -> dt.date:
    """The first day of the period ending ``period_end``."""
    index = ends.index(period_end)
    return year_start if index == 0 else ends[index - 1] + dt.timedelta(days=1)
