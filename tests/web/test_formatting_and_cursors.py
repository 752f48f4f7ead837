"""The sek filters and the keyset cursors: exact, and strict about what they accept."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from bokslut.web.paging import LedgerCursor, VoucherCursor
from bokslut.web.templatetags.sek import credit_ore_sek, ore_sek, sek, sek_class

ore_amounts = st.integers(min_value=-(10**15), max_value=10**15)


def parse_swedish(text: str) -> Decimal:
    return Decimal(text.replace("\u00a0", "").replace(",", "."))


@given(ore_amounts)
def test_sek_of_an_amount_reads_back_exactly(ore: int) -> None:
    amount = Decimal(ore) / 100
    assert parse_swedish(sek(amount)) == amount
    assert parse_swedish(ore_sek(ore)) == amount
    assert parse_swedish(credit_ore_sek(ore)) == -amount


def test_sek_uses_non_breaking_thousands_and_decimal_comma() -> None:
    assert sek(Decimal("-1234567.8")) == "-1\u00a0234\u00a0567,80"
    assert sek(None) == ""
    assert sek_class(Decimal("-0.01")) == "amount negative"
    assert sek_class(Decimal("0.00")) == "amount"


@given(st.dates(), st.integers(min_value=1, max_value=2**62))
def test_ledger_cursor_round_trips(day: dt.date, row_id: int) -> None:
    cursor = LedgerCursor(day, row_id)
    assert LedgerCursor.decode(cursor.encode()) == cursor


@given(
    st.dates(min_value=dt.date(1000, 1, 1)),
    st.text(max_size=20),
    st.integers(min_value=-1, max_value=2**62),
    st.integers(min_value=1, max_value=2**62),
)
def test_voucher_cursor_round_trips_any_series(
    day: dt.date, series: str, number: int, voucher_id: int
) -> None:
    cursor = VoucherCursor(day, series, number, voucher_id)
    assert VoucherCursor.decode(cursor.encode()) == cursor


@given(st.text(max_size=40))
def test_malformed_cursors_mean_from_the_start(text: str) -> None:
    # Never an exception: a cursor comes from a URL anyone can edit.
    decoded = LedgerCursor.decode(text)
    assert decoded is None or LedgerCursor.decode(decoded.encode()) == decoded
    voucher = VoucherCursor.decode(text)
    assert voucher is None or VoucherCursor.decode(voucher.encode()) == voucher
    assert LedgerCursor.decode("20241301.5") is None
    assert VoucherCursor.decode(None) is None
