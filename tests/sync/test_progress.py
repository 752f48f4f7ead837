"""Per-area progress: the engine records every area's exact state, and writes it cheaply."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st
from sync_world import World, client_for, connect, small_company

from bokslut.fortnox import RetryPolicy
from bokslut.sandbox import run_in_thread
from bokslut.sync import progress as progress_module
from bokslut.sync.models import SyncRun
from bokslut.sync.progress import AreaProgress, AreaState, ProgressBoard, area_progress_from_json
from bokslut.sync.services import sync_run

# -- the board on its own ------------------------------------------------------------------


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Saves:
    """A ``save`` that records what it was given; ``refuse`` plays "inside a transaction"."""

    def __init__(self) -> None:
        self.snapshots: list[dict[str, dict[str, object]]] = []
        self.refuse = False

    def __call__(self, areas: dict[str, dict[str, object]], pointer: dict[str, object]) -> bool:
        if self.refuse:
            return False
        self.snapshots.append(areas)
        return True


def board(areas: list[str]) -> tuple[ProgressBoard, Saves, Clock]:
    saves, clock = Saves(), Clock()
    return ProgressBoard(areas, save=saves, clock=clock, min_interval=0.25), saves, clock


def test_every_area_starts_pending() -> None:
    progress, saves, _ = board(["vouchers", "customers"])

    assert progress.snapshot() == {
        "vouchers": {"state": "pending", "done": 0, "total": 0},
        "customers": {"state": "pending", "done": 0, "total": 0},
    }
    assert saves.snapshots == []


def test_a_change_of_state_is_written_at_once_even_within_the_interval() -> None:
    progress, saves, _ = board(["vouchers", "customers"])

    progress.start(["vouchers"], total=3)
    progress.finish(["vouchers"])
    progress.start(["customers"])

    assert [s["vouchers"]["state"] for s in saves.snapshots] == ["running", "done", "done"]
    assert saves.snapshots[-1]["customers"]["state"] == "running"
    assert saves.snapshots[1]["vouchers"] == {"state": "done", "done": 3, "total": 3}


def test_counter_updates_are_written_at_most_once_per_interval() -> None:
    progress, saves, clock = board(["vouchers"])
    progress.start(["vouchers"], total=1000)

    for done in range(1, 1001):
        clock.now += 0.001  # a thousand steps in one second
        progress.advance(["vouchers"], done, 1000)

    # One write for the start, then one per quarter second of the run.
    assert len(saves.snapshots) == 1 + 4
    progress.finish(["vouchers"])
    assert saves.snapshots[-1]["vouchers"] == {"state": "done", "done": 1000, "total": 1000}


def test_pointer_only_steps_are_throttled_too() -> None:
    progress, saves, clock = board(["vouchers"])
    progress.start(["vouchers"], total=1)

    for done in range(500):
        progress.point("vouchers (JSON)", done, 500)  # the clock stands still

    assert len(saves.snapshots) == 1
    clock.now = 1.0
    progress.point("vouchers (JSON)", 500, 500)
    assert len(saves.snapshots) == 2
    assert progress.pointer == {"area": "vouchers (JSON)", "done": 500, "total": 500}


def test_a_refused_write_is_retried_at_the_next_step() -> None:
    progress, saves, clock = board(["vouchers"])
    saves.refuse = True
    progress.start(["vouchers"], total=2)
    assert saves.snapshots == []

    saves.refuse = False
    clock.now = 0.1  # within the interval, but nothing was written yet
    progress.advance(["vouchers"], 1, 2)

    assert saves.snapshots == [{"vouchers": {"state": "running", "done": 1, "total": 2}}]


def test_failing_marks_running_areas_failed_and_waiting_ones_skipped() -> None:
    progress, _, _ = board(["company_info", "vouchers", "customers"])
    progress.start(["company_info"])
    progress.finish(["company_info"])
    progress.start(["vouchers"], total=3)
    progress.advance(["vouchers"], 1, 3)

    progress.fail()

    assert area_progress_from_json(progress.snapshot()) == {
        "company_info": AreaProgress(AreaState.DONE),
        "vouchers": AreaProgress(AreaState.FAILED, 1, 3),
        "customers": AreaProgress(AreaState.SKIPPED),
    }


def test_settling_a_successful_run_leaves_nothing_pending_or_running() -> None:
    progress, _, _ = board(["vouchers", "customers", "projects"])
    progress.start(["vouchers"], total=2)
    progress.skip(["customers"])

    progress.settle()

    states = {a: p.state for a, p in area_progress_from_json(progress.snapshot()).items()}
    assert states == {
        "vouchers": AreaState.DONE,
        "customers": AreaState.SKIPPED,
        "projects": AreaState.SKIPPED,
    }


def test_areas_the_run_does_not_cover_are_ignored() -> None:
    progress, saves, _ = board(["vouchers"])

    progress.start(["customers"])
    progress.advance(["customers"], 1, 2)

    assert saves.snapshots == []
    assert list(progress.snapshot()) == ["vouchers"]


_ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(["start", "advance", "finish", "skip", "point"]),
        st.sampled_from(["vouchers", "customers", "suppliers"]),
        st.integers(0, 50),
        st.floats(0, 0.3),
    ),
    max_size=200,
)


@given(actions=_ACTIONS)
def test_writes_are_bounded_by_state_changes_plus_four_a_second(
    actions: list[tuple[str, str, int, float]],
) -> None:
    progress, saves, clock = board(["vouchers", "customers", "suppliers"])
    transitions = 0
    for action, area, count, pause in actions:
        clock.now += pause
        if action == "start":
            progress.start([area], total=count)
        elif action == "advance":
            progress.advance([area], count, 50)
        elif action == "finish":
            progress.finish([area])
        elif action == "skip":
            progress.skip([area])
        else:
            progress.point(area, count, 50)
        transitions += action in ("start", "finish", "skip")
        # Whatever happened, what is stored is always a valid, parseable snapshot.
        assert set(area_progress_from_json(progress.snapshot())) == set(progress.snapshot())

    assert len(saves.snapshots) <= transitions + int(clock.now / 0.25) + 1


@given(
    raw=st.dictionaries(
        st.text(max_size=10),
        st.one_of(
            st.none(),
            st.integers(),
            st.text(max_size=5),
            st.fixed_dictionaries(
                {},
                optional={
                    "state": st.one_of(st.sampled_from([s.value for s in AreaState]), st.text()),
                    "done": st.one_of(st.integers(), st.booleans(), st.text(max_size=3)),
                    "total": st.one_of(st.integers(), st.none()),
                },
            ),
        ),
        max_size=5,
    )
)
def test_any_stored_value_parses_to_valid_entries_or_is_left_out(raw: dict[str, Any]) -> None:
    parsed = area_progress_from_json(raw)

    assert set(parsed) <= set(raw)
    for area, entry in parsed.items():
        assert isinstance(entry.state, AreaState)
        assert type(entry.done) is int
        assert raw[area]["state"] == entry.state.value


# -- the engine against the sandbox --------------------------------------------------------


def _states(run: SyncRun) -> dict[str, str]:
    return {area: str(entry["state"]) for area, entry in run.area_progress.items()}


def test_a_first_sync_records_every_area_done(world: World) -> None:
    run = sync_run(client=world.client, fortnox=world.fortnox, trigger="api")

    assert run.status == SyncRun.Status.DONE, run.error
    assert set(run.area_progress) == set(run.areas)
    assert set(_states(run).values()) == {"done"}
    years = len(world.company.years)
    assert run.area_progress["vouchers"] == {"state": "done", "done": years, "total": years}


def test_a_sync_with_nothing_new_says_which_areas_it_did_not_fetch(world: World) -> None:
    sync_run(client=world.client, fortnox=world.fortnox, trigger="api")

    again = sync_run(client=world.client, fortnox=world.fortnox, trigger="api")

    states = _states(again)
    assert again.status == SyncRun.Status.DONE, again.error
    # Company information is read on the first sync and on a full comparison; registers
    # are not re-read within a day unless vouchers are new.
    assert states["company_info"] == "skipped"
    assert states["customers"] == states["suppliers"] == "skipped"
    assert states["financial_years"] == states["locked_period"] == states["vouchers"] == "done"


class BreakRegisters(httpx.BaseTransport):
    """Real HTTP, except that customers lack a licence and suppliers answer 500."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.endswith("/3/customers"):
            body = {"ErrorInformation": {"error": 1, "message": "Ingen licens.", "code": 2001101}}
            return httpx.Response(403, json=body, request=request)
        if path.endswith("/3/suppliers"):
            return httpx.Response(500, text="Internal Server Error", request=request)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def test_a_failing_register_fails_alone_and_later_areas_are_skipped(
    make_world: Callable[..., World],
) -> None:
    world = make_world(small_company(vouchers_per_year=5))
    fortnox = connect(
        world.running,
        transport=BreakRegisters(),
        retry=RetryPolicy(attempts=1, initial_delay=0.0),
    )

    run = sync_run(client=world.client, fortnox=fortnox, trigger="api")
    fortnox.close()

    states = _states(run)
    assert run.status == SyncRun.Status.FAILED
    assert states["vouchers"] == "done"
    assert states["customers"] == "skipped"  # no licence: skipped with a warning
    assert states["suppliers"] == "failed"
    assert states["customer_invoices"] == states["fixed_assets"] == "skipped"
    # The warning names the area as the settings page does, not by its code.
    assert [w for w in run.warnings if w.startswith("Kunder: ")], run.warnings
    assert not [w for w in run.warnings if w.startswith("customers")], run.warnings
    stored = SyncRun.objects.get(pk=run.pk)
    assert stored.area_progress == run.area_progress


@contextmanager
def progress_writes() -> Iterator[list[bool]]:
    """Whether each UPDATE of a run's area_progress ran inside a transaction."""
    seen: list[bool] = []

    def spy(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        board_write = '"area_progress"' in sql and '"status"' not in sql
        if sql.startswith('UPDATE "sync_syncrun"') and board_write:
            seen.append(connection.in_atomic_block)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        yield seen


@pytest.mark.django_db(transaction=True)
def test_progress_writes_follow_state_changes_not_vouchers_and_never_hold_a_transaction(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A frozen clock: only the first counter update and the changes of state are written.
    monkeypatch.setattr(progress_module, "monotonic", lambda: 100.0)
    company = small_company(vouchers_per_year=30)
    running = run_in_thread([company])
    fortnox = connect(running)
    client = client_for(company)
    try:
        with progress_writes() as writes:
            run = sync_run(client=client, fortnox=fortnox, trigger="api")
    finally:
        fortnox.close()
        running.stop()

    assert run.status == SyncRun.Status.DONE, run.error
    vouchers = sum(len(y.vouchers) for y in company.years.values())
    # Each area starts and finishes once (the bookkeeping areas together), plus the
    # start, the first counter step and the closing settle: far fewer than the vouchers.
    assert 3 <= len(writes) <= 2 * len(run.areas) + 3 < vouchers
    assert not any(writes)
