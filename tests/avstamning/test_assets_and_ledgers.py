"""Automatic underlag from synced registers: the asset register per account, and the
customer and supplier ledgers at every year end of the sandbox's demo company."""

from __future__ import annotations

import datetime as dt

import pytest

from bokslut.avstamning.assetaccounts import (
    AssetAccounts,
    RegisterAsset,
    accounts_for_group,
    accounts_for_type,
    register_by_account,
)
from bokslut.avstamning.checks import checks_run
from bokslut.avstamning.selectors import asset_groups, cell_get
from bokslut.ledger.models import FinancialYear
from bokslut.registers.models import Asset

from .conftest import Synced

# -- the pure mapping ---------------------------------------------------------------------


def test_an_asset_type_gives_its_acquisition_and_accumulated_depreciation_accounts() -> None:
    # GET /3/assets/types: AccountDepreciation is the cost account, AccountValueLoss the
    # accumulated depreciation; a client library swapping them must not fool us.
    fortnox = {"AccountAsset": 1150, "AccountDepreciation": 7824, "AccountValueLoss": 1159}
    swapped = {"AccountAsset": "1220", "AccountDepreciation": "1229", "AccountValueLoss": "7832"}

    assert accounts_for_type(fortnox) == AssetAccounts("1150", "1159")
    assert accounts_for_type(swapped) == AssetAccounts("1220", "1229")
    assert accounts_for_type({"AccountAsset": 1220, "AccountDepreciation": 7832}) is None
    assert accounts_for_type({"AccountValueLoss": 1229}) is None


@pytest.mark.parametrize(
    ("group", "accounts"),
    [
        ("Inventarier", ("1220", "1229")),
        ("Inventarier och verktyg", ("1220", "1229")),
        ("Bilar", ("1240", "1249")),
        ("Personbilar", ("1240", "1249")),
        ("Byggnader", ("1110", "1119")),
        ("Förbättringsutgifter på annans fastighet", ("1120", "1129")),
        ("Datorer", ("1250", "1259")),
        ("Maskiner", ("1210", "1219")),
        ("Goodwill", ("1070", "1079")),
    ],
)
def test_a_group_without_a_synced_type_gets_the_bas_accounts_by_its_name(
    group: str, accounts: tuple[str, str]
) -> None:
    assert accounts_for_group(group) == AssetAccounts(*accounts)


def test_a_group_of_unknown_name_has_no_accounts_and_mobile_phones_are_no_cars() -> None:
    assert accounts_for_group("Konst") is None
    assert accounts_for_group("Mobiltelefoner") is None


def test_a_synced_asset_type_wins_over_the_default() -> None:
    types = {"Inventarier": AssetAccounts("1221", "1228")}
    assert accounts_for_group("Inventarier", types) == AssetAccounts("1221", "1228")


def test_register_per_account_counts_what_was_bought_by_the_date() -> None:
    assets = [
        RegisterAsset("Inventarier", dt.date(2023, 5, 1), 100_000_00, 40_000_00),
        RegisterAsset("Inventarier", dt.date(2025, 2, 1), 30_000_00, 5_000_00),
        RegisterAsset("Bilar", None, 250_000_00, 50_000_00),
        RegisterAsset("Konst", dt.date(2020, 1, 1), 9_000_00, 0),
    ]

    early, unmapped = register_by_account(
        assets, at=dt.date(2024, 12, 31), depreciation_known=False
    )
    late, _ = register_by_account(assets, at=dt.date(2025, 12, 31), depreciation_known=True)

    assert unmapped == {"Konst"}
    assert {a: r.amount_ore for a, r in early.items()} == {"1220": 100_000_00, "1240": 250_000_00}
    assert {a: (r.amount_ore, r.assets) for a, r in late.items()} == {
        "1220": (130_000_00, 2),
        "1229": (-45_000_00, 2),
        "1240": (250_000_00, 1),
        "1249": (-50_000_00, 1),
    }


# -- the synced demo company ------------------------------------------------------------


def test_the_asset_register_reconciles_1220_and_1229_automatically(synced: Synced) -> None:
    client, year = synced.world.client, synced.year
    assert Asset.objects.filter(client=client).count() >= 1

    for account in ("1220", "1229"):
        cell = cell_get(client=client, year=year, account=account, period_end=year.end)
        assert cell.auto is not None, account
        assert cell.auto.source == "Anläggningsregister"
        assert cell.auto.items == Asset.objects.filter(client=client).count()
        assert cell.balance_ore != 0
        assert cell.difference_ore == 0, account
    groups = asset_groups(client)
    assert [(g.group, g.accounts) for g in groups] == [
        ("Inventarier", AssetAccounts("1220", "1229"))
    ]
    assert groups[0].book_value_ore == sum(
        cell_get(client=client, year=year, account=a, period_end=year.end).balance_ore
        for a in ("1220", "1229")
    )


def test_a_changed_asset_shows_as_a_difference(synced: Synced) -> None:
    client, year = synced.world.client, synced.year
    Asset.objects.filter(client=client).update(depreciated_ore=0)

    cell = cell_get(client=client, year=year, account="1229", period_end=year.end)

    assert cell.auto is not None
    assert cell.auto.amount_ore == 0
    assert cell.difference_ore == cell.balance_ore != 0


def test_before_the_latest_year_end_only_acquisition_values_come_from_the_register(
    synced: Synced,
) -> None:
    client = synced.world.client
    earlier = FinancialYear.objects.filter(client=client).order_by("start").first()
    assert earlier is not None
    assert earlier.end < synced.year.end

    assert cell_get(client=client, year=earlier, account="1229", period_end=earlier.end).auto is (
        None
    )
    acquisition = cell_get(client=client, year=earlier, account="1220", period_end=earlier.end)
    assert acquisition.auto is not None
    assert acquisition.difference_ore == 0
    assert (
        cell_get(client=client, year=synced.year, account="1930", period_end=synced.year.end).auto
        is None
    )


def test_customer_and_supplier_ledgers_match_at_every_year_end(synced: Synced) -> None:
    client = synced.world.client
    years = list(FinancialYear.objects.filter(client=client).order_by("start"))
    assert len(years) == 3
    matched = 0
    for year in years:
        for account in ("1510", "2440"):
            cell = cell_get(client=client, year=year, account=account, period_end=year.end)
            assert cell.auto is not None, (year.start, account)
            assert cell.difference_ore == 0, (year.start, account, cell.balance_ore)
            matched += cell.balance_ore != 0
        run = checks_run(client=client, year=year, fortnox_budget=0)
        statuses = {r.code: r.status for r in run.results.all()}
        assert statuses["customer_ledger"] == "ok", year.start
        assert statuses["supplier_ledger"] == "ok", year.start
    assert matched >= 3  # not just empty ledgers against empty accounts
