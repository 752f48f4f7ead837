"""The per-tenant limiter: never more than 25 requests in any 5 s, 4/s sustained."""

from __future__ import annotations

import math
import multiprocessing
import os
import struct
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
import redis
from fortnox_fakes import FakeClock, TokenServer, acquire_in_file, run_worker
from hypothesis import given, settings
from hypothesis import strategies as st

from bokslut.fortnox import (
    DEFAULT_LIMITS,
    FileRateLimiter,
    FileTokenStore,
    InMemoryRateLimiter,
    RateLimit,
    RedisRateLimiter,
    TokenSet,
)

# A limiter on a simulated clock: (limits, clock) -> limiter. Each kind below keeps the
# same log by the same rules, so the simulated-clock tests run against every one of them.
LimiterFactory = Callable[[Sequence[RateLimit], FakeClock], InMemoryRateLimiter | FileRateLimiter]


@pytest.fixture(params=["memory", "file"])
def make_limiter(request: pytest.FixtureRequest, tmp_path: Path) -> LimiterFactory:
    def make(
        limits: Sequence[RateLimit], clock: FakeClock
    ) -> InMemoryRateLimiter | FileRateLimiter:
        if request.param == "memory":
            return InMemoryRateLimiter(limits, clock=clock, sleep=clock.sleep)
        return FileRateLimiter(tmp_path / "ratelimit", limits, clock=clock, sleep=clock.sleep)

    return make


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


def test_limiter_keeps_both_default_limits_on_a_simulated_clock(
    make_limiter: LimiterFactory,
) -> None:
    clock = FakeClock()
    limiter = make_limiter(DEFAULT_LIMITS, clock)
    times = []
    for _ in range(200):
        limiter.acquire("tenant")
        times.append(clock())
    assert max_in_window(times, 5.0) <= 25
    assert max_in_window(times, 1.0) <= 4
    # Sustained pace: 200 requests at 4/s need just under 50 s of simulated time.
    assert 49.0 <= times[-1] - times[0] <= 50.0


def test_burst_limit_alone_allows_25_then_waits(make_limiter: LimiterFactory) -> None:
    clock = FakeClock()
    limiter = make_limiter([RateLimit(25, 5.0)], clock)
    times = []
    for _ in range(60):
        limiter.acquire("tenant")
        times.append(clock())
    assert times[24] == times[0]
    assert times[25] == times[0] + 5.0
    assert max_in_window(times, 5.0) == 25


def test_tenants_do_not_share_a_bucket(make_limiter: LimiterFactory) -> None:
    clock = FakeClock()
    limiter = make_limiter([RateLimit(1, 5.0)], clock)
    assert limiter.try_acquire("a") == 0
    assert limiter.try_acquire("b") == 0
    assert limiter.try_acquire("a") == pytest.approx(5.0)


@settings(max_examples=60, deadline=None)
@given(
    gaps=st.lists(st.one_of(st.just(0.0), st.floats(min_value=0.0, max_value=7.0)), max_size=80),
    limits=st.lists(
        st.builds(
            RateLimit,
            limit=st.integers(min_value=1, max_value=30),
            window=st.sampled_from([0.5, 1.0, 2.5, 5.0]),
        ),
        min_size=1,
        max_size=3,
    ),
)
def test_file_and_memory_limiters_decide_alike_and_keep_every_window(
    gaps: list[float], limits: list[RateLimit], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Any arrival pattern: the same answers from both stores, and no window over its limit."""
    clock = FakeClock()
    memory = InMemoryRateLimiter(limits, clock=clock, sleep=clock.sleep)
    file = FileRateLimiter(tmp_path_factory.mktemp("rl"), limits, clock=clock, sleep=clock.sleep)
    taken: list[float] = []
    for gap in gaps:
        clock.now += gap
        answer = memory.try_acquire("t")
        assert file.try_acquire("t") == answer
        if answer == 0:
            taken.append(clock.now)
        else:
            # A refusal names the wait after which the slot is really free.
            clock.now += answer
            assert memory.try_acquire("t") == 0.0
            assert file.try_acquire("t") == 0.0
            taken.append(clock.now)
    for rule in limits:
        assert max_in_window(taken, rule.window) <= rule.limit


def test_file_limiters_in_one_directory_share_the_bucket(tmp_path: Path) -> None:
    clock = FakeClock()
    one = FileRateLimiter(tmp_path, [RateLimit(2, 5.0)], clock=clock)
    other = FileRateLimiter(tmp_path, [RateLimit(2, 5.0)], clock=clock)
    assert one.try_acquire("t") == 0.0
    assert other.try_acquire("t") == 0.0
    assert one.try_acquire("t") == pytest.approx(5.0)
    assert other.try_acquire("t") == pytest.approx(5.0)
    assert (
        FileRateLimiter(tmp_path / "elsewhere", [RateLimit(2, 5.0)], clock=clock).try_acquire("t")
        == 0.0
    )


def test_file_limiter_keeps_only_the_window_in_a_private_file_named_by_hash(
    tmp_path: Path,
) -> None:
    clock = FakeClock()
    limiter = FileRateLimiter(tmp_path, [RateLimit(3, 1.0)], clock=clock, sleep=clock.sleep)
    # Three slots each at +0, +1 and +2 s: only the last three are still in the window.
    for _ in range(9):
        limiter.acquire("../../etc/passwd")
    path = Path(limiter.path_for("../../etc/passwd"))
    assert path.parent == tmp_path
    assert path.stat().st_size == 3 * 8
    assert oct(path.stat().st_mode & 0o777) == oct(0o600)


def test_file_limiter_drops_times_it_cannot_have_written(tmp_path: Path) -> None:
    """A log from before a reboot (ahead of the clock) or a damaged file blocks no one."""
    clock = FakeClock()
    limiter = FileRateLimiter(tmp_path, [RateLimit(2, 5.0)], clock=clock)
    path = Path(limiter.path_for("t"))
    path.write_bytes(
        struct.pack("<4d", clock.now + 100.0, math.nan, math.inf, clock.now - 1.0) + b"\x01\x02"
    )
    assert limiter.try_acquire("t") == 0.0
    assert limiter.try_acquire("t") == pytest.approx(4.0)
    assert struct.unpack("<2d", path.read_bytes()) == (clock.now - 1.0, clock.now)


@pytest.mark.slow
def test_two_processes_sharing_a_file_limiter_take_at_most_25_slots_in_any_5_seconds(
    tmp_path: Path,
) -> None:
    """The times each process's limiter took its slots, merged: the 25-in-5-s window holds.

    Only the burst limit is set, so it is the one that binds: each window is full, never over.
    """
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager, context.Pool(2) as pool:
        start = manager.Barrier(2)
        results = [
            pool.apply_async(acquire_in_file, (str(tmp_path), "shared", 20, 25, 5.0, start))
            for _ in range(2)
        ]
        times = [t for r in results for t in r.get(timeout=120)]
    assert len(times) == 40
    assert max_in_window(times, 5.0) == 25


@pytest.fixture
def redis_client() -> redis.Redis:
    client = redis.Redis()
    try:
        client.ping()
    except redis.ConnectionError:
        if os.environ.get("CI") == "true":
            pytest.fail("Redis is not running on 127.0.0.1:6379")
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


@pytest.mark.slow
def test_two_processes_sharing_a_tenant_through_files_never_exceed_25_in_5_seconds(
    tmp_path: Path,
) -> None:
    """The embedded install's case: two worker processes, default limits, one tenant."""
    token_path = tmp_path / "tokens.json"
    FileTokenStore(token_path).save(TokenSet("access-0", "refresh-0"))
    rate_dir = str(tmp_path / "ratelimit")
    with TokenServer() as server:
        context = multiprocessing.get_context("spawn")
        with context.Pool(2) as pool:
            results = [
                pool.apply_async(
                    run_worker, (server.url, str(token_path), 30, None, "shared", rate_dir)
                )
                for _ in range(2)
            ]
            assert [r.get(timeout=120) for r in results] == [30, 30]
        times = list(server.api_times)
    assert len(times) == 60
    assert max_in_window(times, 5.0) <= DEFAULT_LIMITS[0].limit
