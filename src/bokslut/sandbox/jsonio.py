"""Exact JSON: Decimal in, Decimal out, never a float on the way.

The encoder is hand-written because the standard library's cannot emit a Decimal as a bare
JSON number without a detour through float.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from json.encoder import encode_basestring
from typing import Any

__all__ = ["JsonValue", "decimal_text", "dumps", "loads"]

#: What the sandbox serialises (Decimal for amounts, dates rendered as Fortnox strings).
JsonValue = Any


def decimal_text(value: Decimal) -> str:
    """Plain positional notation for a Decimal (``1E+2`` → ``100``; ``-0.00`` → ``0.00``)."""
    if value.is_zero():
        value = abs(value)
    return format(value, "f")


def _encode(value: JsonValue, out: list[str]) -> None:
    # bool before int: bool is a subclass of int.
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, str):
        out.append(encode_basestring(value))
    elif isinstance(value, Decimal):
        out.append(decimal_text(value))
    elif isinstance(value, int):
        out.append(str(value))
    elif isinstance(value, datetime):
        out.append(f'"{value:%Y-%m-%d %H:%M}"')
    elif isinstance(value, date):
        out.append(f'"{value.isoformat()}"')
    elif isinstance(value, Mapping):
        out.append("{")
        first = True
        for key, item in value.items():
            if not first:
                out.append(",")
            first = False
            out.append(encode_basestring(str(key)))
            out.append(":")
            _encode(item, out)
        out.append("}")
    elif isinstance(value, Sequence):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _encode(item, out)
        out.append("]")
    elif isinstance(value, float):
        raise TypeError("floats are not money: use Decimal")
    else:
        raise TypeError(f"cannot encode {type(value).__name__} as JSON")


def dumps(value: JsonValue) -> str:
    """Serialise ``value``; Decimals become JSON numbers written exactly as they are."""
    out: list[str] = []
    _encode(value, out)
    return "".join(out)


def loads(text: str | bytes) -> JsonValue:
    """Parse JSON with every non-integer number as a Decimal."""
    return json.loads(text, parse_float=Decimal)
