"""Retries with backoff on 429, 5xx, timeouts and truncated bodies, within a budget."""

from __future__ import annotations

import httpx
import pytest
from fortnox_fakes import FakeClock, FakeFortnox, fixture_bytes

from bokslut.fortnox import FortnoxUnavailable, RateLimited, RetryPolicy, ServerError

OK = httpx.Response(200, content=fixture_bytes("companyinformation.json"))


def test_429_then_success_waits_at_least_a_second(
    fake: FakeFortnox, make_client, clock: FakeClock
) -> None:
    fake.add("GET", "/3/companyinformation", httpx.Response(429, text=""), OK)
    client = make_client()
    assert client.company_information().database_number == 1234567
    assert len(fake.requests) == 2
    assert max(clock.sleeps) >= 1.0
    assert client.stats.by_endpoint()["GET /3/companyinformation"].retries == 1


def test_5xx_are_retried_with_growing_backoff(
    fake: FakeFortnox, make_client, clock: FakeClock
) -> None:
    fake.add(
        "GET",
        "/3/companyinformation",
        httpx.Response(500, content=fixture_bytes("error_capitalised_flat.json")),
        httpx.Response(502, text="Bad gateway"),
        httpx.Response(503, text=""),
        OK,
    )
    make_client(retry=RetryPolicy(attempts=4, initial_delay=0.5, jitter=0.0)).company_information()
    assert len(fake.requests) == 4
    backoff = [s for s in clock.sleeps if s >= 0.5]
    assert backoff == [0.5, 1.0, 2.0]


def test_timeouts_and_connection_errors_are_retried(fake: FakeFortnox, make_client) -> None:
    fake.add(
        "GET",
        "/3/companyinformation",
        httpx.ReadTimeout("slow"),
        httpx.ConnectError("refused"),
        OK,
    )
    assert make_client().company_information().company_name == "Exempelbolaget AB"
    assert len(fake.requests) == 3


def test_truncated_body_is_retried(fake: FakeFortnox, make_client) -> None:
    whole = fixture_bytes("companyinformation.json")
    fake.add("GET", "/3/companyinformation", httpx.Response(200, content=whole[:40]), OK)
    assert make_client().company_information().database_number == 1234567
    assert len(fake.requests) == 2


def test_budget_is_spent_then_a_typed_error(fake: FakeFortnox, make_client) -> None:
    fake.add("GET", "/3/companyinformation", httpx.Response(503, text=""))
    with pytest.raises(ServerError):
        make_client(retry=RetryPolicy(attempts=3)).company_information()
    assert len(fake.requests) == 3


def test_persistent_429_ends_as_rate_limited(fake: FakeFortnox, make_client) -> None:
    fake.add("GET", "/3/companyinformation", httpx.Response(429, text=""))
    with pytest.raises(RateLimited):
        make_client(retry=RetryPolicy(attempts=2)).company_information()
    assert len(fake.requests) == 2


def test_persistent_timeouts_end_as_unavailable(fake: FakeFortnox, make_client) -> None:
    fake.add("GET", "/3/companyinformation", httpx.ReadTimeout("slow"))
    with pytest.raises(FortnoxUnavailable):
        make_client(retry=RetryPolicy(attempts=3)).company_information()
    assert len(fake.requests) == 3


def test_jitter_keeps_delays_within_bounds() -> None:
    policy = RetryPolicy(initial_delay=1.0, max_delay=8.0, jitter=0.5)
    for attempt in range(1, 8):
        low = policy.delay(attempt, rate_limited=False, random=lambda: 1.0)
        high = policy.delay(attempt, rate_limited=False, random=lambda: 0.0)
        base = min(8.0, 2.0 ** (attempt - 1))
        assert (low, high) == (base * 0.5, base)
