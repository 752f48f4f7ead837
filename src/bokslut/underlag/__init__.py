"""Underlag: parsers of the documents an account is reconciled against. Pure, no Django.

Each parser takes the uploaded bytes and returns a typed :class:`Statement`, or raises
:class:`UnderlagError` whose text is a Swedish message naming the line and field.
:func:`parse_statement` picks the parser from the file's content, not its name.

>>> export = "Bokföringsdag;Belopp;Saldo\\n2025-12-30;-100,00;900,00\\n".encode()
>>> statement = parse_statement(export)
>>> statement.balance_at(__import__("datetime").date(2025, 12, 31)).amount
Decimal('900.00')
"""

from __future__ import annotations

from bokslut.underlag._errors import UnderlagError
from bokslut.underlag._values import parse_date, parse_swedish_amount
from bokslut.underlag.bank_csv import BANK_LAYOUTS, BankLayout, parse_bank_csv
from bokslut.underlag.camt053 import parse_camt053
from bokslut.underlag.skattekonto import looks_like_skattekonto, parse_skattekonto
from bokslut.underlag.statement import BalanceAt, Statement, StatementBalance, StatementLine

__all__ = [
    "BANK_LAYOUTS",
    "BalanceAt",
    "BankLayout",
    "Statement",
    "StatementBalance",
    "StatementLine",
    "UnderlagError",
    "parse_bank_csv",
    "parse_camt053",
    "parse_date",
    "parse_skattekonto",
    "parse_statement",
    "parse_swedish_amount",
]


def parse_statement(data: bytes, *, kind: str = "auto") -> Statement:
    """Parse a bank statement or tax-account file.

    ``kind`` is ``"camt053"``, ``"bank_csv"``, ``"skattekonto"`` or ``"auto"``: XML is
    camt.053; a text file whose header has a ``Transaktion`` column is the tax-account
    list, any other a bank export.
    """
    if kind == "camt053":
        return parse_camt053(data)
    if kind == "bank_csv":
        return parse_bank_csv(data)
    if kind == "skattekonto":
        return parse_skattekonto(data)
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return parse_camt053(data)
    if looks_like_skattekonto(data):
        return parse_skattekonto(data)
    return parse_bank_csv(data)
