"""A sync never changes or removes local vouchers (closing entries not yet in Fortnox)."""

from __future__ import annotations

from datetime import date
from typing import Any

from ledger_compare import ledger_of
from local_work import local_voucher, stored
from sync_world import World

from bokslut.avstamning.models import CheckResult, CheckRun
from bokslut.ledger import models as m
from bokslut.sync.models import SyncRun
from bokslut.sync.options import SyncOptions
from bokslut.sync.planner import DeltaRule
from bokslut.sync.services import sync_run

YEAR = date(2025, 1, 1)


def movements(client: Any) -> dict[str, tuple[int, int]]:
    """The stored movements of the year, per account."""
    return {
        a.account: (a.amount_ore, a.rows)
        for a in m.AccountMovement.objects.filter(year__client=client, year__start=YEAR)
    }


def counted(client: Any) -> dict[str, tuple[int, int]]:
    """The movements the year's voucher rows make, summed afresh."""
    totals: dict[str, tuple[int, int]] = {}
    for row in m.VoucherRow.objects.filter(year__client=client, year__start=YEAR).exclude(
        kind=m.VoucherRow.Kind.REMOVED
    ):
        amount, count = totals.get(row.account, (0, 0))
        totals[row.account] = (amount + row.amount_ore, count + 1)
    return totals


def post(world: World, amount: str) -> dict[str, Any]:
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
    answer: dict[str, Any] = world.control("POST", "companies/1001/vouchers", body)["Voucher"]
    return answer


def test_local_voucher_survives_full_delta_and_repeated_syncs_untouched(world: World) -> None:
    options = SyncOptions(delta=DeltaRule(max_new=5, min_held=1))
    first = sync_run(client=world.client, fortnox=world.fortnox, options=options)
    assert first.status == "done", first.error
    voucher = local_voucher(world.client)
    before = stored(voucher)

    runs = [sync_run(client=world.client, fortnox=world.fortnox, options=options, full=True)]
    post(world, "310.00")
    runs.append(sync_run(client=world.client, fortnox=world.fortnox, options=options))
    assert runs[-1].paths["2025-01-01"] == "delta"
    for n in range(3):
        post(world, f"4{n}.00")  # something new each time, so the year is written again
        runs.append(sync_run(client=world.client, fortnox=world.fortnox, full=True))
        assert runs[-1].paths["2025-01-01"] == "sie"

    for run in runs:
        assert run.status == SyncRun.Status.DONE, run.error
        assert run.counts["vouchers"].get("removed", 0) == 0
        if run.paths["2025-01-01"] == "sie":
            assert any(
                w.startswith("Räkenskapsåret 2025-01-01 har 1 lokala verifikationer")
                for w in run.warnings
            ), run.warnings
    assert stored(voucher) == before
    # The stored movements still hold the local rows: the saldobalans explains the ledger.
    assert movements(world.client) == counted(world.client)
    # The checks ran after the syncs and show the local voucher on the balance account it
    # moved: the UB Fortnox states leaves it out, by exactly its amount.
    check = CheckResult.objects.filter(
        run=CheckRun.objects.filter(client=world.client, year_start=YEAR).latest("pk"),
        code="closing_balances",
    ).get()
    found = {f["key"]: f for f in check.findings}
    assert found["1229"]["expected_ore"] - (found["1229"]["actual_ore"] or 0) == -1_250_000


def test_a_voucher_removed_in_fortnox_is_still_removed_beside_a_local_one(world: World) -> None:
    sync_run(client=world.client, fortnox=world.fortnox)
    voucher = local_voucher(world.client)
    before = stored(voucher)
    year = next(y for y in world.company.years.values() if y.start == YEAR)
    with world.company.lock:
        key = sorted(year.vouchers)[0]
        del year.vouchers[key]
        year._ordered = None

    run = sync_run(client=world.client, fortnox=world.fortnox, full=True)

    assert run.status == "done", run.error
    assert run.counts["vouchers"]["removed"] == 1
    held = ledger_of(world.client)["years"]["2025-01-01"]["vouchers"]
    assert (key[0], str(key[1])) not in held
    assert ("Y", "1") in held
    assert stored(voucher) == before
    assert movements(world.client) == counted(world.client)


def test_a_fortnox_voucher_with_a_local_vouchers_number_leaves_the_local_one(
    world: World,
) -> None:
    sync_run(client=world.client, fortnox=world.fortnox)
    series = next(y for y in world.company.years.values() if y.start == YEAR)
    number = str(series.next_number("A"))
    voucher = local_voucher(world.client, series="A", number=number)
    before = stored(voucher)
    post(world, "77.00")

    run = sync_run(client=world.client, fortnox=world.fortnox, full=True)

    assert run.status == "done", run.error
    assert stored(voucher) == before
    assert any(f"Verifikation A {number}" in w and "lokalt" in w for w in run.warnings), (
        run.warnings
    )
    assert movements(world.client) == counted(world.client)
