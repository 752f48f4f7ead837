"""Amounts, dates and text decoding as Swedish banks write them."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from bokslut.underlag._errors import UnderlagError

__all__ = ["decode_text", "parse_date", "parse_swedish_amount"]

_SPACES = re.compile(r"[\s\u00a0\u202f']")
_AMOUNT = re.compile(r"^[+-]?(\d+([.,]\d+)*)$")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%d.%m.%Y", "%Y.%m.%d")


def decode_text(data: bytes) -> str:
    """Decode an export: UTF-8 (with or without BOM), else Windows-1252/ISO-8859-15.

    Swedish banks export both; a byte sequence invalid as UTF-8 is taken as the 8-bit
    Western code page, which covers å, ä and ö in both Latin-1 variants.
    """
    if b"\x00" in data[:4096]:
        raise UnderlagError("Filen är binär, inte en textfil (CSV).")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def parse_swedish_amount(
    text: str, *, line: int | None = None, field: str | None = None
) -> Decimal:
    """An exact amount from ``1 234,56``, ``-1234.56``, ``1.234,56`` or ``−12,5``.

    The last ``.`` or ``,`` is the decimal separator when both occur; a lone ``,`` is a
    decimal comma. More than two decimals is refused: money here is whole öre.
    """
    cleaned = _SPACES.sub("", text.strip()).replace("\u2212", "-")
    if cleaned.endswith("-") and cleaned[:-1].replace(",", "").replace(".", "").isdigit():
        cleaned = "-" + cleaned[:-1]  # some exports put the sign last: 125,00-
    if not _AMOUNT.match(cleaned):
        raise UnderlagError(f"”{text.strip()}” är inte ett belopp.", line=line, field=field)
    digits = cleaned.lstrip("+-")
    separators = [c for c in digits if c in ",."]
    decimal_mark = separators[-1] if separators else ""
    whole, fraction = digits, ""
    if decimal_mark and separators.count(decimal_mark) == 1:
        whole, _, fraction = digits.rpartition(decimal_mark)
    groups = re.split(r"[.,]", whole)
    # Thousands separators only ever split off groups of exactly three digits.
    if any(len(g) != 3 for g in groups[1:]) or len({c for c in whole if c in ",."}) > 1:
        raise UnderlagError(f"”{text.strip()}” är inte ett belopp.", line=line, field=field)
    sign = "-" if cleaned.startswith("-") else ""
    number = sign + "".join(groups) + (f".{fraction}" if fraction else "")
    try:
        value = Decimal(number)
    except InvalidOperation as exc:  # pragma: no cover - the pattern above rules it out
        raise UnderlagError(
            f"”{text.strip()}” är inte ett belopp.", line=line, field=field
        ) from exc
    if value != value.quantize(Decimal("0.01")):
        raise UnderlagError(f"”{text.strip()}” har fler än två decimaler.", line=line, field=field)
    return abs(value) if value.is_zero() else value


def parse_date(text: str, *, line: int | None = None, field: str | None = None) -> dt.date:
    """A date written ``2025-12-31``, ``2025/12/31``, ``20251231`` or ``31.12.2025``."""
    value = text.strip()
    for pattern in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise UnderlagError(f"”{value}” är inte ett datum.", line=line, field=field)
