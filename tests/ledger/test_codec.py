"""Canonical forms: object lists round-trip, the voucher hash sees meaning and nothing else."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Literal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bokslut.ledger.codec import (
    encode_voucher,
    objects_from_text,
    objects_to_text,
    quantity_text,
    voucher_hash,
)
from bokslut.money import MoneyError, to_ore
from bokslut.sie.model import RowKind

from .conftest import row, voucher

#: Any text but lone surrogates (which no SIE file or JSON answer can carry).
_SURROGATES: tuple[Literal["Cs"]] = ("Cs",)
codes = st.text(alphabet=st.characters(blacklist_categories=_SURROGATES), max_size=12)
object_lists = st.lists(st.tuples(st.integers(min_value=1, max_value=99), codes), max_size=4)
amounts = st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False)


@given(object_lists)
def test_object_list_text_round_trips(objects: list[tuple[int, str]]) -> None:
    assert objects_from_text(objects_to_text(objects)) == tuple(objects)


@given(amounts)
def test_hash_ignores_how_an_amount_is_written(amount: Decimal) -> None:
    a = voucher("A", "1", dt.date(2024, 1, 1), row("1930", str(amount)), row("3010", str(-amount)))
    padded = str(amount.quantize(Decimal("0.0001")))
    b = voucher("A", "1", dt.date(2024, 1, 1), row("1930", padded), row("3010", str(-amount)))

    assert voucher_hash(a) == voucher_hash(b)


@given(amounts, st.integers(min_value=1, max_value=10**6))
def test_hash_changes_when_an_amount_changes_by_one_ore(amount: Decimal, ore: int) -> None:
    a = voucher("A", "1", dt.date(2024, 1, 1), row("1930", str(amount)))
    b = voucher("A", "1", dt.date(2024, 1, 1), row("1930", str(amount + Decimal(ore) / 100)))

    assert voucher_hash(a) != voucher_hash(b)


def test_hash_sees_row_kind_order_text_and_objects_but_not_line_numbers() -> None:
    base = voucher("A", "1", dt.date(2024, 1, 1), row("1930", "10"), row("3010", "-10"), text="x")
    variants = [
        dataclasses.replace(base, rows=(base.rows[1], base.rows[0])),
        dataclasses.replace(
            base, rows=(dataclasses.replace(base.rows[0], kind=RowKind.ADDED), base.rows[1])
        ),
        dataclasses.replace(
            base, rows=(dataclasses.replace(base.rows[0], objects=((1, "1"),)), base.rows[1])
        ),
        dataclasses.replace(base, text="y"),
        dataclasses.replace(base, number="2"),
        dataclasses.replace(base, registered=dt.date(2024, 1, 2)),
    ]
    hashes = {voucher_hash(v) for v in variants}

    assert len(hashes) == len(variants)
    assert voucher_hash(base) not in hashes
    assert voucher_hash(dataclasses.replace(base, line=99)) == voucher_hash(base)
    assert voucher_hash(dataclasses.replace(base, signature="")) == voucher_hash(base)


def test_quantity_text_is_canonical() -> None:
    assert quantity_text(Decimal("1.500000")) == quantity_text(Decimal("1.5")) == "1.5"
    assert quantity_text(Decimal("-0.00")) == "0"
    assert quantity_text(Decimal("1E+3")) == "1000"
    assert quantity_text(None) == ""


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=4, allow_nan=False))
def test_encoded_amount_is_exactly_to_ore_or_refused_like_it(amount: Decimal) -> None:
    v = voucher("A", "1", dt.date(2024, 1, 1), row("1930", str(amount)))
    try:
        expected = to_ore(amount)
    except MoneyError:
        with pytest.raises(MoneyError):
            encode_voucher(v)
    else:
        assert encode_voucher(v)[8][0][2] == expected
