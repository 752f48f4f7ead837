"""A voucher POST is never blindly retried: a landed first attempt is found, not repeated."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal

import httpx
import pytest
from fortnox_fakes import FakeFortnox

from bokslut.fortnox import (
    FortnoxUnavailable,
    ValidationError,
    VoucherDraft,
    VoucherDraftRow,
    VoucherOutcomeUnknown,
)

DRAFT = VoucherDraft(
    series="A",
    transaction_date=dt.date(2024, 12, 31),
    description="Periodisering hyra",
    rows=[
        VoucherDraftRow(account=1790, debit=Decimal("12345.67")),
        VoucherDraftRow(account=5010, credit=Decimal("12345.67")),
    ],
)


class Ledger:
    """A stateful voucher series; ``faults`` decide what each POST does."""

    def __init__(self, faults: list[str]) -> None:
        self.next_number = 57
        self.booked: dict[int, dict[str, object]] = {}
        self.faults = faults
        self.posts = 0

    def book(self, voucher: dict[str, object]) -> dict[str, object]:
        number = self.next_number
        self.next_number += 1
        booked = {**voucher, "VoucherNumber": number, "Year": 7}
        self.booked[number] = booked
        return booked

    def post(self, request: httpx.Request) -> httpx.Response:
        self.posts += 1
        fault = self.faults.pop(0) if self.faults else "ok"
        voucher = json.loads(request.content)["Voucher"]
        if fault == "lost-answer":  # booked, but the answer never arrives
            self.book(voucher)
            raise httpx.ReadTimeout("answer lost")
        if fault == "500-not-booked":
            return httpx.Response(500, json={"message": "Internal error"})
        if fault == "other-voucher-then-timeout":
            self.book({**voucher, "Description": "Någon annans verifikation"})
            raise httpx.ReadTimeout("answer lost")
        if fault == "429":
            return httpx.Response(429, text="")
        return httpx.Response(201, json={"Voucher": self.book(voucher)})

    def series(self, request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            json={
                "MetaInformation": {"@TotalResources": 1, "@TotalPages": 1, "@CurrentPage": 1},
                "VoucherSeriesCollection": [
                    {
                        "Code": "A",
                        "Description": "Redovisning",
                        "NextVoucherNumber": self.next_number,
                    }
                ],
            },
        )

    def voucher(self, number: int) -> Callable[[httpx.Request], httpx.Response]:
        def handler(request: httpx.Request) -> httpx.Response:
            return httpx.Response(200, json={"Voucher": self.booked[number]})

        return handler

    def install(self, fake: FakeFortnox) -> None:
        fake.add("POST", "/3/vouchers", self.post)
        fake.add("GET", "/3/voucherseries", self.series)
        for number in range(57, 62):
            fake.add("GET", f"/3/vouchers/A/{number}", self.voucher(number))


def test_amounts_are_sent_as_exact_json_numbers() -> None:
    body = DRAFT.to_json().decode()
    assert '"Debit": 12345.67' in body
    assert json.loads(body, parse_float=Decimal)["Voucher"]["VoucherRows"][1]["Credit"] == Decimal(
        "12345.67"
    )


def test_success_posts_once(fake: FakeFortnox, make_client) -> None:
    ledger = Ledger([])
    ledger.install(fake)
    voucher = make_client().create_voucher(DRAFT, financial_year=7)
    assert voucher.number == 57
    assert ledger.posts == 1


def test_landed_post_with_lost_answer_is_found_not_repeated(fake: FakeFortnox, make_client) -> None:
    ledger = Ledger(["lost-answer"])
    ledger.install(fake)
    voucher = make_client().create_voucher(DRAFT, financial_year=7)
    assert ledger.posts == 1
    assert len(ledger.booked) == 1
    assert voucher.number == 57
    assert voucher.description == DRAFT.description


def test_post_that_did_not_land_is_sent_again(fake: FakeFortnox, make_client) -> None:
    ledger = Ledger(["500-not-booked"])
    ledger.install(fake)
    voucher = make_client().create_voucher(DRAFT, financial_year=7)
    assert ledger.posts == 2
    assert list(ledger.booked) == [57]
    assert voucher.number == 57


def test_someone_elses_voucher_is_not_mistaken_for_ours(fake: FakeFortnox, make_client) -> None:
    ledger = Ledger(["other-voucher-then-timeout"])
    ledger.install(fake)
    voucher = make_client().create_voucher(DRAFT, financial_year=7)
    assert ledger.posts == 2
    assert voucher.number == 58


def test_429_on_post_is_safe_to_repeat(fake: FakeFortnox, make_client) -> None:
    ledger = Ledger(["429"])
    ledger.install(fake)
    make_client().create_voucher(DRAFT, financial_year=7)
    assert ledger.posts == 2
    assert len(ledger.booked) == 1


def test_unknown_outcome_is_reported_and_never_reposted(fake: FakeFortnox, make_client) -> None:
    ledger = Ledger(["lost-answer"])
    ledger.install(fake)
    calls = {"n": 0}

    def series_then_outage(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        if calls["n"] == 1:
            return ledger.series(request)
        raise httpx.ConnectError("network down")

    fake.add("GET", "/3/voucherseries", series_then_outage)
    with pytest.raises(VoucherOutcomeUnknown) as raised:
        make_client().create_voucher(DRAFT, financial_year=7)
    assert ledger.posts == 1
    assert "Kontrollera" in raised.value.user_message


def test_every_attempt_checked_and_not_booked_is_a_definite_failure(
    fake: FakeFortnox, make_client
) -> None:
    ledger = Ledger(["500-not-booked"] * 10)
    ledger.install(fake)
    with pytest.raises(FortnoxUnavailable):
        make_client().create_voucher(DRAFT, financial_year=7)
    assert ledger.posts == 4
    assert ledger.booked == {}


def test_rejected_voucher_is_a_validation_error_without_retry(
    fake: FakeFortnox, make_client
) -> None:
    ledger = Ledger([])
    ledger.install(fake)
    fake.add(
        "POST",
        "/3/vouchers",
        httpx.Response(
            400, json={"ErrorInformation": {"error": 1, "message": "Obalans", "code": 2000588}}
        ),
    )
    with pytest.raises(ValidationError):
        make_client().create_voucher(DRAFT, financial_year=7)
    assert len(fake.calls("POST", "/3/vouchers")) == 1
