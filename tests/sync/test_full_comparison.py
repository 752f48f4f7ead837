"""Full comparison finds what Fortnox never reports (a deleted voucher); an incremental sync
cannot. And the exact price of a sync with nothing new: 2 + 2 per unlocked year."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from ledger_compare import ledger_of, sandbox_ledger
from sync_world import World, small_company

from bokslut.ledger import models as m
from bokslut.sync.models import ClientState, SyncRun
from bokslut.sync.services import sync_run


def _post(world: World, amount: str) -> int:
    body = {
        "Voucher": {
            "VoucherSeries": "A",
            "TransactionDate": "2025-11-03",
            "Description": f"Kontorsmaterial {amount}",
            "VoucherRows": [
                {"Account": 6110, "Debit": amount, "Credit": 0},
                {"Account": 1930, "Debit": 0, "Credit": amount},
            ],
        }
    }
    number: int = world.control("POST", "companies/1001/vouchers", body)["Voucher"]["VoucherNumber"]
    return number


def _held(world: World, number: int) -> bool:
    return m.Voucher.objects.filter(
        year__client=world.client, series="A", number=str(number), year__start=date(2025, 1, 1)
    ).exists()


def test_a_voucher_deleted_in_fortnox_goes_at_the_full_comparison_not_before(
    world: World,
) -> None:
    first, _second = _post(world, "125.50"), _post(world, "80.00")
    synced = sync_run(client=world.client, fortnox=world.fortnox)
    assert synced.status == SyncRun.Status.DONE, synced.error
    assert _held(world, first)
    year = next(y for y in world.company.years.values() if y.start == date(2025, 1, 1))
    world.control("DELETE", f"companies/1001/years/{year.id}/vouchers/A/{first}")

    incremental = sync_run(client=world.client, fortnox=world.fortnox)

    assert incremental.status == SyncRun.Status.DONE, incremental.error
    assert not incremental.full
    assert _held(world, first)  # Fortnox said nothing: the counters did not move

    full = sync_run(client=world.client, fortnox=world.fortnox, full=True)

    assert full.status == SyncRun.Status.DONE, full.error
    assert full.full
    assert not _held(world, first)
    assert full.counts["vouchers"]["removed"] == 1, full.counts
    assert ledger_of(world.client) == sandbox_ledger(world.company)
    state = ClientState.objects.get(client=world.client)
    assert state.full_compared_at is not None
    assert state.full_compared_at >= full.started_at


def test_a_first_sync_counts_as_a_full_comparison(world: World) -> None:
    run = sync_run(client=world.client, fortnox=world.fortnox)
    assert run.status == SyncRun.Status.DONE, run.error
    compared = ClientState.objects.get(client=world.client).full_compared_at
    assert compared is not None
    assert run.started_at <= compared <= run.finished_at


@pytest.mark.parametrize(
    ("locked_until", "unlocked_years"),
    [(date(2024, 12, 31), 1), (date(2023, 12, 31), 2)],
)
def test_a_sync_with_nothing_new_costs_two_plus_two_per_unlocked_year(
    make_world: Callable[..., World], locked_until: date, unlocked_years: int
) -> None:
    world = make_world(small_company(locked_until=locked_until))
    assert sync_run(client=world.client, fortnox=world.fortnox).status == "done"

    again = sync_run(client=world.client, fortnox=world.fortnox)

    assert again.status == SyncRun.Status.DONE, again.error
    assert {endpoint: r["requests"] for endpoint, r in again.requests.items()} == {
        "GET /3/financialyears": 1,
        "GET /3/settings/lockedperiod": 1,
        "GET /3/voucherseries": unlocked_years,
        "GET /3/accounts": unlocked_years,
    }
    assert again.request_total == 2 + 2 * unlocked_years
