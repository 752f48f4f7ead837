"""IB against last year's UB, UB against Fortnox, ledgers against 1510/2440."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bokslut.rules import (
    OpenItem,
    Status,
    check_customer_ledger,
    check_fortnox_balances,
    check_opening_balances,
    check_supplier_ledger,
    choose_sample,
)

from .ledgers import year


def test_generated_company_opening_balances_equal_last_years_closing() -> None:
    result = check_opening_balances(opening=year(0).opening(), previous_closing=year(-1).closing())

    assert result.status is Status.OK, result.findings
    assert result.checked > 10


def test_without_a_previous_year_the_opening_check_is_skipped() -> None:
    result = check_opening_balances(opening=year(0).opening(), previous_closing=None)

    assert result.status is Status.SKIPPED


def test_posting_in_last_year_after_carry_forward_is_named_as_the_cause() -> None:
    previous = dict(year(-1).closing())
    # A supplier invoice booked into last year after the balances were carried forward.
    previous["2440"] -= 500_000
    previous["6110"] = 500_000  # income accounts are not compared

    result = check_opening_balances(
        opening=year(0).opening(),
        previous_closing=previous,
        late_postings={"2440": -500_000, "6110": 500_000},
    )

    assert result.status is Status.FAIL
    assert [(f.key, f.cause) for f in result.findings] == [("2440", "late_posting")]
    assert result.findings[0].difference_ore == 500_000


def test_deactivated_account_without_ib_is_named_as_the_cause() -> None:
    previous = {**year(-1).closing(), "1940": 2_500_000}
    # The other side of 1940's balance sat in equity in last year's books.
    previous["2091"] = previous.get("2091", 0) - 2_500_000
    opening = {**year(0).opening()}
    opening["2091"] = opening.get("2091", 0) - 2_500_000

    result = check_opening_balances(opening=opening, previous_closing=previous, inactive={"1940"})

    assert [(f.key, f.cause) for f in result.findings] == [("1940", "inactive_account")]


def test_account_missing_from_this_years_chart_counts_as_deactivated() -> None:
    previous = {**year(-1).closing(), "1940": 100}
    opening = year(0).opening()

    result = check_opening_balances(
        opening=opening, previous_closing=previous, charted=set(opening)
    )

    assert result.causes() == {"inactive_account"}


def test_manually_changed_ib_is_named_as_the_cause() -> None:
    opening = dict(year(0).opening())
    opening["1930"] += 1_000

    result = check_opening_balances(opening=opening, previous_closing=year(-1).closing())

    assert [(f.key, f.cause) for f in result.findings] == [("1930", "manual_ib")]
    assert "1930" in result.findings[0].message


def test_last_years_result_moved_within_equity_is_not_a_difference() -> None:
    previous = {"1930": 1_000_00, "2099": -1_000_00}
    opening = {"1930": 1_000_00, "2091": -1_000_00}

    result = check_opening_balances(opening=opening, previous_closing=previous)

    assert result.passed


def test_fortnox_sample_takes_priority_accounts_then_the_largest_within_budget() -> None:
    closing = {"1930": 5, "1510": 7, "2081": -5_000_000, "1220": 3_000_000, "1790": 1}

    assert choose_sample(closing, 4) == ["1930", "1510", "2081", "1220"]
    assert choose_sample(closing, 1) == ["1930"]
    assert choose_sample(closing, 0) == []


def test_our_ub_equal_to_fortnox_balance_carried_forward_passes() -> None:
    ours = year(0).closing()
    sample = choose_sample(ours, 5)

    result = check_fortnox_balances(ours=ours, fortnox={a: ours[a] for a in sample}, budget=5)

    assert result.passed
    assert result.checked == 5
    assert f"konton {', '.join(sorted(sample))}; 5 anrop av högst 5" in result.summary
    retried = check_fortnox_balances(
        ours=ours, fortnox={a: ours[a] for a in sample}, budget=5, requests=6
    )
    assert "6 anrop av högst 5" in retried.summary


def test_fortnox_balance_that_differs_fails_and_a_missing_answer_warns() -> None:
    ours = year(0).closing()

    differs = check_fortnox_balances(ours=ours, fortnox={"1930": ours["1930"] + 1}, budget=3)
    missing = check_fortnox_balances(ours=ours, fortnox={"1930": None}, budget=3)
    nothing = check_fortnox_balances(ours=ours, fortnox={}, budget=3)

    assert differs.status is Status.FAIL
    assert differs.causes() == {"fortnox_differs"}
    assert missing.status is Status.WARN
    assert missing.causes() == {"not_fetched"}
    assert nothing.status is Status.SKIPPED


def test_open_customer_invoices_equal_to_1510_pass_and_otherwise_fail() -> None:
    ub_1510 = year(0).closing()["1510"]
    items = [OpenItem("17", "1001", ub_1510 - 40_000), OpenItem("23", "1002", 40_000)]

    assert check_customer_ledger(items, balance_1510_ore=ub_1510).passed
    failed = check_customer_ledger(items[:1], balance_1510_ore=ub_1510)
    assert failed.causes() == {"ledger_differs"}
    assert failed.findings[0].difference_ore == -40_000


def test_open_supplier_invoices_equal_minus_2440_pass_and_otherwise_fail() -> None:
    ub_2440 = year(0).closing()["2440"]
    assert ub_2440 < 0  # a liability is a credit
    items = [OpenItem("5", "88", -ub_2440)]

    assert check_supplier_ledger(items, balance_2440_ore=ub_2440).passed
    assert check_supplier_ledger([], balance_2440_ore=ub_2440).causes() == {"ledger_differs"}


@given(st.lists(st.integers(-(10**10), 10**10), max_size=40), st.integers(-(10**6), 10**6))
def test_customer_ledger_passes_exactly_when_the_open_items_sum_to_the_balance(
    balances: list[int], offset: int
) -> None:
    items = [OpenItem(str(i), str(i), b) for i, b in enumerate(balances)]

    result = check_customer_ledger(items, balance_1510_ore=sum(balances) + offset)

    assert result.passed == (offset == 0)
