"""This year's IB equals last year's UB, per balance-sheet account, with the likely cause."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from bokslut.rules._data import is_balance_account
from bokslut.rules._result import CheckResult, Finding, Status
from bokslut.rules._text import kr

__all__ = ["RESULT_GROUP", "check_opening_balances"]

#: Last year's result (2099) is moved within equity (to 2091 …) when balances are carried
#: forward or early in the new year, so 2090–2099 are compared as one group.
RESULT_GROUP = "2090–2099"

_EXPLANATION = (
    "Årets ingående balans ska vara föregående års utgående balans för varje balanskonto. "
    "Vanliga orsaker till skillnader: (1) verifikationer har bokförts i föregående år efter "
    "att balanserna förts över — för över balanserna igen i Fortnox; (2) kontot har "
    "inaktiverats eller saknas i årets kontoplan, så saldot inte fördes över — aktivera "
    "kontot och för över balanserna igen; (3) den ingående balansen har ändrats för hand — "
    "kontrollera ändringen och rätta den om den inte var avsiktlig."
)


def _group(account: str) -> str:
    return RESULT_GROUP if "2090" <= account <= "2099" and len(account) == 4 else account


def check_opening_balances(
    *,
    opening: Mapping[str, int],
    previous_closing: Mapping[str, int] | None,
    late_postings: Mapping[str, int] | None = None,
    inactive: Collection[str] = (),
    charted: Collection[str] | None = None,
) -> CheckResult:
    """Compare this year's IB (``opening``) with last year's UB (``previous_closing``).

    ``late_postings`` is, per account, the sum of last year's rows on vouchers registered
    after last year ended (i.e. probably after the balances were carried forward).
    ``inactive`` are accounts inactive in this year's chart; ``charted`` (if known) are
    the accounts in this year's chart. A difference is attributed to, in order:
    ``late_posting`` (the late postings explain it exactly), ``inactive_account`` (the
    account is inactive or missing this year and got no IB), else ``manual_ib``.
    Without a previous year the check is skipped.
    """
    if previous_closing is None:
        return CheckResult(
            code="opening_balances",
            title="IB = föregående års UB",
            status=Status.SKIPPED,
            summary="Föregående räkenskapsår finns inte i bokslut; kontrollen kan inte göras.",
            explanation="Synka även föregående år för att kunna jämföra balanserna.",
        )
    late = late_postings or {}
    this_year: dict[str, int] = {}
    last_year: dict[str, int] = {}
    late_by_group: dict[str, int] = {}
    for account, amount in opening.items():
        if is_balance_account(account):
            key = _group(account)
            this_year[key] = this_year.get(key, 0) + amount
    for account, amount in previous_closing.items():
        if is_balance_account(account):
            key = _group(account)
            last_year[key] = last_year.get(key, 0) + amount
    for account, amount in late.items():
        if is_balance_account(account):
            key = _group(account)
            late_by_group[key] = late_by_group.get(key, 0) + amount
    findings: list[Finding] = []
    keys = sorted(set(this_year) | set(last_year))
    for key in keys:
        ib = this_year.get(key, 0)
        ub = last_year.get(key, 0)
        if ib == ub:
            continue
        difference = ub - ib
        if late_by_group.get(key, 0) == difference:
            cause = "late_posting"
            why = (
                f"verifikationer bokförda i föregående år efter årsskiftet förklarar "
                f"skillnaden ({kr(difference)})"
            )
        elif ib == 0 and (key in inactive or (charted is not None and key not in charted)):
            cause = "inactive_account"
            why = "kontot är inaktivt eller saknas i årets kontoplan"
        else:
            cause = "manual_ib"
            why = "troligen ändrad ingående balans"
        findings.append(
            Finding(
                key,
                f"Konto {key}: IB {kr(ib)}, föregående års UB {kr(ub)} — {why}.",
                cause=cause,
                expected_ore=ub,
                actual_ore=ib,
            )
        )
    return CheckResult(
        code="opening_balances",
        title="IB = föregående års UB",
        status=Status.FAIL if findings else Status.OK,
        summary=(
            f"{len(findings)} balanskonton har en IB som skiljer sig från föregående års UB."
            if findings
            else f"IB stämmer med föregående års UB för alla {len(keys)} balanskonton."
        ),
        explanation=_EXPLANATION,
        findings=tuple(findings),
        checked=len(keys),
    )
