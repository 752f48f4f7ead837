"""Every idempotent read over real HTTP under injected faults at 10 % rates.

The sandbox answers 10 % of requests with a 500, lets 10 % time out and cuts off 10 % of the
bodies (seeded, so each run sees the same fault sequence), and a burst of 429s precedes every
read. Each read must still return exactly what it returns from a healthy sandbox; where the
fault never stops, the read must fail with a typed error once its retry budget is spent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from bokslut.fortnox import (
    FortnoxClient,
    FortnoxError,
    FortnoxOAuth,
    FortnoxUnavailable,
    InMemoryRateLimiter,
    InMemoryTokenStore,
    RateLimit,
    RateLimited,
    RetryPolicy,
    ServerError,
)
from bokslut.sandbox import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    RunningSandbox,
    demo_company,
    run_in_thread,
)
from bokslut.selfcheck import REDIRECT_URI, authorize_headlessly

TENANT = 1001
ATTEMPTS = 10
RATES = {"error_rate": 0.1, "timeout_rate": 0.1, "truncate_rate": 0.1}
# The server keeps a timed-out request open longer than the client waits for it.
CLIENT_TIMEOUT = 0.2
SERVER_STALL = 0.4

Read = Callable[[FortnoxClient, int], Any]


def _sie(client: FortnoxClient, year: int) -> bytes:
    return b"".join(client.iter_sie(4, financial_year=year))


def _sie_file(client: FortnoxClient, year: int) -> bytes:
    # To a path, a download cut off midway is started over; the file is never partial.
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "year.se"
        client.download_sie(4, financial_year=year, destination=target)
        return target.read_bytes()


READS: dict[str, Read] = {
    "companyinformation": lambda c, y: c.company_information(),
    "financialyears": lambda c, y: c.financial_years(),
    "financialyear": lambda c, y: c.financial_year(y),
    "accounts": lambda c, y: list(c.accounts(financial_year=y)),
    "account": lambda c, y: c.account(1930, financial_year=y),
    "vouchers": lambda c, y: list(c.vouchers(financial_year=y)),
    "vouchers sublist": lambda c, y: list(c.vouchers(financial_year=y, series="A")),
    "voucher": lambda c, y: c.voucher("A", 1, financial_year=y),
    "voucherseries": lambda c, y: c.voucher_series(financial_year=y),
    "lockedperiod": lambda c, y: c.locked_period(),
    "costcenters": lambda c, y: list(c.cost_centers()),
    "projects": lambda c, y: list(c.projects()),
    "customers": lambda c, y: list(c.customers()),
    "suppliers": lambda c, y: list(c.suppliers()),
    "invoices": lambda c, y: list(c.invoices()),
    "supplierinvoices": lambda c, y: list(c.supplier_invoices()),
    "supplierinvoice": lambda c, y: c.supplier_invoice(
        next(iter(c.supplier_invoices())).given_number
    ),
    "assets": lambda c, y: list(c.assets()),
    "asset": lambda c, y: c.asset(next(iter(c.assets())).id),
    "sie stream": _sie,
    "sie file": _sie_file,
}


@pytest.fixture(scope="module")
def running() -> Iterator[RunningSandbox]:
    # The server's own limit is off: the 429s here are the injected ones, counted exactly.
    server = run_in_thread([demo_company(TENANT, vouchers_per_year=60)], rate_limit=1_000_000_000)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def tokens(running: RunningSandbox) -> Any:
    oauth = FortnoxOAuth(
        DEFAULT_CLIENT_ID,
        DEFAULT_CLIENT_SECRET,
        redirect_uri=REDIRECT_URI,
        oauth_url=running.oauth_url,
    )
    try:
        return authorize_headlessly(oauth, TENANT)
    finally:
        oauth.close()


@pytest.fixture
def client(running: RunningSandbox, tokens: Any) -> Iterator[FortnoxClient]:
    running.sandbox.faults.reset()
    with FortnoxClient(
        token_store=InMemoryTokenStore(tokens),
        tenant=str(TENANT),
        api_url=running.api_url,
        rate_limiter=InMemoryRateLimiter([RateLimit(1_000_000, 1.0)]),
        retry=RetryPolicy(
            attempts=ATTEMPTS, initial_delay=0.001, max_delay=0.01, rate_limited_delay=0.002
        ),
        timeout=CLIENT_TIMEOUT,
    ) as fortnox:
        yield fortnox
    running.sandbox.faults.reset()


def faults(running: RunningSandbox, **settings: Any) -> None:
    running.sandbox.faults.update({"timeout_seconds": SERVER_STALL, **settings})


@pytest.fixture(scope="module")
def year(running: RunningSandbox, tokens: Any) -> int:
    with FortnoxClient(
        token_store=InMemoryTokenStore(tokens), tenant=str(TENANT), api_url=running.api_url
    ) as fortnox:
        return fortnox.financial_years()[-1].id


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(READS))
def test_read_returns_the_healthy_answer_under_10_percent_faults(
    name: str, running: RunningSandbox, client: FortnoxClient, year: int
) -> None:
    read = READS[name]
    healthy = read(client, year)
    before = running.sandbox.stats.snapshot()["by_endpoint"]
    # Pages of 25 make the lists several requests long, each one a chance to fail.
    faults(running, seed=sorted(READS).index(name) + 1, page_size_cap=25, **RATES)
    for _ in range(6):
        running.sandbox.faults.update({"burst_429": 2})
        assert read(client, year) == healthy
    injected = running.sandbox.stats.snapshot()["by_endpoint"]
    hits = {
        kind: injected.get(kind, 0) - before.get(kind, 0)
        for kind in ("fault 429", "fault 5xx", "fault timeout")
    }
    # The reads really met the faults (counts, not luck): every burst, and random ones too.
    assert hits["fault 429"] == 12
    assert client.stats.total().retries >= hits["fault 429"]


def test_the_fault_rates_are_ten_percent_each(
    running: RunningSandbox, client: FortnoxClient
) -> None:
    faults(running, seed=7, **RATES)
    decisions = [running.sandbox.faults.decide() for _ in range(10_000)]
    counts = {str(kind): decisions.count(kind) for kind in set(decisions) if kind}
    # Drawn in turn: 10 % 5xx, then 10 % of the rest time out, then 10 % of those are cut.
    assert 900 <= counts["5xx"] <= 1100
    assert 800 <= counts["timeout"] <= 1000
    assert 700 <= counts["truncated"] <= 920


@pytest.mark.parametrize(
    ("settings", "error"),
    [
        ({"error_rate": 1.0}, ServerError),
        ({"burst_429": 1000}, RateLimited),
        ({"timeout_rate": 1.0}, FortnoxUnavailable),
        ({"truncate_rate": 1.0}, FortnoxUnavailable),
    ],
    ids=["5xx", "429", "timeout", "truncated"],
)
def test_a_fault_that_never_ends_raises_a_typed_error_after_the_budget(
    settings: dict[str, Any],
    error: type[FortnoxError],
    running: RunningSandbox,
    client: FortnoxClient,
) -> None:
    faults(running, **settings)
    with pytest.raises(error):
        client.company_information()
    stats = client.stats.by_endpoint()["GET /3/companyinformation"]
    assert stats.requests == ATTEMPTS
    assert stats.retries == ATTEMPTS - 1


def test_a_sie_download_that_always_breaks_off_gives_up_typed(
    running: RunningSandbox, client: FortnoxClient, year: int, tmp_path: Any
) -> None:
    faults(running, truncate_rate=1.0)
    target = tmp_path / "year.se"
    with pytest.raises(FortnoxError):
        client.download_sie(4, financial_year=year, destination=target)
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_httpx_sees_the_faults_raw(running: RunningSandbox, tokens: Any) -> None:
    # Without the client's retries, the same settings do reach the wire as failures.
    faults(running, error_next=1, burst_429=1)
    headers = {"Authorization": f"Bearer {tokens.access_token}"}
    with httpx.Client(base_url=running.base_url) as http:
        assert http.get("/3/companyinformation", headers=headers).status_code == 429
        assert http.get("/3/companyinformation", headers=headers).status_code == 500
        assert http.get("/3/companyinformation", headers=headers).status_code == 200
    running.sandbox.faults.reset()
