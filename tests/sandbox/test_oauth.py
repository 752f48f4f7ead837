"""OAuth as Fortnox runs it: consent, codes, single-use refresh tokens, expiry, revocation."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx

from bokslut.sandbox import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, ManualClock, RunningSandbox

from .conftest import DEMO_DB, OTHER_DB, client_token, consent_code

BASIC = (DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)
CALLBACK = "http://localhost:9999/callback"


def _code(http: httpx.Client, **kwargs: object) -> str:
    redirect = consent_code(http, **kwargs)  # type: ignore[arg-type]
    assert redirect.status_code == 302
    params = parse_qs(urlsplit(redirect.headers["Location"]).query)
    assert params["state"] == ["xyz"]
    return params["code"][0]


def _exchange(http: httpx.Client, code: str) -> httpx.Response:
    return http.post(
        "/oauth-v1/token",
        auth=BASIC,
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK},
    )


def _refresh(http: httpx.Client, token: str) -> httpx.Response:
    return http.post(
        "/oauth-v1/token", auth=BASIC, data={"grant_type": "refresh_token", "refresh_token": token}
    )


def test_consent_page_is_swedish_and_lists_companies(http: httpx.Client) -> None:
    page = http.get(
        "/oauth-v1/auth",
        params={"client_id": DEFAULT_CLIENT_ID, "response_type": "code", "state": "s",
                "scope": "bookkeeping", "redirect_uri": CALLBACK},
    )  # fmt: skip
    assert page.status_code == 200
    assert "Godkänn" in page.text
    assert "Välj företag" in page.text
    assert f'value="{DEMO_DB}"' in page.text
    assert f'value="{OTHER_DB}"' in page.text


def test_authorization_code_gives_tokens_for_the_chosen_company(http: httpx.Client) -> None:
    answer = _exchange(http, _code(http, tenant=OTHER_DB, scope="companyinformation"))
    assert answer.status_code == 200
    body = answer.json()
    assert set(body) == {"access_token", "refresh_token", "scope", "expires_in", "token_type"}
    assert body["expires_in"] == 3600
    assert body["token_type"] == "bearer"
    assert body["access_token"].count(".") == 2  # JWT-shaped
    info = http.get(
        "/3/companyinformation", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert info.json()["CompanyInformation"]["DatabaseNumber"] == OTHER_DB


def test_authorization_code_is_single_use(http: httpx.Client) -> None:
    code = _code(http)
    assert _exchange(http, code).status_code == 200
    again = _exchange(http, code)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"


def test_refresh_rotates_and_reused_refresh_token_is_refused(http: httpx.Client) -> None:
    first = _exchange(http, _code(http)).json()
    second = _refresh(http, first["refresh_token"])
    assert second.status_code == 200
    assert second.json()["refresh_token"] != first["refresh_token"]
    reused = _refresh(http, first["refresh_token"])
    assert reused.status_code == 400
    assert reused.json() == {"error": "invalid_grant", "error_description": "Invalid refresh token"}
    assert _refresh(http, second.json()["refresh_token"]).status_code == 200


def test_expired_access_token_gets_401_unauthorized(http: httpx.Client, clock: ManualClock) -> None:
    headers = client_token(http)
    assert http.get("/3/companyinformation", headers=headers).status_code == 200
    clock.advance(3599)
    assert http.get("/3/companyinformation", headers=headers).status_code == 200
    clock.advance(2)
    expired = http.get("/3/companyinformation", headers=headers)
    assert expired.status_code == 401
    assert expired.json() == {"message": "unauthorized"}


def test_token_lifetime_is_configurable(clock: ManualClock) -> None:
    from bokslut.sandbox import run_in_thread

    from .conftest import make_demo

    running = run_in_thread([make_demo()], clock=clock, token_lifetime=60)
    with running, httpx.Client(base_url=running.base_url) as http:
        headers = client_token(http)
        clock.advance(61)
        assert http.get("/3/companyinformation", headers=headers).status_code == 401


def test_revoke_kills_refresh_and_access_tokens(http: httpx.Client) -> None:
    tokens = _exchange(http, _code(http)).json()
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    revoked = http.post("/oauth-v1/revoke", auth=BASIC, data={"token": tokens["refresh_token"]})
    assert revoked.status_code == 200
    assert _refresh(http, tokens["refresh_token"]).json()["error"] == "invalid_grant"
    assert http.get("/3/companyinformation", headers=headers).status_code == 401


def test_wrong_client_secret_is_invalid_client(http: httpx.Client) -> None:
    answer = http.post(
        "/oauth-v1/token", auth=(DEFAULT_CLIENT_ID, "wrong"), data={"grant_type": "refresh_token"}
    )
    assert answer.status_code == 401
    assert answer.json()["error"] == "invalid_client"


def test_client_credentials_needs_a_known_tenant_id(http: httpx.Client) -> None:
    answer = http.post(
        "/oauth-v1/token",
        auth=BASIC,
        data={"grant_type": "client_credentials"},
        headers={"TenantId": "999"},
    )
    assert answer.status_code == 400
    assert "refresh_token" not in client_token_body(http)


def client_token_body(http: httpx.Client) -> dict[str, object]:
    answer = http.post(
        "/oauth-v1/token",
        auth=BASIC,
        data={"grant_type": "client_credentials"},
        headers={"TenantId": str(DEMO_DB)},
    )
    body: dict[str, object] = answer.json()
    return body


def test_denied_consent_redirects_with_access_denied(http: httpx.Client) -> None:
    redirect = consent_code(http, decision="deny")
    assert redirect.status_code == 302
    assert "error=access_denied" in redirect.headers["Location"]


def test_unknown_scope_is_refused_before_consent(http: httpx.Client) -> None:
    answer = http.get(
        "/oauth-v1/auth",
        params={"client_id": DEFAULT_CLIENT_ID, "response_type": "code", "state": "s",
                "scope": "bookkeeping payroll", "redirect_uri": CALLBACK},
    )  # fmt: skip
    assert answer.status_code == 302
    assert "error=invalid_scope" in answer.headers["Location"]


def test_scope_left_out_at_consent_is_not_granted(http: httpx.Client) -> None:
    tokens = _exchange(http, _code(http, drop_scopes=("customer",))).json()
    assert "customer" not in tokens["scope"].split()
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    refused = http.get("/3/customers", headers=headers)
    assert refused.status_code == 403
    assert refused.json()["ErrorInformation"]["code"] == 2000663
    assert http.get("/3/suppliers", headers=headers).status_code == 200


def test_unlicensed_scope_gets_the_licence_error(
    http: httpx.Client, sandbox: RunningSandbox
) -> None:
    headers = client_token(http)
    changed = http.put(
        f"/control/companies/{DEMO_DB}/licences",
        json={"scopes": ["bookkeeping", "companyinformation"]},
    )
    assert changed.status_code == 200
    refused = http.get("/3/assets", headers=headers)
    assert refused.status_code == 403
    assert refused.json()["ErrorInformation"]["code"] == 2001101
    assert http.get("/3/vouchers", headers=headers).status_code == 200


def test_missing_bearer_token_is_refused(http: httpx.Client) -> None:
    answer = http.get("/3/companyinformation")
    assert answer.status_code == 401
    assert answer.json()["ErrorInformation"]["code"] == 2000311
