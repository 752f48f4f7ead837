"""Query parameters shared by Fortnox lists: filters, sorting and pagination."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TypeVar

from bokslut.sandbox.errors import ApiError, Codes
from bokslut.sandbox.jsonio import JsonValue

__all__ = [
    "DEFAULT_LIMIT",
    "MAX_LIMIT",
    "Page",
    "int_param",
    "paginate",
    "parse_date",
    "parse_timestamp",
    "sort_items",
]

DEFAULT_LIMIT = 100
MAX_LIMIT = 500

T = TypeVar("T")


def _invalid(name: str, value: str) -> ApiError:
    return ApiError(400, Codes.INVALID_PARAMETER, f"Ogiltig parameter: {name}={value}")


def int_param(query: Mapping[str, str], name: str, default: int | None = None) -> int | None:
    """An integer query parameter, or ``default``; anything else is a 400."""
    raw = query.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise _invalid(name, raw) from None


def parse_date(name: str, raw: str) -> date:
    """A ``YYYY-MM-DD`` parameter."""
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise _invalid(name, raw) from None


def parse_timestamp(name: str, raw: str) -> datetime:
    """``YYYY-MM-DD HH:MM[:SS]`` (or a bare date, taken as midnight)."""
    for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(raw.strip(), pattern)
        except ValueError:
            continue
    raise _invalid(name, raw)


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a list with its MetaInformation."""

    items: list[JsonValue]
    total: int
    pages: int
    current: int

    def meta(self) -> dict[str, int]:
        """The ``MetaInformation`` object exactly as Fortnox writes it."""
        return {
            "@TotalResources": self.total,
            "@TotalPages": self.pages,
            "@CurrentPage": self.current,
        }


def paginate(
    items: Sequence[T],
    query: Mapping[str, str],
    render: Callable[[T], JsonValue],
    *,
    cap: int | None = None,
) -> Page:
    """Cut ``items`` by ``limit``/``page``/``offset`` and render only the page's items.

    ``cap`` lowers the maximum page size (some tenants are capped at 100 whatever they ask).
    """
    limit = int_param(query, "limit", DEFAULT_LIMIT)
    page = int_param(query, "page", 1)
    offset = int_param(query, "offset", 0)
    assert limit is not None
    assert page is not None
    assert offset is not None
    if limit < 1:
        raise _invalid("limit", str(limit))
    if page < 1:
        raise _invalid("page", str(page))
    if offset < 0:
        raise _invalid("offset", str(offset))
    limit = min(limit, MAX_LIMIT, cap if cap is not None else MAX_LIMIT)
    total = len(items)
    start = offset + (page - 1) * limit
    chunk = items[start : start + limit]
    pages = math.ceil(total / limit) if total else 0
    return Page([render(item) for item in chunk], total, pages, page)


def sort_items(items: list[JsonValue], query: Mapping[str, str]) -> list[JsonValue]:
    """Apply ``sortby``/``sortorder`` to rendered items (field names match case-insensitively)."""
    sortby = query.get("sortby")
    if not sortby or not items:
        return items
    keys = {key.lower(): key for key in items[0]}
    key = keys.get(sortby.lower())
    if key is None:
        raise _invalid("sortby", sortby)
    order = query.get("sortorder", "ascending").lower()
    if order not in ("ascending", "descending"):
        raise _invalid("sortorder", order)

    def sort_key(item: JsonValue) -> tuple[bool, bool, Decimal, str]:
        value = item.get(key)
        # Numbers sort as numbers and text as text; Nones last.
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            return (False, False, Decimal(value), "")
        # Fortnox's numbers-as-text (CustomerNumber "10") sort as numbers.
        if isinstance(value, str) and value.isdigit():
            return (False, False, Decimal(value), "")
        return (value is None, True, Decimal(0), "" if value is None else str(value))

    return sorted(items, key=sort_key, reverse=order == "descending")
