"""Fortnox's typed register models → the field values of our register rows (öre, text)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bokslut import fortnox as fx
from bokslut.money import to_ore

__all__ = [
    "asset_values",
    "customer_invoice_values",
    "customer_values",
    "supplier_invoice_values",
    "supplier_values",
]


def _ore(amount: Decimal | None) -> int | None:
    return None if amount is None else to_ore(amount)


def _text(value: object) -> str:
    return "" if value is None else str(value)


def customer_values(item: fx.Customer) -> dict[str, Any]:
    """A customer's row values."""
    return {
        "name": item.name,
        "org_number": _text(item.organisation_number),
        "city": _text(item.city),
        "email": _text(item.email),
        "active": item.active,
    }


def supplier_values(item: fx.Supplier) -> dict[str, Any]:
    """A supplier's row values."""
    return {
        "name": item.name,
        "org_number": _text(item.organisation_number),
        "city": _text(item.city),
        "email": _text(item.email),
        "active": item.active,
    }


def _invoice_common(item: fx.Invoice | fx.SupplierInvoice) -> dict[str, Any]:
    return {
        "invoice_date": item.invoice_date,
        "due_date": item.due_date,
        "final_pay_date": item.final_pay_date,
        "currency": _text(item.currency),
        "total_ore": to_ore(item.total),
        "balance_ore": to_ore(item.balance),
        "booked": item.booked,
        "cancelled": item.cancelled,
    }


def customer_invoice_values(item: fx.Invoice) -> dict[str, Any]:
    """A customer invoice's row values."""
    return {
        **_invoice_common(item),
        "customer_number": item.customer_number,
        "customer_name": _text(item.customer_name),
        "voucher_series": _text(item.voucher_series),
        "voucher_number": item.voucher_number,
        "voucher_year": item.voucher_year,
    }


def supplier_invoice_values(item: fx.SupplierInvoice) -> dict[str, Any]:
    """A supplier invoice's row values (list form: Fortnox sends amounts as strings)."""
    raw = item.raw
    return {
        **_invoice_common(item),
        "supplier_number": item.supplier_number,
        "supplier_name": _text(item.supplier_name),
        "invoice_number": _text(item.invoice_number),
        "vat_ore": _ore(item.vat),
        "voucher_series": _text(raw.get("VoucherSeries")),
        "voucher_number": _int(raw.get("VoucherNumber")),
        "voucher_year": _int(raw.get("VoucherYear")),
    }


def asset_values(item: fx.Asset) -> dict[str, Any]:
    """An asset's row values; depreciation so far is acquisition value minus book value."""
    raw = item.raw
    book = _decimal(raw.get("BookValue"))
    acquisition = item.acquisition_value
    depreciated = acquisition - book if acquisition is not None and book is not None else None
    return {
        "number": item.number,
        "description": item.description,
        "type": _text(item.type),
        "acquisition_date": item.acquisition_date,
        "acquisition_value_ore": _ore(acquisition),
        "book_value_ore": _ore(book),
        "depreciated_ore": _ore(depreciated),
        "depreciation_final": item.depreciation_final,
        "cost_center": _text(item.cost_center),
        "project": _text(item.project),
    }


def _int(value: object) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip()
    return int(text) if text.isdigit() else None


def _decimal(value: object) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    return Decimal(str(value))
