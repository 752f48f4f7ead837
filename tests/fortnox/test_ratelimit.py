"""The per-tenant limiter: never more than 25 requests in any 5 s, 4/s sustained."""

from __future__ import annotations

import multiprocessing
import uuid
from pathlib import Path

import pytest
import redis
from fortnox_fakes import FakeClock, TokenServer, run_worker

from bokslut.fortnox import (
    DEFAULT_LIMITS,
    FileTokenStore,
    InMemoryRateLimiter,
    RateLimit,
    RedisRateLimiter,
    TokenSet,
)


def max_in_window(times: list[float], window: float) -> int:
    """The most requests that fall in any half-open window ``[t, t + window)``."""
    ordered = sorted(times)
    best = 0
    end = 0
    for start, t in enumerate(ordered):
        while end < len(ordered) and ordered[end] < t + window:
            end += 1
        best = max(best, end - start)
    return best


def test_in_memory_limiter_keeps_both_default_limits_on_a_simulated_clock() -> None:
    clock = FakeClock()
    limiter = InMemoryRateLimiter(clock=clock, sleep=clock.sleep)
    times = []
    for _ in range(200):
        limiter.acquire("tenant")
        times.append(clock())
    assert max_in_window(times, 5.0) <= 25
    assert max_in_window(times, 1.0) <= 4
    # Sustained pace: 200 requests at 4/s need just under 50 s of simulated time.
    assert 49.0 <= times[-1] - times[0] <= 50.0


def test_burst_limit_alone_allows_25_then_waits() -> None:
    clock = FakeClock()
    limiter = InMemoryRateLimiter([RateLimit(25, 5.0)], clock=clock, sleep=clock.sleep)
    times = []
    for _ in range(60):
        limiter.acquire("tenant")
        times.append(clock())
    assert times[24] == times[0]
    assert times[25] == times[0] + 5.0
    assert max_in_window(times, 5.0) == 25


def test_tenants_do_not_share_a_bucket() -> None:
    clock = FakeClock()
    limiter = InMemoryRateLimiter([RateLimit(1, 5.0)], clock=clock, sleep=clock.sleep)
    assert limiter.try_acquire("a") == 0
    assert limiter.try_acquire("b") == 0
    assert limiter.try_acquire("a") == pytest.approx(5.0)


@pytest.fixture
def redis_client() -> redis.Redis:
    client = redis.Redis()
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    return client


def test_redis_limiter_refuses_the_26th_request_in_a_window(redis_client: redis.Redis) -> None:
    prefix = f"test:bokslut:{uuid.uuid4()}:"
    limiter = RedisRateLimiter(redis_client, [RateLimit(25, 5.0)], prefix=prefix)
    assert [limiter.try_acquire("t") for _ in range(25)] == [0.0] * 25
    wait = limiter.try_acquire("t")
    assert 4.0 < wait <= 5.0
    assert limiter.try_acquire("other-tenant") == 0.0


@pytest.mark.slow
def test_two_processes_sharing_a_tenant_never_exceed_25_in_5_seconds(
    redis_client: redis.Redis, tmp_path: Path
) -> None:
    prefix = f"test:bokslut:{uuid.uuid4()}:"
    token_path = tmp_path / "tokens.json"
    FileTokenStore(token_path).save(TokenSet("access-0", "refresh-0"))
    with TokenServer() as server:
        context = multiprocessing.get_context("spawn")
        with context.Pool(2) as pool:
            results = [
                pool.apply_async(run_worker, (server.url, str(token_path), 30, prefix, "shared"))
                for _ in range(2)
            ]
            assert [r.get(timeout=120) for r in results] == [30, 30]
        times = list(server.api_times)
    assert len(times) == 60
    assert max_in_window(times, 5.0) <= DEFAULT_LIMITS[0].limit
