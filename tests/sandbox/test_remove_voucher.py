"""``DELETE /control/…/vouchers/{series}/{number}``: a voucher disappears, as Fortnox never says.

The sync's full comparison exists to catch exactly this; the sandbox must make the voucher
vanish everywhere (lists, the voucher itself, the SIE export and its balances) while the
series counter stays put, so an incremental sync sees nothing new.
"""

from __future__ import annotations

import io

import httpx

from bokslut.sie.reader import read_document

from .conftest import DEMO_DB, client_token

DAY = "2025-11-03"


def _year_id(http: httpx.Client, auth: dict[str, str]) -> int:
    years = http.get("/3/financialyears", headers=auth, params={"date": DAY}).json()
    year_id: int = years["FinancialYears"][0]["Id"]
    return year_id


def _post(http: httpx.Client, amount: str) -> int:
    body = {
        "Voucher": {
            "VoucherSeries": "A",
            "TransactionDate": DAY,
            "Description": "Kontorsmaterial",
            "VoucherRows": [
                {"Account": 6110, "Debit": amount, "Credit": 0},
                {"Account": 1930, "Debit": 0, "Credit": amount},
            ],
        }
    }
    answer = http.post(f"/control/companies/{DEMO_DB}/vouchers", json=body)
    assert answer.status_code == 201, answer.text
    number: int = answer.json()["Voucher"]["VoucherNumber"]
    return number


def _next_a(http: httpx.Client, auth: dict[str, str], year: int) -> int:
    series = http.get("/3/voucherseries", headers=auth, params={"financialyear": year}).json()
    return next(
        s["NextVoucherNumber"] for s in series["VoucherSeriesCollection"] if s["Code"] == "A"
    )


def _sie_ub(http: httpx.Client, auth: dict[str, str], year: int) -> dict[str, object]:
    answer = http.get("/3/sie/4", headers=auth, params={"financialyear": year})
    document, _ = read_document(io.BytesIO(answer.content))
    return {
        "ub": {b.account: b.amount for b in document.balances if b.kind in ("UB", "RES")},
        "psaldo": {(b.period, b.account, b.objects): b.amount for b in document.period_balances},
        "vouchers": sorted((v.series, v.number) for v in document.vouchers),
    }


def test_a_removed_voucher_is_gone_everywhere_and_its_number_is_not_reused(
    http: httpx.Client,
) -> None:
    auth = client_token(http)
    year = _year_id(http, auth)
    before = _sie_ub(http, auth, year)
    first = _post(http, "125.50")
    last = _post(http, "80.00")
    counter = _next_a(http, auth, year)

    for number in (first, last):
        gone = http.delete(f"/control/companies/{DEMO_DB}/years/{year}/vouchers/A/{number}")
        assert gone.status_code == 200, gone.text
        assert gone.json() == {"Removed": {"VoucherSeries": "A", "VoucherNumber": number}}

    lookup = http.get(f"/3/vouchers/A/{first}", headers=auth, params={"financialyear": year})
    assert lookup.status_code == 404
    assert _next_a(http, auth, year) == counter  # the counter never goes back
    assert _sie_ub(http, auth, year) == before  # balances as if never booked
    assert _post(http, "10.00") == counter


def test_removing_an_unknown_voucher_or_year_is_404(http: httpx.Client) -> None:
    auth = client_token(http)
    year = _year_id(http, auth)
    base = f"/control/companies/{DEMO_DB}/years"
    assert http.delete(f"{base}/{year}/vouchers/Q/999999").status_code == 404
    assert http.delete(f"{base}/999999/vouchers/A/1").status_code == 404
