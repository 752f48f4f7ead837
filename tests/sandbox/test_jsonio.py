"""Exact JSON: amounts survive serialisation digit for digit, floats are refused."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bokslut.sandbox.cli import main
from bokslut.sandbox.jsonio import dumps, loads

amounts = st.decimals(
    min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=2, allow_nan=False
)


@given(amounts)
def test_decimal_round_trips_exactly(amount: Decimal) -> None:
    back = loads(dumps({"Debit": amount}))["Debit"]
    assert back == amount
    assert isinstance(back, Decimal | int)


@given(st.text())
def test_text_round_trips(text: str) -> None:
    assert loads(dumps([text])) == [text]


def test_amounts_are_plain_numbers() -> None:
    assert dumps([Decimal("1E+2"), Decimal("-0.00"), Decimal("370.78")]) == "[100,0.00,370.78]"


def test_floats_are_refused() -> None:
    with pytest.raises(TypeError):
        dumps({"Debit": 0.1})


def test_cli_refuses_a_missing_seed(tmp_path: Path) -> None:
    assert main(["--seed", str(tmp_path / "missing.se"), "--port", "0"]) == 2
