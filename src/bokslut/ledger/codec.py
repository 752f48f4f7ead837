"""Canonical forms shared by importer and exporter: object lists, voucher hashes, öre.

The content hash decides whether a re-imported voucher changed, so it must depend on
what a voucher *means* and on nothing a writer may vary: amounts are compared in öre
(``10.5`` and ``10.50`` are equal), absent and empty text are equal (SIE cannot tell them
apart on the wire), and source line numbers take no part.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from decimal import Decimal

from bokslut.money import to_ore
from bokslut.sie.model import ObjectRef, Voucher

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
    date = date_text(voucher.date)
    text = voucher.text or ""
    registered = date_text(voucher.registered)
    signature = voucher.signature or ""
    parts = [_FIELD.join((voucher.series, voucher.number, date, text, registered, signature))]
    rows: list[EncodedRow] = []
    for row in voucher.rows:
        row_date = date_text(row.date)
        kind = row.kind.value
        ore = to_ore(row.amount)
        objects = objects_to_text(row.objects) if row.objects else ""
        row_text = row.text or ""
        quantity = quantity_text(row.quantity)
        row_signature = row.signature or ""
        rows.append(
            (
                kind,
                row.account,
                ore,
                objects,
                row_date or None,
                row_date or date or None,
                row_text,
                quantity or None,
                row_signature,
            )
        )
        parts.append(
            _FIELD.join(
                (kind, row.account, str(ore), objects, row_date, row_text, quantity, row_signature)
            )
        )
    content_hash = hashlib.sha256(_RECORD.join(parts).encode("utf-8")).hexdigest()
    return (
        voucher.series,
        voucher.number,
        number_sort(voucher.number),
        date or None,
        text,
        registered or None,
        signature,
        content_hash,
        rows,
    )


def voucher_hash(voucher: Voucher) -> str:
    """sha256 (hex) of the voucher's canonical form: header fields, then each row in order."""
    return encode_voucher(voucher)[7]


def sru_text(codes: Sequence[str]) -> str:
    """SRU codes as stored on an account (comma-separated)."""
    return ",".join(codes)


def sru_codes(text: str) -> tuple[str, ...]:
    """Inverse of :func:`sru_text`."""
    return tuple(code for code in text.split(",") if code)
