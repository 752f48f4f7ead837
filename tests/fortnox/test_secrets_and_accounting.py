"""No token or secret ever shows in a repr, str or error; requests are counted."""

from __future__ import annotations

import io
from decimal import Decimal

import httpx
import pytest
from fortnox_fakes import FakeClock, FakeFortnox, fixture_bytes
from hypothesis import given
from hypothesis import strategies as st

from bokslut.fortnox import (
    FortnoxOAuth,
    InMemoryTokenStore,
    NeedsReauthorization,
    TokenSet,
    UnexpectedResponse,
)
from bokslut.fortnox import _coerce as coerce

SECRETS = ("access-SECRET-1", "refresh-SECRET-1", "client-SECRET")


def assert_no_secret(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text


def test_reprs_and_errors_never_show_tokens(
    fake: FakeFortnox, make_client, clock: FakeClock
) -> None:
    tokens = TokenSet(SECRETS[0], SECRETS[1], expires_at=1.0)
    store = InMemoryTokenStore(tokens)
    oauth = FortnoxOAuth("client-id", SECRETS[2], transport=fake.transport(), clock=clock)
    client = make_client(token_store=store, oauth=oauth)
    fake.add("POST", "/oauth-v1/token", httpx.Response(400, content=b"invalid_grant"))
    with pytest.raises(NeedsReauthorization) as raised:
        client.company_information()
    for shown in (tokens, store, oauth, client, client.stats, raised.value):
        assert_no_secret(repr(shown))
        assert_no_secret(str(shown))
    assert_no_secret(raised.value.user_message)


def test_accounting_counts_requests_bytes_and_time_per_endpoint(
    fake: FakeFortnox, make_client
) -> None:
    body = fixture_bytes("companyinformation.json")
    fake.add(
        "GET",
        "/3/companyinformation",
        httpx.Response(503, text=""),
        httpx.Response(200, content=body),
    )
    fake.json("GET", "/3/settings/lockedperiod", "lockedperiod.json")
    client = make_client()
    client.company_information()
    client.locked_period()
    info = client.stats.by_endpoint()["GET /3/companyinformation"]
    assert (info.requests, info.retries, info.statuses[503], info.statuses[200]) == (2, 1, 1, 1)
    assert info.bytes_received == len(body)
    assert info.seconds >= 0
    assert client.stats.total().requests == 3


def test_sie_download_that_breaks_off_is_started_over(
    fake: FakeFortnox, make_client, tmp_path
) -> None:
    sie = '#FLAGGA 0\n#SIETYP 4\n#FNAMN "Exempelbolaget AB"\n'.encode("cp437") * 50

    class BreaksOff(httpx.SyncByteStream):
        def __iter__(self):
            yield sie[:100]
            raise httpx.ReadError("connection reset")

    fake.add(
        "GET",
        "/3/sie/4",
        httpx.Response(200, stream=BreaksOff()),
        httpx.Response(200, content=sie),
    )
    target = tmp_path / "year.se"
    assert make_client().download_sie(4, financial_year=7, destination=target) == len(sie)
    assert target.read_bytes() == sie
    assert list(tmp_path.iterdir()) == [target]


def test_sie_stream_to_a_file_object(fake: FakeFortnox, make_client) -> None:
    fake.add("GET", "/3/sie/2", httpx.Response(200, content=b"#FLAGGA 0\n"))
    sink = io.BytesIO()
    make_client().download_sie(2, financial_year=7, destination=sink)
    assert sink.getvalue() == b"#FLAGGA 0\n"
    assert fake.requests[0].url.params["financialyear"] == "7"


@given(st.decimals(allow_nan=False, allow_infinity=False, places=2))
def test_amounts_round_trip_exactly_from_string_and_number_forms(value: Decimal) -> None:
    assert coerce.amount(str(value)) == value
    assert coerce.amount(coerce.loads(f'{{"x": {value}}}')["x"]) == value


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_integers_arrive_as_ints_or_strings(value: int) -> None:
    assert coerce.integer(value) == coerce.integer(str(value)) == value


@given(st.text(max_size=12))
def test_amount_parsing_never_crashes_with_anything_but_a_typed_error(text: str) -> None:
    try:
        result = coerce.amount(text)
    except UnexpectedResponse:
        return
    assert result is None or isinstance(result, Decimal)
