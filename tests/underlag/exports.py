"""Builders of real-shaped bank, camt.053 and tax-account files for the parser tests.

Layouts follow each bank's export as publicly described (column names, separator,
decimal mark, encoding, order); the content is made up.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from bokslut.money import format_sek


@dataclass(frozen=True)
class Tx:
    """A made-up transaction."""

    date: dt.date
    amount: Decimal
    text: str


def running(opening: Decimal, txs: list[Tx]) -> list[Decimal]:
    """The balance after each transaction."""
    out, balance = [], opening
    for tx in txs:
        balance += tx.amount
        out.append(balance)
    return out


def _comma(value: Decimal, *, thousands: str = "") -> str:
    return format_sek(value).replace("\u00a0", thousands)


def swedbank(opening: Decimal, txs: list[Tx], *, separator: str = ",") -> bytes:
    """Swedbank: a title line, then Radnummer… newest first, decimal point, ISO-8859-15."""
    lines = [
        "* Transaktioner Period 2025-12-01 - 2025-12-31 Skapad 2026-01-02 09:14 CET",
        separator.join(
            [
                "Radnummer",
                "Clearingnummer",
                "Kontonummer",
                "Produkt",
                "Valuta",
                "Bokföringsdag",
                "Transaktionsdag",
                "Valutadag",
                "Referens",
                "Beskrivning",
                "Belopp",
                "Bokfört saldo",
            ]
        ),
    ]
    balances = running(opening, txs)
    rows = list(zip(txs, balances, strict=True))[::-1]
    for number, (tx, balance) in enumerate(rows, start=1):
        lines.append(
            separator.join(
                [
                    str(number),
                    "8327-9",
                    "9243512345",
                    "Företagskonto",
                    "SEK",
                    tx.date.isoformat(),
                    tx.date.isoformat(),
                    tx.date.isoformat(),
                    f'"{tx.text}"',
                    f'"{tx.text}"',
                    f"{tx.amount:.2f}",
                    f"{balance:.2f}",
                ]
            )
        )
    return ("\r\n".join(lines) + "\r\n").encode("iso-8859-15")


def seb(opening: Decimal, txs: list[Tx]) -> bytes:
    """SEB: Bokföringsdatum;Valutadatum;Verifikationsnummer;Text/mottagare;Belopp;Saldo."""
    lines = ["Bokföringsdatum;Valutadatum;Verifikationsnummer;Text/mottagare;Belopp;Saldo"]
    for n, (tx, bal) in enumerate(list(zip(txs, running(opening, txs), strict=True))[::-1]):
        d = tx.date.isoformat()
        lines.append(f"{d};{d};{5490000000 + n};{tx.text};{tx.amount:.2f};{bal:.2f}")
    return ("\n".join(lines) + "\n").encode("utf-8-sig")


def handelsbanken(opening: Decimal, txs: list[Tx]) -> bytes:
    """Handelsbanken: Reskontradatum;Transaktionsdatum;Text;Belopp;Saldo, decimal comma."""
    lines = ["Reskontradatum;Transaktionsdatum;Text;Belopp;Saldo"]
    for tx, bal in list(zip(txs, running(opening, txs), strict=True))[::-1]:
        d = tx.date.isoformat()
        lines.append(
            f"{d};{d};{tx.text};{_comma(tx.amount, thousands=' ')};{_comma(bal, thousands=' ')}"
        )
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def nordea(opening: Decimal, txs: list[Tx]) -> bytes:
    """Nordea: Bokföringsdag;Belopp;Avsändare;Mottagare;Namn;Rubrik;Saldo;Valuta."""
    lines = ["Bokföringsdag;Belopp;Avsändare;Mottagare;Namn;Rubrik;Saldo;Valuta"]
    for tx, bal in list(zip(txs, running(opening, txs), strict=True))[::-1]:
        lines.append(
            f"{tx.date:%Y/%m/%d};{_comma(tx.amount)};;3300 12 34567;;{tx.text};{_comma(bal)};SEK"
        )
    return ("\n".join(lines) + "\n").encode("utf-8-sig")


def danske(opening: Decimal, txs: list[Tx]) -> bytes:
    """Danske Bank: quoted, ; separated, decimal comma with dot thousands, oldest first."""
    lines = ['"Datum";"Kategori";"Underkategori";"Text";"Belopp";"Saldo";"Status";"Avstämd"']
    for tx, bal in zip(txs, running(opening, txs), strict=True):
        amount = _comma(tx.amount, thousands=".")
        balance = _comma(bal, thousands=".")
        lines.append(
            f'"{tx.date.isoformat()}";"Övrigt";"Övrigt";"{tx.text}";"{amount}";"{balance}";'
            '"Utförd";"Nej"'
        )
    return ("\n".join(lines) + "\n").encode("cp1252")


def camt053(
    *,
    opening: Decimal,
    closing: Decimal,
    opening_date: dt.date,
    closing_date: dt.date,
    txs: list[Tx],
    version: str = "001.02",
    currency: str = "SEK",
) -> bytes:
    """A camt.053 statement with OPBD, CLBD and booked entries."""

    def amount(value: Decimal) -> str:
        sign = "CRDT" if value >= 0 else "DBIT"
        return f'<Amt Ccy="{currency}">{abs(value):.2f}</Amt><CdtDbtInd>{sign}</CdtDbtInd>'

    entries = "".join(
        f"<Ntry>{amount(tx.amount)}<Sts>BOOK</Sts><BookgDt><Dt>{tx.date.isoformat()}</Dt>"
        f"</BookgDt><ValDt><Dt>{tx.date.isoformat()}</Dt></ValDt>"
        f"<AddtlNtryInf>{tx.text}</AddtlNtryInf></Ntry>"
        for tx in txs
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.{version}">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>STMT-2025-12</MsgId><CreDtTm>2026-01-01T06:00:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>1</Id>
      <CreDtTm>2026-01-01T06:00:00</CreDtTm>
      <Acct><Id><IBAN>SE4550000000058398257466</IBAN></Id><Ccy>{currency}</Ccy></Acct>
      <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp>{amount(opening)}
        <Dt><Dt>{opening_date.isoformat()}</Dt></Dt></Bal>
      <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp>{amount(closing)}
        <Dt><Dt>{closing_date.isoformat()}</Dt></Dt></Bal>
      {entries}
    </Stmt>
  </BkToCstmrStmt>
</Document>
""".encode()


def skattekonto(opening: Decimal, txs: list[Tx], *, with_closing: bool = True) -> bytes:
    """The tax-account list: Datum;Transaktion;Belopp;Saldo with opening/closing lines."""
    lines = ["Datum;Transaktion;Belopp;Saldo", f"2025-01-01;Ingående saldo;{_comma(opening)};"]
    balance = opening
    for tx in txs:
        balance += tx.amount
        lines.append(
            f"{tx.date.isoformat()};{tx.text};{_comma(tx.amount, thousands=' ')};"
            f"{_comma(balance, thousands=' ')}"
        )
    if with_closing:
        lines.append(f"2025-12-31;Utgående saldo;{_comma(balance)};")
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")
