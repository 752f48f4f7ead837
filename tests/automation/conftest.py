"""Fixtures for the automation tests: firms and clients, and a stub sync engine."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest
import redis
from pytest_django.fixtures import Settings as SettingsWrapper

from automation import stubs
from automation.processes import REDIS_TEST_URL
from bokslut.firms.models import Client, Firm

ClientFactory = Callable[..., Client]


@pytest.fixture
def firm(db: None) -> Firm:
    return Firm.objects.create(name="Byrå Norr AB")


@pytest.fixture
def make_client(firm: Firm) -> ClientFactory:
    """Clients with valid, distinct org.nr (Luhn check digit computed)."""
    serial = iter(range(1, 10_000))

    def make(name: str = "Kund AB") -> Client:
        return Client.objects.create(firm=firm, name=name, org_number=org_number(next(serial)))

    return make


def org_number(serial: int) -> str:
    """A valid aktiebolag org.nr 5566xxxxx? with the Luhn check digit."""
    body = f"5566{serial:05d}"
    total = 0
    for index, char in enumerate(body):
        digit = int(char) * (2 if index % 2 == 0 else 1)
        total += digit - 9 if digit > 9 else digit
    return f"{body[:6]}-{body[6:]}{(10 - total % 10) % 10}"


@pytest.fixture
def stub_engine(settings: SettingsWrapper) -> Iterator[Callable[[str], None]]:
    """Select a stub from ``automation.stubs`` by name; its calls land in ``stubs.CALLS``."""
    stubs.CALLS.clear()

    def use(name: str) -> None:
        settings.BOKSLUT_SYNC_RUNNER = f"automation.stubs.{name}"

    use("ok_sync")
    yield use
    stubs.CALLS.clear()


@pytest.fixture
def test_redis() -> Iterator[redis.Redis]:
    """The Redis database of the RQ tests (:data:`REDIS_TEST_URL`), empty before and after."""
    connection = redis.Redis.from_url(REDIS_TEST_URL)
    try:
        connection.ping()
    except redis.ConnectionError:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is not running at {REDIS_TEST_URL}")
        pytest.skip(f"Redis is not running at {REDIS_TEST_URL}")
    # The database belongs to these tests; start from an empty queue.
    connection.flushdb()
    yield connection
    connection.flushdb()
