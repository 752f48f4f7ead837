"""Deterministic companies for the demo and for benchmarks.

The books come from :mod:`bokslut.sie.generator` (balanced vouchers, closed previous years,
cost centres and projects); this module adds what only Fortnox's JSON holds: customers,
suppliers, customer and supplier invoices (some open), assets and a locked period.
The same seed always gives the same company.

The demo company's registers are the generator's own history (:mod:`bokslut.sandbox.registers`),
so its ledgers agree with its books at every year end as a real company's do. The benchmark
company keeps randomly drawn registers: their size matters there, not their sums.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

from bokslut.money import from_ore
from bokslut.sandbox.jsonio import JsonValue
from bokslut.sandbox.registers import registers_from_history
from bokslut.sandbox.seed import apply_extras, company_from_document
from bokslut.sandbox.store import AccountState, Company, YearData
from bokslut.sie.generator import GeneratedCompany, generate_company
from bokslut.sie.model import Document

__all__ = ["demo_company", "demo_document", "large_company", "new_company"]

CENT = Decimal("0.01")


def _amount(rng: random.Random, low: int, high: int) -> Decimal:
    return from_ore(rng.randint(low * 100, high * 100))


def demo_document(
    *,
    seed: int = 1,
    years: int = 3,
    vouchers_per_year: int = 300,
    last_year: int = 2025,
    name: str | None = None,
) -> Document:
    """A generated company's books as one document holding every year's vouchers.

    Balances cover all years (IB + movements = UB holds exactly); the vouchers of each year
    sit in the document together, and seeding files them into their year by date.
    """
    generated = generate_company(
        seed=seed,
        vouchers_per_year=vouchers_per_year,
        years=years,
        current_year=last_year,
        name=name,
    )
    return _all_years(generated)


def _all_years(generated: GeneratedCompany) -> Document:
    document = generated.document()
    for index in sorted(generated.header.years):
        if index != 0:
            document.vouchers.extend(generated.vouchers(index))
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
    generated = generate_company(
        seed=seed, vouchers_per_year=vouchers_per_year, years=3, current_year=last_year
    )
    document = _all_years(generated)
    company = company_from_document(document, database_number, seeded_at=datetime(last_year, 1, 1))
    year_ids = {year.start: year.id for year in company.years.values()}
    apply_extras(company, registers_from_history(generated, year_ids, customers=25))
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
        seed=seed, years=years, vouchers_per_year=vouchers_per_year, last_year=last_year
    )
    company = company_from_document(document, database_number, seeded_at=datetime(last_year, 1, 1))
    apply_extras(company, _extras(random.Random(seed), last_year, 200, 80))
    return company


def new_company(
    database_number: int, *, name: str = "Nystartat AB", year: int = 2025, seed: int = 1
) -> Company:
    """A company just opened in Fortnox: the demo's chart, one financial year, nothing else.

    No voucher is booked and every register (customers, invoices, assets …) is empty, so each
    list answers with ``@TotalResources`` 0 and ``@TotalPages`` 0 — the shape a client must
    read as "done" after one request.
    """
    # The chart is the demo's (a BAS chart); its books are left behind.
    chart = demo_document(seed=seed, years=1, vouchers_per_year=3, last_year=year).accounts
    seeded_at = datetime(year, 1, 1)
    company = Company(database_number=database_number, name=name)
    for number, account in chart.items():
        company.accounts[number] = AccountState(account=account, modified=seeded_at)
    company.years[1] = YearData(
        id=1, start=date(year, 1, 1), end=date(year, 12, 31), modified=seeded_at
    )
    return company
