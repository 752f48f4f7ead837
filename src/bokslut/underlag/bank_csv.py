"""Bank account exports (CSV) of the big Swedish banks, read into a :class:`Statement`.

Supported layouts, recognised by their header row (column names compared without case,
spaces or punctuation; the separator — ``;``, ``,`` or tab — is detected from that row):

======================  ======================================================  =========
Bank                    Columns used (date, amount, running balance, text)       Decimals
======================  ======================================================  =========
SEB                     Bokföringsdatum, Belopp, Saldo, Text/mottagare           ``.``
Swedbank                Bokföringsdag, Belopp, Bokfört saldo, Beskrivning        ``.``
Handelsbanken           Reskontradatum (else Transaktionsdatum), Belopp,          ``,``
                        Saldo, Text
Nordea                  Bokföringsdag, Belopp, Saldo, Rubrik (else Namn)          ``,``
Danske Bank             Datum, Belopp, Saldo, Text                               ``,``
Länsförsäkringar/ICA/   Bokföringsdag or Datum, Belopp, Saldo, Text/Beskrivning   either
others
======================  ======================================================  =========

Facts the parser relies on: Swedbank writes a first line ``* Transaktioner Period …``
before its header and encodes in ISO-8859-15; the others write UTF-8 (often with BOM) or
Windows-1252; Swedish banks list the newest transaction first or last depending on the
bank and the export, so rows are ordered by date, keeping the file's order within a day;
amounts use a decimal comma or point, with spaces or dots as thousands separators.
The running balance column (``Saldo``) is what gives the balance at a period end; the
parser checks that each row's balance follows from the previous one and refuses a file
where it does not (a truncated or edited export).
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from dataclasses import dataclass

from bokslut.underlag._errors import UnderlagError
from bokslut.underlag._values import decode_text, parse_date, parse_swedish_amount
from bokslut.underlag.statement import Statement, StatementLine

__all__ = ["BANK_LAYOUTS", "BankLayout", "parse_bank_csv"]

MAX_ROWS = 200_000


def _norm(name: str) -> str:
    return re.sub(r"[^a-zåäö]", "", name.strip().strip('"').lower())


@dataclass(frozen=True)
class BankLayout:
    """A bank's export: the columns that identify it and the ones read (normalised names)."""

    bank: str
    signature: tuple[str, ...]
    date: tuple[str, ...]
    amount: tuple[str, ...]
    balance: tuple[str, ...]
    text: tuple[str, ...]


#: Most specific first: the first layout whose signature columns are all present wins.
BANK_LAYOUTS: tuple[BankLayout, ...] = (
    BankLayout(
        "Swedbank",
        ("radnummer", "clearingnummer", "bokföringsdag", "bokförtsaldo"),
        ("bokföringsdag",),
        ("belopp",),
        ("bokförtsaldo",),
        ("beskrivning", "referens"),
    ),
    BankLayout(
        "SEB",
        ("bokföringsdatum", "valutadatum", "verifikationsnummer"),
        ("bokföringsdatum",),
        ("belopp",),
        ("saldo",),
        ("textmottagare", "text"),
    ),
    BankLayout(
        "Handelsbanken",
        ("reskontradatum", "transaktionsdatum"),
        ("reskontradatum", "transaktionsdatum"),
        ("belopp",),
        ("saldo",),
        ("text",),
    ),
    BankLayout(
        "Nordea",
        ("bokföringsdag", "avsändare", "mottagare"),
        ("bokföringsdag",),
        ("belopp",),
        ("saldo",),
        ("rubrik", "namn"),
    ),
    BankLayout(
        "Danske Bank",
        ("datum", "kategori", "underkategori"),
        ("datum",),
        ("belopp",),
        ("saldo",),
        ("text",),
    ),
    BankLayout(
        "Bank (allmänt format)",
        ("belopp",),
        ("bokföringsdag", "bokföringsdatum", "transaktionsdag", "datum"),
        ("belopp",),
        ("saldo", "bokförtsaldo"),
        ("text", "beskrivning", "rubrik", "meddelande"),
    ),
)


def _find(columns: list[str], wanted: tuple[str, ...]) -> int | None:
    for name in wanted:
        if name in columns:
            return columns.index(name)
    return None


def _header(lines: list[str]) -> tuple[int, str, list[str], BankLayout]:
    """The header row's index, separator, normalised columns and matching layout."""
    for index, text in enumerate(lines[:10]):
        separator = max((";", "\t", ","), key=text.count)
        if text.count(separator) == 0:
            continue
        columns = [_norm(c) for c in next(csv.reader([text], delimiter=separator))]
        for layout in BANK_LAYOUTS:
            if (
                all(s in columns for s in layout.signature)
                and _find(columns, layout.date) is not None
            ):
                return index, separator, columns, layout
    raise UnderlagError(
        "Filen känns inte igen som en kontoexport från banken: ingen rubrikrad med "
        "datum och belopp (t.ex. ”Bokföringsdag;Belopp;Saldo”) bland de första raderna."
    )


def parse_bank_csv(data: bytes, *, account: str = "") -> Statement:
    """Parse a bank's CSV export into a :class:`Statement` (oldest first).

    Raises :class:`UnderlagError` with the line and field for anything it cannot read:
    an unknown layout, a bad date or amount, a running balance that does not follow.
    """
    text = decode_text(data)
    lines = text.splitlines()
    start, separator, columns, layout = _header(lines)
    date_at = _find(columns, layout.date)
    amount_at = _find(columns, layout.amount)
    balance_at = _find(columns, layout.balance)
    text_at = _find(columns, layout.text)
    assert date_at is not None
    if amount_at is None:
        raise UnderlagError("Filen saknar beloppskolumn.", line=start + 1)
    names = next(csv.reader([lines[start]], delimiter=separator))
    parsed: list[StatementLine] = []
    reader = csv.reader(io.StringIO("\n".join(lines[start + 1 :])), delimiter=separator)
    for offset, row in enumerate(reader):
        number = start + 2 + offset
        if not any(cell.strip() for cell in row):
            continue
        if len(parsed) >= MAX_ROWS:
            raise UnderlagError(f"Filen har fler än {MAX_ROWS} transaktioner.", line=number)
        needed = max(i for i in (date_at, amount_at, balance_at, text_at) if i is not None)
        if len(row) <= needed:
            raise UnderlagError(
                f"Raden har {len(row)} fält, rubrikraden {len(names)}.", line=number
            )
        balance = None
        if balance_at is not None and row[balance_at].strip():
            balance = parse_swedish_amount(row[balance_at], line=number, field=names[balance_at])
        parsed.append(
            StatementLine(
                line=number,
                date=parse_date(row[date_at], line=number, field=names[date_at]),
                amount=parse_swedish_amount(row[amount_at], line=number, field=names[amount_at]),
                text=row[text_at].strip() if text_at is not None else "",
                balance_after=balance,
            )
        )
    if not parsed:
        raise UnderlagError("Filen innehåller inga transaktioner.", line=start + 1)
    ordered = _chronological(parsed)
    _check_running_balance(ordered)
    return Statement(source=layout.bank, account=account, lines=tuple(ordered))


def _chronological(rows: list[StatementLine]) -> list[StatementLine]:
    """Rows oldest first: a newest-first file is reversed (keeping its within-day order)."""
    if rows[0].date > rows[-1].date or (
        rows[0].date == rows[-1].date and _newest_first_by_balance(rows)
    ):
        rows = rows[::-1]
    # A stable sort keeps the bank's order within a day.
    return sorted(rows, key=lambda r: r.date)


def _newest_first_by_balance(rows: list[StatementLine]) -> bool:
    """Within a single day the running balance tells the direction."""
    for before, after in itertools.pairwise(rows):
        if before.balance_after is None or after.balance_after is None:
            return False
        if before.balance_after + after.amount != after.balance_after:
            return after.balance_after + before.amount == before.balance_after
    return False


def _check_running_balance(rows: list[StatementLine]) -> None:
    for before, after in itertools.pairwise(rows):
        if before.balance_after is None or after.balance_after is None:
            continue
        expected = before.balance_after + after.amount
        if expected != after.balance_after:
            raise UnderlagError(
                f"Saldot {after.balance_after} följer inte av föregående saldo "
                f"{before.balance_after} och beloppet {after.amount} (väntat {expected}). "
                "Filen kan vara ofullständig eller redigerad.",
                line=after.line,
                field="Saldo",
            )
