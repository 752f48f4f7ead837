"""Bank CSV exports: each big bank's layout gives the balance at the period end."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bokslut.underlag import UnderlagError, parse_bank_csv, parse_statement

from . import exports
from .exports import Tx

DECEMBER = [
    Tx(dt.date(2025, 12, 1), Decimal("-12500.00"), "Hyra december"),
    Tx(dt.date(2025, 12, 15), Decimal("48 750.00".replace(" ", "")), "Bg 5555-1234 Kund AB"),
    Tx(dt.date(2025, 12, 15), Decimal("-1234.56"), "Kortköp Clas Ohlson"),
    Tx(dt.date(2025, 12, 30), Decimal("-89.00"), "Bankavgift"),
    Tx(dt.date(2026, 1, 2), Decimal("-500.00"), "Swish Åsa"),
]
OPENING = Decimal("101234.50")
DEC_31 = OPENING + sum((t.amount for t in DECEMBER[:4]), Decimal(0))

BANKS: dict[str, Callable[[Decimal, list[Tx]], bytes]] = {
    "Swedbank": exports.swedbank,
    "SEB": exports.seb,
    "Handelsbanken": exports.handelsbanken,
    "Nordea": exports.nordea,
    "Danske Bank": exports.danske,
}


@pytest.mark.parametrize("bank", sorted(BANKS))
def test_each_banks_export_gives_the_balance_at_the_period_end(bank: str) -> None:
    statement = parse_bank_csv(BANKS[bank](OPENING, DECEMBER))

    balance = statement.balance_at(dt.date(2025, 12, 31))

    assert statement.source == bank
    assert balance.amount == DEC_31
    assert balance.as_of == dt.date(2025, 12, 30)
    assert len(statement.lines) == 5
    assert [x.date for x in statement.lines] == sorted(x.date for x in statement.lines)
    assert "Åsa" in statement.lines[-1].text


def test_swedbank_tab_separated_export_is_read_too() -> None:
    statement = parse_statement(exports.swedbank(OPENING, DECEMBER, separator="\t"))

    assert statement.source == "Swedbank"
    assert statement.balance_at(dt.date(2025, 12, 15)).amount == OPENING + Decimal("35015.44")


def test_a_date_before_the_export_starts_is_refused() -> None:
    statement = parse_bank_csv(exports.seb(OPENING, DECEMBER))

    with pytest.raises(UnderlagError, match="börjar 2025-12-01"):
        statement.balance_at(dt.date(2025, 11, 30))


def test_a_bad_amount_names_the_line_and_the_column() -> None:
    data = exports.handelsbanken(OPENING, DECEMBER).replace(b"-89,00", b"-89,x0")

    with pytest.raises(UnderlagError) as error:
        parse_bank_csv(data)

    assert error.value.line == 3
    assert error.value.field == "Belopp"
    assert "rad 3" in str(error.value)


def test_a_running_balance_that_does_not_follow_is_refused() -> None:
    data = exports.seb(OPENING, DECEMBER).replace(b"-1234.56", b"-1234.55")

    with pytest.raises(UnderlagError, match="följer inte"):
        parse_bank_csv(data)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "känns inte igen"),
        (b"Hej;hopp\n1;2\n", "känns inte igen"),
        (b"\x00\x01PK\x03\x04", "binär"),
        ("Bokföringsdag;Belopp;Saldo\n".encode(), "inga transaktioner"),
        ("Bokföringsdag;Belopp;Saldo\n31/12/25;1,00;2,00\n".encode(), "inte ett datum"),
        ("Bokföringsdag;Belopp;Saldo\n2025-12-31;1,001;2,00\n".encode(), "två decimaler"),
    ],
)
def test_unusable_files_are_refused_with_a_swedish_message(data: bytes, message: str) -> None:
    with pytest.raises(UnderlagError, match=message):
        parse_bank_csv(data)


_transactions = st.lists(
    st.builds(
        Tx,
        st.dates(dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
        st.decimals(min_value=-(10**7), max_value=10**7, places=2, allow_nan=False).map(
            lambda d: d + 0
        ),
        st.sampled_from(["Lön", "Hyra", "Bg 123-4567", "Swish", "Kortköp ICA"]),
    ),
    min_size=1,
    max_size=25,
).map(lambda txs: sorted(txs, key=lambda t: t.date))


@settings(max_examples=60)
@given(
    bank=st.sampled_from(sorted(BANKS)),
    txs=_transactions,
    opening=st.decimals(min_value=-(10**6), max_value=10**8, places=2, allow_nan=False),
    day=st.dates(dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
)
def test_balance_at_any_day_is_opening_plus_transactions_up_to_it(
    bank: str, txs: list[Tx], opening: Decimal, day: dt.date
) -> None:
    statement = parse_bank_csv(BANKS[bank](opening, txs))

    if day < txs[0].date:
        with pytest.raises(UnderlagError):
            statement.balance_at(day)
        return
    expected = opening + sum((t.amount for t in txs if t.date <= day), Decimal(0))
    assert statement.balance_at(day).amount == expected


@settings(max_examples=200)
@given(st.binary(max_size=400))
def test_any_bytes_either_parse_or_raise_an_underlag_error(data: bytes) -> None:
    try:
        parse_statement(data)
    except UnderlagError as error:
        message = str(error)
    else:
        message = "tolkad"
    assert message.strip()
