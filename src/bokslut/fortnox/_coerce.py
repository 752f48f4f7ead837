"""Tolerant conversion of Fortnox JSON values into exact Python values.

Fortnox sends numbers the spec calls strings as integers (``"Project": 0``), amounts
as strings (``"1250.00"``), nulls where a value is optional, and empty strings where a
date is missing. Every reader below accepts all of those shapes; none of them ever
goes through ``float``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from bokslut.fortnox._errors import UnexpectedResponse

JsonObject = Mapping[str, Any]


def loads(data: bytes | str) -> Any:
    """Parse JSON with every number that has a fraction or exponent as :class:`Decimal`."""
    return json.loads(data, parse_float=Decimal)


def text(value: Any) -> str | None:
    """A string field; numbers and booleans are rendered the way Fortnox would send them."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | Decimal):
        return str(value)
    raise UnexpectedResponse(f"expected text, got {type(value).__name__}")


def text_or_empty(value: Any) -> str:
    """Like :func:`text`, but a missing value is the empty string (Fortnox uses both)."""
    return text(value) or ""


def amount(value: Any) -> Decimal | None:
    """An exact amount from a JSON number, an integer or a numeric string; ``None`` if absent."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        # Only reachable if a caller parsed JSON without parse_float=Decimal; repr()
        # of a float is the shortest exact round-trip, so no binary noise enters.
        result = Decimal(repr(value))
    elif isinstance(value, str):
        stripped = value.strip().replace("\u00a0", "").replace(" ", "")
        if not stripped:
            return None
        try:
            result = Decimal(stripped.replace(",", "."))
        except InvalidOperation as exc:
            raise UnexpectedResponse(f"not an amount: {value!r}") from exc
    else:
        raise UnexpectedResponse(f"not an amount: {type(value).__name__}")
    if not result.is_finite():
        raise UnexpectedResponse(f"not an amount: {value!r}")
    # -0 occurs in exports and must not survive as a value distinct from 0.
    return abs(result) if result.is_zero() else result


def amount_or_zero(value: Any) -> Decimal:
    """Like :func:`amount`, but an absent amount counts as zero (debit/credit columns)."""
    result = amount(value)
    return Decimal(0) if result is None else result


def integer(value: Any) -> int | None:
    """An integer from an int, an integral Decimal or a numeric string; ``None`` if absent."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    parsed = amount(value)
    if parsed is None:
        return None
    if parsed != parsed.to_integral_value():
        raise UnexpectedResponse(f"not an integer: {value!r}")
    return int(parsed)


def flag(value: Any) -> bool | None:
    """A boolean from ``true``/``false``, ``1``/``0`` or their string forms."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | Decimal):
        return value != 0
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in {"true", "1", "yes", "ja"}:
            return True
        if lowered in {"false", "0", "no", "nej", ""}:
            return False
    raise UnexpectedResponse(f"not a boolean: {value!r}")


def flag_or_false(value: Any) -> bool:
    """Like :func:`flag`, but absent means ``False``."""
    return bool(flag(value))


def date(value: Any) -> dt.date | None:
    """A ``YYYY-MM-DD`` date (a trailing time is ignored); empty or null is ``None``."""
    raw = text(value)
    if raw is None or not raw.strip():
        return None
    try:
        return dt.date.fromisoformat(raw.strip()[:10])
    except ValueError as exc:
        raise UnexpectedResponse(f"not a date: {raw!r}") from exc


def obj(value: Any) -> JsonObject:
    """A JSON object, or an empty one when Fortnox sent null."""
    if value is None:
        return {}
    if isinstance(value, Mapping):
        return value
    raise UnexpectedResponse(f"expected an object, got {type(value).__name__}")


def objects(value: Any) -> list[JsonObject]:
    """A list of JSON objects; null is an empty list, a lone object is a list of one."""
    if value is None:
        return []
    if isinstance(value, Mapping):
        return [value]
    if isinstance(value, list):
        return [obj(item) for item in value]
    raise UnexpectedResponse(f"expected a list, got {type(value).__name__}")
