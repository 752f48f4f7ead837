"""Deterministic companies for the demo and for benchmarks.

A small trading company (``Demo Handel AB``) with three calendar years, customers, suppliers,
open invoices, assets and cost centres; and large companies with 1k–100k vouchers a year.
The same seed always gives the same company.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal

from bokslut.money import from_ore
from bokslut.sandbox.jsonio import JsonValue
from bokslut.sandbox.seed import apply_extras, company_from_document
from bokslut.sandbox.store import Company
from bokslut.sie.model import (
    Account,
    AccountType,
    Address,
    Balance,
    Dimension,
    Document,
    FinancialYear,
    Header,
    PeriodBalance,
    RowKind,
    SieObject,
    Voucher,
    VoucherRow,
)

__all__ = ["demo_company", "demo_document", "large_company"]

CENT = Decimal("0.01")

_CHART: dict[str, tuple[str, AccountType]] = {
    "1220": ("Inventarier och verktyg", AccountType.ASSET),
    "1229": ("Ackumulerade avskrivningar på inventarier", AccountType.ASSET),
    "1460": ("Lager av handelsvaror", AccountType.ASSET),
    "1510": ("Kundfordringar", AccountType.ASSET),
    "1930": ("Företagskonto", AccountType.ASSET),
    "2081": ("Aktiekapital", AccountType.LIABILITY),
    "2091": ("Balanserad vinst eller förlust", AccountType.LIABILITY),
    "2099": ("Årets resultat", AccountType.LIABILITY),
    "2440": ("Leverantörsskulder", AccountType.LIABILITY),
    "2611": ("Utgående moms på försäljning inom Sverige, 25 %", AccountType.LIABILITY),
    "2641": ("Debiterad ingående moms", AccountType.LIABILITY),
    "2710": ("Personalskatt", AccountType.LIABILITY),
    "2731": ("Avräkning lagstadgade sociala avgifter", AccountType.LIABILITY),
    "3001": ("Försäljning inom Sverige, 25 % moms", AccountType.INCOME),
    "4010": ("Inköp av handelsvaror", AccountType.COST),
    "5010": ("Lokalhyra", AccountType.COST),
    "6212": ("Mobiltelefon", AccountType.COST),
    "6570": ("Bankkostnader", AccountType.COST),
    "7010": ("Löner till kollektivanställda", AccountType.COST),
    "7510": ("Arbetsgivaravgifter 31,42 %", AccountType.COST),
    "7832": ("Avskrivningar på inventarier och verktyg", AccountType.COST),
}
_SRU = {
    "1220": "7215",
    "1510": "7251",
    "1930": "7281",
    "2081": "7301",
    "2440": "7368",
    "3001": "7410",
    "4010": "7511",
    "5010": "7513",
    "7010": "7514",
    "7832": "7515",
}
_COST_CENTRES = {"100": "Administration", "200": "Försäljning", "300": "Lager"}
_PROJECTS = {"P1": "Webbutik", "P2": "Mässa 2025"}


def _amount(rng: random.Random, low: int, high: int) -> Decimal:
    return from_ore(rng.randint(low * 100, high * 100))


def _rows(*pairs: tuple[str, Decimal, tuple[tuple[int, str], ...]]) -> tuple[VoucherRow, ...]:
    return tuple(VoucherRow(RowKind.NORMAL, acc, amt, objs) for acc, amt, objs in pairs)


def _year_vouchers(rng: random.Random, start: date, end: date, count: int) -> list[Voucher]:
    days = (end - start).days + 1
    vouchers: list[Voucher] = []
    counters: dict[str, int] = defaultdict(int)
    dates = sorted(start + timedelta(days=rng.randrange(days)) for _ in range(count))
    for day in dates:
        kind = rng.random()
        cc = ((1, rng.choice(list(_COST_CENTRES))),)
        if kind < 0.35:
            net = _amount(rng, 500, 40_000)
            vat = (net * Decimal("0.25")).quantize(Decimal("0.01"))
            series, text = "B", "Kundfaktura"
            rows = _rows(("1510", net + vat, ()), ("3001", -net, ()), ("2611", -vat, ()))
        elif kind < 0.6:
            gross = _amount(rng, 500, 30_000)
            series, text = "C", "Kundinbetalning"
            rows = _rows(("1930", gross, ()), ("1510", -gross, ()))
        elif kind < 0.8:
            net = _amount(rng, 200, 20_000)
            vat = (net * Decimal("0.25")).quantize(Decimal("0.01"))
            account = rng.choice(["4010", "5010", "6212"])
            series, text = "D", "Leverantörsfaktura"
            rows = _rows(("2440", -(net + vat), ()), (account, net, cc), ("2641", vat, ()))
        elif kind < 0.95:
            gross = _amount(rng, 200, 25_000)
            series, text = "E", "Leverantörsbetalning"
            rows = _rows(("2440", gross, ()), ("1930", -gross, ()))
        else:
            salary = _amount(rng, 20_000, 45_000)
            tax = (salary * Decimal("0.30")).quantize(Decimal("0.01"))
            fees = (salary * Decimal("0.3142")).quantize(Decimal("0.01"))
            series, text = "F", "Lön"
            rows = _rows(
                ("7010", salary, cc),
                ("2710", -tax, ()),
                ("1930", -(salary - tax), ()),
                ("7510", fees, cc),
                ("2731", -fees, ()),
            )
        counters[series] += 1
        vouchers.append(
            Voucher(
                series,
                str(counters[series]),
                day,
                f"{text} {counters[series]}",
                rows,
                registered=day,
            )
        )
    # A correction with a struck row, as Fortnox records them.
    if vouchers:
        counters["A"] += 1
        fix = _amount(rng, 10, 500)
        vouchers.append(
            Voucher(
                "A",
                str(counters["A"]),
                end,
                "Rättelse bankavgift",
                (
                    VoucherRow(RowKind.NORMAL, "6570", fix),
                    VoucherRow(RowKind.NORMAL, "1930", -fix),
                    VoucherRow(RowKind.REMOVED, "6212", fix),
                ),
                registered=end,
            )
        )
    vouchers.sort(key=lambda v: (v.series, int(v.number)))
    return vouchers


def demo_document(
    *,
    seed: int = 1,
    years: int = 3,
    vouchers_per_year: int = 300,
    last_year: int = 2025,
    name: str = "Demo Handel AB",
    org_number: str = "556677-8899",
) -> Document:
    """A SIE 4E-like document of a company with ``years`` calendar years of bookkeeping.

    Every year's vouchers are in the document; year-end balances are derived from them, so
    IB + movements = UB holds exactly.
    """
    rng = random.Random(seed)
    header = Header(
        flag=0,
        program="bokslut-sandbox",
        program_version="1",
        format="PC8",
        generated=date(last_year, 12, 31),
        sie_type=4,
        company_name=name,
        org_number=org_number,
        address=Address("Anna Andersson", "Storgatan 1", "111 22 Stockholm", "08-123 45 67"),
        chart_type="BAS2014",
    )
    document = Document(header=header)
    for number, (text, kind) in _CHART.items():
        sru = (_SRU[number],) if number in _SRU else ()
        document.accounts[number] = Account(number, text, kind, None, sru)
    document.dimensions = {1: Dimension(1, "Kostnadsställe"), 6: Dimension(6, "Projekt")}
    for code, text in _COST_CENTRES.items():
        document.objects[(1, code)] = SieObject(1, code, text)
    for code, text in _PROJECTS.items():
        document.objects[(6, code)] = SieObject(6, code, text)
    opening: dict[str, Decimal] = {"1930": Decimal("50000.00"), "2081": Decimal("-50000.00")}
    for offset in range(years):
        index = offset - years + 1
        start, end = date(last_year + index, 1, 1), date(last_year + index, 12, 31)
        header.years[index] = FinancialYear(index, start, end)
        vouchers = _year_vouchers(rng, start, end, vouchers_per_year)
        document.vouchers.extend(vouchers)
        moves: dict[str, Decimal] = defaultdict(Decimal)
        periods: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
        for voucher in vouchers:
            assert voucher.date is not None
            for row in voucher.rows:
                if row.counts:
                    moves[row.account] += row.amount
                    periods[(f"{voucher.date:%Y%m}", row.account)] += row.amount
        result = Decimal(0)
        closing: dict[str, Decimal] = {}
        for account in sorted(set(opening) | set(moves)):
            if account[0] in "12":
                ib = opening.get(account, Decimal(0))
                if ib:
                    document.balances.append(Balance("IB", index, account, ib))
                closing[account] = ib + moves.get(account, Decimal(0))
                document.balances.append(Balance("UB", index, account, closing[account]))
            else:
                document.balances.append(Balance("RES", index, account, moves[account]))
                result += moves[account]
        for (period, account), amount in sorted(periods.items()):
            document.period_balances.append(
                PeriodBalance("PSALDO", index, period, account, (), amount)
            )
        # Next year opens with this year's result moved to retained earnings.
        opening = {a: v for a, v in closing.items() if v}
        opening["2091"] = opening.get("2091", Decimal(0)) + result
    return document


def _extras(
    rng: random.Random, last_year: int, customers: int, suppliers: int
) -> dict[str, JsonValue]:
    cities = ["Stockholm", "Göteborg", "Malmö", "Uppsala", "Västerås", "Örebro"]
    extras: dict[str, list[JsonValue]] = {
        k: [] for k in ("Customers", "Suppliers", "Invoices", "SupplierInvoices", "Assets")
    }
    for n in range(1, customers + 1):
        extras["Customers"].append(
            {
                "CustomerNumber": str(n),
                "Name": f"Kund {n} AB",
                "OrganisationNumber": f"55{n:04d}-{n:04d}",
                "Address1": f"Kundvägen {n}",
                "Address2": "",
                "ZipCode": "123 45",
                "City": rng.choice(cities),
                "Email": f"kund{n}@example.se",
                "Phone": "",
                "Active": n % 7 != 0,
                "Currency": "SEK",
            }
        )
    for n in range(1, suppliers + 1):
        extras["Suppliers"].append(
            {
                "SupplierNumber": str(n),
                "Name": f"Leverantör {n} AB",
                "OrganisationNumber": f"56{n:04d}-{n:04d}",
                "Address1": f"Leverantörsgatan {n}",
                "Address2": "",
                "ZipCode": "543 21",
                "City": rng.choice(cities),
                "Email": f"lev{n}@example.se",
                "Phone": "",
                "BankAccountNumber": "",
                "Active": True,
            }
        )
    for n in range(1, customers * 3 + 1):
        day = date(last_year, rng.randint(1, 12), rng.randint(1, 28))
        total = _amount(rng, 1_000, 50_000)
        paid = rng.random() < 0.7
        customer = str(rng.randint(1, customers))
        extras["Invoices"].append(
            {
                "DocumentNumber": str(n),
                "CustomerNumber": customer,
                "CustomerName": f"Kund {customer} AB",
                "InvoiceDate": day,
                "DueDate": day + timedelta(days=30),
                "FinalPayDate": (day + timedelta(days=25)) if paid else None,
                "Balance": Decimal("0.00") if paid else total,
                "Total": total,
                "Currency": "SEK",
                "Booked": True,
                "Cancelled": n % 29 == 0,
                "Sent": True,
                "OCR": f"{n:06d}",
                "VoucherSeries": "B",
                "VoucherNumber": n,
                "VoucherYear": 1,
                "ExternalInvoiceReference1": "",
            }
        )
    for n in range(1, suppliers * 4 + 1):
        day = date(last_year, rng.randint(1, 12), rng.randint(1, 28))
        total = _amount(rng, 500, 30_000)
        paid = rng.random() < 0.75
        supplier = str(rng.randint(1, suppliers))
        extras["SupplierInvoices"].append(
            {
                "GivenNumber": str(n),
                "SupplierNumber": supplier,
                "SupplierName": f"Leverantör {supplier} AB",
                "InvoiceNumber": f"F{1000 + n}",
                "InvoiceDate": day,
                "DueDate": day + timedelta(days=30),
                "FinalPayDate": (day + timedelta(days=28)) if paid else None,
                "Balance": Decimal("0.00") if paid else total,
                "Total": total,
                "VAT": (total * Decimal("0.2")).quantize(CENT),
                "Currency": "SEK",
                "Booked": True,
                "Cancelled": False,
                "OCR": "",
                "VoucherSeries": "D",
                "VoucherNumber": n,
                "VoucherYear": 1,
            }
        )
    for n in range(1, 6):
        value = _amount(rng, 10_000, 120_000)
        extras["Assets"].append(
            {
                "Id": n,
                "Number": f"INV{n:03d}",
                "Description": f"Inventarie {n}",
                "AcquisitionDate": date(last_year - 1, n, 1),
                "AcquisitionValue": value,
                "DepreciateToResidualValue": Decimal(0),
                "DepreciationFinal": date(last_year + 4, n, 1),
                "BookValue": (value * Decimal("0.8")).quantize(Decimal("0.01")),
                "Type": "Inventarier",
                "TypeId": 1,
                "CostCenter": "100",
                "Project": "",
            }
        )
    return dict(extras)


def demo_company(
    database_number: int = 1001,
    *,
    seed: int = 1,
    vouchers_per_year: int = 300,
    last_year: int = 2025,
    locked_until: date | None = None,
) -> Company:
    """The demo company: 3 years, ledgers, open invoices, assets, cost centres and projects."""
    document = demo_document(seed=seed, vouchers_per_year=vouchers_per_year, last_year=last_year)
    company = company_from_document(document, database_number, seeded_at=datetime(last_year, 1, 1))
    apply_extras(company, _extras(random.Random(seed), last_year, 25, 12))
    company.locked_until = locked_until or date(last_year, 6, 30)
    return company


def large_company(
    database_number: int,
    *,
    vouchers_per_year: int = 10_000,
    years: int = 2,
    seed: int = 7,
    last_year: int = 2025,
) -> Company:
    """A benchmark company with ``vouchers_per_year`` (1k–100k) vouchers in each year."""
    document = demo_document(
        seed=seed,
        years=years,
        vouchers_per_year=vouchers_per_year,
        last_year=last_year,
        name=f"Storföretag {database_number} AB",
        org_number=f"559{database_number % 1000:03d}-0000",
    )
    company = company_from_document(document, database_number, seeded_at=datetime(last_year, 1, 1))
    apply_extras(company, _extras(random.Random(seed), last_year, 200, 80))
    return company
