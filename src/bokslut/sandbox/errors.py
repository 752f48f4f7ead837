"""Fortnox error bodies, in the three shapes real responses use.

Codes marked "documented" come from Fortnox's error list; the others are the sandbox's choice
for cases whose real code no primary source confirmed (clients must not depend on them).
"""

from __future__ import annotations

import enum

from bokslut.sandbox.jsonio import JsonValue

__all__ = ["ApiError", "Codes", "ErrorStyle", "error_body"]


class Codes:
    """Error codes used by the sandbox."""

    SYSTEM_ERROR = 1000003  # documented
    INVALID_LOGIN = 2000310  # documented
    MISSING_TOKEN = 2000311  # documented
    INVALID_PARAMETER = 2000588  # documented
    INVALID_IDENTIFIER = 2000729  # documented
    NO_LICENCE_FOR_SCOPE = 2001101  # documented
    NO_API_LICENCE = 2001103  # documented
    ACCOUNT_NOT_FOUND = 2001304  # documented
    EMPTY_BODY = 2001392  # documented
    JSON_SYNTAX = 2002115  # documented
    SCOPE_NOT_GRANTED = 2000663  # sandbox's choice
    NOT_FOUND = 2000430  # sandbox's choice
    UNBALANCED_VOUCHER = 2000640  # sandbox's choice
    LOCKED_PERIOD = 2000546  # sandbox's choice
    NO_FINANCIAL_YEAR = 2000155  # sandbox's choice
    INACTIVE_ACCOUNT = 2001305  # sandbox's choice


class ErrorStyle(enum.StrEnum):
    """Which of the seen error shapes the sandbox answers with."""

    DOCUMENTED = "documented"  # {"ErrorInformation":{"error","message","code"}}
    LOWER = "lower"  # {"error","message","code"}
    CAPITAL = "capital"  # {"Error","Message","Code"}


class ApiError(Exception):
    """An error answer of the REST API."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message


def error_body(error: ApiError, style: ErrorStyle = ErrorStyle.DOCUMENTED) -> JsonValue:
    """The JSON body of ``error`` in ``style``."""
    if style is ErrorStyle.LOWER:
        return {"error": 1, "message": error.message, "code": error.code}
    if style is ErrorStyle.CAPITAL:
        return {"Error": 1, "Message": error.message, "Code": error.code}
    return {"ErrorInformation": {"error": 1, "message": error.message, "code": error.code}}
