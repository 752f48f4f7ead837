"""The planner's rules, as properties over arbitrary series counters."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from bokslut.sync.planner import (
    DeltaRule,
    HeldYear,
    Path,
    RemoteYear,
    decide_year,
    needs_probe,
    new_vouchers,
    select_years,
)

codes = st.sampled_from(list("ABCDEFGHI"))
counters = st.dictionaries(codes, st.integers(min_value=1, max_value=5000), max_size=6)


def held(series: dict[str, int], *, locked: bool = False, vouchers: int = 5000) -> HeldYear:
    return HeldYear(7, date(2025, 1, 1), date(2025, 12, 31), series, locked, vouchers)


@given(counters, st.dictionaries(codes, st.integers(min_value=0, max_value=40), max_size=6))
def test_new_vouchers_are_exactly_the_numbers_between_the_counters(
    before: dict[str, int], added: dict[str, int]
) -> None:
    after = dict(before)
    for code, n in added.items():
        after[code] = after.get(code, 1) + n
    found = new_vouchers(before, after)
    assert found is not None
    assert len(found) == sum(added.values())
    assert len(set(found)) == len(found)
    for code, number in found:
        assert before.get(code, 1) <= number < after[code]


@given(counters)
def test_equal_counters_mean_no_request_beyond_the_probe(series: dict[str, int]) -> None:
    decision = decide_year(held(series), dict(series), full=False)
    assert decision.path is Path.UNCHANGED
    assert decision.new == ()


@given(counters, codes, st.integers(min_value=1, max_value=3))
def test_a_counter_that_went_back_forces_the_bulk_path(
    series: dict[str, int], code: str, back: int
) -> None:
    series = {**series, code: series.get(code, 1) + back}
    now = {**series, code: series[code] - back}
    assert decide_year(held(series), now, full=False).path is Path.SIE


@given(counters, st.integers(min_value=1, max_value=200))
def test_few_new_vouchers_in_a_large_year_go_by_json_and_many_by_sie(
    series: dict[str, int], added: int
) -> None:
    rule = DeltaRule(max_new=25, min_held=1000)
    now = {**series, "A": series.get("A", 1) + added}
    decision = decide_year(held(series), now, full=False, rule=rule)
    assert decision.path is (Path.DELTA if added <= 25 else Path.SIE)
    small = decide_year(held(series, vouchers=10), now, full=False, rule=rule)
    assert small.path is Path.SIE


def test_a_year_locked_when_written_is_not_even_probed() -> None:
    assert not needs_probe(held({"A": 3}, locked=True), full=False)
    assert needs_probe(held({"A": 3}, locked=True), full=True)
    assert needs_probe(held({"A": 3}, locked=False), full=False)
    assert needs_probe(None, full=False)


def test_first_sync_and_full_comparison_take_the_bulk_path() -> None:
    assert decide_year(None, {"A": 5}, full=False).path is Path.SIE
    assert decide_year(held({"A": 5}), {"A": 5}, full=True).path is Path.SIE


@given(st.integers(min_value=0, max_value=6), st.permutations(list(range(6))))
def test_select_years_takes_the_most_recent_by_date_not_by_id(years: int, ids: list[int]) -> None:
    remote = [
        RemoteYear(i, date(2020 + n, 1, 1), date(2020 + n, 12, 31)) for n, i in enumerate(ids)
    ]
    chosen = select_years(list(reversed(remote)), years=years)
    assert chosen == remote[len(remote) - years :] if years else chosen == []
