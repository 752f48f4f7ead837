"""Single-use refresh tokens: concurrent refreshes never present one token twice."""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

import httpx
import pytest
from fortnox_fakes import FakeClock, FakeFortnox, TokenServer, fixture_bytes, run_worker

from bokslut.fortnox import (
    FileTokenStore,
    FortnoxClient,
    FortnoxOAuth,
    InMemoryTokenStore,
    NeedsReauthorization,
    TokenSet,
)


def oauth_on(fake: FakeFortnox, clock: FakeClock) -> FortnoxOAuth:
    return FortnoxOAuth(
        "client-id",
        "client-secret",
        redirect_uri="https://bokslut.example/cb",
        transport=fake.transport(),
        clock=clock,
    )


def test_expired_access_token_is_refreshed_once_on_401(
    fake: FakeFortnox, make_client, clock: FakeClock
) -> None:
    fake.add(
        "GET",
        "/3/companyinformation",
        httpx.Response(401, content=fixture_bytes("error_unauthorized.json")),
        httpx.Response(200, content=fixture_bytes("companyinformation.json")),
    )
    fake.add(
        "POST",
        "/oauth-v1/token",
        httpx.Response(
            200,
            json={"access_token": "access-2", "refresh_token": "refresh-2", "expires_in": 3600},
        ),
    )
    store = InMemoryTokenStore(TokenSet("access-1", "refresh-1"))
    client = make_client(token_store=store, oauth=oauth_on(fake, clock))
    client.company_information()
    (refresh,) = fake.calls("POST", "/oauth-v1/token")
    assert b"grant_type=refresh_token" in refresh.content
    assert b"refresh_token=refresh-1" in refresh.content
    assert refresh.headers["Authorization"].startswith("Basic ")
    assert store.load() == TokenSet("access-2", "refresh-2", expires_at=clock.now + 3600)
    assert fake.requests[-1].headers["Authorization"] == "Bearer access-2"


def test_reused_refresh_token_is_refused_as_needs_reauthorization(
    fake: FakeFortnox, make_client, clock: FakeClock
) -> None:
    fake.add(
        "GET",
        "/3/companyinformation",
        httpx.Response(401, content=fixture_bytes("error_unauthorized.json")),
    )
    fake.add(
        "POST",
        "/oauth-v1/token",
        httpx.Response(400, content=fixture_bytes("error_invalid_grant.txt")),
    )
    client = make_client(oauth=oauth_on(fake, clock))
    with pytest.raises(NeedsReauthorization) as raised:
        client.company_information()
    assert "Anslut" in raised.value.user_message


def test_token_still_refused_after_refreshing_needs_reauthorization(
    fake: FakeFortnox, make_client, clock: FakeClock
) -> None:
    fake.add(
        "GET",
        "/3/companyinformation",
        httpx.Response(401, content=fixture_bytes("error_unauthorized.json")),
    )
    counter = iter(range(1, 100))

    def rotate(request: httpx.Request) -> httpx.Response:
        n = next(counter)
        return httpx.Response(
            200, json={"access_token": f"a{n}", "refresh_token": f"r{n}", "expires_in": 3600}
        )

    fake.add("POST", "/oauth-v1/token", rotate)
    client = make_client(oauth=oauth_on(fake, clock))
    with pytest.raises(NeedsReauthorization):
        client.company_information()
    # A bounded number of refreshes (another process may have used up the first new token),
    # then the consent is taken as gone rather than refreshing forever.
    assert len(fake.calls("POST", "/oauth-v1/token")) == 3
    assert len(fake.calls("GET", "/3/companyinformation")) == 4


def test_proactive_refresh_before_expiry(fake: FakeFortnox, make_client, clock: FakeClock) -> None:
    fake.json("GET", "/3/companyinformation", "companyinformation.json")
    fake.add(
        "POST",
        "/oauth-v1/token",
        httpx.Response(200, json={"access_token": "a2", "refresh_token": "r2", "expires_in": 3600}),
    )
    store = InMemoryTokenStore(TokenSet("a1", "r1", expires_at=clock.now + 10))
    make_client(token_store=store, oauth=oauth_on(fake, clock)).company_information()
    assert len(fake.calls("GET", "/3/companyinformation")) == 1
    assert fake.requests[-1].headers["Authorization"] == "Bearer a2"


def test_client_credentials_send_the_tenant_id(fake: FakeFortnox, clock: FakeClock) -> None:
    fake.add(
        "POST",
        "/oauth-v1/token",
        httpx.Response(200, json={"access_token": "svc", "expires_in": 3600}),
    )
    tokens = oauth_on(fake, clock).client_credentials(1234567)
    (request,) = fake.requests
    assert request.headers["TenantId"] == "1234567"
    assert b"grant_type=client_credentials" in request.content
    assert (tokens.refresh_token, tokens.tenant_id) == (None, "1234567")


def test_authorization_url_and_code_exchange(fake: FakeFortnox, clock: FakeClock) -> None:
    oauth = oauth_on(fake, clock)
    url, state = oauth.authorization_url(scopes=["bookkeeping", "settings"])
    query = httpx.URL(url).params
    assert query["access_type"] == "offline"
    assert query["scope"] == "bookkeeping settings"
    assert query["response_type"] == "code"
    assert query["state"] == state
    assert len(state) >= 20
    fake.add(
        "POST",
        "/oauth-v1/token",
        httpx.Response(200, json={"access_token": "a", "refresh_token": "r", "expires_in": 3600}),
    )
    assert oauth.exchange_code("the-code").refresh_token == "r"
    assert b"code=the-code" in fake.requests[-1].content


def test_revoke_posts_the_token(fake: FakeFortnox, clock: FakeClock) -> None:
    fake.add("POST", "/oauth-v1/revoke", httpx.Response(200))
    oauth_on(fake, clock).revoke("refresh-9")
    assert b"token=refresh-9" in fake.requests[-1].content


def refreshing_clients(server: TokenServer, store: object, count: int) -> list[FortnoxClient]:
    return [
        FortnoxClient(
            token_store=store,  # type: ignore[arg-type]
            oauth=FortnoxOAuth("client-id", "client-secret", oauth_url=server.url + "/oauth-v1/"),
            api_url=server.url + "/3/",
        )
        for _ in range(count)
    ]


def test_two_threads_refreshing_at_once_use_each_refresh_token_once() -> None:
    with TokenServer(uses_per_token=3, refresh_delay=0.02) as server:
        store = InMemoryTokenStore(TokenSet("expired", "refresh-0"))
        clients = refreshing_clients(server, store, 2)
        errors: list[BaseException] = []

        def work(client: FortnoxClient) -> None:
            try:
                for _ in range(10):
                    client.company_information()
            except BaseException as exc:  # collected and asserted below
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(c,)) for c in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for client in clients:
            client.close()
    assert errors == []
    assert server.reused == []
    assert len(server.presented) == len(set(server.presented)) >= 6


def test_two_processes_refreshing_at_once_use_each_refresh_token_once(tmp_path: Path) -> None:
    token_path = tmp_path / "tokens.json"
    FileTokenStore(token_path).save(TokenSet("expired", "refresh-0"))
    with TokenServer(uses_per_token=3, refresh_delay=0.02) as server:
        context = multiprocessing.get_context("spawn")
        with context.Pool(2) as pool:
            results = [
                pool.apply_async(run_worker, (server.url, str(token_path), 10, None, "t"))
                for _ in range(2)
            ]
            done = [result.get(timeout=120) for result in results]
    assert done == [10, 10]
    assert server.reused == []
    assert len(server.presented) == len(set(server.presented)) >= 6
