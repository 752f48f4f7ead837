"""Customer and supplier ledgers against 1510 and 2440."""

from __future__ import annotations

from collections.abc import Sequence

from bokslut.rules._data import OpenItem
from bokslut.rules._result import CheckResult, Finding, Status
from bokslut.rules._text import kr

__all__ = ["check_customer_ledger", "check_supplier_ledger"]

_CAUSES = (
    "Vanliga orsaker: en inbetalning eller kreditfaktura bokförd direkt på kontot utan "
    "koppling till fakturan, en faktura som inte är bokförd, en faktura i utländsk valuta "
    "med kursdifferens, eller fakturor från ett annat program. Gå igenom reskontran per "
    "kund eller leverantör och kontot i huvudboken för perioden."
)


def _check(
    *,
    code: str,
    title: str,
    account: str,
    items: Sequence[OpenItem],
    expected_ore: int,
    account_ore: int,
) -> CheckResult:
    open_total = sum(i.balance_ore for i in items)
    ok = open_total == expected_ore
    findings: tuple[Finding, ...] = ()
    if not ok:
        findings = (
            Finding(
                account,
                f"Öppna poster {kr(open_total)}, konto {account} {kr(account_ore)}.",
                cause="ledger_differs",
                expected_ore=expected_ore,
                actual_ore=open_total,
            ),
        )
    return CheckResult(
        code=code,
        title=title,
        status=Status.OK if ok else Status.FAIL,
        summary=(
            f"{len(items)} öppna poster om {kr(open_total)} stämmer med konto {account}."
            if ok
            else f"Reskontran skiljer {kr(open_total - expected_ore)} från konto {account}."
        ),
        explanation=_CAUSES,
        findings=findings,
        checked=len(items),
    )


def check_customer_ledger(items: Sequence[OpenItem], *, balance_1510_ore: int) -> CheckResult:
    """Σ open customer invoices equals the balance of 1510 (a debit, so positive)."""
    return _check(
        code="customer_ledger",
        title="Kundreskontra = 1510",
        account="1510",
        items=items,
        expected_ore=balance_1510_ore,
        account_ore=balance_1510_ore,
    )


def check_supplier_ledger(items: Sequence[OpenItem], *, balance_2440_ore: int) -> CheckResult:
    """Σ open supplier invoices equals −(the balance of 2440), a credit."""
    return _check(
        code="supplier_ledger",
        title="Leverantörsreskontra = 2440",
        account="2440",
        items=items,
        expected_ore=-balance_2440_ore,
        account_ore=balance_2440_ore,
    )
