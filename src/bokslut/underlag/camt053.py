"""ISO 20022 camt.053 (BankToCustomerStatement) XML, read safely with defusedxml.

Every version of the message (``camt.053.001.02`` … ``.13``) is read the same way, by
local element names: per ``Stmt`` the account (``Acct/Id/IBAN`` or ``Acct/Id/Othr/Id``),
its currency, the balances (``Bal`` with ``Tp/CdOrPrtry/Cd`` ``OPBD``/``PRCD`` opening,
``CLBD`` closing booked; ``Amt``, ``CdtDbtInd`` ``CRDT``/``DBIT``, ``Dt/Dt`` or
``Dt/DtTm``) and the booked entries (``Ntry`` with ``Sts`` ``BOOK`` or
``Sts/Cd`` ``BOOK``, ``Amt``, ``CdtDbtInd``, ``BookgDt``, ``AddtlNtryInf``). Pending
entries are left out: they are not on the account yet. A file with several statements
(one a day) gives one :class:`Statement` holding all their balances and entries.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import Element  # type only: parsing is defusedxml's

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from bokslut.underlag._errors import UnderlagError
from bokslut.underlag.statement import Statement, StatementBalance, StatementLine

__all__ = ["parse_camt053"]

_OPENING = {"OPBD", "PRCD"}
_CLOSING = {"CLBD"}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(element: Element, *path: str) -> Element | None:
    current: Element | None = element
    for name in path:
        if current is None:
            return None
        current = next((c for c in current if _local(c.tag) == name), None)
    return current


def _children(element: Element, name: str) -> list[Element]:
    return [c for c in element if _local(c.tag) == name]


def _text(element: Element, *path: str) -> str:
    found = _child(element, *path)
    return (found.text or "").strip() if found is not None else ""


def _amount(element: Element, where: str) -> tuple[Decimal, str]:
    amt = _child(element, "Amt")
    if amt is None or not (amt.text or "").strip():
        raise UnderlagError(f"{where} saknar belopp (Amt).", field="Amt")
    try:
        value = Decimal((amt.text or "").strip())
    except InvalidOperation as exc:
        raise UnderlagError(f"{where}: ”{amt.text}” är inte ett belopp.", field="Amt") from exc
    if not value.is_finite() or value != value.quantize(Decimal("0.01")):
        raise UnderlagError(f"{where}: ”{amt.text}” är inte ett belopp i öre.", field="Amt")
    sign = _text(element, "CdtDbtInd")
    if sign not in {"CRDT", "DBIT"}:
        raise UnderlagError(f"{where}: CdtDbtInd ska vara CRDT eller DBIT.", field="CdtDbtInd")
    return (-value if sign == "DBIT" else value), amt.get("Ccy", "")


def _date(element: Element | None, where: str, field: str) -> dt.date:
    if element is not None:
        text = _text(element, "Dt") or _text(element, "DtTm")[:10]
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise UnderlagError(f"{where} saknar giltigt datum.", field=field)


def parse_camt053(data: bytes) -> Statement:
    """Parse a camt.053 file; raises :class:`UnderlagError` for anything unusable."""
    try:
        root = SafeET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise UnderlagError(
            "XML-filen innehåller otillåtna konstruktioner (DTD/entiteter)."
        ) from exc
    except SafeET.ParseError as exc:
        line = getattr(exc, "position", (None,))[0]
        raise UnderlagError("Filen är inte giltig XML.", line=line) from exc
    document = root if _local(root.tag) == "BkToCstmrStmt" else _child(root, "BkToCstmrStmt")
    if document is None:
        raise UnderlagError("XML-filen är inte ett kontoutdrag i formatet camt.053.")
    statements = _children(document, "Stmt")
    if not statements:
        raise UnderlagError("Kontoutdraget innehåller inget Stmt-element.")
    account = ""
    currency = ""
    balances: list[StatementBalance] = []
    lines: list[StatementLine] = []
    for number, stmt in enumerate(statements, start=1):
        where = f"Kontoutdrag {number}"
        this_account = _text(stmt, "Acct", "Id", "IBAN") or _text(stmt, "Acct", "Id", "Othr", "Id")
        if account and this_account and this_account != account:
            raise UnderlagError(
                "Filen innehåller kontoutdrag för flera konton; ladda upp ett i taget."
            )
        account = account or this_account
        currency = currency or _text(stmt, "Acct", "Ccy")
        for bal in _children(stmt, "Bal"):
            code = _text(bal, "Tp", "CdOrPrtry", "Cd")
            if code not in _OPENING | _CLOSING:
                continue
            amount, ccy = _amount(bal, f"{where}, saldo {code}")
            currency = currency or ccy
            kind = "OPBD" if code in _OPENING else "CLBD"
            balances.append(
                StatementBalance(
                    kind, _date(_child(bal, "Dt"), f"{where}, saldo {code}", "Dt"), amount
                )
            )
        for index, entry in enumerate(_children(stmt, "Ntry"), start=1):
            status = _text(entry, "Sts") or _text(entry, "Sts", "Cd")
            if status and status != "BOOK":
                continue
            entry_where = f"{where}, post {index}"
            amount, _ = _amount(entry, entry_where)
            day = _date(_child(entry, "BookgDt"), entry_where, "BookgDt")
            lines.append(
                StatementLine(
                    line=index, date=day, amount=amount, text=_text(entry, "AddtlNtryInf")
                )
            )
    if currency and currency != "SEK":
        raise UnderlagError(f"Kontot är i {currency}; bara konton i SEK kan stämmas av här.")
    if not balances:
        raise UnderlagError("Kontoutdraget anger inget ingående eller utgående saldo (Bal).")
    lines.sort(key=lambda x: x.date)
    return Statement(
        source="ISO 20022 camt.053",
        account=account,
        currency=currency or "SEK",
        lines=tuple(lines),
        balances=tuple(balances),
    )
