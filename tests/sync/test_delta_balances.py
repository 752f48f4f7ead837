"""The delta path leaves exactly the ledger a full sync of the same Fortnox would.

Each test posts vouchers to the sandbox, brings them in through the delta path (new vouchers
fetched as JSON, balances moved locally), then syncs the same sandbox into a second, fresh
client through the bulk path (the SIE export) and compares the two whole ledgers: balances,
object balances (#OIB/#OUB), period balances (#PSALDO per account and per object), vouchers,
accounts and objects. The export (Fortnox as the sandbox models it) moves object and period
balances of posted vouchers only where the year states such balances, or where the year had
no movement before them; the delta path must follow the same rule.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from ledger_compare import ledger_of
from sync_world import World, client_for, small_company

from bokslut.firms.models import Client
from bokslut.ledger import models as m
from bokslut.sandbox import Company, company_from_document
from bokslut.sie.model import (
    Account,
    Balance,
    Dimension,
    Document,
    FinancialYear,
    Header,
    RowKind,
    SieObject,
    Voucher,
    VoucherRow,
)
from bokslut.sync.options import SyncOptions
from bokslut.sync.planner import DeltaRule
from bokslut.sync.services import sync_run

COST_CENTRE, PROJECT = 1, 6


def _post(world: World, day: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    body = {"Voucher": {"VoucherSeries": "A", "TransactionDate": day,
                        "Description": f"Bokförd {day}", "VoucherRows": rows}}  # fmt: skip
    answer: dict[str, Any] = world.control("POST", "companies/1001/vouchers", body)["Voucher"]
    return answer


def _with_objects(amount: str) -> list[dict[str, Any]]:
    # A result account with a cost centre and a project, a balance account with a cost centre.
    return [
        {"Account": 6110, "Debit": amount, "Credit": 0, "CostCenter": "10", "Project": "P101"},
        {"Account": 1930, "Debit": 0, "Credit": amount, "CostCenter": "20"},
    ]


def _delta_sync(world: World, options: SyncOptions, *starts: str) -> None:
    run = sync_run(client=world.client, fortnox=world.fortnox, options=options)
    assert run.status == "done", run.error
    for start in starts:
        assert run.paths[start] == "delta", run.paths
    assert "GET /3/sie/{type}" not in run.requests


def _full_sync(world: World, firm: str) -> Client:
    """The same sandbox synced into a fresh client: every year through its SIE export."""
    fresh = client_for(world.company, firm_name=firm)
    run = sync_run(client=fresh, fortnox=world.fortnox)
    assert run.status == "done", run.error
    assert set(run.paths.values()) == {"sie"}, run.paths
    return fresh


def _assert_same_ledger(ours: Client, full: Client) -> None:
    # Fortnox's JSON carries no registration date of a voucher; everything else must agree.
    delta_ledger = ledger_of(ours, registered=False)
    full_ledger = ledger_of(full, registered=False)
    assert delta_ledger["objects"] == full_ledger["objects"]
    assert delta_ledger["years"].keys() == full_ledger["years"].keys()
    for start, year in full_ledger["years"].items():
        for part, expected in year.items():
            assert delta_ledger["years"][start][part] == expected, (start, part)


def _object_balances(client: Client, start: str) -> dict[tuple[str, str, int, str], int]:
    return {
        (b.kind, b.account, b.dimension, b.object_code): b.amount_ore
        for b in m.ObjectBalance.objects.filter(year__client=client, year__start=start)
    }


def _period_balances(client: Client, start: str) -> dict[tuple[str, str, str], int]:
    return {
        (p.period, p.account, p.object_list): p.amount_ore
        for p in m.PeriodBalance.objects.filter(year__client=client, year__start=start)
    }


def test_cost_centre_and_project_move_object_and_period_balances_like_a_full_sync(
    world: World,
) -> None:
    options = SyncOptions(delta=DeltaRule(max_new=5, min_held=1))
    sync_run(client=world.client, fortnox=world.fortnox, options=options)
    oub_before = _object_balances(world.client, "2025-01-01")
    psaldo_before = _period_balances(world.client, "2025-01-01")
    _post(world, "2025-11-03", _with_objects("999.99"))
    _post(world, "2025-11-20", _with_objects("0.50"))

    _delta_sync(world, options, "2025-01-01")

    _assert_same_ledger(world.client, _full_sync(world, "Jämförelsebyrån AB"))
    # The comparison above would also hold if neither side moved; these are the moves.
    oub = _object_balances(world.client, "2025-01-01")
    for key, moved in {
        ("OUB", "6110", COST_CENTRE, "10"): 100049,
        ("OUB", "6110", PROJECT, "P101"): 100049,
        ("OUB", "1930", COST_CENTRE, "20"): -100049,
    }.items():
        assert oub[key] == oub_before.get(key, 0) + moved, key
    psaldo = _period_balances(world.client, "2025-01-01")
    for key, moved in {
        ("202511", "6110", ""): 100049,
        ("202511", "6110", '[[1,"10"]]'): 100049,
        ("202511", "6110", '[[6,"P101"]]'): 100049,
        ("202511", "1930", '[[1,"20"]]'): -100049,
    }.items():
        assert psaldo[key] == psaldo_before.get(key, 0) + moved, key


def test_years_stating_fewer_kinds_of_balance_get_only_those_moved(
    make_world: Callable[..., World],
) -> None:
    # Nothing locked, so every year is probed. The seed states all kinds for 2025, #PSALDO
    # but no #OIB/#OUB for 2024, and neither for 2023: a posting must not invent the missing
    # kinds there (they would hold only part of the year's movements).
    world = make_world(small_company(locked_until=date(2022, 12, 31)))
    options = SyncOptions(delta=DeltaRule(max_new=5, min_held=1))
    sync_run(client=world.client, fortnox=world.fortnox, options=options)
    for day in ("2023-05-10", "2024-05-10", "2025-05-10"):
        _post(world, day, _with_objects("120.00"))

    _delta_sync(world, options, "2023-01-01", "2024-01-01", "2025-01-01")

    _assert_same_ledger(world.client, _full_sync(world, "Jämförelsebyrån AB"))
    assert not _object_balances(world.client, "2023-01-01")
    assert not _period_balances(world.client, "2023-01-01")
    assert not _object_balances(world.client, "2024-01-01")
    assert _period_balances(world.client, "2024-01-01")[("202405", "6110", '[[6,"P101"]]')]


def _small_seed(closing_shift: Decimal = Decimal(0), vouchers: tuple[Voucher, ...] = ()) -> Company:
    """One year with ``vouchers`` and objects to book on; UB = IB moved by ``closing_shift``.

    With neither the year has no movement at all; a shift is a movement the seed does not
    itemise (from 1930 to 2081). Nothing states period or object balances.
    """
    names = {"1930": "Företagskonto", "2081": "Aktiekapital", "6110": "Kontorsmateriel"}
    opening = {"1930": Decimal(50000), "2081": Decimal(-50000)}
    closing = {"1930": opening["1930"] + closing_shift, "2081": opening["2081"] - closing_shift}
    seed = Document(
        header=Header(
            company_name="Tyst AB",
            org_number="556036-0793",
            sie_type=4,
            years={0: FinancialYear(0, date(2025, 1, 1), date(2025, 12, 31))},
        ),
        accounts={number: Account(number, name) for number, name in names.items()},
        dimensions={
            COST_CENTRE: Dimension(COST_CENTRE, "Kostnadsställe"),
            PROJECT: Dimension(PROJECT, "Projekt"),
        },
        objects={
            (COST_CENTRE, "10"): SieObject(COST_CENTRE, "10", "Ledning"),
            (COST_CENTRE, "20"): SieObject(COST_CENTRE, "20", "Försäljning"),
            (PROJECT, "P101"): SieObject(PROJECT, "P101", "Flytt"),
        },
        balances=[Balance("IB", 0, n, amount) for n, amount in opening.items()]
        + [Balance("UB", 0, n, amount) for n, amount in closing.items()],
        vouchers=list(vouchers),
    )
    company = company_from_document(seed, 1001)
    company.locked_until = date(2024, 12, 31)
    return company


def test_a_year_without_earlier_movements_gets_every_kind_from_the_delta(
    make_world: Callable[..., World],
) -> None:
    # A year seeded with opening balances only: Fortnox states #PSALDO and #OUB for whatever
    # is posted, since the posted vouchers are then all of the year's movements.
    world = make_world(_small_seed())
    options = SyncOptions(delta=DeltaRule(max_new=5, min_held=0))
    sync_run(client=world.client, fortnox=world.fortnox, options=options)
    assert not _period_balances(world.client, "2025-01-01")

    # First a voucher without objects, then one with: the second delta must still start the
    # object balances the first one had no reason to.
    _post(world, "2025-02-14", [{"Account": 6110, "Debit": "300.00", "Credit": 0},
                                {"Account": 1930, "Debit": 0, "Credit": "300.00"}])  # fmt: skip
    _delta_sync(world, options, "2025-01-01")
    _assert_same_ledger(world.client, _full_sync(world, "Första jämförelsebyrån AB"))

    _post(world, "2025-03-01", _with_objects("45.10"))
    _delta_sync(world, options, "2025-01-01")
    _assert_same_ledger(world.client, _full_sync(world, "Andra jämförelsebyrån AB"))
    assert _object_balances(world.client, "2025-01-01") == {
        ("OUB", "6110", COST_CENTRE, "10"): 4510,
        ("OUB", "6110", PROJECT, "P101"): 4510,
        ("OUB", "1930", COST_CENTRE, "20"): -4510,
    }
    assert _period_balances(world.client, "2025-01-01") == {
        ("202502", "6110", ""): 30000,
        ("202502", "1930", ""): -30000,
        ("202503", "6110", ""): 4510,
        ("202503", "1930", ""): -4510,
        ("202503", "6110", '[[1,"10"]]'): 4510,
        ("202503", "6110", '[[6,"P101"]]'): 4510,
        ("202503", "1930", '[[1,"20"]]'): -4510,
    }


def test_a_year_with_movements_not_in_its_vouchers_gets_no_new_kind_from_the_delta(
    make_world: Callable[..., World],
) -> None:
    # UB differs from IB but no voucher says why: Fortnox's export moves only UB/RES for
    # what is posted, as period or object balances of the posted vouchers alone would
    # contradict UB - IB.
    world = make_world(_small_seed(closing_shift=Decimal("1200.00")))
    options = SyncOptions(delta=DeltaRule(max_new=5, min_held=0))
    sync_run(client=world.client, fortnox=world.fortnox, options=options)
    _post(world, "2025-03-01", _with_objects("45.10"))

    _delta_sync(world, options, "2025-01-01")

    _assert_same_ledger(world.client, _full_sync(world, "Jämförelsebyrån AB"))
    assert not _object_balances(world.client, "2025-01-01")
    assert not _period_balances(world.client, "2025-01-01")
    balances = ledger_of(world.client)["years"]["2025-01-01"]["balances"]
    assert balances[("UB", "1930")] == 5000000 + 120000 - 4510
    assert balances[("RES", "6110")] == 4510


def test_a_year_whose_vouchers_cancel_out_over_the_year_gets_no_period_balances(
    make_world: Callable[..., World],
) -> None:
    # UB = IB and every account's year total is zero, but February and March moved: the
    # year had movement its seed states no #PSALDO for, so none is started.
    def moving(number: str, day: date, amount: Decimal) -> Voucher:
        return Voucher("A", number, day, "Lån och återbetalning", (
            VoucherRow(RowKind.NORMAL, "1930", amount),
            VoucherRow(RowKind.NORMAL, "2081", -amount)))  # fmt: skip

    seed = _small_seed(
        vouchers=(
            moving("1", date(2025, 2, 3), Decimal(900)),
            moving("2", date(2025, 3, 3), Decimal(-900)),
        )
    )
    world = make_world(seed)
    options = SyncOptions(delta=DeltaRule(max_new=5, min_held=1))
    sync_run(client=world.client, fortnox=world.fortnox, options=options)
    _post(world, "2025-04-01", [{"Account": 6110, "Debit": "10.00", "Credit": 0},
                                {"Account": 1930, "Debit": 0, "Credit": "10.00"}])  # fmt: skip

    _delta_sync(world, options, "2025-01-01")

    _assert_same_ledger(world.client, _full_sync(world, "Jämförelsebyrån AB"))
    assert not _period_balances(world.client, "2025-01-01")
