"""Personal API tokens: the secret is shown once, stored only as a hash, and never echoed."""

from __future__ import annotations

import hashlib
import logging
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from bokslut.api.models import ApiToken
from bokslut.api.tokens import token_authenticate, token_create
from bokslut.integrations.models import Connection

from .conftest import FORTNOX_ACCESS_TOKEN, FORTNOX_REFRESH_TOKEN, FirmWorld

pytestmark = pytest.mark.django_db


def test_a_created_token_is_stored_only_as_its_sha256() -> None:
    user = User.objects.create_user("tove")

    token, secret = token_create(user=user, name="Power BI")

    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert stored["token_hash"] == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in [str(v) for v in stored.values()]
    assert secret.startswith(stored["prefix"])
    assert len(stored["prefix"]) < len(secret) // 3


def test_two_tokens_never_share_a_secret() -> None:
    user = User.objects.create_user("tove")
    secrets = {token_create(user=user, name=str(n))[1] for n in range(20)}
    assert len(secrets) == 20


def test_a_token_authenticates_its_user_and_records_the_use() -> None:
    user = User.objects.create_user("tove")
    token, secret = token_create(user=user, name="skript")

    assert token_authenticate(secret) == user
    token.refresh_from_db()
    assert token.last_used is not None


def test_use_within_a_minute_is_not_written_again() -> None:
    user = User.objects.create_user("tove")
    _, secret = token_create(user=user, name="skript")
    token_authenticate(secret)

    with CaptureQueriesContext(connection) as queries:
        token_authenticate(secret)

    assert [q["sql"] for q in queries if q["sql"].startswith("UPDATE")] == []


@pytest.mark.parametrize("wrong", ["", "bks_", "x" * 50, "bks_" + "a" * 500])
def test_strings_that_are_not_tokens_authenticate_nobody(wrong: str) -> None:
    user = User.objects.create_user("tove")
    token_create(user=user, name="skript")
    assert token_authenticate(wrong) is None


def test_token_list_shows_the_prefix_and_never_the_secret(firm_b: FirmWorld) -> None:
    response = firm_b.admin.http().get("/api/tokens")

    assert response.status_code == 200
    assert firm_b.admin.token not in response.content.decode()
    [listed] = response.json()
    assert firm_b.admin.token.startswith(listed["prefix"])
    assert listed["active"] is True


def test_revoking_over_the_api_stops_the_token(firm_b: FirmWorld) -> None:
    token = ApiToken.objects.get(user=firm_b.admin.user)
    http = firm_b.admin.http()

    response = http.delete(f"/api/tokens/{token.pk}")

    assert response.status_code == 200
    assert response.json()["active"] is False
    assert firm_b.admin.token not in response.content.decode()
    assert http.get("/api/clients").status_code == 401


def test_no_response_of_any_route_contains_a_token_or_secret(
    firm_b: FirmWorld, caplog: pytest.LogCaptureFixture, settings: Any
) -> None:
    # Under DEBUG ninja's stock bearer class logs a mis-schemed Authorization header.
    settings.DEBUG = True
    http = firm_b.admin.http()
    base = f"/api/clients/{firm_b.client.pk}"
    urls = [
        "/api/clients",
        base,
        f"{base}/connection",
        f"{base}/syncs",
        f"{base}/syncs/{firm_b.run.pk}",
        f"{base}/years",
        f"{base}/accounts",
        f"{base}/balances",
        f"{base}/vouchers",
        f"{base}/vouchers/{firm_b.voucher.pk}",
        "/api/tokens",
        "/api/clients/999999",  # an error answer too
    ]
    stored = Connection.objects.get(client=firm_b.client)
    forbidden = {
        firm_b.admin.token,
        FORTNOX_ACCESS_TOKEN,
        FORTNOX_REFRESH_TOKEN,
        stored.access_token_encrypted,
        stored.refresh_token_encrypted,
        ApiToken.objects.get(user=firm_b.admin.user).token_hash,
    }
    with caplog.at_level(logging.DEBUG):
        bodies = [http.get(url).content.decode() for url in urls]
        bodies.append(
            http.post(f"{base}/syncs", data={}, content_type="application/json").content.decode()
        )
        # A wrong scheme with the token in it: ninja's own bearer class would log it.
        HttpClient(HTTP_AUTHORIZATION=f"Token {firm_b.admin.token}").get("/api/clients")

    for secret in forbidden:
        assert all(secret not in body for body in bodies)
        assert all(secret not in record.getMessage() for record in caplog.records)
    assert len(bodies) == len(urls) + 1


def test_the_command_prints_a_new_token_once_and_lists_only_prefixes() -> None:
    User.objects.create_user("tove")
    out = StringIO()

    call_command("api_token", "create", "--user", "tove", "--name", "Excel", stdout=out)

    secret = next(line for line in out.getvalue().splitlines() if line.startswith("bks_"))
    assert token_authenticate(secret) is not None
    listing = StringIO()
    call_command("api_token", "list", "--user", "tove", stdout=listing)
    assert secret not in listing.getvalue()
    assert secret[:12] in listing.getvalue()


def test_the_command_revokes_a_token() -> None:
    user = User.objects.create_user("tove")
    token, secret = token_create(user=user, name="gammal")

    call_command("api_token", "revoke", "--user", "tove", "--id", str(token.pk), stdout=StringIO())

    assert token_authenticate(secret) is None
