"""Skatteverket's tax-account (skattekonto) transactions, giving the balance of 1630.

Supported format: the transaction list of the e-service *Skattekonto* saved as a text
file (CSV), one transaction per line, with a header row naming at least a date column
(``Datum``, ``Bokföringsdag`` or ``Transaktionsdatum``), a text column (``Transaktion``,
``Text`` or ``Specifikation``) and an amount column (``Belopp``), optionally ``Saldo``
(the balance after the line). Separator ``;``, tab or ``,``; amounts in Swedish style
(``-1 234`` or ``1 234,00``); UTF-8 or Windows-1252. Lines whose text is
``Ingående saldo`` or ``Utgående saldo`` state balances rather than transactions; at least
one balance (such a line or a ``Saldo`` column) must be present, or the file cannot tell
the balance at a date and is refused.

Sign: a positive balance is money the company has at Skatteverket (a debit on 1630), as
Skatteverket shows it; debits (tax charged) are negative amounts.
"""

from __future__ import annotations

import csv
import io
import re

from bokslut.underlag._errors import UnderlagError
from bokslut.underlag._values import decode_text, parse_date, parse_swedish_amount
from bokslut.underlag.statement import Statement, StatementBalance, StatementLine

__all__ = ["looks_like_skattekonto", "parse_skattekonto"]

_DATE = ("datum", "bokföringsdag", "transaktionsdatum")
_TEXT = ("transaktion", "text", "specifikation")
_AMOUNT = ("belopp",)
_BALANCE = ("saldo",)
MAX_ROWS = 50_000


def _norm(name: str) -> str:
    return re.sub(r"[^a-zåäö]", "", name.strip().lower())


def _find(columns: list[str], wanted: tuple[str, ...]) -> int | None:
    return next((columns.index(n) for n in wanted if n in columns), None)


def looks_like_skattekonto(data: bytes) -> bool:
    """Whether the file's header row names the tax-account list's text column."""
    for text in decode_text(data).splitlines()[:15]:
        separator = max((";", "\t", ","), key=text.count)
        columns = [_norm(c) for c in next(csv.reader([text], delimiter=separator), [])]
        if "belopp" in columns and ("transaktion" in columns or "specifikation" in columns):
            return True
    return False


def parse_skattekonto(data: bytes) -> Statement:
    """Parse the tax-account transaction list; raises :class:`UnderlagError` with the line."""
    lines = decode_text(data).splitlines()
    start = 0
    for start, text in enumerate(lines[:15]):  # noqa: B007 - start is used after the loop
        separator = max((";", "\t", ","), key=text.count)
        columns = [_norm(c) for c in next(csv.reader([text], delimiter=separator), [])]
        date_at, text_at = _find(columns, _DATE), _find(columns, _TEXT)
        amount_at, balance_at = _find(columns, _AMOUNT), _find(columns, _BALANCE)
        if date_at is not None and amount_at is not None and text_at is not None:
            break
    else:
        raise UnderlagError(
            "Filen känns inte igen som skattekontots transaktioner: ingen rubrikrad med "
            "”Datum”, ”Transaktion” och ”Belopp” bland de första raderna."
        )
    names = next(csv.reader([lines[start]], delimiter=separator))
    parsed: list[StatementLine] = []
    balances: list[StatementBalance] = []
    reader = csv.reader(io.StringIO("\n".join(lines[start + 1 :])), delimiter=separator)
    for offset, row in enumerate(reader):
        number = start + 2 + offset
        if not any(c.strip() for c in row):
            continue
        if len(parsed) >= MAX_ROWS:
            raise UnderlagError(f"Filen har fler än {MAX_ROWS} rader.", line=number)
        needed = max(i for i in (date_at, text_at, amount_at, balance_at) if i is not None)
        if len(row) <= needed:
            raise UnderlagError(
                f"Raden har {len(row)} fält, rubrikraden {len(names)}.", line=number
            )
        day = parse_date(row[date_at], line=number, field=names[date_at])
        label = row[text_at].strip()
        amount = parse_swedish_amount(row[amount_at], line=number, field=names[amount_at])
        kind = _norm(label)
        if kind == "ingåendesaldo":
            balances.append(StatementBalance("OPBD", day, amount))
            continue
        if kind == "utgåendesaldo":
            balances.append(StatementBalance("CLBD", day, amount))
            continue
        balance = None
        if balance_at is not None and row[balance_at].strip():
            balance = parse_swedish_amount(row[balance_at], line=number, field=names[balance_at])
        parsed.append(StatementLine(number, day, amount, label, balance))
    if not parsed and not balances:
        raise UnderlagError("Filen innehåller inga transaktioner.", line=start + 1)
    if not balances and not any(x.balance_after is not None for x in parsed):
        raise UnderlagError(
            "Filen anger inget saldo (varken ”Ingående saldo”, ”Utgående saldo” eller en "
            "saldokolumn) och kan inte visa skattekontots saldo."
        )
    if parsed and parsed[0].date > parsed[-1].date:
        parsed.reverse()
    parsed.sort(key=lambda x: x.date)
    return Statement(
        source="Skatteverket skattekonto",
        account="Skattekonto",
        lines=tuple(parsed),
        balances=tuple(balances),
    )
