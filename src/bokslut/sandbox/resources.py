"""Render stored company data in Fortnox's JSON shapes (field names, types and quirks)."""

from __future__ import annotations

from decimal import Decimal

from bokslut.sandbox.jsonio import JsonValue
from bokslut.sandbox.store import (
    COST_CENTRE_DIM,
    PROJECT_DIM,
    AccountState,
    Company,
    Record,
    StoredVoucher,
    YearData,
)
from bokslut.sie.model import SieObject, VoucherRow

__all__ = [
    "DEFAULT_SERIES",
    "LIST_FIELDS",
    "account_json",
    "company_information_json",
    "cost_centre_json",
    "financial_year_json",
    "project_json",
    "record_json",
    "voucher_json",
    "voucher_series_json",
]

#: Fortnox's standard voucher series and their descriptions.
DEFAULT_SERIES: dict[str, str] = {
    "A": "Redovisningsverifikationer",
    "B": "Kundfakturor",
    "C": "Kundinbetalningar",
    "D": "Leverantörsfakturor",
    "E": "Leverantörsutbetalningar",
    "F": "Lön",
    "G": "Kassa",
    "H": "Bank",
    "I": "Inventarier",
}

#: Fields the list form of each JSON-only register shows (the single form shows all).
LIST_FIELDS: dict[str, tuple[str, ...]] = {
    "customers": (
        "CustomerNumber", "Name", "OrganisationNumber", "Address1", "Address2", "ZipCode",
        "City", "Email", "Phone", "Active",
    ),
    "suppliers": (
        "SupplierNumber", "Name", "OrganisationNumber", "Address1", "Address2", "ZipCode",
        "City", "Email", "Phone", "BankAccountNumber", "Active",
    ),
    "invoices": (
        "DocumentNumber", "CustomerNumber", "CustomerName", "InvoiceDate", "DueDate",
        "FinalPayDate", "Balance", "Total", "Currency", "Booked", "Cancelled", "Sent",
        "OCR", "VoucherSeries", "VoucherNumber", "VoucherYear", "ExternalInvoiceReference1",
    ),
    "supplier_invoices": (
        "GivenNumber", "SupplierNumber", "SupplierName", "InvoiceNumber", "InvoiceDate",
        "DueDate", "FinalPayDate", "Balance", "Total", "Currency", "Booked", "Cancelled",
        "OCR", "VoucherSeries", "VoucherNumber", "VoucherYear",
    ),
    "assets": (
        "Id", "Number", "Description", "AcquisitionDate", "AcquisitionValue",
        "DepreciateToResidualValue", "DepreciationFinal", "BookValue", "Type", "TypeId",
        "CostCenter", "Project",
    ),
}  # fmt: skip

#: Where each register's single resource lives (path segment under /3/).
PATHS: dict[str, str] = {
    "customers": "customers",
    "suppliers": "suppliers",
    "invoices": "invoices",
    "supplier_invoices": "supplierinvoices",
    "assets": "assets",
}

#: Fields Fortnox sends as strings although they are amounts.
_STRING_AMOUNTS: dict[str, tuple[str, ...]] = {
    "supplier_invoices": (
        "Balance",
        "Total",
        "VAT",
        "Freight",
        "AdministrationFee",
        "RoundOffValue",
    ),
}


def _number(text: str) -> int | str:
    # Fortnox account numbers are integers; an odd SIE one stays text rather than crash.
    return int(text) if text.isdigit() else text


def company_information_json(company: Company) -> JsonValue:
    """``CompanyInformation`` body."""
    return {
        "Address": company.address,
        "City": company.city,
        "CountryCode": company.country_code,
        "DatabaseNumber": company.database_number,
        "CompanyName": company.name,
        "OrganizationNumber": company.organization_number,
        "VisitAddress": "",
        "VisitCity": "",
        "VisitCountryCode": "",
        "VisitZipCode": "",
        "ZipCode": company.zip_code,
    }


def financial_year_json(base: str, year: YearData) -> JsonValue:
    """One ``FinancialYear``."""
    return {
        "@url": f"{base}/3/financialyears/{year.id}",
        "Id": year.id,
        "FromDate": year.start,
        "ToDate": year.end,
        "AccountChartType": year.chart_type,
        "AccountingMethod": year.accounting_method,
    }


def account_json(
    base: str, state: AccountState, year: YearData, *, detail: bool = False
) -> JsonValue:
    """One ``Account`` for ``year``; only the detail form carries the closing balance."""
    account = state.account
    sru = account.sru[0] if account.sru else ""
    body: dict[str, JsonValue] = {
        "@url": f"{base}/3/accounts/{account.number}?financialyear={year.id}",
        "Active": state.active,
        "BalanceBroughtForward": year.opening.get(account.number, Decimal(0)),
        "CostCenter": None,
        "CostCenterSettings": "ALLOWED",
        "Description": account.name,
        "Number": _number(account.number),
        # Seen in real answers: an integer where the spec says string.
        "Project": 0,
        "ProjectSettings": "ALLOWED",
        "QuantitySettings": "ALLOWED",
        "QuantityUnit": account.unit or "",
        "SRU": int(sru) if sru.isdigit() else 0,
        "TransactionInformation": "",
        "TransactionInformationSettings": "ALLOWED",
        "VATCode": state.vat_code,
        "Year": year.id,
    }
    if detail:
        body["BalanceCarriedForward"] = year.closing.get(account.number, Decimal(0))
    return body


def _row_json(company: Company, row: VoucherRow) -> JsonValue:
    objects = dict(row.objects)
    state = company.accounts.get(row.account)
    amount = row.amount
    return {
        "Account": _number(row.account),
        "CostCenter": objects.get(COST_CENTRE_DIM, ""),
        "Credit": -amount if amount < 0 else Decimal(0),
        "Debit": amount if amount > 0 else Decimal(0),
        "Description": state.account.name if state else "",
        "Project": objects.get(PROJECT_DIM, ""),
        "Removed": not row.counts,
        "TransactionInformation": row.text or "",
        "Quantity": row.quantity if row.quantity is not None else Decimal(0),
    }


def voucher_json(
    base: str, company: Company, year: YearData, stored: StoredVoucher, *, detail: bool = False
) -> JsonValue:
    """One ``Voucher``: the list form has no rows, the single form adds ``VoucherRows``."""
    voucher = stored.voucher
    body: dict[str, JsonValue] = {
        "@url": (f"{base}/3/vouchers/{voucher.series}/{stored.number}?financialyear={year.id}"),
        "ApprovalState": stored.approval_state,
        "Comments": stored.comments,
        "Description": voucher.text,
        "ReferenceNumber": stored.reference_number,
        "ReferenceType": stored.reference_type,
        "TransactionDate": voucher.date or year.start,
        "VoucherNumber": stored.number,
        "VoucherSeries": voucher.series,
        "Year": year.id,
    }
    if detail:
        body["CostCenter"] = ""
        body["Project"] = ""
        body["VoucherRows"] = [_row_json(company, row) for row in voucher.rows]
    return body


def voucher_series_json(base: str, year: YearData, code: str) -> JsonValue:
    """One entry of ``VoucherSeriesCollection``."""
    return {
        "@url": f"{base}/3/voucherseries/{code}?financialyear={year.id}",
        "Code": code,
        "Description": year.series_descriptions.get(code, DEFAULT_SERIES.get(code, code)),
        "Manual": code == "A",
        "NextVoucherNumber": year.next_number(code),
        "Year": year.id,
    }


def cost_centre_json(base: str, obj: SieObject) -> JsonValue:
    """One ``CostCenter``."""
    return {
        "@url": f"{base}/3/costcenters/{obj.code}",
        "Code": obj.code,
        "Description": obj.name,
        "Note": None,
        "Active": True,
    }


def project_json(base: str, obj: SieObject) -> JsonValue:
    """One ``Project``."""
    return {
        "@url": f"{base}/3/projects/{obj.code}",
        "ProjectNumber": obj.code,
        "Description": obj.name,
        "Status": "ONGOING",
        "StartDate": "",
        "EndDate": "",
        "ProjectLeader": "",
        "ContactPerson": "",
        "Comments": "",
    }


def record_json(base: str, register: str, key: str, record: Record, *, detail: bool) -> JsonValue:
    """A JSON-only register item; the list form shows only :data:`LIST_FIELDS`."""
    data = record.data
    if detail:
        body = dict(data)
    else:
        body = {name: data[name] for name in LIST_FIELDS[register] if name in data}
    for name in _STRING_AMOUNTS.get(register, ()):
        value = body.get(name)
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            body[name] = f"{Decimal(value):.2f}"
    return {"@url": f"{base}/3/{PATHS[register]}/{key}", **body}
