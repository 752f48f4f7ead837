"""Fixtures for the Fortnox client tests: a fake Fortnox, a simulated clock, a client factory."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fortnox_fakes import FakeClock, FakeFortnox

from bokslut.fortnox import (
    FortnoxClient,
    InMemoryRateLimiter,
    InMemoryTokenStore,
    RetryPolicy,
    TokenSet,
)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def fake() -> FakeFortnox:
    return FakeFortnox()


@pytest.fixture
def make_client(fake: FakeFortnox, clock: FakeClock) -> Iterator[Callable[..., FortnoxClient]]:
    """Build clients on the fake Fortnox with a simulated clock; no test ever waits."""
    made: list[FortnoxClient] = []

    def build(**overrides: Any) -> FortnoxClient:
        options: dict[str, Any] = {
            "token_store": InMemoryTokenStore(TokenSet("access-1", "refresh-1")),
            "transport": fake.transport(),
            "clock": clock,
            "sleep": clock.sleep,
            "timer": clock,
            "random": lambda: 0.5,
            "rate_limiter": InMemoryRateLimiter(clock=clock, sleep=clock.sleep),
            "retry": RetryPolicy(attempts=4),
        }
        options.update(overrides)
        client = FortnoxClient(**options)
        made.append(client)
        return client

    yield build
    for client in made:
        client.close()
