"""A canonical JSON form of ledger dumps, so two processes' views compare with ``==``.

The dumps of ``ledger_compare`` use tuple keys, dates, Decimals and enums; JSON has none of
those. Keys become ``|``-joined text and values plain JSON, the same way on both sides, so
a dump made in a worker's database and one made from the sandbox's company are equal
exactly when the ledgers are.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from decimal import Decimal
from typing import Any


def canonical(value: Any) -> Any:
    """``value`` as plain JSON (dicts with text keys, lists, text, integers, booleans, null)."""
    if isinstance(value, dict):
        return {_key(k): canonical(v) for k, v in sorted(value.items(), key=lambda i: _key(i[0]))}
    if isinstance(value, list | tuple):
        return [canonical(item) for item in value]
    if isinstance(value, enum.Enum):
        return canonical(value.value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        # Amounts are öre integers already; only quantities are Decimal, kept exact as text.
        return str(value)
    return value


def _key(key: Any) -> str:
    if isinstance(key, tuple):
        return "|".join(_key(part) for part in key)
    plain = canonical(key)
    return plain if isinstance(plain, str) else json.dumps(plain)


def through_json(value: Any) -> Any:
    """``canonical(value)`` after a JSON round trip, as it arrives from a helper process."""
    return json.loads(json.dumps(canonical(value)))
