"""Helpers for the sync engine tests: a sandbox over real HTTP, a consented API client, a client.

The sandbox is a fresh one per test (tests mutate it); its company is small so the
tests stay affordable. Rate limiting is Fortnox's own unless a test asks otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx

from bokslut.firms.models import Client, Firm
from bokslut.firms.validators import normalise_org_number
from bokslut.fortnox import (
    DEFAULT_SCOPES,
    FortnoxClient,
    FortnoxOAuth,
    InMemoryRateLimiter,
    InMemoryTokenStore,
    RateLimit,
    RetryPolicy,
)
from bokslut.sandbox import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    Company,
    RunningSandbox,
    demo_company,
)

SCOPES = (*DEFAULT_SCOPES, "assets")
REDIRECT = "https://bokslut.example/callback"
DATABASE_NUMBER = 1001


@dataclass
class World:
    """A running sandbox, its company, an API client consented to it, and our client."""

    running: RunningSandbox
    company: Company
    fortnox: FortnoxClient
    client: Client

    def control(self, method: str, path: str, body: object = None) -> Any:
        """Call the sandbox's control API."""
        answer = httpx.request(method, self.running.control_url + path, json=body, timeout=10)
        answer.raise_for_status()
        return answer.json()


def small_company(**overrides: Any) -> Company:
    options: dict[str, Any] = {"vouchers_per_year": 40, "locked_until": date(2025, 3, 31)}
    options.update(overrides)
    return demo_company(DATABASE_NUMBER, **options)


def consent(oauth: FortnoxOAuth, running: RunningSandbox, tenant: int) -> str:
    """Approve the sandbox's consent page headlessly and return the authorization code."""
    url, _state = oauth.authorization_url(scopes=SCOPES)
    page = httpx.get(url)
    found = re.search(r'name="consent" value="([^"]+)"', page.text)
    assert found is not None
    form = {
        "consent": found.group(1),
        "tenant": str(tenant),
        "decision": "approve",
        "scope_item": list(SCOPES),
    }
    answer = httpx.post(running.oauth_url.rstrip("/") + "/auth", data=form)
    return str(httpx.URL(answer.headers["location"]).params["code"])


def connect(
    running: RunningSandbox, tenant: int = DATABASE_NUMBER, **options: Any
) -> FortnoxClient:
    """A FortnoxClient with real OAuth tokens for ``tenant`` of ``running``."""
    oauth = FortnoxOAuth(
        DEFAULT_CLIENT_ID,
        DEFAULT_CLIENT_SECRET,
        redirect_uri=REDIRECT,
        oauth_url=running.oauth_url,
    )
    tokens = oauth.exchange_code(consent(oauth, running, tenant))
    settings: dict[str, Any] = {
        "token_store": InMemoryTokenStore(tokens),
        "oauth": oauth,
        "api_url": running.api_url,
        "tenant": str(tenant),
        "rate_limiter": InMemoryRateLimiter([RateLimit(25, 5.0)]),
        "retry": RetryPolicy(attempts=8, initial_delay=0.01, rate_limited_delay=0.2),
        "timeout": 5.0,
    }
    settings.update(options)
    return FortnoxClient(**settings)


def client_for(company: Company, firm_name: str = "Byrån AB") -> Client:
    firm = Firm.objects.create(name=firm_name)
    return Client.objects.create(
        firm=firm,
        name=company.name,
        org_number=normalise_org_number(company.organization_number),
    )
