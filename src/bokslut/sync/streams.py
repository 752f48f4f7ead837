"""Every sync area declared once: its key, what tells that something is new, how it is
fetched and which writer stores it (the Singer/dlt stream-per-resource idea).

Adding a register area is adding one :class:`RegisterStream` here. The bookkeeping areas
share one pipeline per financial year (SIE bulk, JSON fallback or JSON delta, see
:mod:`bokslut.sync.planner`); they are declared too, so the catalogue is complete.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from bokslut import fortnox as fx
from bokslut.registers import mapping
from bokslut.registers import models as reg

__all__ = [
    "ALL_AREAS",
    "LEDGER_AREAS",
    "REGISTER_STREAMS",
    "LedgerStream",
    "RegisterStream",
    "normalise_areas",
]


@dataclass(frozen=True, slots=True)
class LedgerStream:
    """A bookkeeping area, brought in by the per-year pipeline."""

    area: str
    key: str
    new_rule: str
    fetch: str


@dataclass(frozen=True, slots=True)
class RegisterStream:
    """A JSON register: a complete paged list, upserted by key, missing rows removed."""

    area: str
    endpoint: str
    model: type[reg.SyncedRow]
    #: Our identity column, and how to read it from Fortnox's item.
    key: str
    identity: Callable[[Any], Any]
    fetch: Callable[[fx.FortnoxClient], Iterable[Any]]
    values: Callable[[Any], dict[str, Any]]
    new_rule: str = (
        "hämtas när nya verifikationer bokförts (varje reskontrahändelse ger en "
        "verifikation), vid full jämförelse och annars högst en gång per dygn"
    )


LEDGER_AREAS: tuple[LedgerStream, ...] = (
    LedgerStream("company_info", "DatabaseNumber", "första synken och full jämförelse",
                 "GET /3/companyinformation"),
    LedgerStream("financial_years", "FromDate", "varje synk", "GET /3/financialyears"),
    LedgerStream("voucher_series", "(år, serie)", "NextVoucherNumber per serie",
                 "GET /3/voucherseries?financialyear="),
    LedgerStream("vouchers", "(år, serie, nummer)", "NextVoucherNumber per serie",
                 "GET /3/sie/4, annars GET /3/vouchers/{serie}/{nr}"),
    LedgerStream("chart_of_accounts", "(år, kontonummer)", "lastmodified på kontolistan",
                 "GET /3/sie/4 + GET /3/accounts"),
    LedgerStream("balances", "(år, IB/UB/RES, konto)", "följer verifikationerna",
                 "GET /3/sie/4"),
    LedgerStream("period_balances", "(år, period, konto, objekt)", "följer verifikationerna",
                 "GET /3/sie/4"),
    LedgerStream("cost_centres", "kod", "följer SIE-exporten", "GET /3/sie/4 (#OBJEKT 1)"),
    LedgerStream("projects", "kod", "följer SIE-exporten", "GET /3/sie/4 (#OBJEKT 6)"),
    LedgerStream("locked_period", "klient", "varje synk", "GET /3/settings/lockedperiod"),
)  # fmt: skip

REGISTER_STREAMS: tuple[RegisterStream, ...] = (
    RegisterStream(
        "customers", "GET /3/customers", reg.Customer, "number",
        lambda c: c.customer_number, lambda f: f.customers(), mapping.customer_values,
    ),
    RegisterStream(
        "suppliers", "GET /3/suppliers", reg.Supplier, "number",
        lambda s: s.supplier_number, lambda f: f.suppliers(), mapping.supplier_values,
    ),
    RegisterStream(
        "customer_invoices", "GET /3/invoices", reg.CustomerInvoice, "number",
        lambda i: i.document_number, lambda f: f.invoices(), mapping.customer_invoice_values,
    ),
    RegisterStream(
        "supplier_invoices", "GET /3/supplierinvoices", reg.SupplierInvoice, "number",
        lambda i: i.given_number, lambda f: f.supplier_invoices(),
        mapping.supplier_invoice_values,
    ),
    RegisterStream(
        "fixed_assets", "GET /3/assets", reg.Asset, "fortnox_id",
        lambda a: a.id, lambda f: f.assets(), mapping.asset_values,
    ),
)  # fmt: skip

ALL_AREAS: tuple[str, ...] = (
    *(s.area for s in LEDGER_AREAS),
    *(s.area for s in REGISTER_STREAMS),
)


def normalise_areas(areas: Iterable[object] | None) -> list[str]:
    """Area names from strings or enum members (``Area.VOUCHERS``); ``None`` = all areas.

    Unknown names raise ``ValueError`` so a typo never silently syncs nothing.
    """
    if areas is None:
        return list(ALL_AREAS)
    names = [str(getattr(area, "value", area)) for area in areas]
    unknown = sorted(set(names) - set(ALL_AREAS))
    if unknown:
        raise ValueError(f"okända synkområden: {', '.join(unknown)}")
    return [a for a in ALL_AREAS if a in names]
