"""Shared fixtures for the ledger tests: the SIE corpus, hand-built documents, DB snapshots."""

from __future__ import annotations

import datetime as dt
import os
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bokslut.sie.model import (
    Account,
    AccountType,
    Balance,
    Dimension,
    Document,
    FinancialYear,
    Header,
    ObjectBalance,
    PeriodBalance,
    RowKind,
    SieObject,
    Voucher,
    VoucherRow,
)

#: /work/main/../shared/data/sie, i.e. next to the repository.
CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "sie"

ORG = "556677-8899"


def corpus_dir() -> Path:
    """The SIE corpus; fails under CI=true when missing, otherwise skips the test."""
    if CORPUS.is_dir():
        return CORPUS
    reason = f"the SIE corpus is missing at {CORPUS.resolve()}"
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture
def corpus() -> Path:
    """Path of the SIE corpus folder (see :func:`corpus_dir`)."""
    return corpus_dir()


def D(text: str) -> Decimal:
    return Decimal(text)


def row(account: str, amount: str, **kwargs: Any) -> VoucherRow:
    return VoucherRow(
        kind=kwargs.pop("kind", RowKind.NORMAL), account=account, amount=D(amount), **kwargs
    )


def voucher(
    series: str, number: str, date: dt.date | None, *rows: VoucherRow, text: str = ""
) -> Voucher:
    return Voucher(series=series, number=number, date=date, text=text, rows=tuple(rows))


def sample_document() -> Document:
    """A small two-year 4E company: chart, dimensions, every balance kind, vouchers."""
    header = Header(
        flag=0,
        program="Test",
        program_version="1.0",
        format="PC8",
        generated=dt.date(2025, 1, 15),
        sie_type=4,
        org_number=ORG,
        company_name="Testbolaget AB",
        years={
            0: FinancialYear(0, dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
            -1: FinancialYear(-1, dt.date(2023, 1, 1), dt.date(2023, 12, 31)),
        },
        chart_type="BAS2014",
    )
    accounts = {
        "1930": Account("1930", "Företagskonto", AccountType.ASSET, sru=("7281",)),
        "2440": Account("2440", "Leverantörsskulder", AccountType.LIABILITY),
        "2099": Account("2099", "Årets resultat", AccountType.LIABILITY),
        "3010": Account("3010", "Försäljning", AccountType.INCOME, unit="st"),
        "5010": Account("5010", "Lokalhyra", AccountType.COST),
    }
    dims = {1: Dimension(1, "Kostnadsställe"), 6: Dimension(6, "Projekt")}
    objects = {
        (1, "100"): SieObject(1, "100", "Stockholm"),
        (6, "P 1"): SieObject(6, "P 1", 'Projekt "Ett"'),
    }
    balances = [
        Balance("IB", 0, "1930", D("1000.00")),
        Balance("UB", 0, "1930", D("1000.50")),
        Balance("IB", 0, "2440", D("-1000.00")),
        Balance("UB", 0, "2440", D("-500.00")),
        Balance("UB", -1, "1930", D("1000.00")),
        Balance("UB", -1, "2440", D("-1000.00")),
        Balance("RES", 0, "3010", D("-2000.50")),
        Balance("RES", 0, "5010", D("1500.00")),
        Balance("RES", -1, "3010", D("-900.00")),
    ]
    object_balances = [
        ObjectBalance("OIB", 0, "1930", (1, "100"), D("10.00")),
        ObjectBalance("OUB", 0, "1930", (1, "100"), D("20.00"), quantity=D("1.5")),
    ]
    period_balances = [
        PeriodBalance("PSALDO", 0, "202401", "3010", (), D("-2000.50")),
        PeriodBalance("PSALDO", 0, "202401", "3010", ((1, "100"),), D("-100.00")),
        PeriodBalance("PBUDGET", 0, "202402", "5010", (), D("700.00")),
    ]
    vouchers = [
        voucher(
            "A",
            "1",
            dt.date(2024, 1, 10),
            row("1930", "2000.50"),
            row("3010", "-2000.50", objects=((1, "100"), (6, "P 1")), text='Kund "X"'),
            text="Försäljning",
        ),
        voucher(
            "A",
            "2",
            dt.date(2024, 2, 1),
            row("5010", "1500.00", quantity=D("2.5")),
            row("1930", "-1500.00", date=dt.date(2024, 2, 2)),
            text="Hyra",
        ),
        voucher(
            "B",
            "1",
            dt.date(2024, 3, 1),
            row("2440", "500.00"),
            row("1930", "-500.00"),
            row("1930", "-50.00", kind=RowKind.REMOVED),
            row("1930", "450.00", kind=RowKind.ADDED),
            row("1930", "-450.00"),
            text="Betalning",
        ),
        voucher(
            "K", "", dt.date(2024, 4, 1), row("1930", "5.00"), row("1930", "-5.00"), text="Kassa"
        ),
        voucher(
            "K", "", dt.date(2024, 4, 2), row("1930", "6.00"), row("1930", "-6.00"), text="Kassa"
        ),
    ]
    return Document(
        header=header,
        accounts=accounts,
        dimensions=dims,
        objects=objects,
        balances=balances,
        object_balances=object_balances,
        period_balances=period_balances,
        vouchers=vouchers,
    )


def ledger_snapshot(client_id: int) -> dict[str, Any]:
    """Everything the ledger holds for a client, keyed by identity, with database ids."""
    from bokslut.ledger import models as m

    years = m.FinancialYear.objects.filter(client_id=client_id)
    snap: dict[str, Any] = {
        "years": sorted((y.pk, y.start, y.end) for y in years),
        "accounts": sorted(
            m.Account.objects.filter(year__client_id=client_id).values_list(
                "pk", "year__start", "number", "name", "type", "sru", "unit", "active"
            )
        ),
        "dimensions": sorted(
            m.Dimension.objects.filter(client_id=client_id).values_list(
                "pk", "number", "name", "parent"
            )
        ),
        "objects": sorted(
            m.LedgerObject.objects.filter(dimension__client_id=client_id).values_list(
                "pk", "dimension__number", "code", "name"
            )
        ),
        "balances": sorted(
            m.Balance.objects.filter(year__client_id=client_id).values_list(
                "pk", "year__start", "kind", "account", "amount_ore", "quantity"
            )
        ),
        "object_balances": sorted(
            m.ObjectBalance.objects.filter(year__client_id=client_id).values_list(
                "pk",
                "year__start",
                "kind",
                "account",
                "dimension",
                "object_code",
                "amount_ore",
                "quantity",
            )
        ),
        "period_balances": sorted(
            m.PeriodBalance.objects.filter(year__client_id=client_id).values_list(
                "pk",
                "year__start",
                "kind",
                "account",
                "period",
                "object_list",
                "amount_ore",
                "quantity",
            )
        ),
        "vouchers": sorted(
            m.Voucher.objects.filter(year__client_id=client_id).values_list(
                "pk",
                "year__start",
                "series",
                "number",
                "date",
                "text",
                "registered",
                "signature",
                "content_hash",
            ),
            key=repr,
        ),
        "rows": sorted(
            m.VoucherRow.objects.filter(year__client_id=client_id).values_list(
                "pk",
                "voucher_id",
                "position",
                "kind",
                "account",
                "amount_ore",
                "object_list",
                "date",
                "booking_date",
                "text",
                "quantity",
                "signature",
            ),
            key=repr,
        ),
    }
    return snap


def without_ids(snapshot: dict[str, Any]) -> dict[str, Any]:
    """A snapshot comparable across databases: ids dropped, rows keyed by their voucher."""
    result: dict[str, Any] = {}
    voucher_keys = {v[0]: (v[1], v[2], v[3], v[8]) for v in snapshot["vouchers"]}
    for kind, items in snapshot.items():
        if kind == "rows":
            result[kind] = sorted(((voucher_keys[r[1]], *r[2:]) for r in items), key=repr)
        else:
            result[kind] = sorted((tuple(i[1:]) for i in items), key=repr)
    return result


#: Names of the corpus files that are broken or odd on purpose (the corpus README's list).
BROKEN_NAME = re.compile(
    r"error|erroneous|faulty|imbalanced|missing|non_numeric|unparseable|critical|empty"
    r"|8_digit|12_digit|8-4_digit|iso_voucher_date|broken",
    re.IGNORECASE,
)


def well_formed_files() -> list[Path]:
    """Every corpus file that is not deliberately broken (empty when the corpus is missing)."""
    if not CORPUS.is_dir():
        return []
    return sorted(
        p
        for p in CORPUS.glob("*/*")
        if p.is_file() and p.suffix.lower() != ".md" and not BROKEN_NAME.search(p.name)
    )
