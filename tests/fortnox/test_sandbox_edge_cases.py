"""The client's edge cases against the project's sandbox over real HTTP.

The MockTransport tests (test_pagination, test_errors, test_voucher_post) pin the exact
shapes; these run the same behaviours through sockets, the sandbox's own pagination, error
styles, licences and faults. Counts come from the client's request accounting and the
sandbox's stats, never from the clock.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
from collections.abc import Callable, Generator, Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from bokslut.fortnox import (
    FortnoxClient,
    FortnoxOAuth,
    FortnoxUnavailable,
    InMemoryRateLimiter,
    InMemoryTokenStore,
    LicenceMissing,
    NotFound,
    RateLimit,
    RetryPolicy,
    ServerError,
    TokenSet,
    VoucherDraft,
    VoucherDraftRow,
    VoucherOutcomeUnknown,
)
from bokslut.sandbox import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    RunningSandbox,
    demo_company,
    new_company,
    run_in_thread,
)
from bokslut.sandbox.store import ALL_SCOPES
from bokslut.selfcheck import REDIRECT_URI, authorize_headlessly

DEMO = 1001
EMPTY = 1003
ATTEMPTS = 4

MakeClient = Callable[..., FortnoxClient]


def _serve() -> RunningSandbox:
    # The server's own rate limit is off: every 429 or retry here is one a test asked for.
    return run_in_thread(
        [demo_company(DEMO, vouchers_per_year=150), new_company(EMPTY)],
        rate_limit=1_000_000_000,
    )


def _tokens(running: RunningSandbox) -> dict[int, TokenSet]:
    oauth = FortnoxOAuth(
        DEFAULT_CLIENT_ID,
        DEFAULT_CLIENT_SECRET,
        redirect_uri=REDIRECT_URI,
        oauth_url=running.oauth_url,
    )
    try:
        return {tenant: authorize_headlessly(oauth, tenant) for tenant in (DEMO, EMPTY)}
    finally:
        oauth.close()


def _factory(running: RunningSandbox, tokens: dict[int, TokenSet]) -> Generator[MakeClient]:
    made: list[FortnoxClient] = []

    def make(
        tenant: int = DEMO, *, timeout: float = 5.0, transport: httpx.BaseTransport | None = None
    ) -> FortnoxClient:
        client = FortnoxClient(
            transport=transport,
            token_store=InMemoryTokenStore(tokens[tenant]),
            tenant=str(tenant),
            api_url=running.api_url,
            rate_limiter=InMemoryRateLimiter([RateLimit(1_000_000, 1.0)]),
            retry=RetryPolicy(
                attempts=ATTEMPTS, initial_delay=0.001, max_delay=0.01, rate_limited_delay=0.002
            ),
            timeout=timeout,
        )
        made.append(client)
        return client

    running.sandbox.faults.reset()
    try:
        yield make
    finally:
        for client in made:
            client.close()
        running.sandbox.faults.reset()
        running.sandbox.companies[DEMO].licences = set(ALL_SCOPES)


@pytest.fixture(scope="module")
def running() -> Iterator[RunningSandbox]:
    server = _serve()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def tokens(running: RunningSandbox) -> dict[int, TokenSet]:
    return _tokens(running)


@pytest.fixture
def make_client(running: RunningSandbox, tokens: dict[int, TokenSet]) -> Iterator[MakeClient]:
    yield from _factory(running, tokens)


class ArmOnPost(httpx.HTTPTransport):
    """A real HTTP transport that sets sandbox faults just before the first POST leaves.

    A voucher POST is preceded by a series check; a fault set any earlier would hit
    that GET instead of the POST.
    """

    def __init__(self, running: RunningSandbox, **faults: Any) -> None:
        super().__init__()
        self.running = running
        self.faults = faults
        self.armed = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and not self.armed:
            self.armed = True
            self.running.sandbox.faults.update(self.faults)
        return super().handle_request(request)


def served(running: RunningSandbox) -> dict[str, int]:
    """The sandbox's request counts by endpoint (``GET vouchers``, ``fault 5xx`` …)."""
    counts = running.sandbox.stats.snapshot()["by_endpoint"]
    assert isinstance(counts, dict)
    return {str(name): int(n) for name, n in counts.items()}


def grown(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    """Requests served between two snapshots, by endpoint."""
    return {k: after[k] - before.get(k, 0) for k in after if after[k] != before.get(k, 0)}


def latest_year(client: FortnoxClient) -> tuple[int, dt.date]:
    year = client.financial_years()[-1]
    assert year.to_date is not None
    return year.id, year.to_date


def draft(description: str, day: dt.date) -> VoucherDraft:
    return VoucherDraft(
        series="A",
        transaction_date=day,
        description=description,
        rows=[
            VoucherDraftRow(account=1930, debit=Decimal("2500.75")),
            VoucherDraftRow(account=3001, credit=Decimal("2500.75")),
        ],
    )


def booked_with(running: RunningSandbox, year: int, description: str) -> list[int]:
    """Numbers of the vouchers in the sandbox's store that carry ``description``."""
    company = running.sandbox.companies[DEMO]
    with company.lock:
        return [
            number
            for (series, number), stored in company.years[year].vouchers.items()
            if series == "A" and stored.voucher.text == description
        ]


# --- pagination ----------------------------------------------------------------------------


def test_an_empty_company_lists_nothing_in_one_request_per_list(
    running: RunningSandbox, make_client: MakeClient
) -> None:
    client = make_client(EMPTY)
    before = served(running)
    assert list(client.vouchers(financial_year=1)) == []
    assert list(client.customers()) == []
    assert list(client.assets()) == []
    # @TotalPages 0 with @CurrentPage 1 ends the walk: no page 2 is ever asked for.
    stats = client.stats.by_endpoint()
    for endpoint in ("GET /3/vouchers", "GET /3/customers", "GET /3/assets"):
        assert stats[endpoint].requests == 1, endpoint
        assert stats[endpoint].statuses[200] == 1
    assert grown(before, served(running)) == {
        "GET vouchers": 1,
        "GET customers": 1,
        "GET assets": 1,
    }


def test_a_server_capping_pages_at_100_is_read_to_the_end(
    running: RunningSandbox, make_client: MakeClient
) -> None:
    client = make_client()
    year, _ = latest_year(client)
    whole = [(v.series, v.number) for v in client.vouchers(financial_year=year)]
    accounts = [a.number for a in client.accounts(financial_year=year)]
    # Enough of both that a cap of 100 means several pages, and limit=500 means one.
    assert len(whole) > 100
    assert 100 < len(accounts) <= 500
    assert client.stats.by_endpoint()["GET /3/vouchers"].requests == math.ceil(len(whole) / 500)

    running.sandbox.faults.update({"page_size_cap": 100})
    capped = make_client()
    before = served(running)
    assert [(v.series, v.number) for v in capped.vouchers(financial_year=year)] == whole
    assert [a.number for a in capped.accounts(financial_year=year)] == accounts
    pages = {"GET /3/vouchers": math.ceil(len(whole) / 100), "GET /3/accounts": 2}
    stats = capped.stats.by_endpoint()
    assert {name: stats[name].requests for name in pages} == pages
    assert grown(before, served(running)) == {
        "GET vouchers": pages["GET /3/vouchers"],
        "GET accounts": pages["GET /3/accounts"],
    }


# --- error bodies --------------------------------------------------------------------------

STYLES = ["documented", "lower", "capital"]


@pytest.mark.parametrize("style", STYLES)
def test_a_404_in_every_error_style_is_typed_with_its_code(
    style: str, running: RunningSandbox, make_client: MakeClient
) -> None:
    running.sandbox.faults.update({"error_style": style})
    client = make_client()
    with pytest.raises(NotFound) as raised:
        client.account(99999)
    assert raised.value.code == 2001304
    assert raised.value.status_code == 404
    assert raised.value.user_message == "Kontot finns inte i Fortnox."
    # A client error is final: one request, no retry.
    stats = client.stats.by_endpoint()["GET /3/accounts/{number}"]
    assert (stats.requests, stats.retries) == (1, 0)


@pytest.mark.parametrize("style", STYLES)
def test_a_5xx_in_every_error_style_is_retried_then_typed(
    style: str, running: RunningSandbox, make_client: MakeClient
) -> None:
    running.sandbox.faults.update({"error_style": style, "error_next": ATTEMPTS})
    client = make_client()
    with pytest.raises(ServerError) as raised:
        client.company_information()
    assert raised.value.code == 1000003
    stats = client.stats.by_endpoint()["GET /3/companyinformation"]
    assert (stats.requests, stats.retries, stats.statuses[500]) == (
        ATTEMPTS,
        ATTEMPTS - 1,
        ATTEMPTS,
    )
    # One fewer failure and the same read succeeds.
    running.sandbox.faults.update({"error_next": ATTEMPTS - 1})
    assert make_client().company_information().database_number == DEMO


@pytest.mark.parametrize("style", STYLES)
def test_a_company_without_the_licence_for_a_scope(
    style: str, running: RunningSandbox, make_client: MakeClient
) -> None:
    running.sandbox.faults.update({"error_style": style})
    running.sandbox.companies[DEMO].licences = set(ALL_SCOPES) - {"assets"}
    client = make_client()
    before = served(running)
    with pytest.raises(LicenceMissing) as raised:
        list(client.assets())
    assert raised.value.code == 2001101
    assert raised.value.status_code == 403
    assert "licens" in raised.value.user_message
    assert client.stats.by_endpoint()["GET /3/assets"].requests == 1
    assert grown(before, served(running)) == {"GET assets": 1}
    # The other scopes still work: the licence is missing for one part only.
    assert client.company_information().database_number == DEMO


# --- voucher POST --------------------------------------------------------------------------


def test_a_booked_voucher_whose_answer_was_lost_is_found_not_posted_again(
    running: RunningSandbox, make_client: MakeClient
) -> None:
    client = make_client()
    year, last_day = latest_year(client)
    wanted = draft("Förlorat svar, bokad ändå", last_day)
    next_number = client.voucher_series(financial_year=year)[0].next_voucher_number
    running.sandbox.faults.update({"lose_answer_next": 1})
    before = served(running)

    voucher = client.create_voucher(wanted, financial_year=year)

    assert voucher.number == next_number
    assert wanted.matches(voucher)
    assert booked_with(running, year, wanted.description) == [next_number]
    stats = client.stats.by_endpoint()
    assert stats["POST /3/vouchers"].requests == 1
    assert stats["POST /3/vouchers"].transport_errors == 1
    # Series before and after the attempt, then the one new number read back.
    assert stats["GET /3/voucherseries"].requests == 1 + 2
    assert stats["GET /3/vouchers/{series}/{number}"].requests == 1
    assert grown(before, served(running)) == {
        "fault answer lost (POST post-voucher)": 1,
        "GET voucherseries": 2,
        "GET voucher": 1,
    }


def test_a_voucher_post_refused_before_booking_is_sent_again_once(
    running: RunningSandbox, make_client: MakeClient
) -> None:
    year, last_day = latest_year(make_client())
    wanted = draft("Serverfel, inte bokad", last_day)
    client = make_client(transport=ArmOnPost(running, error_next=1))
    voucher = client.create_voucher(wanted, financial_year=year)

    assert booked_with(running, year, wanted.description) == [voucher.number]
    stats = client.stats.by_endpoint()
    assert stats["POST /3/vouchers"].requests == 2
    assert stats["POST /3/vouchers"].statuses == {500: 1, 201: 1}
    assert "GET /3/vouchers/{series}/{number}" not in stats


# --- latency -------------------------------------------------------------------------------


@pytest.fixture
def slow() -> Iterator[tuple[RunningSandbox, MakeClient]]:
    # Its own server: handlers still sleeping after the client gave up must not finish
    # into another test's counts.
    server = _serve()
    factory = _factory(server, _tokens(server))
    try:
        yield server, next(factory)
    finally:
        factory.close()
        server.stop()


def test_latency_below_the_timeout_costs_no_retries(
    slow: tuple[RunningSandbox, MakeClient],
) -> None:
    running, make_client = slow
    healthy = make_client()
    year, _ = latest_year(healthy)
    expected = (healthy.company_information(), list(healthy.accounts(financial_year=year)))

    running.sandbox.faults.update({"latency_ms": [20, 60], "page_size_cap": 100})
    client = make_client(timeout=5.0)
    before = served(running)
    assert (client.company_information(), list(client.accounts(financial_year=year))) == expected
    stats = client.stats.by_endpoint()
    assert {name: (s.requests, s.retries) for name, s in stats.items()} == {
        "GET /3/companyinformation": (1, 0),
        "GET /3/accounts": (2, 0),
    }
    assert grown(before, served(running)) == {"GET companyinformation": 1, "GET accounts": 2}


def test_latency_beyond_the_timeout_gives_up_typed_after_the_budget(
    slow: tuple[RunningSandbox, MakeClient],
) -> None:
    running, make_client = slow
    running.sandbox.faults.update({"latency_ms": [400, 400]})
    client = make_client(timeout=0.1)
    with pytest.raises(FortnoxUnavailable):
        client.company_information()
    stats = client.stats.by_endpoint()["GET /3/companyinformation"]
    assert (stats.requests, stats.retries, stats.transport_errors) == (
        ATTEMPTS,
        ATTEMPTS - 1,
        ATTEMPTS,
    )


def test_a_voucher_post_timing_out_under_latency_is_never_sent_twice(
    slow: tuple[RunningSandbox, MakeClient],
) -> None:
    running, make_client = slow
    year, last_day = latest_year(make_client())
    wanted = draft("Långsam förbindelse", last_day)
    # The series check gets through; from the POST on, every answer comes too late.
    client = make_client(timeout=0.1, transport=ArmOnPost(running, latency_ms=[400, 400]))
    landed = threading.Event()
    with pytest.raises(VoucherOutcomeUnknown) as raised:
        client.create_voucher(wanted, financial_year=year)
    assert "Kontrollera verifikationsserien" in raised.value.user_message
    stats = client.stats.by_endpoint()
    assert stats["POST /3/vouchers"].requests == 1
    # The series check after the POST used its whole budget before giving up.
    assert stats["GET /3/voucherseries"].requests == 1 + ATTEMPTS

    # The server books the POST once its delay is over; wait for it (not for a duration).
    running.sandbox.faults.reset()
    for _ in range(200):
        if booked_with(running, year, wanted.description):
            landed.set()
            break
        landed.wait(0.05)
    assert landed.is_set()
    assert len(booked_with(running, year, wanted.description)) == 1
