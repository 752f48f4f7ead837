"""The checks a sync runs, over a real sync against the sandbox: the locked period after a
first and a later sync, the next year's opening balances after a late posting, and the
Fortnox UB sample over HTTP."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from bokslut import rules
from bokslut.avstamning import ledgerdata
from bokslut.avstamning.checks import checks_run
from bokslut.avstamning.models import CheckRun
from bokslut.ledger.models import FinancialYear
from bokslut.sync.models import SyncRun
from bokslut.sync.services import sync_run

from .conftest import Synced, World, client_for, connect, run_in_thread, small_company


def _post(synced: Synced, day: dt.date, amount: str, debit: int = 1930, credit: int = 2440) -> str:
    """A voucher posted at the sandbox (ignoring its lock, as an unlock-post-relock would)."""
    body = {
        "Voucher": {
            "VoucherSeries": "A",
            "TransactionDate": day.isoformat(),
            "Description": "Sen bokning",
            "VoucherRows": [
                {"Account": debit, "Debit": amount, "Credit": 0},
                {"Account": credit, "Debit": 0, "Credit": amount},
            ],
        }
    }
    made = synced.world.control("POST", "companies/1001/vouchers", body)["Voucher"]
    return f"A {made['VoucherNumber']}"


def _latest(synced: Synced, year: FinancialYear) -> CheckRun:
    run = (
        CheckRun.objects.filter(client=synced.world.client, year_start=year.start)
        .order_by("-pk")
        .first()
    )
    assert run is not None
    return run


def test_a_first_sync_raises_no_locked_period_alarm_but_a_later_posting_in_it_does(
    synced: Synced,
) -> None:
    years = list(FinancialYear.objects.filter(client=synced.world.client).order_by("start"))
    assert len(years) == 3
    for year in years:
        result = _latest(synced, year).results.get(code="locked_period")
        assert result.status == "skipped", (year.start, result.summary)
        assert "första gången" in result.summary
        assert result.findings == []

    locked = synced.year.start.replace(month=2, day=10)  # the sandbox locks up to 31 March
    key = _post(synced, locked, "300.00")
    synced.sync()

    result = _latest(synced, synced.year).results.get(code="locked_period")
    assert result.status == "fail"
    assert [f["key"] for f in result.findings] == [key]
    assert key in result.findings[0]["message"]
    assert "2025-03-31" in result.findings[0]["message"]


def test_a_posting_after_the_lock_passes_the_locked_period_check(synced: Synced) -> None:
    _post(synced, synced.year.end.replace(day=15), "300.00")
    synced.sync()

    result = _latest(synced, synced.year).results.get(code="locked_period")
    assert result.status == "ok", result.summary


@pytest.fixture
def open_years(db: None) -> Iterator[Synced]:
    """The demo company locked only to the end of its first year, synced once.

    The demo's own lock covers the middle year, and a sync re-reads a wholly locked year
    only when asked for a full comparison; this company's middle year stays open.
    """
    company = small_company(locked_until=dt.date(2023, 12, 31))
    running = run_in_thread([company])
    world = World(running, company, connect(running), client_for(company))
    try:
        run = sync_run(client=world.client, fortnox=world.fortnox, trigger="manual")
        assert run.status == "done", run.error
        year = FinancialYear.objects.filter(client=world.client).order_by("-start").first()
        assert year is not None
        yield Synced(world, year, None)  # type: ignore[arg-type]
    finally:
        world.fortnox.close()
        running.stop()


def test_a_late_posting_in_a_year_rechecks_the_next_years_opening_balances(
    open_years: Synced,
) -> None:
    synced = open_years
    client = synced.world.client
    earlier = ledgerdata.previous_year(synced.year)
    assert earlier is not None
    assert _latest(synced, synced.year).results.get(code="opening_balances").status == "ok"

    _post(synced, earlier.end.replace(day=28), "4321.00")
    synced.sync()

    run = SyncRun.objects.filter(client=client).latest("pk")
    assert run.paths[str(earlier.start)] != "unchanged"
    assert run.paths[str(synced.year.start)] == "unchanged"
    rechecked = _latest(synced, synced.year)
    assert rechecked.sync_run == run
    opening = rechecked.results.get(code="opening_balances")
    # The later year's IB no longer equals the earlier year's UB on the accounts posted to.
    assert opening.status != "ok"
    assert {f["key"] for f in opening.findings} == {"1930", "2440"}, opening.findings


def test_the_fortnox_ub_sample_runs_over_http_within_its_budget(synced: Synced) -> None:
    client, year, fortnox = synced.world.client, synced.year, synced.world.fortnox
    closing = ledgerdata.closing_by_account(ledgerdata.account_totals(year))
    sample = rules.choose_sample(closing, 3)
    assert sample[0] == "1930"

    before = fortnox.stats.total().requests
    run = checks_run(client=client, year=year, fortnox=fortnox, fortnox_budget=3)
    spent = fortnox.stats.total().requests - before

    result = run.results.get(code="fortnox_balances")
    assert result.status == "ok", result.summary
    assert result.checked == 3
    assert spent == 3
    assert f"konton {', '.join(sorted(sample))}; 3 anrop av högst 3" in result.summary

    # Booked in Fortnox but not synced: Fortnox's UB of 1930 moves, ours does not.
    _post(synced, year.end.replace(day=10), "777.00", debit=1930, credit=sample[1])
    run = checks_run(client=client, year=year, fortnox=fortnox, fortnox_budget=3)

    result = run.results.get(code="fortnox_balances")
    assert result.status == "fail"
    differing = {f["key"]: f for f in result.findings}
    assert set(differing) == {"1930", sample[1]}
    assert differing["1930"]["expected_ore"] == closing["1930"] + 77_700
    assert differing["1930"]["actual_ore"] == closing["1930"]
    assert "3 anrop av högst 3" in result.summary
