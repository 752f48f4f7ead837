"""Per-area progress as the engine recorded it, failure advice, and the next scheduled sync."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bokslut import fortnox as fx
from bokslut.automation.slots import Schedule
from bokslut.firms.models import Client, Firm
from bokslut.integrations.models import Connection, ConnectionStatus, SyncSettings
from bokslut.integrations.sync_settings import firm_plan_set
from bokslut.sync.models import SyncRun
from bokslut.web.status import next_slot_after, next_syncs
from bokslut.web.sync_advice import run_advice
from bokslut.web.sync_progress import AreaState, run_view

ORG_NUMBERS = ["556036-0793", "556016-0680", "556703-7485", "551655-9795"]

AREAS = [
    "company_info",
    "financial_years",
    "locked_period",
    "chart_of_accounts",
    "balances",
    "vouchers",
    "customers",
    "suppliers",
]


def recorded(**areas: tuple[str, int, int]) -> dict[str, dict[str, object]]:
    """``area_progress`` as the engine's board stores it."""
    return {a: {"state": s, "done": d, "total": t} for a, (s, d, t) in areas.items()}


def states(run: SyncRun) -> dict[str, AreaState]:
    return {line.code: line.state for line in run_view(run).areas}


def running(area_progress: dict[str, dict[str, object]], status: str = "running") -> SyncRun:
    return SyncRun(status=status, areas=AREAS, area_progress=area_progress)


def test_each_area_shows_the_state_the_engine_recorded_for_it() -> None:
    view = run_view(
        running(
            recorded(
                company_info=("skipped", 0, 0),
                financial_years=("done", 0, 0),
                locked_period=("done", 0, 0),
                chart_of_accounts=("running", 1, 3),
                balances=("running", 1, 3),
                vouchers=("running", 1, 3),
                customers=("pending", 0, 0),
                suppliers=("pending", 0, 0),
            )
        )
    )
    got = {line.code: line for line in view.areas}

    assert got["company_info"].state is AreaState.SKIPPED
    assert got["financial_years"].state is AreaState.DONE
    for area in ("chart_of_accounts", "balances", "vouchers"):
        assert got[area].state is AreaState.RUNNING
        assert (got[area].done, got[area].total, got[area].percent) == (1, 3, 33)
    assert got["customers"].state is AreaState.PENDING
    assert 0 < view.percent < 100
    assert not view.finished


def test_a_register_can_be_done_while_an_earlier_one_was_skipped() -> None:
    # Exact states, not inferred from an order: a register without a licence is skipped
    # and the next one is still fetched.
    got = states(running(recorded(customers=("skipped", 0, 0), suppliers=("running", 0, 0))))

    assert got["customers"] is AreaState.SKIPPED
    assert got["suppliers"] is AreaState.RUNNING
    assert got["vouchers"] is AreaState.PENDING  # nothing recorded yet


def test_a_failed_run_shows_where_it_stopped_and_what_was_never_fetched() -> None:
    got = states(
        running(
            recorded(
                locked_period=("done", 0, 0),
                vouchers=("failed", 0, 2),
                customers=("skipped", 0, 0),
            ),
            SyncRun.Status.FAILED,
        )
    )

    assert got["locked_period"] is AreaState.DONE
    assert got["vouchers"] is AreaState.FAILED
    assert got["customers"] is AreaState.SKIPPED


def test_an_abandoned_run_left_running_reads_as_failed_and_skipped() -> None:
    # A killed worker's run is closed as failed by the next holder of the lease; its row
    # still says "running" for the area it was on.
    got = states(
        running(
            recorded(vouchers=("running", 1, 2), customers=("pending", 0, 0)),
            SyncRun.Status.FAILED,
        )
    )

    assert got["vouchers"] is AreaState.FAILED
    assert got["customers"] is AreaState.SKIPPED


def test_a_finished_run_shows_its_recorded_states_and_counts() -> None:
    run = SyncRun(
        status=SyncRun.Status.DONE,
        areas=AREAS,
        area_progress={a: {"state": "done", "done": 1, "total": 1} for a in AREAS},
        counts={"vouchers": {"new": 3, "changed": 1, "unchanged": 7, "removed": 0}},
    )
    view = run_view(run)

    assert {line.state for line in view.areas} == {AreaState.DONE}
    vouchers = next(line for line in view.areas if line.code == "vouchers")
    assert (vouchers.new, vouchers.changed, vouchers.unchanged, vouchers.removed) == (3, 1, 7, 0)
    assert view.finished
    assert view.percent == 100


def test_a_queued_run_waits_in_every_area() -> None:
    assert set(states(SyncRun(status=SyncRun.Status.QUEUED, areas=AREAS)).values()) == {
        AreaState.PENDING
    }


def test_malformed_recorded_entries_are_not_trusted() -> None:
    run = running(
        {"vouchers": {"state": "exploded"}, "customers": "done", "suppliers": {"state": "done"}}
    )

    got = states(run)

    assert got["vouchers"] is AreaState.PENDING
    assert got["customers"] is AreaState.PENDING
    assert got["suppliers"] is AreaState.DONE


def test_only_the_runs_areas_are_listed_in_the_engines_order() -> None:
    run = SyncRun(
        status=SyncRun.Status.QUEUED,
        areas=["suppliers", "vouchers", "company_info", "cost_centres"],
    )

    assert [line.code for line in run_view(run).areas] == [
        "company_info",
        "vouchers",
        "cost_centres",
        "suppliers",
    ]


@pytest.mark.parametrize(
    ("status", "error", "advice"),
    [
        (ConnectionStatus.BEHOVER_GODKANNAS, "", "Godkänn igen"),
        (ConnectionStatus.FRANKOPPLAD, "", "anslut klienten"),
        (ConnectionStatus.AKTIV, fx.RateLimited.default_user_message, "Vänta några minuter"),
        (ConnectionStatus.AKTIV, fx.LicenceMissing.default_user_message, "licenser"),
        (ConnectionStatus.AKTIV, "Oväntat fel under synken: x", "kontakta supporten"),
    ],
)
def test_a_failed_run_says_what_to_do(status: str, error: str, advice: str) -> None:
    run = SyncRun(status=SyncRun.Status.FAILED, error=error)
    connection = Connection(status=status)

    assert advice in str(run_advice(run, connection))
    assert run_advice(SyncRun(status=SyncRun.Status.DONE), connection) == ""


moments = st.datetimes(
    min_value=dt.datetime(2024, 1, 1),
    max_value=dt.datetime(2030, 12, 31),
    timezones=st.just(dt.UTC),
)


@given(now=moments, hour=st.integers(0, 23), minute=st.sampled_from([0, 15, 30, 45]))
# The night summer time begins (a 23-hour day): the midnight slot must not be skipped.
@example(now=dt.datetime(2024, 3, 30, 0, 0, tzinfo=dt.UTC), hour=0, minute=0)
def test_the_next_nightly_sync_is_the_first_slot_after_now_within_26_hours(
    now: dt.datetime, hour: int, minute: int
) -> None:
    schedule = Schedule(kind="nightly", at=dt.time(hour, minute))

    upcoming = next_slot_after(schedule, now)

    assert upcoming is not None
    assert now < upcoming <= now + dt.timedelta(hours=26)
    assert next_slot_after(schedule, upcoming - dt.timedelta(microseconds=1)) == upcoming


@given(now=moments)
def test_the_next_hourly_sync_is_the_next_top_of_the_hour(now: dt.datetime) -> None:
    upcoming = next_slot_after(Schedule(kind="hourly"), now)

    assert upcoming is not None
    assert (upcoming.minute, upcoming.second, upcoming.microsecond) == (0, 0, 0)
    assert now < upcoming <= now + dt.timedelta(hours=1)


def test_a_manual_schedule_has_no_next_sync() -> None:
    assert next_slot_after(Schedule(kind="manual"), dt.datetime(2025, 1, 1, tzinfo=dt.UTC)) is None


def test_next_syncs_follow_the_schedulers_rules(db: None) -> None:
    firm, small = Firm.objects.create(name="Byrå"), Firm.objects.create(name="Liten byrå")
    firm_plan_set(firm=small, plan="bas")  # manual syncs only
    rows = [
        (firm, ConnectionStatus.AKTIV, "nightly"),
        (firm, ConnectionStatus.AKTIV, "manual"),
        (firm, ConnectionStatus.BEHOVER_GODKANNAS, "nightly"),
        (small, ConnectionStatus.AKTIV, "hourly"),
    ]
    clients = []
    for (owner, status, schedule), number in zip(rows, ORG_NUMBERS, strict=True):
        client = Client.objects.create(firm=owner, name=f"Kund {number}", org_number=number)
        Connection.objects.create(client=client, status=status)
        SyncSettings.objects.create(client=client, schedule=schedule, nightly_at=dt.time(2, 0))
        clients.append(client)
    now = dt.datetime(2025, 3, 10, 12, 0, tzinfo=dt.UTC)

    upcoming = next_syncs([c.pk for c in clients], now=now)

    # 02:00 in Stockholm (UTC+1 in March before the change) is 01:00 UTC the next day.
    assert upcoming == {clients[0].pk: dt.datetime(2025, 3, 11, 1, 0, tzinfo=dt.UTC)}
