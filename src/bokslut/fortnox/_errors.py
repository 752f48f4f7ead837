"""One exception hierarchy, named for what the caller can do about the failure.

Every error carries the HTTP status and Fortnox's own error code (when there was one)
and a Swedish ``user_message`` fit to show an accountant. None of them ever holds a
token or a client secret: messages are built from the response body only, and
response bodies from the token endpoint never echo credentials back.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, ClassVar

__all__ = [
    "FortnoxError",
    "FortnoxUnavailable",
    "InvalidClient",
    "LicenceMissing",
    "NeedsReauthorization",
    "NotFound",
    "RateLimited",
    "ServerError",
    "UnexpectedResponse",
    "ValidationError",
    "VoucherOutcomeUnknown",
    "error_from_response",
]


class FortnoxError(Exception):
    """Base of every error the Fortnox client raises."""

    default_user_message: ClassVar[str] = "Något gick fel i kommunikationen med Fortnox."

    def __init__(
        self,
        message: str = "",
        *,
        status_code: int | None = None,
        code: int | None = None,
        user_message: str | None = None,
    ) -> None:
        super().__init__(message or self.default_user_message)
        self.message = message or self.default_user_message
        self.status_code = status_code
        self.code = code
        self.user_message = (
            user_message or _CODE_MESSAGES.get(code or 0) or (self.default_user_message)
        )

    def __str__(self) -> str:
        parts = [self.message]
        if self.code is not None:
            parts.append(f"code={self.code}")
        if self.status_code is not None:
            parts.append(f"status={self.status_code}")
        return " ".join(parts)

    def __repr__(self) -> str:
        name = type(self).__name__
        return f"{name}({self.message!r}, status_code={self.status_code!r}, code={self.code!r})"


class NeedsReauthorization(FortnoxError):
    """The connection is no longer authorised: a person must connect Fortnox again."""

    default_user_message = (
        "Kopplingen till Fortnox har upphört att gälla. Anslut företaget till Fortnox igen."
    )


class InvalidClient(FortnoxError):
    """Fortnox refused the integration's client id or secret: fix the configuration."""

    default_user_message = (
        "Fortnox godkände inte integrationens klient-id eller hemlighet. "
        "Kontrollera inställningarna."
    )


class LicenceMissing(FortnoxError):
    """The company lacks the Fortnox licence for a scope: the customer must add it."""

    default_user_message = "Företaget saknar den Fortnox-licens som behövs för den här uppgiften."


class RateLimited(FortnoxError):
    """Too many requests for this tenant: wait and try again."""

    default_user_message = "Fortnox tar emot för många anrop just nu. Försök igen om en stund."


class NotFound(FortnoxError):
    """The requested resource does not exist in Fortnox."""

    default_user_message = "Det efterfrågade finns inte i Fortnox."


class ValidationError(FortnoxError):
    """Fortnox rejected the request's parameters or body: the request must change."""

    default_user_message = "Fortnox avvisade uppgifterna i anropet."


class ServerError(FortnoxError):
    """Fortnox failed internally: try again later."""

    default_user_message = "Fortnox har tekniska problem just nu. Försök igen senare."


class FortnoxUnavailable(FortnoxError):
    """Fortnox could not be reached (timeouts, refused or broken connections): try later."""

    default_user_message = "Det gick inte att nå Fortnox. Kontrollera anslutningen och försök igen."


class UnexpectedResponse(FortnoxError):
    """Fortnox answered with something that cannot be read (a truncated or malformed body)."""

    default_user_message = "Fortnox svarade med data som inte gick att läsa. Försök igen."


class VoucherOutcomeUnknown(FortnoxError):
    """A voucher POST failed in a way that leaves unknown whether Fortnox booked it.

    The client already looked and could not tell; a person must check the series in
    Fortnox before anything is posted again, since a blind retry could book it twice.
    """

    default_user_message = (
        "Det gick inte att avgöra om verifikationen bokfördes i Fortnox. "
        "Kontrollera verifikationsserien i Fortnox innan du försöker igen."
    )


# Fortnox codes with their own meaning to an accountant; the rest fall back to the
# message of the exception class chosen from the HTTP status.
_CODE_MESSAGES: dict[int, str] = {
    1000003: "Fortnox har ett systemfel just nu. Försök igen senare.",
    2000310: NeedsReauthorization.default_user_message,
    2000311: NeedsReauthorization.default_user_message,
    2000588: "Ett av anropets parametrar är ogiltigt enligt Fortnox.",
    2000729: "Fortnox känner inte igen den angivna identiteten.",
    2001101: "Företaget saknar licens i Fortnox för den här delen (behörighet saknas).",
    2001103: "Företaget saknar licens för Fortnox API (integrationslicens).",
    2001304: "Kontot finns inte i Fortnox.",
    2001392: "Anropet till Fortnox saknade innehåll eller hade fel innehåll.",
    2002115: "Fortnox kunde inte läsa anropets JSON (syntaxfel).",
}

_CODE_CLASSES: dict[int, type[FortnoxError]] = {
    1000003: ServerError,
    2000310: NeedsReauthorization,
    2000311: NeedsReauthorization,
    2000588: ValidationError,
    2000729: NotFound,
    2001101: LicenceMissing,
    2001103: LicenceMissing,
    2001304: NotFound,
    2001392: ValidationError,
    2002115: ValidationError,
}


def _lower_keys(value: Mapping[str, Any]) -> dict[str, Any]:
    return {str(key).lower(): item for key, item in value.items()}


def _as_code(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal | str):
        try:
            return int(str(value).strip())
        except ValueError:
            return None
    return None


def _parse_body(body: bytes) -> tuple[str, int | None, str | None]:
    """(message, Fortnox code, OAuth error name) from any documented error-body shape."""
    raw = body.decode("utf-8", errors="replace").strip()
    try:
        parsed = json.loads(raw, parse_float=Decimal) if raw else None
    except ValueError:
        parsed = None
    if not isinstance(parsed, Mapping):
        # A non-JSON body (the token endpoint sometimes answers text/plain): keep the
        # start of it, and still recognise the OAuth error names inside it.
        oauth_error = next(
            (name for name in ("invalid_grant", "invalid_client") if name in raw), None
        )
        return raw[:200], None, oauth_error
    fields = _lower_keys(parsed)
    inner = fields.get("errorinformation")
    if isinstance(inner, Mapping):
        fields = _lower_keys(inner)
    error = fields.get("error")
    oauth_error = error if isinstance(error, str) and error else None
    message = fields.get("message") or fields.get("error_description") or oauth_error or ""
    return str(message)[:500], _as_code(fields.get("code")), oauth_error


def error_from_response(status_code: int, body: bytes) -> FortnoxError:
    """The typed error for a failed Fortnox response, whatever shape its body has.

    >>> error_from_response(404, b'{"ErrorInformation":{"error":1,"message":"x","code":2001304}}')
    NotFound('x', status_code=404, code=2001304)
    """
    message, code, oauth_error = _parse_body(body)
    cls: type[FortnoxError]
    if oauth_error == "invalid_grant":
        cls = NeedsReauthorization
    elif oauth_error == "invalid_client":
        cls = InvalidClient
    elif code is not None and code in _CODE_CLASSES:
        cls = _CODE_CLASSES[code]
    elif status_code == 401:
        cls = NeedsReauthorization
    elif status_code == 429:
        cls = RateLimited
    elif status_code == 404:
        cls = NotFound
    elif status_code >= 500:
        cls = ServerError
    elif status_code == 403:
        cls = LicenceMissing
    else:
        cls = ValidationError
    return cls(message or f"HTTP {status_code}", status_code=status_code, code=code)
