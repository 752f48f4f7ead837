"""camt.053 bank statements and Skatteverket's tax-account list."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bokslut.underlag import UnderlagError, parse_camt053, parse_skattekonto, parse_statement

from . import exports
from .exports import Tx

DEC_1 = dt.date(2025, 12, 1)
DEC_31 = dt.date(2025, 12, 31)
TXS = [
    Tx(dt.date(2025, 12, 5), Decimal("-12500.00"), "Hyra"),
    Tx(dt.date(2025, 12, 27), Decimal("20000.00"), "Inbetalning faktura 1042"),
]


def _camt(**overrides: object) -> bytes:
    options: dict[str, object] = {
        "opening": Decimal("50000.00"),
        "closing": Decimal("57500.00"),
        "opening_date": DEC_1,
        "closing_date": DEC_31,
        "txs": TXS,
    }
    options.update(overrides)
    return exports.camt053(**options)  # type: ignore[arg-type]


@pytest.mark.parametrize("version", ["001.02", "001.04", "001.08"])
def test_camt053_closing_balance_is_the_balance_at_the_period_end(version: str) -> None:
    statement = parse_camt053(_camt(version=version))

    balance = statement.balance_at(DEC_31)

    assert balance.amount == Decimal("57500.00")
    assert balance.how == "utgående saldo enligt underlaget"
    assert statement.account == "SE4550000000058398257466"
    assert [x.amount for x in statement.lines] == [Decimal("-12500.00"), Decimal("20000.00")]


def test_camt053_closing_after_the_day_steps_back_over_later_entries() -> None:
    statement = parse_statement(_camt())

    assert statement.balance_at(dt.date(2025, 12, 20)).amount == Decimal("37500.00")


def test_camt053_debit_closing_balance_is_negative() -> None:
    statement = parse_camt053(_camt(opening=Decimal("-100.00"), closing=Decimal("-250.00"), txs=[]))

    assert statement.balance_at(DEC_31).amount == Decimal("-250.00")


def test_camt053_with_a_doctype_entity_is_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]>'
        b"<Document><BkToCstmrStmt>&lol;</BkToCstmrStmt></Document>"
    )

    with pytest.raises(UnderlagError, match="otillåtna"):
        parse_camt053(bomb)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<Document><Foo/></Document>", "inte ett kontoutdrag"),
        (b"<Document><BkToCstmrStmt></BkToCstmrStmt></Document>", "inget Stmt"),
        (b"<Document><BkToCstmrStmt><Stmt", "inte giltig XML"),
    ],
)
def test_camt053_that_is_not_a_statement_is_refused(data: bytes, message: str) -> None:
    with pytest.raises(UnderlagError, match=message):
        parse_camt053(data)


def test_camt053_in_a_foreign_currency_is_refused() -> None:
    with pytest.raises(UnderlagError, match="EUR"):
        parse_camt053(_camt(currency="EUR"))


def test_camt053_amount_with_fractions_of_ore_names_the_field() -> None:
    data = _camt().replace(b">12500.00<", b">12500.005<")

    with pytest.raises(UnderlagError) as error:
        parse_camt053(data)

    assert error.value.field == "Amt"


@settings(max_examples=50)
@given(
    amounts=st.lists(
        st.decimals(min_value=-(10**6), max_value=10**6, places=2, allow_nan=False), max_size=20
    ),
    opening=st.decimals(min_value=-(10**6), max_value=10**8, places=2, allow_nan=False),
)
def test_camt053_closing_equals_opening_plus_entries_whichever_day_is_asked(
    amounts: list[Decimal], opening: Decimal
) -> None:
    txs = [Tx(DEC_1 + dt.timedelta(days=i), a, "x") for i, a in enumerate(amounts)]
    closing = opening + sum(amounts, Decimal(0))
    statement = parse_camt053(_camt(opening=opening, closing=closing, txs=txs))

    for tx in txs:
        expected = opening + sum((t.amount for t in txs if t.date <= tx.date), Decimal(0))
        assert statement.balance_at(tx.date).amount == expected


def test_skattekonto_gives_the_1630_balance() -> None:
    txs = [
        Tx(dt.date(2025, 2, 12), Decimal("-18406"), "Debiterad preliminärskatt"),
        Tx(dt.date(2025, 2, 12), Decimal("18406"), "Inbetalning bokförd 250210"),
        Tx(dt.date(2025, 12, 12), Decimal("-31250"), "Moms nov 2025"),
        Tx(dt.date(2025, 12, 10), Decimal("31000"), "Inbetalning bokförd 251208"),
    ]
    txs.sort(key=lambda t: t.date)
    statement = parse_skattekonto(exports.skattekonto(Decimal("1200"), txs))

    assert statement.balance_at(DEC_31).amount == Decimal("950")
    assert statement.balance_at(dt.date(2025, 12, 11)).amount == Decimal("32200")
    assert len(statement.lines) == 4


def test_skattekonto_without_closing_line_uses_the_saldo_column() -> None:
    txs = [Tx(dt.date(2025, 3, 12), Decimal("-500"), "Ränta")]
    statement = parse_statement(exports.skattekonto(Decimal("0"), txs, with_closing=False))

    assert statement.source == "Skatteverket skattekonto"
    assert statement.balance_at(DEC_31).amount == Decimal("-500")


def test_skattekonto_without_any_balance_is_refused() -> None:
    data = "Datum;Transaktion;Belopp\n2025-03-12;Ränta;-500\n".encode()

    with pytest.raises(UnderlagError, match="inget saldo"):
        parse_skattekonto(data)


def test_skattekonto_bad_amount_names_the_line() -> None:
    data = exports.skattekonto(Decimal("0"), TXS).replace(b"-12 500,00", b"-12 5OO,00")

    with pytest.raises(UnderlagError) as error:
        parse_skattekonto(data)

    assert error.value.line == 3
