"""Checks of the ledger's own arithmetic: trial balance, vouchers, UB = IB + movements, result."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bokslut.rules._data import AccountTotal, VoucherTotal
from bokslut.rules._result import CheckResult, Finding, Status
from bokslut.rules._text import kr

__all__ = [
    "check_closing_balances",
    "check_trial_balance",
    "check_vouchers_balance",
    "check_year_result",
]

#: How many findings a check lists at most; the summary still counts them all.
MAX_FINDINGS = 200


def check_trial_balance(accounts: Sequence[AccountTotal]) -> CheckResult:
    """The saldobalans sums to zero: Σ (IB + movements) over every account is 0.

    A non-zero sum comes from opening balances that do not balance, or from vouchers
    that do not balance; each is reported as its own finding.
    """
    opening = sum(a.opening_ore for a in accounts)
    movement = sum(a.movement_ore for a in accounts)
    findings: list[Finding] = []
    if opening:
        findings.append(
            Finding(
                "IB",
                f"De ingående balanserna summerar till {kr(opening)} i stället för 0.",
                cause="opening_unbalanced",
                expected_ore=0,
                actual_ore=opening,
            )
        )
    if movement:
        findings.append(
            Finding(
                "Verifikationer",
                f"Årets transaktioner summerar till {kr(movement)} i stället för 0.",
                cause="vouchers_unbalanced",
                expected_ore=0,
                actual_ore=movement,
            )
        )
    total = opening + movement
    return CheckResult(
        code="trial_balance",
        title="Saldobalansen summerar till noll",
        status=Status.FAIL if findings else Status.OK,
        summary=(
            f"Saldobalansen summerar till {kr(total)}."
            if findings
            else f"Saldobalansen summerar till 0 över {len(accounts)} konton."
        ),
        explanation=(
            "Summan av alla kontons saldon ska vara noll (debet plus, kredit minus). "
            "Om de ingående balanserna inte går jämnt ut har balanserna förts över fel från "
            "föregående år eller ändrats för hand: rätta IB i Fortnox. Om årets transaktioner "
            "inte går jämnt ut finns en obalanserad verifikation: se kontrollen "
            "”Varje verifikation balanserar”."
        ),
        findings=tuple(findings),
        checked=len(accounts),
    )


def check_vouchers_balance(
    vouchers: Iterable[VoucherTotal], *, voucher_count: int | None = None
) -> CheckResult:
    """Every voucher balances: the sum of its counted rows is 0.

    ``vouchers`` may be every voucher's total or, for speed, only those the database
    found non-zero; ``voucher_count`` then says how many vouchers were examined.
    """
    seen = 0
    findings: list[Finding] = []
    unbalanced = 0
    for voucher in vouchers:
        seen += 1
        if voucher.total_ore == 0:
            continue
        unbalanced += 1
        if len(findings) < MAX_FINDINGS:
            findings.append(
                Finding(
                    voucher.key,
                    f"Verifikation {voucher.key} har en differens på {kr(voucher.total_ore)}.",
                    cause="voucher_unbalanced",
                    expected_ore=0,
                    actual_ore=voucher.total_ore,
                )
            )
    checked = voucher_count if voucher_count is not None else seen
    return CheckResult(
        code="vouchers_balance",
        title="Varje verifikation balanserar",
        status=Status.FAIL if unbalanced else Status.OK,
        summary=(
            f"{unbalanced} av {checked} verifikationer balanserar inte."
            if unbalanced
            else f"Alla {checked} verifikationer balanserar."
        ),
        explanation=(
            "Debet och kredit ska vara lika stora på varje verifikation. En obalanserad "
            "verifikation kommer oftast från en import från ett annat program eller en "
            "struken rad som inte ersatts. Öppna verifikationen och rätta den i Fortnox med "
            "en rättelseverifikation."
        ),
        findings=tuple(findings),
        checked=checked,
    )


def check_closing_balances(accounts: Sequence[AccountTotal]) -> CheckResult:
    """Per account: the stated UB (or RES) equals IB + the year's movements.

    A balance-sheet account with a non-zero computed balance but no stated UB is a
    finding too (``missing_closing``); an account with neither is fine.
    """
    findings: list[Finding] = []
    failing = 0
    for account in accounts:
        label = "UB" if account.is_balance else "Resultat"
        if account.stated_closing_ore is None:
            if account.is_balance and account.closing_ore != 0:
                failing += 1
                finding = Finding(
                    account.account,
                    f"Konto {account.account} saknar angiven UB men IB + transaktioner "
                    f"är {kr(account.closing_ore)}.",
                    cause="missing_closing",
                    expected_ore=account.closing_ore,
                    actual_ore=None,
                )
                if len(findings) < MAX_FINDINGS:
                    findings.append(finding)
            continue
        if account.stated_closing_ore != account.closing_ore:
            failing += 1
            if len(findings) < MAX_FINDINGS:
                findings.append(
                    Finding(
                        account.account,
                        f"Konto {account.account}: angiven {label} {kr(account.stated_closing_ore)}"
                        f", IB + transaktioner {kr(account.closing_ore)}.",
                        cause="closing_differs",
                        expected_ore=account.closing_ore,
                        actual_ore=account.stated_closing_ore,
                    )
                )
    return CheckResult(
        code="closing_balances",
        title="UB = IB + årets transaktioner för varje konto",
        status=Status.FAIL if failing else Status.OK,
        summary=(
            f"{failing} konton har ett utgående saldo som inte följer av IB och transaktionerna."
            if failing
            else f"Alla {len(accounts)} konton stämmer: UB = IB + transaktioner."
        ),
        explanation=(
            "Det utgående saldot som Fortnox (eller SIE-filen) anger ska vara ingående balans "
            "plus årets transaktioner. En skillnad betyder oftast att verifikationer saknas i "
            "synken (kör en fullständig jämförelse) eller att saldot i källan är inaktuellt. "
            "Lokala verifikationer (bokslutsposter som ännu inte skickats till Fortnox) ingår "
            "inte i Fortnox saldon och syns därför här som skillnader på sina konton. "
            "Synka om året; kvarstår skillnaden, kontrollera kontot i Fortnox."
        ),
        findings=tuple(findings),
        checked=len(accounts),
    )


def check_year_result(accounts: Sequence[AccountTotal]) -> CheckResult:
    """The year's result equals −Σ balance-sheet accounts (before closing).

    Uses each account's stated UB/RES where given, else IB + movements, so the check
    tests what the source claims.
    """

    def closing(account: AccountTotal) -> int:
        if account.stated_closing_ore is not None:
            return account.stated_closing_ore
        return account.closing_ore

    balance_sum = sum(closing(a) for a in accounts if a.is_balance)
    result_sum = sum(closing(a) for a in accounts if not a.is_balance)
    # Income accounts are credit (negative) when profitable: result = -Σ RES.
    result = -result_sum
    ok = balance_sum == result
    findings: tuple[Finding, ...] = ()
    if not ok:
        findings = (
            Finding(
                "Resultat",
                f"Årets resultat enligt resultatkontona är {kr(result)} men balanskontona "
                f"summerar till {kr(balance_sum)}.",
                cause="result_differs",
                expected_ore=result,
                actual_ore=balance_sum,
            ),
        )
    return CheckResult(
        code="year_result",
        title="Årets resultat = −Σ balanskonton",
        status=Status.OK if ok else Status.FAIL,
        summary=(
            f"Årets resultat {kr(result)} stämmer med balansräkningen."
            if ok
            else f"Resultat och balansräkning skiljer {kr(balance_sum - result)}."
        ),
        explanation=(
            "Före bokslutet ska summan av balanskontonas saldon vara lika med årets resultat "
            "(intäkter minus kostnader). En skillnad kommer från ingående balanser som inte "
            "går jämnt ut eller från angivna saldon som inte stämmer med transaktionerna: se "
            "kontrollerna för saldobalansen och UB per konto."
        ),
        findings=findings,
        checked=len(accounts),
    )
