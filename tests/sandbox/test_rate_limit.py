"""25 requests in any sliding 5 seconds per client and tenant; the 26th gets 429."""

from __future__ import annotations

import httpx

from bokslut.sandbox import ManualClock

from .conftest import OTHER_DB, client_token


def test_26th_request_within_5_seconds_is_429(http: httpx.Client, clock: ManualClock) -> None:
    auth = client_token(http)
    statuses = []
    for _ in range(26):
        statuses.append(http.get("/3/companyinformation", headers=auth).status_code)
        clock.advance(0.1)
    assert statuses[:25] == [200] * 25
    assert statuses[25] == 429


def test_window_slides_rather_than_resets(http: httpx.Client, clock: ManualClock) -> None:
    auth = client_token(http)
    for _ in range(25):
        assert http.get("/3/companyinformation", headers=auth).status_code == 200
    clock.advance(4.9)
    assert http.get("/3/companyinformation", headers=auth).status_code == 429
    clock.advance(0.2)  # the first 25 are now older than 5 s
    assert http.get("/3/companyinformation", headers=auth).status_code == 200


def test_limit_is_per_tenant_and_survives_a_new_token(
    http: httpx.Client, clock: ManualClock
) -> None:
    auth = client_token(http)
    for _ in range(25):
        http.get("/3/companyinformation", headers=auth)
    assert http.get("/3/companyinformation", headers=client_token(http)).status_code == 429
    other = client_token(http, OTHER_DB)
    assert http.get("/3/companyinformation", headers=other).status_code == 200


def test_refused_requests_do_not_extend_the_wait(http: httpx.Client, clock: ManualClock) -> None:
    auth = client_token(http)
    for _ in range(25):
        http.get("/3/companyinformation", headers=auth)
    for _ in range(10):
        assert http.get("/3/companyinformation", headers=auth).status_code == 429
    clock.advance(5.01)
    assert http.get("/3/companyinformation", headers=auth).status_code == 200
