"""Typed models of Fortnox's bookkeeping resources.

Each model keeps the JSON object it was read from in ``raw`` (hidden from ``repr``),
so unknown or newly added fields are never lost and every synced value can be traced
back to the response it came from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from bokslut.fortnox import _coerce as c
from bokslut.fortnox._coerce import JsonObject

__all__ = [
    "Account",
    "CompanyInformation",
    "FinancialYear",
    "LockedPeriod",
    "Voucher",
    "VoucherRow",
    "VoucherSeries",
    "VoucherSummary",
]


@dataclass(frozen=True, slots=True)
class CompanyInformation:
    """``GET /3/companyinformation``. ``database_number`` is the tenant id."""

    company_name: str
    organization_number: str | None
    database_number: int | None
    address: str | None
    zip_code: str | None
    city: str | None
    country_code: str | None
    visit_address: str | None
    visit_zip_code: str | None
    visit_city: str | None
    visit_country_code: str | None
    raw: JsonObject = field(repr=False, compare=False, default_factory=dict)

    @classmethod
    def from_json(cls, data: JsonObject) -> CompanyInformation:
        """Read the object inside the ``CompanyInformation`` wrapper."""
        return cls(
            company_name=c.text_or_empty(data.get("CompanyName")),
            organization_number=c.text(data.get("OrganizationNumber")),
            database_number=c.integer(data.get("DatabaseNumber")),
            address=c.text(data.get("Address")),
            zip_code=c.text(data.get("ZipCode")),
            city=c.text(data.get("City")),
            country_code=c.text(data.get("CountryCode")),
            visit_address=c.text(data.get("VisitAddress")),
            visit_zip_code=c.text(data.get("VisitZipCode")),
            visit_city=c.text(data.get("VisitCity")),
            visit_country_code=c.text(data.get("VisitCountryCode")),
            raw=data,
        )


@dataclass(frozen=True, slots=True)
class FinancialYear:
    """A financial year; ``id`` is Fortnox's internal Id (not in date order)."""

    id: int
    from_date: dt.date | None
    to_date: dt.date | None
    accounting_method: str | None
    account_chart_type: str | None
    raw: JsonObject = field(repr=False, compare=False, default_factory=dict)

    @classmethod
    def from_json(cls, data: JsonObject) -> FinancialYear:
        """Read one element of ``FinancialYears`` or the ``FinancialYear`` object."""
        return cls(
            id=c.integer(data.get("Id")) or 0,
            from_date=c.date(data.get("FromDate")),
            to_date=c.date(data.get("ToDate")),
            accounting_method=c.text(data.get("AccountingMethod")),
            account_chart_type=c.text(data.get("AccountChartType")),
            raw=data,
        )


@dataclass(frozen=True, slots=True)
class Account:
    """An account in one financial year.

    ``balance_carried_forward`` (UB) is only sent by ``GET /3/accounts/{Number}``; in
    the list it is ``None``, which is different from a zero closing balance.
    """

    number: int
    description: str
    active: bool
    sru: int | None
    year: int | None
    vat_code: str | None
    balance_brought_forward: Decimal
    balance_carried_forward: Decimal | None
    cost_center: str | None
    cost_center_settings: str | None
    project: str | None
    project_settings: str | None
    raw: JsonObject = field(repr=False, compare=False, default_factory=dict)

    @classmethod
    def from_json(cls, data: JsonObject) -> Account:
        """Read one element of ``Accounts`` or the ``Account`` object."""
        active = c.flag(data.get("Active"))
        return cls(
            number=c.integer(data.get("Number")) or 0,
            description=c.text_or_empty(data.get("Description")),
            # Older lists omit Active; an account that is listed is taken as usable.
            active=True if active is None else active,
            sru=c.integer(data.get("SRU")) or None,
            year=c.integer(data.get("Year")),
            vat_code=c.text(data.get("VATCode")) or None,
            balance_brought_forward=c.amount_or_zero(data.get("BalanceBroughtForward")),
            balance_carried_forward=c.amount(data.get("BalanceCarriedForward")),
            cost_center=c.text(data.get("CostCenter")) or None,
            cost_center_settings=c.text(data.get("CostCenterSettings")),
            project=_object_code(data.get("Project")),
            project_settings=c.text(data.get("ProjectSettings")),
            raw=data,
        )


def _object_code(value: Any) -> str | None:
    # Fortnox sends "no project" as 0, "0" or "" depending on the resource and age.
    result = c.text(value)
    return None if result in {None, "", "0"} else result


@dataclass(frozen=True, slots=True)
class VoucherSummary:
    """A voucher as listed by ``GET /3/vouchers`` (no rows)."""

    series: str
    number: int
    year: int | None
    transaction_date: dt.date | None
    description: str
    comments: str | None
    reference_number: str | None
    reference_type: str | None
    approval_state: int | None
    raw: JsonObject = field(repr=False, compare=False, default_factory=dict)

    @classmethod
    def from_json(cls, data: JsonObject) -> VoucherSummary:
        """Read one element of ``Vouchers``."""
        return cls(**_voucher_head(data), raw=data)


def _voucher_head(data: JsonObject) -> dict[str, Any]:
    return {
        "series": c.text_or_empty(data.get("VoucherSeries")),
        "number": c.integer(data.get("VoucherNumber")) or 0,
        "year": c.integer(data.get("Year")),
        "transaction_date": c.date(data.get("TransactionDate")),
        "description": c.text_or_empty(data.get("Description")),
        "comments": c.text(data.get("Comments")),
        "reference_number": c.text(data.get("ReferenceNumber")),
        "reference_type": c.text(data.get("ReferenceType")),
        "approval_state": c.integer(data.get("ApprovalState")),
    }


@dataclass(frozen=True, slots=True)
class VoucherRow:
    """One row of a voucher. A ``removed`` row is struck: history, not balance."""

    account: int
    debit: Decimal
    credit: Decimal
    description: str | None
    cost_center: str | None
    project: str | None
    transaction_information: str | None
    quantity: Decimal | None
    removed: bool
    raw: JsonObject = field(repr=False, compare=False, default_factory=dict)

    @property
    def amount(self) -> Decimal:
        """Debit minus credit: the row's effect on the account's balance."""
        return self.debit - self.credit

    @classmethod
    def from_json(cls, data: JsonObject) -> VoucherRow:
        """Read one element of ``VoucherRows``."""
        return cls(
            account=c.integer(data.get("Account")) or 0,
            debit=c.amount_or_zero(data.get("Debit")),
            credit=c.amount_or_zero(data.get("Credit")),
            description=c.text(data.get("Description")),
            cost_center=c.text(data.get("CostCenter")) or None,
            project=_object_code(data.get("Project")),
            transaction_information=c.text(data.get("TransactionInformation")),
            quantity=c.amount(data.get("Quantity")),
            removed=c.flag_or_false(data.get("Removed")),
            raw=data,
        )


@dataclass(frozen=True, slots=True)
class Voucher:
    """``GET /3/vouchers/{Series}/{Number}``: a voucher with its rows."""

    series: str
    number: int
    year: int | None
    transaction_date: dt.date | None
    description: str
    comments: str | None
    reference_number: str | None
    reference_type: str | None
    approval_state: int | None
    rows: tuple[VoucherRow, ...]
    raw: JsonObject = field(repr=False, compare=False, default_factory=dict)

    @property
    def active_rows(self) -> tuple[VoucherRow, ...]:
        """The rows that count in balances (struck rows left out)."""
        return tuple(row for row in self.rows if not row.removed)

    @classmethod
    def from_json(cls, data: JsonObject) -> Voucher:
        """Read the object inside the ``Voucher`` wrapper."""
        rows = tuple(VoucherRow.from_json(row) for row in c.objects(data.get("VoucherRows")))
        return cls(**_voucher_head(data), rows=rows, raw=data)


@dataclass(frozen=True, slots=True)
class VoucherSeries:
    """A voucher series and the number its next voucher will get."""

    code: str
    description: str
    manual: bool
    year: int | None
    next_voucher_number: int | None
    raw: JsonObject = field(repr=False, compare=False, default_factory=dict)

    @classmethod
    def from_json(cls, data: JsonObject) -> VoucherSeries:
        """Read one element of ``VoucherSeriesCollection`` or the ``VoucherSeries`` object."""
        return cls(
            code=c.text_or_empty(data.get("Code")),
            description=c.text_or_empty(data.get("Description")),
            manual=c.flag_or_false(data.get("Manual")),
            year=c.integer(data.get("Year")),
            next_voucher_number=c.integer(data.get("NextVoucherNumber")),
            raw=data,
        )


@dataclass(frozen=True, slots=True)
class LockedPeriod:
    """``GET /3/settings/lockedperiod``: bookkeeping up to ``end_date`` is locked."""

    end_date: dt.date | None
    raw: JsonObject = field(repr=False, compare=False, default_factory=dict)

    @classmethod
    def from_json(cls, data: JsonObject) -> LockedPeriod:
        """Read the object inside the ``LockedPeriod`` wrapper."""
        return cls(end_date=c.date(data.get("EndDate")), raw=data)
