"""The client against the project's Fortnox sandbox over real HTTP."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from bokslut.fortnox import (
    DEFAULT_SCOPES,
    FortnoxClient,
    FortnoxOAuth,
    InMemoryRateLimiter,
    InMemoryTokenStore,
    RateLimit,
    RetryPolicy,
    VoucherDraft,
    VoucherDraftRow,
)

sandbox = pytest.importorskip("bokslut.sandbox")

SCOPES = (*DEFAULT_SCOPES, "assets")
REDIRECT = "https://bokslut.example/callback"


@pytest.fixture(scope="module")
def running() -> Iterator[object]:
    server = sandbox.run_in_thread([sandbox.demo_company(1001, vouchers_per_year=150)])
    yield server
    server.stop()


def control(running: object, method: str, path: str, body: object = None) -> None:
    response = httpx.request(method, running.control_url.rstrip("/") + "/" + path, json=body)
    response.raise_for_status()


@pytest.fixture
def oauth(running: object) -> Iterator[FortnoxOAuth]:
    client = FortnoxOAuth(
        sandbox.DEFAULT_CLIENT_ID,
        sandbox.DEFAULT_CLIENT_SECRET,
        redirect_uri=REDIRECT,
        oauth_url=running.oauth_url,
    )
    yield client
    client.close()


def consent_headlessly(oauth: FortnoxOAuth, running: object) -> str:
    """Open the consent page, approve it for company 1001, and return the code."""
    url, state = oauth.authorization_url(scopes=SCOPES)
    page = httpx.get(url)
    assert page.status_code == 200
    consent = re.search(r'name="consent" value="([^"]+)"', page.text)
    assert consent is not None
    form = {
        "consent": consent.group(1),
        "tenant": "1001",
        "decision": "approve",
        "scope_item": list(SCOPES),
    }
    answer = httpx.post(running.oauth_url.rstrip("/") + "/auth", data=form)
    assert answer.status_code == 302
    location = httpx.URL(answer.headers["location"])
    assert location.params["state"] == state
    return location.params["code"]


@pytest.fixture
def client(running: object, oauth: FortnoxOAuth) -> Iterator[FortnoxClient]:
    control(running, "DELETE", "faults")
    control(running, "POST", "ratelimit/reset")
    tokens = oauth.exchange_code(consent_headlessly(oauth, running))
    with FortnoxClient(
        token_store=InMemoryTokenStore(tokens),
        oauth=oauth,
        api_url=running.api_url,
        tenant="1001",
        rate_limiter=InMemoryRateLimiter([RateLimit(25, 5.0)]),
        retry=RetryPolicy(attempts=8, initial_delay=0.05, rate_limited_delay=0.2),
        timeout=2.0,
    ) as fortnox:
        yield fortnox


def latest_year(client: FortnoxClient) -> int:
    return client.financial_years()[-1].id


def test_every_resource_reads(client: FortnoxClient) -> None:
    info = client.company_information()
    assert info.database_number == 1001
    years = client.financial_years()
    assert len(years) == 3
    year = years[-1].id
    assert client.financial_year(year).from_date == years[-1].from_date
    accounts = list(client.accounts(financial_year=year))
    assert accounts
    detail = client.account(accounts[0].number, financial_year=year)
    assert detail.balance_carried_forward is not None
    heads = list(client.vouchers(financial_year=year))
    assert len(heads) >= 150
    voucher = client.voucher(heads[0].series, heads[0].number, financial_year=year)
    assert sum((row.amount for row in voucher.active_rows), Decimal(0)) == 0
    assert client.voucher_series(financial_year=year)
    assert client.locked_period().end_date is not None
    for listing in (
        client.cost_centers,
        client.projects,
        client.customers,
        client.suppliers,
        client.invoices,
        client.supplier_invoices,
        client.assets,
    ):
        assert list(listing()), listing.__name__


def test_sie_download_to_a_file(client: FortnoxClient, tmp_path: Path) -> None:
    target = tmp_path / "year.se"
    written = client.download_sie(4, financial_year=latest_year(client), destination=target)
    data = target.read_bytes()
    assert written == len(data) > 0
    assert data.startswith(b"#FLAGGA")
    assert b"#VER" in data


def test_pagination_with_a_server_capping_pages_at_100(
    running: object, client: FortnoxClient
) -> None:
    year = latest_year(client)
    whole = [(v.series, v.number) for v in client.vouchers(financial_year=year)]
    control(running, "PATCH", "faults", {"page_size_cap": 100})
    capped = [(v.series, v.number) for v in client.vouchers(financial_year=year)]
    assert capped == whole
    assert client.stats.by_endpoint()["GET /3/vouchers"].requests >= 1 + 2


def test_faults_are_ridden_out(running: object, client: FortnoxClient) -> None:
    control(running, "PATCH", "faults", {"error_next": 2, "truncate_next": 1, "burst_429": 2})
    assert client.company_information().database_number == 1001
    stats = client.stats.by_endpoint()["GET /3/companyinformation"]
    assert stats.retries >= 2


def test_timeout_is_retried(running: object, client: FortnoxClient) -> None:
    control(running, "PATCH", "faults", {"timeout_next": 1, "timeout_seconds": 3})
    assert client.company_information().database_number == 1001


def test_expired_token_is_refreshed_through_the_sandbox(
    running: object, client: FortnoxClient
) -> None:
    client.company_information()
    control(running, "POST", "tokens/expire", {})
    assert client.company_information().database_number == 1001


def test_voucher_post_in_an_open_period(client: FortnoxClient) -> None:
    year = client.financial_years()[-1]
    assert year.to_date is not None
    draft = VoucherDraft(
        series="A",
        transaction_date=year.to_date,
        description="Bokslutspost från test",
        rows=[
            VoucherDraftRow(account=1930, debit=Decimal("100.25")),
            VoucherDraftRow(account=3001, credit=Decimal("100.25")),
        ],
    )
    voucher = client.create_voucher(draft, financial_year=year.id)
    assert voucher.number > 0
    assert draft.matches(client.voucher("A", voucher.number, financial_year=year.id))
    assert dt.date(2000, 1, 1) < voucher.transaction_date  # type: ignore[operator]
