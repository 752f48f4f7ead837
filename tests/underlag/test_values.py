"""Swedish amounts and dates as bank exports write them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bokslut.money import format_sek
from bokslut.underlag import UnderlagError, parse_date, parse_swedish_amount


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1 234,56", "1234.56"),
        ("-1234.56", "-1234.56"),
        ("1.234,56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("−12,5", "-12.5"),
        ("125,00-", "-125.00"),
        ("+48750", "48750"),
        ("1.234.567", "1234567"),
        ("-0,00", "0.00"),
        ("12\u00a0345,00", "12345.00"),
    ],
)
def test_amounts_in_every_swedish_style(text: str, value: str) -> None:
    assert parse_swedish_amount(text) == Decimal(value)


@pytest.mark.parametrize("text", ["", "12,345,6", "ett", "1,234", "1e5", "NaN", "12,3,4"])
def test_non_amounts_and_fractions_of_ore_are_refused(text: str) -> None:
    with pytest.raises(UnderlagError):
        parse_swedish_amount(text)


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False))
def test_swedish_formatted_amounts_parse_back_exactly(value: Decimal) -> None:
    text = format_sek(value)

    assert parse_swedish_amount(text) == value
    assert parse_swedish_amount(text.replace("\u00a0", ".")) == value
    assert parse_swedish_amount(f"{value:.2f}") == value


@pytest.mark.parametrize("text", ["2025-12-31", "2025/12/31", "20251231", "31.12.2025"])
def test_dates_in_the_banks_styles(text: str) -> None:
    assert parse_date(text) == dt.date(2025, 12, 31)


def test_a_bad_date_names_its_field() -> None:
    with pytest.raises(UnderlagError, match="fält ”Datum”"):
        parse_date("2025-13-01", line=4, field="Datum")
