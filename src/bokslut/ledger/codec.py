"""Canonical forms shared by importer and exporter: object lists, voucher hashes, öre.

The content hash decides whether a re-imported voucher changed, so it must depend on
what a voucher *means* and on nothing a writer may vary: amounts are compared in öre
(``10.5`` and ``10.50`` are equal), absent and empty text are equal (SIE cannot tell them
apart on the wire), and source line numbers take no part.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from decimal import Decimal
from hashlib import sha256

from bokslut.money import MoneyError
from bokslut.sie.model import ObjectRef, RowKind, Voucher

__all__ = [
    "EncodedRow",
    "EncodedVoucher",
    "date_text",
    "encode_voucher",
    "number_sort",
    "objects_from_text",
    "objects_to_text",
    "quantity_text",
    "sru_codes",
    "sru_text",
    "voucher_hash",
]

# Unit and record separators cannot occur in SIE text (the reader drops control
# characters), so joined fields cannot run into each other.
_FIELD = "\x1f"
_RECORD = "\x1e"


def objects_to_text(objects: Iterable[ObjectRef]) -> str:
    """A row's object list as compact JSON (``[[1,"100"],[6,"P12"]]``); empty list → ``""``.

    JSON keeps codes with blanks, quotes or colons intact and the order as written.
    """
    pairs = [[dim, code] for dim, code in objects]
    if not pairs:
        return ""
    return json.dumps(pairs, ensure_ascii=False, separators=(",", ":"))


def objects_from_text(text: str) -> tuple[ObjectRef, ...]:
    """Inverse of :func:`objects_to_text`."""
    if not text:
        return ()
    return tuple((int(dim), str(code)) for dim, code in json.loads(text))


def number_sort(number: str) -> int | None:
    """The numeric value of a voucher number, for ordering; ``None`` if it is not a number."""
    if number.isdigit() and len(number) <= 18:
        return int(number)
    return None


def date_text(value: dt.date | None) -> str:
    """``YYYY-MM-DD`` or ``""``: the form dates take in hashes."""
    return "" if value is None else value.isoformat()


def quantity_text(value: Decimal | None) -> str:
    """A quantity in a canonical form (``1.50`` → ``1.5``); ``""`` when absent."""
    if value is None:
        return ""
    normal = value.normalize()
    if normal.is_zero():
        return "0"
    return format(normal, "f")


#: One row: kind, account, amount in öre, object list, own date, booking date (both ISO
#: text or None), text, quantity (canonical text or None), signature.
EncodedRow = tuple[str, str, int, str, str | None, str | None, str, str | None, str]

#: A voucher in database-ready form: series, number, number_sort, date, text, registered,
#: signature, content hash, rows. A plain tuple, not a NamedTuple: the spool pickles every
#: voucher and back, and plain tuples do that several times faster.
EncodedVoucher = tuple[
    str, str, int | None, str | None, str, str | None, str, str, list[EncodedRow]
]


def encode_voucher(voucher: Voucher) -> EncodedVoucher:
    """The voucher's database form and content hash, computed in one pass (the hot path).

    Raises :class:`bokslut.money.MoneyError` for an amount with fractions of an öre.
    """
    # Runs once per voucher of a million-row import: conversions that repeat (dates,
    # object lists, row kinds) come from small caches, and the hashed form of a row is one
    # f-string. The hashed text is exactly ``_FIELD``-joined fields, rows ``_RECORD``-joined.
    vdate = voucher.date
    date = "" if vdate is None else _date_text(vdate)
    text = voucher.text or ""
    reg = voucher.registered
    registered = "" if reg is None else _date_text(reg)
    signature = voucher.signature or ""
    parts = [
        f"{voucher.series}\x1f{voucher.number}\x1f{date}\x1f{text}\x1f{registered}\x1f{signature}"
    ]
    booking_default = date or None
    rows: list[EncodedRow] = []
    for row in voucher.rows:
        kind = _KIND_TEXT[row.kind]
        ore = _ore(row.amount)
        refs = row.objects
        objects = (_OBJECTS.get(refs) or _objects_text(refs)) if refs else ""
        rdate = row.date
        row_date = "" if rdate is None else _date_text(rdate)
        row_text = row.text or ""
        qty = row.quantity
        quantity = "" if qty is None else quantity_text(qty)
        row_signature = row.signature or ""
        account = row.account
        rows.append(
            (
                kind,
                account,
                ore,
                objects,
                row_date or None,
                row_date or booking_default,
                row_text,
                quantity or None,
                row_signature,
            )
        )
        parts.append(
            f"{kind}\x1f{account}\x1f{ore}\x1f{objects}\x1f{row_date}\x1f{row_text}"
            f"\x1f{quantity}\x1f{row_signature}"
        )
    content_hash = sha256("\x1e".join(parts).encode("utf-8")).hexdigest()
    number = voucher.number
    return (
        voucher.series,
        number,
        number_sort(number),
        date or None,
        text,
        registered or None,
        signature,
        content_hash,
        rows,
    )


#: Row kinds as plain text (``RowKind.value`` goes through enum machinery per call).
_KIND_TEXT: dict[str, str] = {kind: kind.value for kind in RowKind}
_CACHE_LIMIT = 4096
_DATES: dict[dt.date, str] = {}
_OBJECTS: dict[tuple[ObjectRef, ...], str] = {}
_HUNDRED = Decimal(100)


def _date_text(value: dt.date) -> str:
    # A year has at most 366 distinct dates, repeated on every voucher.
    text = _DATES.get(value)
    if text is None:
        text = value.isoformat()
        if len(_DATES) < _CACHE_LIMIT:
            _DATES[value] = text
    return text


def _objects_text(refs: tuple[ObjectRef, ...]) -> str:
    text = objects_to_text(refs)
    if len(_OBJECTS) < _CACHE_LIMIT:
        _OBJECTS[refs] = text
    return text


def _ore(amount: Decimal) -> int:
    # to_ore() without its function call and to_integral_value(): int() truncates, so a
    # value with fractions of an öre differs from its integer part.
    scaled = amount * _HUNDRED
    try:
        ore = int(scaled)
    except (ValueError, OverflowError) as exc:  # NaN, infinity
        raise MoneyError(f"not an amount: {amount}") from exc
    if scaled != ore:
        raise MoneyError(f"amount has fractions of an öre: {amount}")
    return ore


def voucher_hash(voucher: Voucher) -> str:
    """sha256 (hex) of the voucher's canonical form: header fields, then each row in order."""
    return encode_voucher(voucher)[7]


def sru_text(codes: Sequence[str]) -> str:
    """SRU codes as stored on an account (comma-separated)."""
    return ",".join(codes)


def sru_codes(text: str) -> tuple[str, ...]:
    """Inverse of :func:`sru_text`."""
    return tuple(code for code in text.split(",") if code)
