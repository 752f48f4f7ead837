"""Validation shortcuts (feed_voucher, remembered year facts) report what the full checks do."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bokslut.sie import validate
from bokslut.sie.model import (
    Balance,
    Document,
    FinancialYear,
    Header,
    Issue,
    RowKind,
    Voucher,
    VoucherRow,
)
from bokslut.sie.validation import Validator

_YEAR_2024 = FinancialYear(0, date(2024, 1, 1), date(2024, 12, 31))
_YEAR_2023 = FinancialYear(-1, date(2023, 1, 1), date(2023, 12, 31))


def _header(**years: FinancialYear) -> Header:
    return Header(
        program="Fortnox",
        program_version="3",
        sie_type=4,
        company_name="Fastväg AB",
        years={y.index: y for y in years.values()},
    )


def _voucher(
    series: str, number: str, when: date | None, *amounts: str, line: int | None = None
) -> Voucher:
    rows = tuple(
        VoucherRow(RowKind.NORMAL, account, Decimal(amount), line=100 + i)
        for i, (account, amount) in enumerate(zip(("1930", "3001", "2611"), amounts, strict=False))
    )
    at = line if line is not None else int(number) * 10
    return Voucher(series, number, when, "Kortköp", rows, line=at)


def _codes(issues: list[Issue]) -> list[tuple[str, int | None]]:
    return [(i.code, i.line) for i in issues]


def test_every_voucher_of_an_empty_series_is_reported_not_only_the_first() -> None:
    vouchers = [_voucher("", str(n), date(2024, 3, 1), "10", "-10") for n in (1, 2, 3)]
    issues = validate(Document(header=_header(current=_YEAR_2024), vouchers=vouchers))
    missing = [line for code, line in _codes(issues) if code == "voucher_series_missing"]
    assert missing == [10, 20, 30]


def test_year_declared_after_the_first_vouchers_is_used_from_then_on() -> None:
    header = _header(previous=_YEAR_2023)
    validator = Validator(header)
    validator.feed_voucher(_voucher("A", "1", date(2023, 6, 1), "5", "-5"))
    header.years[0] = _YEAR_2024
    validator.feed_voucher(_voucher("A", "2", date(2023, 6, 1), "5", "-5"))
    validator.feed_voucher(_voucher("A", "3", date(2024, 6, 1), "5", "-5"))
    outside = [line for code, line in _codes(validator.issues) if code == "date_outside_year"]
    assert outside == [20]


def test_replaced_current_year_is_not_judged_by_the_old_one() -> None:
    header = _header(current=_YEAR_2024)
    validator = Validator(header)
    validator.feed_voucher(_voucher("A", "1", date(2025, 2, 1), "5", "-5"))
    header.years[0] = FinancialYear(0, date(2024, 1, 1), date(2025, 6, 30))  # same count
    validator.feed_voucher(_voucher("A", "2", date(2025, 2, 1), "5", "-5"))
    outside = [line for code, line in _codes(validator.issues) if code == "date_outside_year"]
    assert outside == [10]


def test_movements_are_kept_per_year_for_the_balance_check() -> None:
    vouchers = [
        _voucher("A", "1", date(2023, 5, 1), "100", "-100"),
        _voucher("A", "2", date(2024, 5, 1), "40", "-40"),
        _voucher("A", "3", date(2024, 6, 1), "2", "-2"),
    ]
    balances = [
        Balance("IB", -1, "1930", Decimal(0)),
        Balance("UB", -1, "1930", Decimal(100), line=7),
        Balance("IB", 0, "1930", Decimal(100)),
        Balance("UB", 0, "1930", Decimal(141), line=8),  # 100 + 42 = 142
    ]
    document = Document(
        header=_header(current=_YEAR_2024, previous=_YEAR_2023),
        vouchers=vouchers,
        balances=balances,
    )
    mismatches = [
        i for i in validate(document) if i.code == "balance_mismatch" and "1930" in i.message_en
    ]
    assert [(i.line, "142" in i.message_en) for i in mismatches] == [(8, True)]


def test_numbers_in_order_then_a_repeat_and_a_gap_are_told_apart() -> None:
    day = date(2024, 2, 1)
    numbers = ["1", "2", "3", "3", "5", "²"]
    vouchers = [_voucher("A", n, day, "1", "-1", line=10 * i) for i, n in enumerate(numbers, 1)]
    issues = validate(Document(header=_header(current=_YEAR_2024), vouchers=vouchers))
    found = _codes(issues)
    assert ("voucher_duplicate", 40) in found  # the second "3"
    assert [c for c in found if c[0] in ("voucher_duplicate", "series_gap")] == [
        ("voucher_duplicate", 40),
        ("series_gap", 50),
    ]


def test_balanced_numbered_voucher_in_the_year_reports_nothing() -> None:
    validator = Validator(_header(current=_YEAR_2024))
    for n in range(1, 4):
        validator.feed_voucher(_voucher("A", str(n), date(2024, 1, n), "7.50", "-7.50"))
    assert validator.issues == []
    assert validator.finish({}, {}, {}) != []  # undeclared accounts only show at the end
