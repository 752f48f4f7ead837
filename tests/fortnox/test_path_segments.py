"""Path parameters are URL-encoded by the client and decoded by the sandbox."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import httpx

from bokslut.fortnox import FortnoxClient, InMemoryTokenStore, TokenSet
from bokslut.sandbox import run_in_thread
from bokslut.sandbox.seed import company_from_document
from bokslut.sie.model import (
    Account,
    Document,
    FinancialYear,
    Header,
    RowKind,
    Voucher,
    VoucherRow,
)


def _document_with_series(series: str) -> Document:
    year = FinancialYear(0, dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    header = Header(company_name="Serie AB", org_number="556677-8899", years={0: year})
    rows = (
        VoucherRow(RowKind.NORMAL, "1930", Decimal("100.00")),
        VoucherRow(RowKind.NORMAL, "3001", Decimal("-100.00")),
    )
    return Document(
        header=header,
        accounts={"1930": Account("1930", "Bank"), "3001": Account("3001", "Försäljning")},
        vouchers=[Voucher(series, "1", dt.date(2024, 3, 1), "Kassa", rows)],
    )


def test_voucher_in_a_series_with_url_special_characters_is_fetched() -> None:
    company = company_from_document(_document_with_series("#"), 3001)
    with run_in_thread([company]) as sandbox:
        # A client-credentials token for the tenant, through the sandbox's own OAuth.
        answer = httpx.post(
            sandbox.oauth_url + "token",
            data={"grant_type": "client_credentials"},
            auth=("bokslut-sandbox", "sandbox-secret"),
            headers={"TenantId": "3001"},
        )
        answer.raise_for_status()
        token = answer.json()["access_token"]
        client = FortnoxClient(
            token_store=InMemoryTokenStore(TokenSet(token, None)), api_url=sandbox.api_url
        )
        year = client.financial_years()[0]
        voucher = client.voucher("#", 1, financial_year=year.id)
        assert voucher.series == "#"
        assert [row.account for row in voucher.rows] == [1930, 3001]
