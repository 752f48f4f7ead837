"""Typed models of Fortnox's registers and ledgers: objects, parties, invoices, assets.

Like the bookkeeping models, each keeps its source object in ``raw``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from bokslut.fortnox import _coerce as c
from bokslut.fortnox._coerce import JsonObject

__all__ = [
    "Asset",
    "CostCenter",
    "Customer",
    "Invoice",
    "Project",
    "Supplier",
    "SupplierInvoice",
    "SupplierInvoiceRow",
]


@dataclass(frozen=True, slots=True)
class CostCenter:
    """A cost centre (kostnadsställe)."""

    code: str
    description: str
    active: bool
    note: str | None
    raw: JsonObject = field(repr=False, compare=False, default_factory=dict)

    @classmethod
    def from_json(cls, data: JsonObject) -> CostCenter:
        """Read one element of ``CostCenters``."""
        active = c.flag(data.get("Active"))
        return cls(
            code=c.text_or_empty(data.get("Code")),
            description=c.text_or_empty(data.get("Description")),
            active=True if active is None else active,
            note=c.text(data.get("Note")),
            raw=data,
        )


@dataclass(frozen=True, slots=True)
class Project:
    """A project."""

    project_number: str
    description: str
    status: str | None
    start_date: dt.date | None
    end_date: dt.date | None
    project_leader: str | None
    raw: JsonObject = field(repr=False, compare=False, default_factory=dict)

    @classmethod
    def from_json(cls, data: JsonObject) -> Project:
        """Read one element of ``Projects``."""
        return cls(
            project_number=c.text_or_empty(data.get("ProjectNumber")),
            description=c.text_or_empty(data.get("Description")),
            status=c.text(data.get("Status")),
            start_date=c.date(data.get("StartDate")),
            end_date=c.date(data.get("EndDate")),
            project_leader=c.text(data.get("ProjectLeader")),
            raw=data,
        )


@dataclass(frozen=True, slots=True)
class Customer:
    """A customer (kund)."""

    customer_number: str
    name: str
    organisation_number: str | None
    city: str | None
    email: str | None
    active: bool
    raw: JsonObject = field(repr=False, compare=False, default_factory=dict)

    @classmethod
    def from_json(cls, data: JsonObject) -> Customer:
        """Read one element of ``Customers``."""
        active = c.flag(data.get("Active"))
        return cls(
            customer_number=c.text_or_empty(data.get("CustomerNumber")),
            name=c.text_or_empty(data.get("Name")),
            organisation_number=c.text(data.get("OrganisationNumber")) or None,
            city=c.text(data.get("City")),
            email=c.text(data.get("Email")),
            active=True if active is None else active,
            raw=data,
        )


@dataclass(frozen=True, slots=True)
class Supplier:
    """A supplier (leverantör)."""

    supplier_number: str
    name: str
    organisation_number: str | None
    city: str | None
    email: str | None
    active: bool
    raw: JsonObject = field(repr=False, compare=False, default_factory=dict)

    @classmethod
    def from_json(cls, data: JsonObject) -> Supplier:
        """Read one element of ``Suppliers``."""
        active = c.flag(data.get("Active"))
        return cls(
            supplier_number=c.text_or_empty(data.get("SupplierNumber")),
            name=c.text_or_empty(data.get("Name")),
            organisation_number=c.text(data.get("OrganisationNumber")) or None,
            city=c.text(data.get("City")),
            email=c.text(data.get("Email")),
            active=True if active is None else active,
            raw=data,
        )


@dataclass(frozen=True, slots=True)
class Invoice:
    """A customer invoice (kundfaktura); ``balance`` is what remains unpaid."""

    document_number: str
    customer_number: str
    customer_name: str | None
    invoice_date: dt.date | None
    due_date: dt.date | None
    final_pay_date: dt.date | None
    currency: str | None
    total: Decimal
    balance: Decimal
    booked: bool
    cancelled: bool
    voucher_series: str | None
    voucher_number: int | None
    voucher_year: int | None
    raw: JsonObject = field(repr=False, compare=False, default_factory=dict)

    @classmethod
    def from_json(cls, data: JsonObject) -> Invoice:
        """Read one element of ``Invoices`` or the ``Invoice`` object."""
        return cls(
            document_number=c.text_or_empty(data.get("DocumentNumber")),
            customer_number=c.text_or_empty(data.get("CustomerNumber")),
            customer_name=c.text(data.get("CustomerName")),
            invoice_date=c.date(data.get("InvoiceDate")),
            due_date=c.date(data.get("DueDate")),
            final_pay_date=c.date(data.get("FinalPayDate")),
            currency=c.text(data.get("Currency")),
            total=c.amount_or_zero(data.get("Total")),
            balance=c.amount_or_zero(data.get("Balance")),
            booked=c.flag_or_false(data.get("Booked")),
            cancelled=c.flag_or_false(data.get("Cancelled")),
            voucher_series=c.text(data.get("VoucherSeries")) or None,
            voucher_number=c.integer(data.get("VoucherNumber")),
            voucher_year=c.integer(data.get("VoucherYear")),
            raw=data,
        )


@dataclass(frozen=True, slots=True)
class SupplierInvoiceRow:
    """A row of a supplier invoice (only on the single resource)."""

    account: int
    debit: Decimal
    credit: Decimal
    total: Decimal | None
    cost_center: str | None
    project: str | None
    transaction_information: str | None
    raw: JsonObject = field(repr=False, compare=False, default_factory=dict)

    @classmethod
    def from_json(cls, data: JsonObject) -> SupplierInvoiceRow:
        """Read one element of ``SupplierInvoiceRows``."""
        project = c.text(data.get("Project"))
        return cls(
            account=c.integer(data.get("Account")) or 0,
            debit=c.amount_or_zero(data.get("Debit")),
            credit=c.amount_or_zero(data.get("Credit")),
            total=c.amount(data.get("Total")),
            cost_center=c.text(data.get("CostCenter")) or None,
            project=None if project in {None, "", "0"} else project,
            transaction_information=c.text(data.get("TransactionInformation")),
            raw=data,
        )


@dataclass(frozen=True, slots=True)
class SupplierInvoice:
    """A supplier invoice (leverantörsfaktura). Fortnox sends its amounts as strings."""

    given_number: str
    supplier_number: str
    supplier_name: str | None
    invoice_number: str | None
    invoice_date: dt.date | None
    due_date: dt.date | None
    final_pay_date: dt.date | None
    currency: str | None
    total: Decimal
    balance: Decimal
    vat: Decimal | None
    booked: bool
    cancelled: bool
    rows: tuple[SupplierInvoiceRow, ...]
    raw: JsonObject = field(repr=False, compare=False, default_factory=dict)

    @classmethod
    def from_json(cls, data: JsonObject) -> SupplierInvoice:
        """Read one element of ``SupplierInvoices`` or the ``SupplierInvoice`` object."""
        rows = c.objects(data.get("SupplierInvoiceRows"))
        return cls(
            given_number=c.text_or_empty(data.get("GivenNumber")),
            supplier_number=c.text_or_empty(data.get("SupplierNumber")),
            supplier_name=c.text(data.get("SupplierName")),
            invoice_number=c.text(data.get("InvoiceNumber")),
            invoice_date=c.date(data.get("InvoiceDate")),
            due_date=c.date(data.get("DueDate")),
            final_pay_date=c.date(data.get("FinalPayDate")),
            currency=c.text(data.get("Currency")),
            total=c.amount_or_zero(data.get("Total")),
            balance=c.amount_or_zero(data.get("Balance")),
            vat=c.amount(data.get("VAT")),
            booked=c.flag_or_false(data.get("Booked")),
            cancelled=c.flag_or_false(data.get("Cancelled")),
            rows=tuple(SupplierInvoiceRow.from_json(row) for row in rows),
            raw=data,
        )


@dataclass(frozen=True, slots=True)
class Asset:
    """A fixed asset (inventarie) from the asset register."""

    id: int
    number: str
    description: str
    status: str | None
    type: str | None
    acquisition_date: dt.date | None
    acquisition_value: Decimal | None
    depreciated_to: dt.date | None
    depreciation_final: dt.date | None
    cost_center: str | None
    project: str | None
    raw: JsonObject = field(repr=False, compare=False, default_factory=dict)

    @classmethod
    def from_json(cls, data: JsonObject) -> Asset:
        """Read one element of ``Assets`` (the single resource is wrapped the same way)."""
        project = c.text(data.get("Project"))
        return cls(
            id=c.integer(data.get("Id")) or 0,
            number=c.text_or_empty(data.get("Number")),
            description=c.text_or_empty(data.get("Description")),
            status=c.text(data.get("Status")),
            type=c.text(data.get("Type")),
            acquisition_date=c.date(data.get("AcquisitionDate")),
            acquisition_value=c.amount(data.get("AcquisitionValue")),
            depreciated_to=c.date(data.get("DepreciatedTo")),
            depreciation_final=c.date(data.get("DepreciationFinal")),
            cost_center=c.text(data.get("CostCenter")) or None,
            project=None if project in {None, "", "0"} else project,
            raw=data,
        )
