"""Injected faults: 429 bursts, 5xx, timeouts, truncated bodies, page-size caps, error styles."""

from __future__ import annotations

import httpx
import pytest

from bokslut.sandbox import RunningSandbox
from bokslut.sandbox.faults import FaultConfig, FaultKind, Faults


def _faults(http: httpx.Client, **settings: object) -> None:
    answer = http.patch("/control/faults", json=settings)
    assert answer.status_code == 200, answer.text


def test_429_burst_hits_exactly_the_next_n_requests(
    http: httpx.Client, auth: dict[str, str]
) -> None:
    _faults(http, burst_429=3)
    statuses = [http.get("/3/companyinformation", headers=auth).status_code for _ in range(5)]
    assert statuses == [429, 429, 429, 200, 200]


def test_server_errors_use_the_configured_status(http: httpx.Client, auth: dict[str, str]) -> None:
    _faults(http, error_next=2, error_status=503)
    first = http.get("/3/companyinformation", headers=auth)
    assert first.status_code == 503
    assert first.json()["ErrorInformation"]["code"] == 1000003
    assert http.get("/3/companyinformation", headers=auth).status_code == 503
    assert http.get("/3/companyinformation", headers=auth).status_code == 200


def test_truncated_body_breaks_the_response(http: httpx.Client, auth: dict[str, str]) -> None:
    _faults(http, truncate_next=1)
    with pytest.raises(httpx.RemoteProtocolError):
        http.get("/3/vouchers", headers=auth)
    assert http.get("/3/vouchers", headers=auth).status_code == 200


def test_timeout_leaves_the_client_waiting(http: httpx.Client, auth: dict[str, str]) -> None:
    _faults(http, timeout_next=1, timeout_seconds=3)
    with pytest.raises(httpx.ReadTimeout):
        http.get("/3/companyinformation", headers=auth, timeout=0.3)
    assert http.get("/3/companyinformation", headers=auth).status_code == 200


def test_page_size_cap_of_100(http: httpx.Client, auth: dict[str, str]) -> None:
    _faults(http, page_size_cap=100)
    body = http.get("/3/vouchers", headers=auth, params={"limit": 500}).json()
    assert len(body["Vouchers"]) == 100
    total = body["MetaInformation"]["@TotalResources"]
    assert body["MetaInformation"]["@TotalPages"] == -(-total // 100)


@pytest.mark.parametrize(
    ("style", "keys"),
    [("documented", {"ErrorInformation"}), ("lower", {"error", "message", "code"}),
     ("capital", {"Error", "Message", "Code"})],
)  # fmt: skip
def test_error_body_styles(
    http: httpx.Client, auth: dict[str, str], style: str, keys: set[str]
) -> None:
    _faults(http, error_style=style)
    assert set(http.get("/3/nothing", headers=auth).json()) == keys


def test_oauth_errors_can_come_as_plain_text(http: httpx.Client) -> None:
    _faults(http, oauth_plain_errors=True)
    answer = http.post("/oauth-v1/token", auth=("bokslut-sandbox", "sandbox-secret"),
                       data={"grant_type": "refresh_token", "refresh_token": "nope"})  # fmt: skip
    assert answer.status_code == 400
    assert answer.headers["content-type"].startswith("text/plain")
    assert "invalid_grant" in answer.text


def test_clearing_faults_restores_a_healthy_server(
    http: httpx.Client, auth: dict[str, str]
) -> None:
    _faults(http, error_rate=1.0)
    assert http.get("/3/companyinformation", headers=auth).status_code == 500
    assert http.delete("/control/faults").status_code == 200
    assert http.get("/3/companyinformation", headers=auth).status_code == 200


def test_unknown_fault_setting_is_refused(http: httpx.Client) -> None:
    assert http.patch("/control/faults", json={"explode": True}).status_code == 400
    assert http.patch("/control/faults", json={"error_rate": 2}).status_code == 400


def test_latency_stays_inside_the_configured_range() -> None:
    faults = Faults(FaultConfig(latency_ms=(20.0, 40.0), seed=3))
    samples = [faults.latency() for _ in range(200)]
    assert all(0.020 <= s <= 0.040 for s in samples)
    assert len(set(samples)) > 1


def test_error_rate_is_seeded_and_roughly_honoured() -> None:
    faults = Faults(FaultConfig(error_rate=0.2, seed=42))
    hits = sum(faults.decide() is FaultKind.SERVER_ERROR for _ in range(1000))
    assert 150 < hits < 250
    again = Faults(FaultConfig(error_rate=0.2, seed=42))
    assert sum(again.decide() is FaultKind.SERVER_ERROR for _ in range(1000)) == hits


def _post_voucher(http: httpx.Client, auth: dict[str, str]) -> httpx.Response:
    body = {
        "Voucher": {
            "Description": "Förlorat svar",
            "TransactionDate": "2025-08-01",
            "VoucherSeries": "A",
            "VoucherRows": [
                {"Account": 6570, "Debit": "100.50"},
                {"Account": 1930, "Credit": "100.50"},
            ],
        }
    }
    return http.post("/3/vouchers", headers=auth, json=body)


def _next_number(http: httpx.Client, auth: dict[str, str]) -> int:
    answer = http.get("/3/voucherseries/A", headers=auth)
    assert answer.status_code == 200, answer.text
    number: int = answer.json()["VoucherSeries"]["NextVoucherNumber"]
    return number


def test_lost_answer_books_the_voucher_then_hangs_up(
    sandbox: RunningSandbox, http: httpx.Client, auth: dict[str, str]
) -> None:
    _faults(http, lose_answer_next=1)
    # Reads are answered and leave the count for the write.
    before = _next_number(http, auth)
    assert http.get("/3/companyinformation", headers=auth).status_code == 200
    with pytest.raises(httpx.RemoteProtocolError):
        _post_voucher(http, auth)
    # Booked all the same: the series moved and the voucher is there under its number.
    assert _next_number(http, auth) == before + 1
    booked = http.get(f"/3/vouchers/A/{before}", headers=auth)
    assert booked.status_code == 200
    assert booked.json()["Voucher"]["Description"] == "Förlorat svar"
    assert (
        sandbox.sandbox.stats.snapshot()["by_endpoint"]["fault answer lost (POST post-voucher)"]
        == 1
    )
    # The count is used up: the next write is answered as usual.
    assert _post_voucher(http, auth).status_code == 201
    assert _next_number(http, auth) == before + 2
    assert http.get("/control/faults").json()["lose_answer_next"] == 0


def test_lost_answer_count_is_not_used_up_by_reads() -> None:
    faults = Faults(FaultConfig(lose_answer_next=2))
    assert [faults.lose_answer(m) for m in ("GET", "GET", "POST", "PUT", "POST")] == [
        False, False, True, True, False,
    ]  # fmt: skip
