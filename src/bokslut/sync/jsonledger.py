"""The JSON path: a year's ledger from Fortnox's JSON endpoints, as a SIE document.

Used when the SIE export is refused or unavailable (a missing licence, a server error
after retries), and for the few new vouchers of an incremental sync. Building a
:class:`bokslut.sie.model.Document` lets the one ledger importer write both paths, so
they produce the same ledger.

What JSON cannot say is derived exactly from what it does say: period balances
(#PSALDO) are a month's movements of the vouchers; closing balances come from each
account's ``BalanceCarriedForward`` and are checked against IB + movements.
Registration dates and signatures of vouchers and object balances (#OIB/#OUB) exist
only in SIE; the JSON path leaves them out.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from bokslut import fortnox as fx
from bokslut.sie.model import (
    Account,
    AccountType,
    Balance,
    Dimension,
    Document,
    FinancialYear,
    Header,
    ObjectRef,
    PeriodBalance,
    RowKind,
    SieObject,
    Voucher,
    VoucherRow,
)

__all__ = [
    "COST_CENTRE_DIMENSION",
    "PROJECT_DIMENSION",
    "is_result_account",
    "sie_voucher",
    "voucher_movements",
    "year_document",
]

COST_CENTRE_DIMENSION = 1
PROJECT_DIMENSION = 6

#: Called with (endpoint, params, JSON body) for every answer, to archive it.
OnPayload = Callable[[str, dict[str, Any], object], None]
#: Called with (done, total) while vouchers are fetched.
OnProgress = Callable[[int, int], None]

_RESULT_CLASSES = ("3", "4", "5", "6", "7", "8")


def is_result_account(number: str) -> bool:
    """Accounts of classes 3–8 close into the result (RES); 1–2 carry a balance (UB)."""
    return number.startswith(_RESULT_CLASSES)


def _account_type(number: str) -> AccountType | None:
    if number.startswith("1"):
        return AccountType.ASSET
    if number.startswith("2"):
        return AccountType.LIABILITY
    if number.startswith("3"):
        return AccountType.INCOME
    if number.startswith(("4", "5", "6", "7", "8")):
        return AccountType.COST
    return None


def sie_voucher(voucher: fx.Voucher) -> Voucher:
    """A Fortnox JSON voucher as a SIE voucher (struck rows kept as removed rows)."""
    rows = []
    for row in voucher.rows:
        objects: list[ObjectRef] = []
        if row.cost_center:
            objects.append((COST_CENTRE_DIMENSION, row.cost_center))
        if row.project and row.project != "0":
            objects.append((PROJECT_DIMENSION, row.project))
        rows.append(
            VoucherRow(
                kind=RowKind.REMOVED if row.removed else RowKind.NORMAL,
                account=str(row.account),
                amount=row.debit - row.credit,
                objects=tuple(objects),
                text=row.transaction_information or None,
                # Fortnox answers 0 for "no quantity".
                quantity=row.quantity if row.quantity else None,
            )
        )
    return Voucher(
        series=voucher.series,
        number=str(voucher.number),
        date=voucher.transaction_date,
        text=voucher.description,
        rows=tuple(rows),
    )


def voucher_movements(
    vouchers: Iterable[Voucher],
) -> tuple[dict[str, Decimal], dict[tuple[str, str, tuple[ObjectRef, ...]], Decimal]]:
    """Movements per account, and per (period, account, objects) for #PSALDO.

    Period balances exist per account (no objects) and per single object, as SIE
    exports state them.
    """
    per_account: dict[str, Decimal] = defaultdict(Decimal)
    per_period: dict[tuple[str, str, tuple[ObjectRef, ...]], Decimal] = defaultdict(Decimal)
    for voucher in vouchers:
        for row in voucher.rows:
            if not row.counts:
                continue
            per_account[row.account] += row.amount
            day = row.date or voucher.date
            if day is None:
                continue
            period = f"{day:%Y%m}"
            per_period[(period, row.account, ())] += row.amount
            for ref in row.objects:
                per_period[(period, row.account, (ref,))] += row.amount
    return dict(per_account), dict(per_period)


def year_document(
    fortnox: fx.FortnoxClient,
    *,
    year: fx.FinancialYear,
    previous: fx.FinancialYear | None,
    org_number: str,
    company_name: str,
    on_payload: OnPayload,
    chart: list[fx.Account] | None = None,
    on_progress: OnProgress | None = None,
    warn: Callable[[str], None] | None = None,
) -> Document:
    """Fetch one year through JSON and return it as a SIE 4E document of that year.

    ``chart`` is the year's account list if the caller already has it.
    """
    year_params: dict[str, Any] = {"financialyear": year.id}
    if chart is None:
        chart = list(fortnox.accounts(financial_year=year.id))
        on_payload("GET /3/accounts", year_params, [a.raw for a in chart])
    cost_centres = list(fortnox.cost_centers())
    on_payload("GET /3/costcenters", {}, [c.raw for c in cost_centres])
    projects = list(fortnox.projects())
    on_payload("GET /3/projects", {}, [p.raw for p in projects])
    heads = list(fortnox.vouchers(financial_year=year.id))
    on_payload("GET /3/vouchers", year_params, [h.raw for h in heads])

    vouchers: list[Voucher] = []
    for done, head in enumerate(heads, start=1):
        full = fortnox.voucher(head.series, head.number, financial_year=year.id)
        on_payload(
            "GET /3/vouchers/{series}/{number}",
            {**year_params, "series": head.series, "number": head.number},
            full.raw,
        )
        vouchers.append(sie_voucher(full))
        if on_progress is not None:
            on_progress(done, len(heads))
    per_account, per_period = voucher_movements(vouchers)

    assert year.from_date is not None
    assert year.to_date is not None
    years = {0: FinancialYear(0, year.from_date, year.to_date)}
    if previous is not None and previous.from_date and previous.to_date:
        years[-1] = FinancialYear(-1, previous.from_date, previous.to_date)
    document = Document(
        header=Header(
            program="Fortnox",
            program_version="JSON",
            format="PC8",
            sie_type=4,
            company_name=company_name,
            org_number=org_number,
            years=years,
        )
    )
    for account in chart:
        number = str(account.number)
        document.accounts[number] = Account(
            number=number,
            name=account.description,
            type=_account_type(number),
            sru=(str(account.sru),) if account.sru else (),
        )
    document.dimensions = {
        COST_CENTRE_DIMENSION: Dimension(COST_CENTRE_DIMENSION, "Kostnadsställe"),
        PROJECT_DIMENSION: Dimension(PROJECT_DIMENSION, "Projekt"),
    }
    for centre in cost_centres:
        document.objects[(COST_CENTRE_DIMENSION, centre.code)] = SieObject(
            COST_CENTRE_DIMENSION, centre.code, centre.description
        )
    for project in projects:
        document.objects[(PROJECT_DIMENSION, project.project_number)] = SieObject(
            PROJECT_DIMENSION, project.project_number, project.description
        )

    balances: list[Balance] = []
    for account in chart:
        number = str(account.number)
        opening = account.balance_brought_forward
        moved = per_account.get(number, Decimal(0))
        if opening:
            balances.append(Balance("IB", 0, number, opening))
        if not opening and not moved:
            continue
        detail = fortnox.account(account.number, financial_year=year.id)
        on_payload("GET /3/accounts/{number}", {**year_params, "number": number}, detail.raw)
        stated = detail.balance_carried_forward
        if is_result_account(number):
            expected = moved
            closing = Balance("RES", 0, number, stated if stated is not None else expected)
        else:
            expected = opening + moved
            closing = Balance("UB", 0, number, stated if stated is not None else expected)
        if stated is not None and stated != expected and warn is not None:
            warn(
                f"Konto {number}: Fortnox anger utgående saldo {stated} men verifikationerna "
                f"ger {expected}; Fortnox värde används"
            )
        balances.append(closing)
    document.balances = balances
    document.period_balances = [
        PeriodBalance("PSALDO", 0, period, account, objects, amount)
        for (period, account, objects), amount in sorted(per_period.items())
        if amount
    ]
    document.vouchers = vouchers
    return document


def voucher_dates(vouchers: Iterable[Voucher]) -> list[dt.date]:
    """The dates of ``vouchers`` (for choosing which ledger year they go to)."""
    return [v.date for v in vouchers if v.date is not None]
