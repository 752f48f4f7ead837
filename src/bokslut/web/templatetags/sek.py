"""Template filters for money: ``{{ amount|sek }}`` renders ``-1 234,56`` the Swedish way."""

from __future__ import annotations

from decimal import Decimal

from django import template

from bokslut.money import format_sek, from_ore

register = template.Library()


@register.filter(name="sek")
def sek(amount: Decimal | int | None) -> str:
    """``amount`` in Swedish format (non-breaking thousands space, decimal comma); "" for None."""
    if amount is None or amount == "":
        return ""
    return format_sek(Decimal(amount))


@register.filter(name="sek_class")
def sek_class(amount: Decimal | int | None) -> str:
    """A CSS class for the amount's sign, so negative amounts can be told apart at a glance."""
    if amount is None or amount == "":
        return "amount"
    return "amount negative" if Decimal(amount) < 0 else "amount"


@register.filter(name="ore_sek")
def ore_sek(ore: int | None) -> str:
    """An amount stored in öre (the ledger's integers), formatted as kronor."""
    if ore is None:
        return ""
    return format_sek(from_ore(ore))


@register.filter(name="credit_ore_sek")
def credit_ore_sek(ore: int | None) -> str:
    """A credit amount in öre (stored negative) shown as a positive amount in a Kredit column."""
    if ore is None:
        return ""
    return format_sek(from_ore(-ore))
