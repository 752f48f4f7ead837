"""``GET /3/sie/{1..4}``: one financial year of a company as a SIE file in CP437."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Literal

from bokslut.sandbox.store import Company, PeriodKey, YearData
from bokslut.sie.model import (
    Balance,
    BalanceKind,
    Document,
    FinancialYear,
    ObjectBalance,
    ObjectRef,
    PeriodBalance,
    Voucher,
)
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


def _shifted_period_balances(year: YearData, index: int) -> list[PeriodBalance]:
    # Posted vouchers move their month's #PSALDO (a month's movement, as the seed states it).
    # Only kinds of rows the seed states are moved: adding #PSALDO for the posted vouchers
    # alone to a seed without them would make their sum disagree with UB - IB.
    balances = [replace(b, year=index) for b in year.period_balances]
    if not year.period_delta:
        return balances
    quiet = year.seed_was_quiet()
    per_account = quiet or any(b.kind == "PSALDO" and not b.objects for b in balances)
    per_object = quiet or any(b.kind == "PSALDO" and b.objects for b in balances)
    positions: dict[PeriodKey, int] = {}
    for position, balance in enumerate(balances):
        if balance.kind == "PSALDO":
            positions.setdefault((balance.period, balance.account, balance.objects), position)
    for key, delta in year.period_delta.items():
        period, account, objects = key
        if not delta or not (per_object if objects else per_account):
            continue
        found = positions.get(key)
        if found is None:
            positions[key] = len(balances)
            balances.append(PeriodBalance("PSALDO", index, period, account, objects, delta))
        else:
            balances[found] = replace(balances[found], amount=balances[found].amount + delta)
    return balances


def _shifted_object_balances(year: YearData, index: int) -> list[ObjectBalance]:
    # Rows with objects move #OUB of (account, object); #OIB is the opening and stays.
    balances = [replace(b, year=index) for b in year.object_balances]
    if not year.object_delta or not (balances or year.seed_was_quiet()):
        return balances
    closing: dict[tuple[str, ObjectRef], int] = {}
    opening: dict[tuple[str, ObjectRef], Decimal] = {}
    for position, balance in enumerate(balances):
        key = (balance.account, balance.object)
        if balance.kind == "OUB":
            closing.setdefault(key, position)
        else:
            opening.setdefault(key, balance.amount)
    for key, delta in year.object_delta.items():
        if not delta:
            continue
        found = closing.get(key)
        if found is None:
            account, ref = key
            start = opening.get(key, Decimal(0))
            closing[key] = len(balances)
            balances.append(ObjectBalance("OUB", index, account, ref, start + delta))
        else:
            balances[found] = replace(balances[found], amount=balances[found].amount + delta)
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
        document.period_balances = _shifted_period_balances(year, 0)
        if previous is not None:
            document.period_balances += _shifted_period_balances(previous, -1)
        if sie_type == 2:
            document.period_balances = [b for b in document.period_balances if not b.objects]
    if sie_type >= 3:
        document.object_balances = _shifted_object_balances(year, 0)
        if previous is not None:
            document.object_balances += _shifted_object_balances(previous, -1)
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
