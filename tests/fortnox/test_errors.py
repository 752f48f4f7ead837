"""Every documented error-body shape becomes a typed error with a Swedish message."""

from __future__ import annotations

import json

import httpx
import pytest
from fortnox_fakes import FakeFortnox, fixture_bytes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bokslut.fortnox import (
    FortnoxError,
    InvalidClient,
    LicenceMissing,
    NeedsReauthorization,
    NotFound,
    RateLimited,
    ServerError,
    ValidationError,
    error_from_response,
)


@pytest.mark.parametrize(
    ("status", "fixture", "expected", "code"),
    [
        (404, "error_documented.json", NotFound, 2001304),
        (400, "error_lowercase.json", LicenceMissing, 2001101),
        (400, "error_capitalised.json", ValidationError, 2000588),
        (500, "error_capitalised_flat.json", ServerError, 1000003),
        (401, "error_unauthorized.json", NeedsReauthorization, None),
        (400, "error_invalid_grant.json", NeedsReauthorization, None),
        (400, "error_invalid_grant.txt", NeedsReauthorization, None),
        (401, "error_invalid_client.json", InvalidClient, None),
    ],
)
def test_error_shape_is_typed_and_keeps_the_fortnox_code(
    status: int, fixture: str, expected: type[FortnoxError], code: int | None
) -> None:
    error = error_from_response(status, fixture_bytes(fixture))
    assert type(error) is expected
    assert error.code == code
    assert error.status_code == status
    assert error.user_message  # Swedish text for a person


def test_known_codes_get_their_own_swedish_message() -> None:
    error = error_from_response(403, b'{"ErrorInformation":{"error":1,"code":2001103}}')
    assert isinstance(error, LicenceMissing)
    assert "licens" in error.user_message


@pytest.mark.parametrize(
    ("status", "expected"),
    [(429, RateLimited), (503, ServerError), (404, NotFound), (403, LicenceMissing)],
)
def test_status_alone_decides_when_the_body_is_empty_or_html(
    status: int, expected: type[FortnoxError]
) -> None:
    assert type(error_from_response(status, b"<html>Too many</html>")) is expected
    assert type(error_from_response(status, b"")) is expected


@given(st.binary(max_size=300))
def test_any_body_gives_a_fortnox_error_never_a_crash(body: bytes) -> None:
    assert isinstance(error_from_response(400, body), FortnoxError)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=5,
)


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(
            ["error", "Error", "message", "Message", "code", "Code", "ErrorInformation"]
        ),
        json_values,
    )
)
def test_any_json_error_object_gives_a_fortnox_error(body: dict[str, object]) -> None:
    assert isinstance(error_from_response(400, json.dumps(body).encode()), FortnoxError)


def test_client_raises_the_typed_error_without_retrying_a_client_error(
    fake: FakeFortnox, make_client
) -> None:
    fake.json("GET", "/3/accounts/9999", "error_documented.json", status=404)
    with pytest.raises(NotFound) as raised:
        make_client().account(9999, financial_year=7)
    assert raised.value.code == 2001304
    assert len(fake.requests) == 1


def test_missing_licence_for_a_scope_is_reported(fake: FakeFortnox, make_client) -> None:
    fake.add("GET", "/3/assets", httpx.Response(403, content=fixture_bytes("error_lowercase.json")))
    with pytest.raises(LicenceMissing):
        list(make_client().assets())
