"""Saldobalans, voucher list and huvudbok read what the import stored."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from bokslut.firms.models import Client
from bokslut.ledger.importer import import_sie_document
from bokslut.ledger.selectors import account_ledger, trial_balance, voucher_list, year_get

from .conftest import sample_document

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def client() -> Client:
    summary = import_sie_document(sample_document(), name="test.se")
    return Client.objects.get(pk=summary.client_id)


def test_trial_balance_has_ib_movement_and_ub_per_account(client: Client) -> None:
    rows = {r.account: r for r in trial_balance(client=client, year=2024)}

    bank = rows["1930"]
    # 2000.50 - 1500 - 500 + 450 - 450 (+5 -5 +6 -6); the struck -50 row does not count.
    assert (bank.opening, bank.movement, bank.closing) == (
        Decimal("1000.00"),
        Decimal("0.50"),
        Decimal("1000.50"),
    )
    assert bank.stated_closing == Decimal("1000.50")
    assert bank.agrees
    assert rows["3010"].stated_closing == Decimal("-2000.50")  # RES for income accounts
    assert list(rows) == ["1930", "2440", "3010", "5010"]
    assert sum((r.movement for r in rows.values()), Decimal(0)) == 0


def test_year_is_found_by_calendar_year_or_first_day(client: Client) -> None:
    assert year_get(client=client, year=2023).start == dt.date(2023, 1, 1)
    assert year_get(client=client, year=dt.date(2024, 1, 1)).end == dt.date(2024, 12, 31)


def test_voucher_list_is_in_series_and_number_order(client: Client) -> None:
    listed = [(v.series, v.number) for v in voucher_list(client=client, year=2024)]

    assert listed[:3] == [("A", "1"), ("A", "2"), ("B", "1")]
    assert [v.number for v in voucher_list(client=client, year=2024, series="A")] == ["1", "2"]


def test_account_ledger_runs_from_the_opening_balance(client: Client) -> None:
    ledger = account_ledger(client=client, year=2024, account="2440")

    assert [(r.series, r.number, r.amount, r.balance) for r in ledger] == [
        ("B", "1", Decimal("500.00"), Decimal("-500.00")),
    ]
    bank = account_ledger(client=client, year=2024, account="1930")
    assert bank[-1].balance == Decimal("1000.50")
    assert len(bank) == 9  # every counting 1930 row; the struck one is left out
