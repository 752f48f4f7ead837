"""Fixtures for the integrations tests: a sandbox over HTTP, a firm with a member, consent."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from django.contrib.auth.models import User
from django.test import Client as DjangoClient
from django.urls import reverse

from bokslut.firms.models import Client, Firm, Membership
from bokslut.sandbox import RunningSandbox, demo_company, run_in_thread

#: The sandbox's demo company 1001 has this org.nr; 1002 is licensed without assets/projects.
ORG_1001 = "551655-9795"
OTHER_ORG = "556036-0793"
REDIRECT_URI = "http://testserver/integrations/fortnox/callback"


@pytest.fixture(scope="session")
def running() -> Iterator[RunningSandbox]:
    small = demo_company(1002, seed=2, vouchers_per_year=10)
    small.licences = small.licences - {"assets", "project"}
    server = run_in_thread([demo_company(1001, vouchers_per_year=20), small])
    yield server
    server.stop()


def control(running: RunningSandbox, method: str, path: str, body: object = None) -> Any:
    """Call the sandbox's control API."""
    response = httpx.request(method, running.control_url + path, json=body, timeout=10)
    response.raise_for_status()
    return response.json()


def token_requests(running: RunningSandbox) -> int:
    """How many token-endpoint answers the sandbox has given since the last stats reset."""
    stats = control(running, "GET", "stats")
    return int(stats["by_endpoint"].get("POST oauth token", 0))


@pytest.fixture
def fortnox_settings(settings: Any, running: RunningSandbox) -> Any:
    """Point the integration at the sandbox; no Redis (the embedded install)."""
    settings.BOKSLUT_FORTNOX_API_URL = running.api_url
    settings.BOKSLUT_FORTNOX_OAUTH_URL = running.oauth_url
    settings.BOKSLUT_FORTNOX_REDIRECT_URI = REDIRECT_URI
    settings.BOKSLUT_FORTNOX_REDIS_URL = None
    settings.BOKSLUT_FERNET_KEYS = []
    settings.BOKSLUT_PLANS = None
    control(running, "DELETE", "faults")
    control(running, "POST", "ratelimit/reset")
    control(running, "DELETE", "stats")
    return settings


@pytest.fixture
def firm(db: None) -> Firm:
    return Firm.objects.create(name="Revisionsbyrån AB")


@pytest.fixture
def client_1001(firm: Firm) -> Client:
    return Client.objects.create(
        firm=firm, name="Vinterviks Bygg och Måleri AB", org_number=ORG_1001
    )


@pytest.fixture
def member(firm: Firm) -> User:
    user = User.objects.create_user("anna", password="hemligt-lösenord")
    Membership.objects.create(user=user, firm=firm, role=Membership.Role.ADMIN)
    return user


@pytest.fixture
def browser(member: User) -> DjangoClient:
    web = DjangoClient()
    web.force_login(member)
    return web


def consent_url(
    running: RunningSandbox,
    authorize_url: str,
    *,
    tenant: int = 1001,
    decision: str = "approve",
    scopes: list[str] | None = None,
) -> str:
    """Approve Fortnox's (the sandbox's) consent page as a person would; the callback URL."""
    page = httpx.get(authorize_url, timeout=10)
    assert page.status_code == 200, page.text
    consent = re.search(r'name="consent" value="([^"]+)"', page.text)
    offered = re.findall(r'name="scope_item" value="([^"]+)"', page.text)
    assert consent is not None
    form = {
        "consent": consent.group(1),
        "tenant": str(tenant),
        "decision": decision,
        "scope_item": offered if scopes is None else scopes,
    }
    answer = httpx.post(running.oauth_url + "auth", data=form, timeout=10)
    assert answer.status_code == 302, answer.text
    return str(answer.headers["location"])


def connect_in_browser(
    browser: DjangoClient, running: RunningSandbox, client: Client, **consent: Any
) -> tuple[str, Any]:
    """The whole round trip: the Anslut button (a CSRF-checked POST), consent, our callback.

    Returns the callback URL (to try replaying it) and the callback's response.
    """
    start = browser.post(reverse("web:fortnox_connect", args=[client.pk]))
    assert start.status_code == 302
    callback = consent_url(running, start["Location"], **consent)
    assert callback.startswith(REDIRECT_URI)
    path = callback.removeprefix("http://testserver")
    return path, browser.get(path)
