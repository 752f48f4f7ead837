"""POST /3/vouchers validates like Fortnox and books with the series' next number."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest

from bokslut.sandbox.jsonio import dumps, loads

from .conftest import DEMO_DB


def _voucher(day: str = "2025-08-01", debit: str = "100.50", credit: str = "100.50",
             account: int = 6570, series: str = "A") -> dict[str, object]:  # fmt: skip
    return {
        "Voucher": {
            "Description": "Bankavgift",
            "TransactionDate": day,
            "VoucherSeries": series,
            "VoucherRows": [
                {"Account": account, "Debit": Decimal(debit), "TransactionInformation": "avgift"},
                {"Account": 1930, "Credit": Decimal(credit)},
            ],
        }
    }


def _post(
    http: httpx.Client, auth: dict[str, str], body: object, **params: object
) -> httpx.Response:
    return http.post("/3/vouchers", headers={**auth, "Content-Type": "application/json"},
                     content=dumps(body), params=params)  # fmt: skip


def _code(answer: httpx.Response) -> int:
    code: int = answer.json()["ErrorInformation"]["code"]
    return code


def test_voucher_is_booked_with_the_next_number_and_moves_the_balance(
    http: httpx.Client, auth: dict[str, str]
) -> None:
    before = loads(http.get("/3/accounts/1930", headers=auth).content)["Account"]
    series = loads(http.get("/3/voucherseries/A", headers=auth).content)["VoucherSeries"]
    answer = _post(http, auth, _voucher())
    assert answer.status_code == 201, answer.text
    voucher = loads(answer.content)["Voucher"]
    assert voucher["VoucherNumber"] == series["NextVoucherNumber"]
    assert voucher["VoucherRows"][0]["Debit"] == Decimal("100.50")
    assert voucher["VoucherRows"][0]["TransactionInformation"] == "avgift"
    after = loads(http.get("/3/accounts/1930", headers=auth).content)["Account"]
    assert after["BalanceCarriedForward"] == before["BalanceCarriedForward"] - Decimal("100.50")
    again = loads(_post(http, auth, _voucher()).content)["Voucher"]
    assert again["VoucherNumber"] == voucher["VoucherNumber"] + 1
    fetched = http.get(f"/3/vouchers/A/{voucher['VoucherNumber']}", headers=auth)
    assert loads(fetched.content)["Voucher"]["VoucherRows"] == voucher["VoucherRows"]


def test_unbalanced_voucher_is_refused(http: httpx.Client, auth: dict[str, str]) -> None:
    answer = _post(http, auth, _voucher(credit="100.00"))
    assert answer.status_code == 400
    assert _code(answer) == 2000640


def test_unknown_account_is_2001304(http: httpx.Client, auth: dict[str, str]) -> None:
    answer = _post(http, auth, _voucher(account=9998))
    assert answer.status_code == 400
    assert _code(answer) == 2001304


def test_locked_period_is_refused(http: httpx.Client, auth: dict[str, str]) -> None:
    answer = _post(http, auth, _voucher(day="2025-06-30"))
    assert answer.status_code == 400
    assert _code(answer) == 2000546


def test_date_outside_every_financial_year_is_refused(
    http: httpx.Client, auth: dict[str, str]
) -> None:
    assert _code(_post(http, auth, _voucher(day="2030-01-01"))) == 2000155


def test_date_outside_the_named_financial_year_is_refused(
    http: httpx.Client, auth: dict[str, str]
) -> None:
    years = http.get("/3/financialyears", headers=auth, params={"date": "2024-01-01"}).json()
    old = years["FinancialYears"][0]["Id"]
    assert _code(_post(http, auth, _voucher(), financialyear=old)) == 2000155


def test_deactivated_account_is_refused(http: httpx.Client, auth: dict[str, str]) -> None:
    http.patch(f"/control/companies/{DEMO_DB}/accounts/6570", json={"Active": False})
    assert _code(_post(http, auth, _voucher())) == 2001305


def test_fractions_of_an_ore_are_refused(http: httpx.Client, auth: dict[str, str]) -> None:
    assert _code(_post(http, auth, _voucher(debit="1.005", credit="1.005"))) == 2000588


@pytest.mark.parametrize(
    ("body", "code"), [(b"", 2001392), (b"{not json", 2002115), (b'{"Other": {}}', 2001392)]
)
def test_broken_bodies_get_fortnox_codes(
    http: httpx.Client, auth: dict[str, str], body: bytes, code: int
) -> None:
    answer = http.post("/3/vouchers", headers=auth, content=body)
    assert answer.status_code == 400
    assert _code(answer) == code


def test_control_api_books_past_the_locked_period(http: httpx.Client, auth: dict[str, str]) -> None:
    answer = http.post(
        f"/control/companies/{DEMO_DB}/vouchers", content=dumps(_voucher(day="2025-02-01"))
    )
    assert answer.status_code == 201, answer.text
    number = answer.json()["Voucher"]["VoucherNumber"]
    assert http.get(f"/3/vouchers/A/{number}", headers=auth).status_code == 200
