"""Fixtures for the sandbox tests: a running sandbox over real HTTP, a manual clock, tokens."""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from bokslut.sandbox import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    Company,
    ManualClock,
    RunningSandbox,
    company_from_document,
    run_in_thread,
)
from bokslut.sandbox.demo import _extras, demo_document
from bokslut.sandbox.seed import apply_extras
from bokslut.sie.model import Document

DEMO_DB = 1001
OTHER_DB = 1002
ALL = (
    "bookkeeping companyinformation settings costcenter project customer supplier invoice "
    "supplierinvoice assets"
)


def corpus_dir() -> Path:
    """The real-file SIE corpus beside the repository; skip (or fail under CI) without it."""
    root = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "sie"
    if not root.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"SIE corpus missing at {root} (required under CI)")
        pytest.skip(f"SIE corpus not found at {root}")
    return root


@functools.cache
def _demo_document() -> Document:
    return demo_document(seed=1, vouchers_per_year=120, last_year=2025)


def make_demo(database_number: int = DEMO_DB) -> Company:
    """A fresh demo company (built from a cached document, so each test may mutate it)."""
    import random
    from datetime import date

    company = company_from_document(
        _demo_document(), database_number, seeded_at=datetime(2025, 1, 1)
    )
    apply_extras(company, _extras(random.Random(1), 2025, 25, 12))
    company.locked_until = date(2025, 6, 30)
    return company


@pytest.fixture
def clock() -> ManualClock:
    """Time that moves only when a test says so (2025-09-15 09:00)."""
    return ManualClock(datetime(2025, 9, 15, 9, 0, 0))


@pytest.fixture
def sandbox(clock: ManualClock) -> Iterator[RunningSandbox]:
    """Two companies served over HTTP on a free port."""
    running = run_in_thread([make_demo(), make_demo(OTHER_DB)], clock=clock)
    yield running
    running.stop()


@pytest.fixture
def http(sandbox: RunningSandbox) -> Iterator[httpx.Client]:
    """A plain client on the sandbox's base URL."""
    with httpx.Client(base_url=sandbox.base_url, timeout=10) as client:
        yield client


def client_token(http: httpx.Client, tenant: int = DEMO_DB, scope: str = ALL) -> dict[str, str]:
    """Headers carrying a client-credentials access token for ``tenant``."""
    answer = http.post(
        "/oauth-v1/token",
        auth=(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET),
        data={"grant_type": "client_credentials", "scope": scope},
        headers={"TenantId": str(tenant)},
    )
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


@pytest.fixture
def auth(http: httpx.Client) -> dict[str, str]:
    """Authorization headers for the demo company with every scope."""
    return client_token(http)


def consent_code(
    http: httpx.Client,
    *,
    scope: str = ALL,
    tenant: int = DEMO_DB,
    redirect_uri: str = "http://localhost:9999/callback",
    decision: str = "approve",
    drop_scopes: tuple[str, ...] = (),
) -> httpx.Response:
    """Run the authorize page and submit its consent form headlessly; returns the redirect."""
    page = http.get(
        "/oauth-v1/auth",
        params={
            "client_id": DEFAULT_CLIENT_ID,
            "response_type": "code",
            "state": "xyz",
            "scope": scope,
            "redirect_uri": redirect_uri,
            "access_type": "offline",
        },
    )
    assert page.status_code == 200, page.text
    consent = re.search(r'name="consent" value="([^"]+)"', page.text)
    assert consent is not None
    scopes = re.findall(r'name="scope_item" value="([^"]+)"', page.text)
    form: dict[str, str | list[str]] = {
        "consent": consent[1],
        "tenant": str(tenant),
        "decision": decision,
        "scope_item": [s for s in scopes if s not in drop_scopes],
    }
    return http.post("/oauth-v1/auth", data=form)
