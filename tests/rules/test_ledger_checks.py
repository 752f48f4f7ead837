"""Trial balance, balanced vouchers, UB = IB + movements, result = −Σ balance accounts."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bokslut.rules import (
    AccountTotal,
    Status,
    VoucherTotal,
    check_closing_balances,
    check_trial_balance,
    check_vouchers_balance,
    check_year_result,
)

from .ledgers import replace, year


def test_generated_company_passes_every_arithmetic_check() -> None:
    current = year(0)

    results = [
        check_trial_balance(current.accounts),
        check_vouchers_balance(current.vouchers),
        check_closing_balances(current.accounts),
        check_year_result(current.accounts),
    ]

    assert [r.status for r in results] == [Status.OK] * 4
    assert results[1].checked == 300
    assert results[0].checked == len(current.accounts) > 20


def test_trial_balance_with_unbalanced_opening_balances_fails_naming_the_ib() -> None:
    accounts = [*year(0).accounts, AccountTotal("1940", opening_ore=12_345)]

    result = check_trial_balance(accounts)

    assert result.status is Status.FAIL
    assert result.causes() == {"opening_unbalanced"}
    assert result.findings[0].actual_ore == 12_345
    assert "123,45" in result.summary


def test_trial_balance_with_unbalanced_vouchers_fails_naming_the_vouchers() -> None:
    first = year(0).accounts[0]
    accounts = replace(year(0).accounts, first.account, movement_ore=first.movement_ore + 1)

    result = check_trial_balance(accounts)

    assert result.causes() == {"vouchers_unbalanced"}
    assert result.findings[0].actual_ore == 1


def test_an_unbalanced_voucher_is_reported_by_its_series_and_number() -> None:
    vouchers = list(year(0).vouchers)
    broken = vouchers[17]
    vouchers[17] = VoucherTotal(broken.series, broken.number, 50, broken.date)

    result = check_vouchers_balance(vouchers)

    assert result.status is Status.FAIL
    assert [f.key for f in result.findings] == [broken.key]
    assert result.summary == "1 av 300 verifikationer balanserar inte."


def test_voucher_check_fed_only_the_unbalanced_counts_what_the_database_examined() -> None:
    result = check_vouchers_balance([], voucher_count=1_000_000)

    assert result.passed
    assert result.checked == 1_000_000


def test_stated_ub_that_differs_from_ib_plus_movements_fails() -> None:
    current = year(0)
    bank = next(a for a in current.accounts if a.account == "1930")
    accounts = replace(current.accounts, "1930", stated_closing_ore=bank.closing_ore + 10_000)

    result = check_closing_balances(accounts)

    assert result.causes() == {"closing_differs"}
    assert result.findings[0].key == "1930"
    assert result.findings[0].difference_ore == 10_000


def test_balance_account_without_stated_ub_but_with_a_balance_fails() -> None:
    accounts = replace(year(0).accounts, "1930", stated_closing_ore=None)

    result = check_closing_balances(accounts)

    assert result.causes() == {"missing_closing"}


def test_result_that_does_not_match_the_balance_sheet_fails() -> None:
    current = year(0)
    income = next(a for a in current.accounts if not a.is_balance and a.stated_closing_ore)
    assert income.stated_closing_ore is not None
    accounts = replace(
        current.accounts, income.account, stated_closing_ore=income.stated_closing_ore - 100
    )

    result = check_year_result(accounts)

    assert result.causes() == {"result_differs"}
    assert result.findings[0].difference_ore == -100


@given(
    st.lists(
        st.lists(st.integers(-(10**12), 10**12), min_size=1, max_size=6), min_size=1, max_size=30
    ),
    st.data(),
)
def test_balanced_vouchers_pass_and_any_one_off_by_one_ore_fails(
    row_sets: list[list[int]], data: st.DataObject
) -> None:
    # Each voucher gets a balancing row, like a real one.
    vouchers = [VoucherTotal("A", str(i + 1), sum(r) - sum(r)) for i, r in enumerate(row_sets)]
    assert check_vouchers_balance(vouchers).passed
    broken = data.draw(st.integers(0, len(vouchers) - 1))
    delta = data.draw(st.sampled_from([-1, 1]))
    vouchers[broken] = VoucherTotal("A", str(broken + 1), delta)

    result = check_vouchers_balance(vouchers)

    assert [f.key for f in result.findings] == [f"A {broken + 1}"]


@given(
    st.dictionaries(
        st.sampled_from(["1930", "1510", "2440", "3010", "5010", "2081"]),
        st.integers(-(10**12), 10**12),
        min_size=1,
    )
)
def test_a_ledger_whose_balances_sum_to_zero_passes_trial_balance_and_result(
    amounts: dict[str, int],
) -> None:
    # Close the books against equity so the ledger sums to zero.
    balancing = -sum(amounts.values())
    accounts = [AccountTotal(a, movement_ore=v, stated_closing_ore=v) for a, v in amounts.items()]
    accounts.append(AccountTotal("2099", movement_ore=balancing, stated_closing_ore=balancing))

    assert check_trial_balance(accounts).passed
    assert check_year_result(accounts).passed
    assert check_closing_balances(accounts).passed
