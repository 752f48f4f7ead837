"""Exact money: parsing, öre conversion and Swedish formatting. Never float.

Amounts are :class:`decimal.Decimal` in kronor with at most two decimals for money;
the database stores integer öre where aggregation speed matters.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

__all__ = [
    "ORE",
    "ZERO",
    "MoneyError",
    "format_sek",
    "from_ore",
    "parse_amount",
    "to_ore",
]

ZERO = Decimal("0.00")
ORE = Decimal("0.01")


class MoneyError(ValueError):
    """A value that is not an exact amount of money."""


def parse_amount(text: str) -> Decimal:
    """Parse a SIE/JSON style amount (``-1234.5``) into an exact :class:`Decimal`.

    Negative zero is normalised to zero, since ``-0.00`` occurs in real files and must not
    survive as a distinct value.

    >>> parse_amount("-11441.2")
    Decimal('-11441.2')
    """
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise MoneyError(f"not an amount: {text!r}") from exc
    if not value.is_finite():
        raise MoneyError(f"not an amount: {text!r}")
    if value.is_zero():
        return abs(value)
    return value


def to_ore(amount: Decimal) -> int:
    """Whole öre in ``amount``; raises :class:`MoneyError` if it has fractions of an öre."""
    ore = amount * 100
    if ore != ore.to_integral_value():
        raise MoneyError(f"amount has fractions of an öre: {amount}")
    return int(ore)


def from_ore(ore: int) -> Decimal:
    """The amount in kronor, with exactly two decimals, for ``ore`` öre."""
    return (Decimal(ore) / 100).quantize(ORE)


def format_sek(amount: Decimal | int, *, decimals: int = 2) -> str:
    """Format an amount the Swedish way: ``-1 234 567,89`` (non-breaking space thousands).

    ``int`` values are taken as kronor, not öre.
    """
    value = Decimal(amount)
    quantum = Decimal(1).scaleb(-decimals)
    value = value.quantize(quantum, rounding=ROUND_HALF_EVEN)
    if value.is_zero():
        value = abs(value)
    sign = "-" if value < 0 else ""
    text = f"{abs(value):.{decimals}f}"
    whole, _, fraction = text.partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    result = "\u00a0".join(groups)
    if decimals:
        result += "," + fraction
    return sign + result
