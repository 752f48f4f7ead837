"""``GET /3/sie/{1..4}``: one financial year of a company as a SIE file in CP437."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Literal

from bokslut.sandbox.store import Company, YearData
from bokslut.sie.model import Balance, BalanceKind, Document, FinancialYear, Voucher
from bokslut.sie.writer import write_document

__all__ = ["SIE_TYPES", "export_document", "export_sie"]

#: The path's type number → the SIE type the file declares.
SIE_TYPES: dict[int, Literal["1", "2", "3", "4E"]] = {1: "1", 2: "2", 3: "3", 4: "4E"}

_RESULT_CLASSES = ("3", "4", "5", "6", "7", "8")


def _shifted_balances(year: YearData, index: int) -> list[Balance]:
    # Vouchers booked after seeding move UB (balance accounts) or RES (result accounts).
    balances = [replace(b, year=index) for b in year.balances]
    for account, delta in year.posted_delta.items():
        if not delta:
            continue
        kind: BalanceKind = "RES" if account.startswith(_RESULT_CLASSES) else "UB"
        for position, balance in enumerate(balances):
            if balance.kind == kind and balance.account == account:
                balances[position] = replace(balance, amount=balance.amount + delta)
                break
        else:
            start = year.opening.get(account, Decimal(0)) if kind == "UB" else Decimal(0)
            balances.append(Balance(kind, index, account, start + delta))
    return balances


def export_document(company: Company, year: YearData, sie_type: int, today: date) -> Document:
    """The SIE document Fortnox would export for ``year`` (type 1, 2, 3 or 4)."""
    if sie_type not in SIE_TYPES:
        raise ValueError(f"SIE type must be 1–4, not {sie_type}")
    previous = company.previous_year(year)
    years = {0: FinancialYear(0, year.start, year.end)}
    if previous is not None:
        years[-1] = FinancialYear(-1, previous.start, previous.end)
    seed = company.header
    period_end = seed.period_end if seed.period_end and year.contains(seed.period_end) else None
    header = replace(
        seed,
        flag=0,
        program="Fortnox",
        program_version="sandbox",
        format="PC8",
        generated=today,
        generated_by=None,
        sie_type=int(SIE_TYPES[sie_type][0]),
        company_name=company.name,
        org_number=company.organization_number or None,
        years=years,
        period_end=(period_end or year.end) if sie_type in (2, 3) else seed.period_end,
    )
    document = Document(header=header)
    document.accounts = {n: s.account for n, s in company.accounts.items()}
    # Dimensions and objects go into every type: a seed's cost centres must survive any export.
    document.dimensions = dict(company.dimensions)
    document.objects = dict(company.objects)
    document.balances = _shifted_balances(year, 0)
    if previous is not None:
        document.balances += _shifted_balances(previous, -1)
    if sie_type >= 2:
        document.period_balances = [replace(b, year=0) for b in year.period_balances]
        if previous is not None:
            document.period_balances += [replace(b, year=-1) for b in previous.period_balances]
        if sie_type == 2:
            document.period_balances = [b for b in document.period_balances if not b.objects]
    if sie_type >= 3:
        document.object_balances = [replace(b, year=0) for b in year.object_balances]
        if previous is not None:
            document.object_balances += [replace(b, year=-1) for b in previous.object_balances]
    if sie_type == 4:
        document.vouchers = [_voucher(s.voucher, s.number) for s in year.ordered_vouchers()]
    return document


def _voucher(voucher: Voucher, number: int) -> Voucher:
    return voucher if voucher.number == str(number) else replace(voucher, number=str(number))


def export_sie(company: Company, year: YearData, sie_type: int, today: date) -> bytes:
    """The file's bytes, written by :mod:`bokslut.sie.writer` in CP437."""
    document = export_document(company, year, sie_type, today)
    buffer = io.BytesIO()
    write_document(document, buffer, sie_type=SIE_TYPES[sie_type], today=today)
    return buffer.getvalue()
