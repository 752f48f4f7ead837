"""Schedule slots: nightly at HH:MM Stockholm time (DST included), hourly, catch-up window."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bokslut.automation.slots import STOCKHOLM, Schedule, due_slot, latest_slot

UTC = dt.UTC

instants = st.datetimes(
    min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2035, 12, 31), timezones=st.just(UTC)
)
wall_times = st.times().map(lambda t: t.replace(second=0, microsecond=0))


def at(text: str) -> dt.datetime:
    """A Stockholm wall-clock moment as an aware datetime."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=STOCKHOLM)


def test_nightly_slot_is_tonight_at_the_wall_clock_time_in_winter() -> None:
    slot = latest_slot(Schedule("nightly", dt.time(2, 0)), at("2025-01-15T03:10"))
    assert slot == dt.datetime(2025, 1, 15, 1, 0, tzinfo=UTC)


def test_nightly_slot_follows_summer_time() -> None:
    slot = latest_slot(Schedule("nightly", dt.time(2, 0)), at("2025-07-15T03:10"))
    assert slot == dt.datetime(2025, 7, 15, 0, 0, tzinfo=UTC)


def test_before_tonights_time_the_latest_slot_is_last_night() -> None:
    slot = latest_slot(Schedule("nightly", dt.time(23, 30)), at("2025-01-15T12:00"))
    assert slot == at("2025-01-14T23:30").astimezone(UTC)


def test_nightly_time_skipped_by_the_spring_change_still_runs_once_that_night() -> None:
    # 2025-03-30: clocks jump from 02:00 to 03:00 in Stockholm; 02:30 does not exist.
    schedule = Schedule("nightly", dt.time(2, 30))
    slot = latest_slot(schedule, at("2025-03-30T06:00"))
    assert slot == dt.datetime(2025, 3, 30, 1, 30, tzinfo=UTC)
    assert latest_slot(schedule, at("2025-03-29T06:00")) != slot


def test_nightly_time_repeated_by_the_autumn_change_runs_at_its_first_occurrence() -> None:
    # 2025-10-26: 02:30 happens twice in Stockholm (first at +02:00).
    slot = latest_slot(Schedule("nightly", dt.time(2, 30)), at("2025-10-26T06:00"))
    assert slot == dt.datetime(2025, 10, 26, 0, 30, tzinfo=UTC)


def test_hourly_slot_is_the_top_of_the_hour() -> None:
    now = dt.datetime(2025, 5, 5, 10, 42, 13, tzinfo=UTC)
    assert latest_slot(Schedule("hourly"), now) == dt.datetime(2025, 5, 5, 10, 0, tzinfo=UTC)


def test_manual_schedule_has_no_slots() -> None:
    assert latest_slot(Schedule("manual"), dt.datetime(2025, 5, 5, tzinfo=UTC)) is None
    assert due_slot(Schedule("manual"), dt.datetime(2025, 5, 5, tzinfo=UTC)) is None


def test_a_missed_nightly_slot_is_caught_up_within_six_hours_but_not_later() -> None:
    schedule = Schedule("nightly", dt.time(2, 0))
    assert due_slot(schedule, at("2025-01-15T07:59")) == at("2025-01-15T02:00").astimezone(UTC)
    assert due_slot(schedule, at("2025-01-15T08:00")) is None


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        latest_slot(Schedule("hourly"), dt.datetime(2025, 1, 1))


@given(now=instants, wall=wall_times)
def test_nightly_latest_slot_is_the_last_one_at_or_before_now(
    now: dt.datetime, wall: dt.time
) -> None:
    schedule = Schedule("nightly", wall)
    slot = latest_slot(schedule, now)
    assert slot is not None
    assert slot <= now
    # No later slot fits before now: an instant just after the slot still maps to it...
    assert latest_slot(schedule, slot) == slot
    # ...and the previous slot is at least 23 hours earlier (a DST day is 23 to 25 hours).
    earlier = latest_slot(schedule, slot - dt.timedelta(seconds=1))
    assert earlier is not None
    assert dt.timedelta(hours=23) <= slot - earlier <= dt.timedelta(hours=25)
    assert now - slot < dt.timedelta(hours=25)


@given(now=instants)
def test_hourly_slots_are_an_hour_apart_and_never_in_the_future(now: dt.datetime) -> None:
    slot = latest_slot(Schedule("hourly"), now)
    assert slot is not None
    assert dt.timedelta(0) <= now - slot < dt.timedelta(hours=1)
    due = due_slot(Schedule("hourly"), now)
    assert due == slot


@given(now=instants, wall=wall_times)
def test_nightly_slots_land_on_the_wall_clock_time_when_it_exists(
    now: dt.datetime, wall: dt.time
) -> None:
    slot = latest_slot(Schedule("nightly", wall), now)
    assert slot is not None
    local = slot.astimezone(STOCKHOLM)
    naive_target = dt.datetime.combine(local.date(), wall)
    exists = naive_target.replace(tzinfo=STOCKHOLM).astimezone(UTC).astimezone(STOCKHOLM)
    if exists.replace(tzinfo=None) == naive_target:
        assert local.time() == wall
