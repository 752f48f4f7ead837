"""Build sandbox companies from SIE documents and JSON extras."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

from bokslut.sandbox.jsonio import JsonValue
from bokslut.sandbox.store import (
    ALL_SCOPES,
    AccountState,
    Company,
    Record,
    StoredVoucher,
    YearData,
)
from bokslut.sie.model import Document, FinancialYear, Voucher

__all__ = ["RESOURCE_KEYS", "apply_extras", "company_from_document", "company_from_documents"]

#: JSON-only registers: extras key → (Company attribute, identifying field).
RESOURCE_KEYS: dict[str, tuple[str, str]] = {
    "Customers": ("customers", "CustomerNumber"),
    "Suppliers": ("suppliers", "SupplierNumber"),
    "Invoices": ("invoices", "DocumentNumber"),
    "SupplierInvoices": ("supplier_invoices", "GivenNumber"),
    "Assets": ("assets", "Id"),
}

_SEEDED_AT = datetime(2000, 1, 1)


def company_from_document(
    document: Document,
    database_number: int,
    *,
    seeded_at: datetime = _SEEDED_AT,
    warnings: list[str] | None = None,
) -> Company:
    """A company holding everything ``document`` carries (one financial year per ``#RAR``)."""
    return company_from_documents(
        [document], database_number, seeded_at=seeded_at, warnings=warnings
    )


def company_from_documents(
    documents: Sequence[Document],
    database_number: int,
    *,
    seeded_at: datetime = _SEEDED_AT,
    warnings: list[str] | None = None,
) -> Company:
    """A company from several SIE files of one company (e.g. one per year).

    The first document supplies identity and chart; a later document only adds the years the
    earlier ones lack. ``warnings`` collects what could not be represented in Fortnox terms.
    """
    if not documents:
        raise ValueError("a company needs at least one SIE document")
    notes = warnings if warnings is not None else []
    first = documents[0]
    header = first.header
    company = Company(
        database_number=database_number,
        name=header.company_name or f"Företag {database_number}",
        organization_number=header.org_number or "",
        header=header,
    )
    if header.address is not None:
        company.address = header.address.street
        zip_code, _, city = _split_postal(header.address.postal)
        company.zip_code, company.city = zip_code, city
    pending: list[tuple[FinancialYear, Document]] = []
    for document in documents:
        _merge_chart(company, document, seeded_at)
        for fy in document.header.years.values():
            if all((p.start, p.end) != (fy.start, fy.end) for p, _ in pending):
                pending.append((fy, document))
    _make_years(company, pending, seeded_at, notes)
    return company


def _split_postal(postal: str) -> tuple[str, str, str]:
    # Swedish postal lines read "123 45 Stad": the first five digits are the code.
    digits = ""
    rest = postal.strip()
    while rest and (rest[0].isdigit() or rest[0] == " ") and len(digits) < 5:
        if rest[0].isdigit():
            digits += rest[0]
        rest = rest[1:]
    if len(digits) == 5:
        return f"{digits[:3]} {digits[3:]}", "", rest.strip()
    return "", "", postal.strip()


def _merge_chart(company: Company, document: Document, seeded_at: datetime) -> None:
    for number, account in document.accounts.items():
        company.accounts.setdefault(number, AccountState(account=account, modified=seeded_at))
    for dim_number, dimension in document.dimensions.items():
        company.dimensions.setdefault(dim_number, dimension)
    for ref, obj in document.objects.items():
        if ref not in company.objects:
            company.objects[ref] = obj
            company.object_modified[ref] = seeded_at


def _make_years(
    company: Company,
    pending: list[tuple[FinancialYear, Document]],
    seeded_at: datetime,
    notes: list[str],
) -> None:
    # Fortnox numbers years in the order they were created; a company that imported its history
    # after starting gets older years with higher Ids. Newest first reproduces that disorder.
    newest_first = sorted(pending, key=lambda item: item[0].start, reverse=True)
    for position, (fy, document) in enumerate(newest_first):
        year = YearData(id=position + 1, start=fy.start, end=fy.end, modified=seeded_at)
        if document.header.chart_type:
            year.chart_type = document.header.chart_type
        _fill_year(year, fy.index, document, seeded_at, notes)
        company.years[year.id] = year


def _fill_year(
    year: YearData, index: int, document: Document, seeded_at: datetime, notes: list[str]
) -> None:
    year.balances = [replace(b, year=0) for b in document.balances if b.year == index]
    year.object_balances = [replace(b, year=0) for b in document.object_balances if b.year == index]
    year.period_balances = [replace(b, year=0) for b in document.period_balances if b.year == index]
    year.opening = {b.account: b.amount for b in year.balances if b.kind == "IB"}
    for voucher in _vouchers_of(document, year, index):
        if not voucher.number.isdigit():
            notes.append(f"voucher {voucher.series!r} {voucher.number!r}: not a Fortnox number")
            continue
        series = voucher.series or "A"
        if series != voucher.series:
            voucher = replace(voucher, series=series)
        number = int(voucher.number)
        if (series, number) in year.vouchers:
            notes.append(f"voucher {series} {number}: duplicate, later one dropped")
            continue
        year.add_voucher(StoredVoucher(voucher=voucher, number=number, modified=seeded_at))
    ends = {b.account: b.amount for b in year.balances if b.kind in ("UB", "RES")}
    if ends:
        year.closing = ends
    else:
        closing = dict(year.opening)
        for stored in year.vouchers.values():
            for row in stored.voucher.rows:
                if row.counts:
                    closing[row.account] = closing.get(row.account, Decimal(0)) + row.amount
        year.closing = closing


def _vouchers_of(document: Document, year: YearData, index: int) -> Iterable[Voucher]:
    # A 4E file's vouchers belong to year 0; a voucher dated inside another #RAR goes there.
    years = document.header.years
    for voucher in document.vouchers:
        home = 0
        if voucher.date is not None:
            for fy in years.values():
                if fy.start <= voucher.date <= fy.end:
                    home = fy.index
                    break
        if home == index:
            yield voucher


def apply_extras(
    company: Company, extras: Mapping[str, JsonValue], *, at: datetime = _SEEDED_AT
) -> None:
    """Add JSON-only data: registers (``Customers`` …), ``CompanyInformation``,
    ``LockedPeriod`` (``{"EndDate": …}``) and ``Licences`` (a list of scopes)."""
    for key, (attribute, id_field) in RESOURCE_KEYS.items():
        register: dict[str, Record] = getattr(company, attribute)
        for item in extras.get(key, []):
            register[str(item[id_field])] = Record(data=dict(item), modified=at)
    info = extras.get("CompanyInformation")
    if isinstance(info, Mapping):
        company.name = str(info.get("CompanyName", company.name))
        company.organization_number = str(
            info.get("OrganizationNumber", company.organization_number)
        )
        company.address = str(info.get("Address", company.address))
        company.zip_code = str(info.get("ZipCode", company.zip_code))
        company.city = str(info.get("City", company.city))
    locked = extras.get("LockedPeriod")
    if isinstance(locked, Mapping) and locked.get("EndDate"):
        company.locked_until = date.fromisoformat(str(locked["EndDate"]))
    licences = extras.get("Licences")
    if licences is not None:
        unknown = set(licences) - ALL_SCOPES
        if unknown:
            raise ValueError(f"unknown scopes in Licences: {sorted(unknown)}")
        company.licences = set(licences)
