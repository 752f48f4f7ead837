"""The ledger generator: deterministic, exact in size, and books that hold together.

Generated companies also make the round trip through the writer and the reader.
"""

from __future__ import annotations

import io
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.se import orgnr

from bokslut.sie.generator import GeneratedCompany, generate_company, write_generated_sie
from bokslut.sie.model import AccountType, RowKind
from bokslut.sie.reader import SieReader, read_document
from bokslut.sie.writer import complete_header, write_document

ZERO = Decimal(0)


@pytest.fixture(scope="module")
def company() -> GeneratedCompany:
    return generate_company(seed=42, transactions_per_year=6000, years=3)


def _by_account(company: GeneratedCompany, kind: str, year: int) -> dict[str, Decimal]:
    return {b.account: b.amount for b in company.balances() if b.kind == kind and b.year == year}


def _movements(company: GeneratedCompany, year: int) -> dict[str, Decimal]:
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for voucher in company.vouchers(year):
        for row in voucher.rows:
            if row.counts:
                sums[row.account] += row.amount
    return sums


def test_same_seed_gives_the_same_file_byte_for_byte(tmp_path: Path) -> None:
    first = write_generated_sie(tmp_path / "a.se", seed=7, transactions=3000, years=2)
    second = write_generated_sie(tmp_path / "b.se", seed=7, transactions=3000, years=2)
    other = write_generated_sie(tmp_path / "c.se", seed=8, transactions=3000, years=2)
    assert first.path.read_bytes() == second.path.read_bytes()
    assert first.path.read_bytes() != other.path.read_bytes()


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10**6), st.integers(8, 4000), st.integers(1, 3))
def test_file_holds_exactly_the_asked_number_of_trans_lines(
    seed: int, transactions: int, years: int
) -> None:
    gen = generate_company(seed=seed, transactions_per_year=transactions, years=years)
    buf = io.BytesIO()
    write_document(gen.document(), buf)
    lines = buf.getvalue().split(b"\r\n")
    assert sum(1 for line in lines if line.startswith(b"#TRANS ")) == transactions
    assert gen.transaction_rows() == transactions


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 10**6), st.integers(3, 600))
def test_vouchers_per_year_is_exact(seed: int, vouchers: int) -> None:
    gen = generate_company(seed=seed, vouchers_per_year=vouchers, years=2)
    assert sum(1 for _ in gen.vouchers(0)) == vouchers
    assert sum(1 for _ in gen.vouchers(-1)) == vouchers


def test_every_voucher_balances(company: GeneratedCompany) -> None:
    for year in (0, -1, -2):
        assert all(v.total() == ZERO for v in company.vouchers(year))


def test_closing_balance_is_opening_balance_plus_movements(company: GeneratedCompany) -> None:
    for year in (0, -1, -2):
        ib, ub = _by_account(company, "IB", year), _by_account(company, "UB", year)
        res, moved = _by_account(company, "RES", year), _movements(company, year)
        for account in set(ib) | set(ub) | set(res) | set(moved):
            if account[0] in "12":
                assert ib.get(account, ZERO) + moved.get(account, ZERO) == ub.get(account, ZERO)
            else:
                assert moved.get(account, ZERO) == res.get(account, ZERO)
        assert sum(ib.values()) == ZERO


def test_opening_balance_is_last_years_closing_balance(company: GeneratedCompany) -> None:
    assert _by_account(company, "IB", 0) == _by_account(company, "UB", -1)
    assert _by_account(company, "IB", -1) == _by_account(company, "UB", -2)


def test_previous_years_are_closed_and_the_current_year_is_open(
    company: GeneratedCompany,
) -> None:
    for year in (-1, -2):
        assert sum(_by_account(company, "RES", year).values()) == ZERO
        assert "8999" in _by_account(company, "RES", year)
    current = _by_account(company, "RES", 0)
    assert "8999" not in current
    # The open year's result is what the balance sheet is out of balance by.
    assert sum(_by_account(company, "UB", 0).values()) == -sum(current.values())


def test_period_balances_are_the_months_movements(company: GeneratedCompany) -> None:
    by_period: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for voucher in company.vouchers(0):
        assert voucher.date is not None
        for row in voucher.rows:
            if row.counts:
                by_period[voucher.date.strftime("%Y%m"), row.account] += row.amount
    psaldo = {
        (p.period, p.account): p.amount
        for p in company.period_balances()
        if p.year == 0 and not p.objects
    }
    assert psaldo == {k: v for k, v in by_period.items() if v}


def test_object_balances_sum_the_rows_of_each_object(company: GeneratedCompany) -> None:
    sums: dict[tuple[str, tuple[int, str]], Decimal] = defaultdict(Decimal)
    for voucher in company.vouchers(0):
        for row in voucher.rows:
            for ref in row.objects if row.counts else ():
                sums[row.account, ref] += row.amount
    oub = {(b.account, b.object): b.amount for b in company.object_balances()}
    assert oub == {k: v for k, v in sums.items() if v}
    assert {ref[0] for _, ref in oub} == {1, 6}
    assert all(ref in company.objects for _, ref in oub)


def test_ledger_looks_like_a_swedish_company(company: GeneratedCompany) -> None:
    assert orgnr.is_valid(company.header.org_number)
    assert 140 <= len(company.accounts) <= 170
    assert all(a.name and a.type and a.sru for a in company.accounts.values())
    assert company.accounts["1510"].type is AccountType.ASSET
    assert company.accounts["3001"].sru == ("7410",)
    assert sorted(company.header.years) == [-2, -1, 0]
    vouchers = list(company.vouchers(0))
    accounts = Counter(row.account for v in vouchers for row in v.rows)
    for typical in ("1510", "3001", "2611", "1930", "2440", "4010", "2641", "7210", "2710"):
        assert accounts[typical] > 0, typical
    for typical in ("5010", "7832", "2650", "1630", "2731"):
        assert accounts[typical] >= 12, typical
    kinds = Counter(row.kind for v in vouchers for row in v.rows)
    assert kinds[RowKind.ADDED] > 0
    assert kinds[RowKind.REMOVED] == kinds[RowKind.ADDED]
    assert any('"' in v.text for v in vouchers)  # Café "Lilla Torget" AB
    assert {v.series for v in vouchers} == {"A", "B", "C", "D", "E", "L"}


def test_given_name_and_orgnr_are_used_and_a_bad_orgnr_refused() -> None:
    gen = generate_company(seed=1, name="Demo AB", orgnr="5566391537", vouchers_per_year=10)
    assert (gen.header.company_name, gen.header.org_number) == ("Demo AB", "556639-1537")
    with pytest.raises(ValueError):  # noqa: PT011 - stdnum's own error is a ValueError
        generate_company(seed=1, orgnr="556639-1538")


def test_generated_company_survives_write_and_read(company: GeneratedCompany) -> None:
    doc = company.document()
    buf = io.BytesIO()
    assert write_document(doc, buf, checksum=True) == []
    buf.seek(0)
    again, issues = read_document(buf)
    doc.header = complete_header(doc.header, "4E")
    assert again == doc
    assert issues == []  # the reader's validation finds nothing wrong with the books


def test_written_file_streams_through_the_reader(tmp_path: Path) -> None:
    written = write_generated_sie(tmp_path / "stor.se", seed=3, transactions=20_000)
    reader = SieReader(written.path)
    rows = sum(
        sum(1 for r in item.rows if r.kind is not RowKind.REMOVED)
        for item in reader
        if hasattr(item, "rows")
    )
    assert rows == written.transactions == 20_000
    assert reader.issues == []
    assert written.size_bytes == written.path.stat().st_size
