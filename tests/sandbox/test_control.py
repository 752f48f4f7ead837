"""The control API changes a running company the way ongoing bookkeeping does."""

from __future__ import annotations

import httpx

from bokslut.sandbox import ManualClock

from .conftest import DEMO_DB, OTHER_DB, client_token


def test_companies_are_listed_with_their_years(http: httpx.Client) -> None:
    body = http.get("/control/companies").json()
    numbers = [c["DatabaseNumber"] for c in body["Companies"]]
    assert numbers == [DEMO_DB, OTHER_DB]
    assert len(body["Companies"][0]["FinancialYears"]) == 3


def test_renamed_account_shows_in_the_api(http: httpx.Client, auth: dict[str, str]) -> None:
    http.patch(f"/control/companies/{DEMO_DB}/accounts/1930", json={"Description": "Bank"})
    assert http.get("/3/accounts/1930", headers=auth).json()["Account"]["Description"] == "Bank"


def test_deactivated_account_is_inactive(http: httpx.Client, auth: dict[str, str]) -> None:
    http.patch(f"/control/companies/{DEMO_DB}/accounts/1930", json={"Active": False})
    assert http.get("/3/accounts/1930", headers=auth).json()["Account"]["Active"] is False


def test_locking_a_period(http: httpx.Client, auth: dict[str, str]) -> None:
    answer = http.put(f"/control/companies/{DEMO_DB}/lockedperiod", json={"EndDate": "2025-08-31"})
    assert answer.status_code == 200
    locked = http.get("/3/settings/lockedperiod", headers=auth).json()
    assert locked == {"LockedPeriod": {"EndDate": "2025-08-31"}}


def test_expiring_tokens_of_one_tenant(http: httpx.Client) -> None:
    mine, theirs = client_token(http), client_token(http, OTHER_DB)
    answer = http.post("/control/tokens/expire", json={"tenant": DEMO_DB})
    assert answer.json() == {"expired": 1}
    assert http.get("/3/companyinformation", headers=mine).status_code == 401
    assert http.get("/3/companyinformation", headers=theirs).status_code == 200


def test_revoking_all_grants(http: httpx.Client) -> None:
    auth = client_token(http)
    assert http.post("/control/tokens/revoke", json={}).json()["revoked_grants"] >= 1
    assert http.get("/3/companyinformation", headers=auth).status_code == 401


def test_stats_count_requests_per_endpoint(
    http: httpx.Client, auth: dict[str, str], clock: ManualClock
) -> None:
    http.delete("/control/stats")
    for _ in range(3):
        http.get("/3/vouchers", headers=auth)
    http.get("/3/accounts", headers=auth)
    stats = http.get("/control/stats").json()
    assert stats["by_endpoint"] == {"GET accounts": 1, "GET vouchers": 3}
    assert stats["requests"] == 4
    assert stats["by_tenant"] == {str(DEMO_DB): 4}


def test_unknown_control_path_is_404(http: httpx.Client) -> None:
    assert http.get("/control/nothing").status_code == 404
    assert http.patch("/control/companies/9/accounts/1930", json={}).status_code == 404


def test_latency_set_through_the_control_api_is_answered_and_kept(http: httpx.Client) -> None:
    answer = http.patch("/control/faults", json={"latency_ms": [20, 40]})
    assert answer.status_code == 200, answer.text
    assert http.get("/control/faults").json()["latency_ms"] == [20, 40]
