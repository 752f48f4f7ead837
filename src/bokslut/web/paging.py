"""Keyset cursors for the long lists: a page starts after the last row of the previous one.

Offsets make the database walk every skipped row, and a COUNT(*) walks them all; a cursor
of the ordering key lets every page start with an index seek, however deep it is.
Cursors travel in URLs, so parsing is strict and a bad cursor means "from the start".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

__all__ = ["LedgerCursor", "VoucherCursor"]


def _day(day: dt.date) -> str:
    # Zero-padded by hand: strftime("%Y") does not pad years before 1000 on every platform.
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def _parse_day(text: str) -> dt.date:
    if len(text) != 8 or not text.isdigit():
        raise ValueError(f"not a YYYYMMDD day: {text!r}")
    return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))


@dataclass(frozen=True)
class LedgerCursor:
    """Position after a huvudbok row: its booking date and id."""

    booking_date: dt.date
    row_id: int

    def encode(self) -> str:
        """The cursor as a URL-safe string."""
        return f"{_day(self.booking_date)}.{self.row_id}"

    @classmethod
    def decode(cls, text: str | None) -> LedgerCursor | None:
        """The cursor in ``text``, or None when it is missing or malformed."""
        try:
            day, row_id = (text or "").split(".")
            return cls(_parse_day(day), int(row_id))
        except ValueError:
            return None


@dataclass(frozen=True)
class VoucherCursor:
    """Position after a voucher in (date, series, number, id) order."""

    date: dt.date
    series: str
    number_sort: int
    voucher_id: int

    def encode(self) -> str:
        """The cursor as a URL-safe string (the series is hex-encoded: it may hold anything)."""
        return (
            f"{_day(self.date)}.{self.series.encode().hex()}.{self.number_sort}.{self.voucher_id}"
        )

    @classmethod
    def decode(cls, text: str | None) -> VoucherCursor | None:
        """The cursor in ``text``, or None when it is missing or malformed."""
        try:
            day, series, number, voucher_id = (text or "").split(".")
            return cls(
                _parse_day(day),
                bytes.fromhex(series).decode(),
                int(number),
                int(voucher_id),
            )
        except ValueError:
            return None
