"""The chart-of-accounts and opening-balance policies, over the sandbox."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

from sync_world import World

from bokslut.ledger import models as m
from bokslut.sandbox.store import AccountState
from bokslut.sie.model import Account
from bokslut.sync.options import BalancePolicy, ChartPolicy, SyncOptions
from bokslut.sync.services import sync_run

YEAR = date(2025, 1, 1)
PREVIOUS = date(2024, 1, 1)
NEW = "6998"  # not in the demo chart
NEW_NAME = "Lokala kostnader, nytt konto"


def account(client: object, number: str, start: date = YEAR) -> m.Account:
    return m.Account.objects.get(year__client=client, year__start=start, number=number)


def edit_locally(client: object) -> None:
    """A person renames 6110 and gives it another SRU code here."""
    m.Account.objects.filter(year__client=client, year__start=YEAR, number="6110").update(
        name="Kontorsmaterial (lokalt namn)", sru="7699"
    )


def change_in_fortnox(world: World) -> None:
    """Fortnox renames 6110 and gets a new account, NEW."""
    assert NEW not in world.company.accounts
    world.control("PATCH", "companies/1001/accounts/6110", {"Description": "Kontorsvaror"})
    with world.company.lock:
        # Modified "now" as Fortnox would stamp it; far ahead, so any lastmodified finds it.
        world.company.accounts[NEW] = AccountState(
            Account(NEW, NEW_NAME),
            modified=datetime(2099, 1, 1),
        )


def post(world: World) -> None:
    body = {
        "Voucher": {
            "VoucherSeries": "A",
            "TransactionDate": "2025-11-03",
            "Description": "Kontorsmaterial",
            "VoucherRows": [
                {"Account": 6110, "Debit": "50.00", "Credit": 0},
                {"Account": 1930, "Debit": 0, "Credit": "50.00"},
            ],
        }
    }
    world.control("POST", "companies/1001/vouchers", body)


def test_keep_local_keeps_a_local_name_and_sru_and_still_adds_new_accounts(world: World) -> None:
    options = SyncOptions(chart_policy=ChartPolicy.KEEP_LOCAL)
    sync_run(client=world.client, fortnox=world.fortnox, options=options)
    edit_locally(world.client)
    assert not m.Account.objects.filter(year__client=world.client, number=NEW).exists()
    change_in_fortnox(world)

    # Nothing new booked: the year is not re-read, only the modified accounts are.
    quick = sync_run(client=world.client, fortnox=world.fortnox, options=options)
    assert quick.status == "done", quick.error
    assert quick.paths["2025-01-01"] == "unchanged"
    kept = account(world.client, "6110")
    assert (kept.name, kept.sru) == ("Kontorsmaterial (lokalt namn)", "7699")
    assert account(world.client, NEW).name == NEW_NAME

    # A new voucher: the whole year is written again, chart and all.
    post(world)
    bulk = sync_run(client=world.client, fortnox=world.fortnox, options=options, full=True)
    assert bulk.status == "done", bulk.error
    assert bulk.paths["2025-01-01"] == "sie"
    kept = account(world.client, "6110")
    assert (kept.name, kept.sru) == ("Kontorsmaterial (lokalt namn)", "7699")
    assert account(world.client, NEW).name == NEW_NAME


def test_fortnox_chart_policy_takes_the_new_name(world: World) -> None:
    options = SyncOptions(chart_policy=ChartPolicy.FORTNOX)
    sync_run(client=world.client, fortnox=world.fortnox, options=options)
    sru = world.company.accounts["6110"].account.sru
    edit_locally(world.client)
    assert not m.Account.objects.filter(year__client=world.client, number=NEW).exists()
    change_in_fortnox(world)

    quick = sync_run(client=world.client, fortnox=world.fortnox, options=options)
    assert quick.status == "done", quick.error
    assert quick.paths["2025-01-01"] == "unchanged"
    assert account(world.client, "6110").name == "Kontorsvaror"
    assert account(world.client, NEW).name == NEW_NAME

    post(world)
    bulk = sync_run(client=world.client, fortnox=world.fortnox, options=options, full=True)
    assert bulk.status == "done", bulk.error
    renamed = account(world.client, "6110")
    assert (renamed.name, renamed.sru) == ("Kontorsvaror", ",".join(sru))


def shift_opening_in_fortnox(world: World, amount: Decimal) -> None:
    """A manual IB change of 1930 in Fortnox's 2025 (its UB moves with it there)."""
    year = next(y for y in world.company.years.values() if y.start == YEAR)
    with world.company.lock:
        year.balances = [
            replace(b, amount=b.amount + amount)
            if b.account == "1930" and b.kind in ("IB", "UB")
            else b
            for b in year.balances
        ]
        year.opening["1930"] = year.opening.get("1930", Decimal(0)) + amount


def movement(client: object, number: str) -> int:
    found = m.AccountMovement.objects.filter(
        year__client=client, year__start=YEAR, account=number
    ).first()
    return found.amount_ore if found is not None else 0


def balance(client: object, kind: str, number: str, start: date = YEAR) -> int:
    return m.Balance.objects.get(
        year__client=client, year__start=start, kind=kind, account=number
    ).amount_ore


def test_own_previous_year_uses_our_closing_balance_and_warns(world: World) -> None:
    shift_opening_in_fortnox(world, Decimal("1000.00"))
    options = SyncOptions(balance_policy=BalancePolicy.OWN_PREVIOUS_YEAR)

    run = sync_run(client=world.client, fortnox=world.fortnox, options=options)

    assert run.status == "done", run.error
    closing_2024 = balance(world.client, "UB", "1930", PREVIOUS)
    fortnox_ib = next(
        b.amount
        for y in world.company.years.values()
        if y.start == YEAR
        for b in y.balances
        if b.kind == "IB" and b.account == "1930"
    )
    assert int(fortnox_ib * 100) == closing_2024 + 100_000
    assert balance(world.client, "IB", "1930") == closing_2024
    # UB moved with IB: the ledger still adds up.
    assert balance(world.client, "UB", "1930") == closing_2024 + movement(world.client, "1930")
    warning = next(w for w in run.warnings if w.startswith("Ingående balanser 2025"))
    assert "skiljer sig från utgående balanser 2024 på 1 konton: 1930" in warning
    assert "föregående års utgående balanser används" in warning

    again = sync_run(client=world.client, fortnox=world.fortnox, options=options, full=True)
    assert again.status == "done", again.error
    assert again.counts.get("balances", {}).get("changed", 0) == 0
    assert balance(world.client, "IB", "1930") == closing_2024


def test_fortnox_balance_policy_keeps_fortnox_ib_and_warns_about_the_difference(
    world: World,
) -> None:
    shift_opening_in_fortnox(world, Decimal("1000.00"))

    run = sync_run(client=world.client, fortnox=world.fortnox)

    assert run.status == "done", run.error
    closing_2024 = balance(world.client, "UB", "1930", PREVIOUS)
    assert balance(world.client, "IB", "1930") == closing_2024 + 100_000
    assert balance(world.client, "UB", "1930") == closing_2024 + 100_000 + movement(
        world.client, "1930"
    )
    warning = next(w for w in run.warnings if w.startswith("Ingående balanser 2025"))
    assert "på 1 konton: 1930" in warning
    assert warning.endswith("Fortnox värden används.")
