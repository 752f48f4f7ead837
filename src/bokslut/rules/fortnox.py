"""Our UB against Fortnox's own ``BalanceCarriedForward``, for a sample within a request budget."""

from __future__ import annotations

from collections.abc import Mapping

from bokslut.rules._result import CheckResult, Finding, Status
from bokslut.rules._text import kr

__all__ = ["check_fortnox_balances", "choose_sample"]

#: Accounts worth a request whatever their size: the ones people reconcile first.
PRIORITY_ACCOUNTS = ("1930", "1510", "2440", "1630", "2099")


#: Sampled accounts named in the summary; more are counted, not listed.
_LISTED = 10


def choose_sample(closing: Mapping[str, int], budget: int) -> list[str]:
    """At most ``budget`` accounts to ask Fortnox about: priority accounts, then the largest.

    Deterministic (ties broken by account number), so two runs over the same ledger
    ask about the same accounts.
    """
    if budget <= 0:
        return []
    chosen = [a for a in PRIORITY_ACCOUNTS if a in closing][:budget]
    rest = sorted((a for a in closing if a not in chosen), key=lambda a: (-abs(closing[a]), a))
    return chosen + rest[: budget - len(chosen)]


def check_fortnox_balances(
    *,
    ours: Mapping[str, int],
    fortnox: Mapping[str, int | None],
    budget: int,
    requests: int | None = None,
) -> CheckResult:
    """Compare our UB per account with Fortnox's ``BalanceCarriedForward`` for the sample.

    ``fortnox`` holds the sampled accounts: an amount in öre, or None when the request
    failed or Fortnox did not say. ``budget`` is the request budget and ``requests`` the
    requests actually sent (default: one per sampled account); the summary states both
    and which accounts were asked about, so the cost of the check is visible.
    """
    if not fortnox:
        return CheckResult(
            code="fortnox_balances",
            title="UB stämmer med Fortnox",
            status=Status.SKIPPED,
            summary="Inga saldon hämtades från Fortnox (ingen aktiv anslutning eller budget 0).",
            explanation="Anslut klienten till Fortnox för att jämföra saldona.",
        )
    findings: list[Finding] = []
    for account in sorted(fortnox):
        theirs = fortnox[account]
        mine = ours.get(account, 0)
        if theirs is None:
            findings.append(
                Finding(account, f"Konto {account}: Fortnox gav inget saldo.", cause="not_fetched")
            )
        elif theirs != mine:
            findings.append(
                Finding(
                    account,
                    f"Konto {account}: UB här {kr(mine)}, i Fortnox {kr(theirs)}.",
                    cause="fortnox_differs",
                    expected_ore=theirs,
                    actual_ore=mine,
                )
            )
    differing = sum(1 for f in findings if f.cause == "fortnox_differs")
    asked = sorted(fortnox)
    listed = ", ".join(asked[:_LISTED]) + (f" m.fl. ({len(asked)})" if len(asked) > _LISTED else "")
    sent = len(fortnox) if requests is None else requests
    cost = f"(konton {listed}; {sent} anrop av högst {budget})."
    status = Status.FAIL if differing else (Status.WARN if findings else Status.OK)
    return CheckResult(
        code="fortnox_balances",
        title="UB stämmer med Fortnox",
        status=status,
        summary=(
            f"{differing} av {len(fortnox)} stickprov skiljer sig från Fortnox {cost}"
            if findings
            else f"{len(fortnox)} stickprov stämmer med Fortnox {cost}"
        ),
        explanation=(
            "Ett urval konton jämförs med det utgående saldo Fortnox själv räknar fram. En "
            "skillnad betyder att något har ändrats i Fortnox sedan senaste synken eller att "
            "synken missat verifikationer: synka igen, och kör en fullständig jämförelse om "
            "skillnaden kvarstår."
        ),
        findings=tuple(findings),
        checked=len(fortnox),
    )
