"""Second syncs change nothing and cost little; sandbox mutations are picked up exactly."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from ledger_compare import ledger_of, registers_of, sandbox_ledger, sandbox_registers
from sync_world import World

from bokslut.sync.models import SyncRun
from bokslut.sync.options import SyncOptions
from bokslut.sync.planner import DeltaRule
from bokslut.sync.selectors import changes_since_last_sync
from bokslut.sync.services import sync_run


def _new_voucher(world: World, amount: str, day: str = "2025-11-03") -> dict[str, object]:
    body = {
        "Voucher": {
            "VoucherSeries": "A",
            "TransactionDate": day,
            "Description": f"Kontorsmaterial {amount}",
            "VoucherRows": [
                {"Account": 6110, "Debit": amount, "Credit": 0},
                {"Account": 1930, "Debit": 0, "Credit": amount},
            ],
        }
    }
    answer: dict[str, object] = world.control("POST", "companies/1001/vouchers", body)["Voucher"]
    return answer


def _kronor(text: str) -> Decimal:
    return Decimal(text.replace("\xa0", "").replace(",", "."))


def test_second_sync_changes_nothing_in_at_most_five_requests(world: World) -> None:
    first = sync_run(client=world.client, fortnox=world.fortnox, trigger="manual")
    assert first.status == "done", first.error

    second = sync_run(client=world.client, fortnox=world.fortnox, trigger="schedule")

    assert second.status == SyncRun.Status.DONE, second.error
    assert not second.changed_anything
    assert second.request_total <= 5, second.requests
    assert changes_since_last_sync(client=world.client).empty
    assert ledger_of(world.client) == sandbox_ledger(world.company)


def test_new_vouchers_renamed_account_and_locked_period_are_picked_up_exactly(
    world: World,
) -> None:
    sync_run(client=world.client, fortnox=world.fortnox, trigger="manual")
    held = ledger_of(world.client)["years"]["2025-01-01"]["balances"]
    made = [_new_voucher(world, "125.50"), _new_voucher(world, "80.00")]
    world.control("PATCH", "companies/1001/accounts/6110", {"Description": "Kontorsvaror"})
    world.control("PUT", "companies/1001/lockedperiod", {"EndDate": "2025-06-30"})

    run = sync_run(client=world.client, fortnox=world.fortnox, trigger="manual")

    assert run.status == "done", run.error
    assert run.counts["vouchers"]["new"] == 2
    assert run.counts["vouchers"]["changed"] == 0
    changes = changes_since_last_sync(client=world.client)
    assert sorted(c.key for c in changes.vouchers) == sorted(
        f"A {v['VoucherNumber']}" for v in made
    )
    assert {(c.key, c.year_start) for c in changes.accounts} == {("6110", date(2025, 1, 1))}
    assert [c.kind for c in changes.locked_period] == ["changed"]
    assert {c.key for c in changes.balances} == {"UB 1930", "RES 6110"}
    balances = ledger_of(world.client)["years"]["2025-01-01"]["balances"]
    assert balances[("UB", "1930")] == held[("UB", "1930")] - 20550
    assert balances[("RES", "6110")] == held.get(("RES", "6110"), 0) + 20550
    assert {k: v for k, v in balances.items() if k not in {("UB", "1930"), ("RES", "6110")}} == {
        k: v for k, v in held.items() if k not in {("UB", "1930"), ("RES", "6110")}
    }
    # Amounts in the list are Swedish kronor ("1\xa0234,50 → 1\xa0440,00"), not raw öre.
    detail = next(c.detail for c in changes.balances if c.key == "UB 1930")
    was, arrow, now = detail.partition(" → ")
    assert arrow
    assert re.fullmatch(r"-?\d{1,3}(\xa0\d{3})*,\d\d", was), detail
    assert re.fullmatch(r"-?\d{1,3}(\xa0\d{3})*,\d\d", now), detail
    assert _kronor(now) - _kronor(was) == Decimal("-205.50")
    assert (
        ledger_of(world.client)["years"]["2025-01-01"]
        == sandbox_ledger(world.company)["years"]["2025-01-01"]
    )
    assert registers_of(world.client) == sandbox_registers(world.company)


def test_few_new_vouchers_in_a_large_year_are_fetched_one_by_one(world: World) -> None:
    options = SyncOptions(delta=DeltaRule(max_new=5, min_held=1))
    sync_run(client=world.client, fortnox=world.fortnox, options=options)
    theirs_before = sandbox_ledger(world.company, registered=False)["years"]["2025-01-01"]
    made = _new_voucher(world, "999.99")
    world.fortnox.stats.reset()

    run = sync_run(client=world.client, fortnox=world.fortnox, options=options)

    assert run.status == "done", run.error
    assert run.paths["2025-01-01"] == "delta"
    assert "GET /3/sie/{type}" not in run.requests
    assert run.requests["GET /3/vouchers/{series}/{number}"]["requests"] == 1
    assert [c.key for c in changes_since_last_sync(client=world.client).vouchers] == [
        f"A {made['VoucherNumber']}"
    ]
    ours = ledger_of(world.client, registered=False)["years"]["2025-01-01"]
    theirs = sandbox_ledger(world.company, registered=False)["years"]["2025-01-01"]
    assert ours["balances"] == theirs["balances"]
    assert ours["vouchers"] == theirs["vouchers"]
    # The delta path moves the month's #PSALDO itself; Fortnox's export moves it the same way.
    assert ours["period_balances"] == theirs["period_balances"]
    assert ours["period_balances"][("202511", "6110", "")] == theirs_before["period_balances"].get(
        ("202511", "6110", ""), 0
    ) + int(Decimal("99999"))


def test_full_comparison_reports_a_deleted_voucher(world: World) -> None:
    sync_run(client=world.client, fortnox=world.fortnox)
    year = max(world.company.years.values(), key=lambda y: y.start)
    with world.company.lock:
        # Not the last of its series: the counters stay, only a full comparison can tell.
        key = sorted(year.vouchers)[0]
        del year.vouchers[key]
        year._ordered = None

    quick = sync_run(client=world.client, fortnox=world.fortnox)
    full = sync_run(client=world.client, fortnox=world.fortnox, full=True)

    assert quick.counts.get("vouchers", {}).get("removed", 0) == 0
    assert full.counts["vouchers"]["removed"] == 1
    removed = list(changes_since_last_sync(client=world.client).vouchers)
    assert [(c.kind, c.key) for c in removed] == [("removed", f"{key[0]} {key[1]}")]
