"""Voucher series, postings in the locked period, postings on inactive accounts."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from bokslut.rules import (
    AccountTotal,
    Posting,
    Status,
    VoucherNumber,
    check_inactive_accounts,
    check_locked_period,
    check_voucher_series,
)

from .ledgers import year


def test_generated_series_have_no_gaps_or_duplicates() -> None:
    result = check_voucher_series(year(0).numbers)

    assert result.passed
    assert result.checked == 300


def test_a_deleted_voucher_is_a_gap_and_an_imported_twice_voucher_a_duplicate() -> None:
    numbers = [n for n in year(0).numbers if not (n.series == "A" and n.number_sort == 5)]
    first_b = next(n for n in numbers if n.series == "B")
    numbers.append(VoucherNumber("B", "0" + first_b.number, first_b.number_sort))

    result = check_voucher_series(numbers)

    assert result.status is Status.FAIL
    assert sorted((f.key, f.cause) for f in result.findings) == [
        ("A 5", "gap"),
        (f"B {first_b.number_sort}", "duplicate"),
    ]


def test_a_series_starting_late_has_a_gap_at_the_start_unless_told_otherwise() -> None:
    numbers = [VoucherNumber("K", str(n), n) for n in range(4, 9)]

    assert [f.key for f in check_voucher_series(numbers).findings] == ["K 1–3"]
    assert check_voucher_series(numbers, first_number=None).passed


@given(st.sets(st.integers(1, 400), min_size=1))
def test_gap_count_is_exactly_the_numbers_missing_below_the_highest(kept: set[int]) -> None:
    numbers = [VoucherNumber("A", str(n), n) for n in kept]

    result = check_voucher_series(numbers)

    missing = max(kept) - len(kept)
    assert result.passed == (missing == 0)
    if missing:
        assert result.summary.startswith(f"{missing} saknade och 0 dubbla")


def _posting(number: str, day: dt.date) -> Posting:
    return Posting("A", number, "1930", -12_550, day)


def test_new_voucher_after_the_locked_period_passes() -> None:
    result = check_locked_period(
        [_posting("301", dt.date(2025, 11, 3))], locked_until=dt.date(2025, 3, 31)
    )

    assert result.passed


def test_new_voucher_dated_in_the_locked_period_fails() -> None:
    postings = [
        _posting("302", dt.date(2025, 3, 31)),
        _posting("302", dt.date(2025, 3, 31)),
        _posting("303", dt.date(2025, 4, 1)),
    ]

    result = check_locked_period(postings, locked_until=dt.date(2025, 3, 31))

    assert result.status is Status.FAIL
    assert [(f.key, f.cause) for f in result.findings] == [("A 302", "posted_in_locked_period")]


def test_a_first_sync_of_the_year_is_not_a_late_posting() -> None:
    postings = [_posting("302", dt.date(2025, 3, 31))]

    result = check_locked_period(postings, locked_until=dt.date(2025, 3, 31), first_sync=True)

    assert result.status is Status.SKIPPED
    assert "första gången" in result.summary
    assert result.findings == ()


def test_without_a_locked_period_the_check_is_skipped() -> None:
    assert check_locked_period([], locked_until=None).status is Status.SKIPPED


def test_inactive_account_with_only_a_balance_passes_but_with_postings_fails() -> None:
    carried = AccountTotal("1940", opening_ore=100_00, active=False)
    posted = AccountTotal("1941", movement_ore=-5_00, active=False, row_count=2)
    active = AccountTotal("1930", movement_ore=5_00, row_count=2)

    assert check_inactive_accounts([carried, active]).passed
    failed = check_inactive_accounts([carried, posted, active])
    assert [(f.key, f.cause) for f in failed.findings] == [("1941", "inactive_posting")]
