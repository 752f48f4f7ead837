"""Fortnox registers that agree with generated books: ledgers and the asset register.

Every invoice the generator booked becomes a Fortnox invoice pointing at its voucher, paid
ones with ``FinalPayDate`` and ``Balance`` 0, so Σ open invoices at any year end equals
UB 1510 (customers) and −UB 2440 (suppliers). The inventory on 1220 becomes assets whose
acquisition values sum to UB 1220 and whose depreciation sums to −UB 1229: each
depreciation voucher is shared out over the assets on the books that day.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from bokslut.money import from_ore, to_ore
from bokslut.sandbox.jsonio import JsonValue
from bokslut.sie.generator import (
    GeneratedCompany,
    GeneratedDepreciation,
    GeneratedInvoice,
    VoucherRef,
)

__all__ = ["ASSET_TYPE", "registers_from_history"]

_CITIES = ("Stockholm", "Göteborg", "Malmö", "Uppsala", "Umeå", "Linköping", "Örebro")

#: The one asset type the generated books use: Fortnox's standard *Inventarier*.
ASSET_TYPE: Mapping[str, JsonValue] = {
    "Id": 1,
    "Number": "INV",
    "Description": "Inventarier",
    "AccountAsset": 1220,
    "AccountValueLoss": 1229,
    "AccountDepreciation": 7832,
}

# Straight-line over five years: the generator's 20 % a year.
_LIFE_DAYS = 5 * 365


def registers_from_history(
    generated: GeneratedCompany, year_ids: Mapping[date, int], *, customers: int = 0
) -> dict[str, JsonValue]:
    """Customers, suppliers, invoices, supplier invoices and assets for ``generated``.

    ``year_ids`` maps each financial year's first day to its Fortnox ``Id`` (the
    ``VoucherYear`` of an invoice). ``customers`` pads the customer register with
    customers who bought nothing in the generated years (0: only those who did).
    """
    history = generated.history()
    starts = {fy.index: fy.start for fy in generated.header.years.values()}

    def year_id(ref: VoucherRef | None) -> int | None:
        return None if ref is None else year_ids[starts[ref.year]]

    extras: dict[str, JsonValue] = {
        "Customers": _parties(generated.customers, customers, supplier=False),
        "Suppliers": _parties(generated.suppliers, 0, supplier=True),
        "Invoices": [_invoice(i, year_id(i.voucher)) for i in history.sales],
        "SupplierInvoices": [_supplier_invoice(i, year_id(i.voucher)) for i in history.purchases],
        "Assets": _assets(history.opening_assets, history.first_day, history.asset_events),
    }
    return extras


def _parties(names: tuple[str, ...], at_least: int, *, supplier: bool) -> list[JsonValue]:
    key, prefix = ("SupplierNumber", "56") if supplier else ("CustomerNumber", "55")
    rows: list[JsonValue] = []
    for n in range(1, max(len(names), at_least) + 1):
        # Past customers with no invoices in the generated years fill the register up.
        name = names[n - 1] if n <= len(names) else f"Tidigare kund {n} AB"
        row: dict[str, JsonValue] = {
            key: str(n),
            "Name": name,
            "OrganisationNumber": f"{prefix}{n:04d}-{n:04d}",
            "Address1": f"{'Leverantörsgatan' if supplier else 'Kundvägen'} {n}",
            "Address2": "",
            "ZipCode": "123 45",
            "City": _CITIES[n % len(_CITIES)],
            "Email": f"{'lev' if supplier else 'kund'}{n}@example.se",
            "Phone": "",
            "Active": n <= len(names),
        }
        if supplier:
            row["BankAccountNumber"] = ""
        else:
            row["Currency"] = "SEK"
        rows.append(row)
    return rows


def _common(item: GeneratedInvoice, year_id: int | None) -> dict[str, JsonValue]:
    return {
        "InvoiceDate": item.invoice_date,
        "DueDate": item.due_date,
        "FinalPayDate": item.paid,
        "Balance": from_ore(0) if item.paid is not None else item.gross,
        "Total": item.gross,
        "Currency": "SEK",
        "Booked": True,
        "Cancelled": False,
        # Invoices from before the first generated year were booked in a year the
        # company does not hold: no voucher to point at.
        "VoucherSeries": item.voucher.series if item.voucher else "",
        "VoucherNumber": item.voucher.number if item.voucher else None,
        "VoucherYear": year_id,
    }


def _invoice(item: GeneratedInvoice, year_id: int | None) -> JsonValue:
    return {
        "DocumentNumber": str(item.number),
        "CustomerNumber": str(item.party_number),
        "CustomerName": item.party,
        **_common(item, year_id),
        "Sent": True,
        "OCR": f"{item.number:06d}",
        "ExternalInvoiceReference1": "",
    }


def _supplier_invoice(item: GeneratedInvoice, year_id: int | None) -> JsonValue:
    return {
        "GivenNumber": str(item.number),
        "SupplierNumber": str(item.party_number),
        "SupplierName": item.party,
        "InvoiceNumber": f"F{10_000 + item.number}",
        **_common(item, year_id),
        "VAT": item.vat,
        "OCR": "",
    }


@dataclass
class _Asset:
    description: str
    acquired: date
    cost: int  # öre
    depreciated: int  # öre
    last_depreciation: date | None = None

    @property
    def remaining(self) -> int:
        return self.cost - self.depreciated


def _assets(
    opening: tuple[Decimal, Decimal],
    first_day: date,
    events: tuple[GeneratedInvoice | GeneratedDepreciation, ...],
) -> list[JsonValue]:
    cost, depreciated = to_ore(opening[0]), to_ore(opening[1])
    assets: list[_Asset] = []
    if cost:
        # The opening inventory was depreciated 20 % a year before the books begin.
        age = timedelta(days=_LIFE_DAYS * depreciated // cost)
        assets.append(_Asset("Inventarier (ingående)", first_day - age, cost, depreciated))
    for event in events:
        if isinstance(event, GeneratedDepreciation):
            _share_out(assets, to_ore(event.amount), event.day)
        else:
            assets.append(
                _Asset(
                    f"{event.party}, faktura {event.number}",
                    event.invoice_date,
                    to_ore(event.gross - event.vat),
                    0,
                )
            )
    return [
        {
            "Id": n,
            "Number": f"INV{n:03d}",
            "Description": asset.description,
            "AcquisitionDate": asset.acquired,
            "AcquisitionValue": from_ore(asset.cost),
            "DepreciateToResidualValue": from_ore(0),
            "DepreciationFinal": asset.acquired + timedelta(days=_LIFE_DAYS),
            "DepreciatedTo": asset.last_depreciation,
            "BookValue": from_ore(asset.remaining),
            "Type": str(ASSET_TYPE["Description"]),
            "TypeId": 1,
            "CostCenter": "",
            "Project": "",
        }
        for n, asset in enumerate(assets, start=1)
    ]


def _share_out(assets: list[_Asset], amount: int, day: date) -> None:
    """Split one depreciation over the assets still carrying value, in proportion to cost.

    The books depreciate the whole of 1220 at once (never more than is left on it), so the
    shares, each capped at what its asset has left, always add up to the voucher exactly.
    """
    # Events come in booking order: what is in ``assets`` is what was on 1220 that day.
    live = [a for a in assets if a.remaining > 0]
    total = sum(a.cost for a in live)
    if not live or total == 0:
        raise ValueError(f"depreciation of {amount} öre on {day} with nothing on the books")
    left = amount
    for asset in live:
        share = min(asset.remaining, amount * asset.cost // total)
        asset.depreciated += share
        left -= share
    for asset in live:  # the öre rounding left over, oldest asset first
        extra = min(left, asset.remaining)
        asset.depreciated += extra
        left -= extra
    if left:
        raise ValueError(f"depreciation of {amount} öre on {day} exceeds the assets' value")
    for asset in live:
        asset.last_depreciation = day
