"""Checks of individual postings: in the locked period after the last sync, on inactive accounts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bokslut.rules._data import AccountTotal, Posting
from bokslut.rules._result import CheckResult, Finding, Status
from bokslut.rules._text import kr

__all__ = ["check_inactive_accounts", "check_locked_period"]

MAX_FINDINGS = 200


def check_locked_period(
    new_postings: Sequence[Posting], *, locked_until: dt.date | None, first_sync: bool = False
) -> CheckResult:
    """No posting dated on or before the locked period's end appeared since the last sync.

    ``new_postings`` are the rows of vouchers the last sync found new or changed.
    ``first_sync`` says that sync was the first to bring the year in: every voucher is new
    to it, so none can have "appeared since the last sync" and the check does not apply.
    """
    title = "Inga nya verifikationer i låst period"
    if locked_until is None:
        return CheckResult(
            code="locked_period",
            title=title,
            status=Status.SKIPPED,
            summary="Klienten har ingen låst period i Fortnox.",
            explanation="Lås perioder i Fortnox när de är avstämda, så upptäcks sena ändringar.",
        )
    if first_sync:
        return CheckResult(
            code="locked_period",
            title=title,
            status=Status.SKIPPED,
            summary=(
                "Räkenskapsåret hämtades för första gången i senaste synken; det finns ingen "
                "tidigare synk att jämföra med."
            ),
            explanation=(
                "Kontrollen visar verifikationer i den låsta perioden som tillkommit sedan "
                "föregående synk. Den gäller från och med nästa synk av året."
            ),
        )
    late: dict[str, Posting] = {}
    for posting in new_postings:
        if posting.date is not None and posting.date <= locked_until:
            late.setdefault(posting.key, posting)
    findings = tuple(
        Finding(
            key,
            f"Verifikation {key} daterad {posting.date:%Y-%m-%d} har tillkommit i den låsta "
            f"perioden (t.o.m. {locked_until:%Y-%m-%d}).",
            cause="posted_in_locked_period",
        )
        for key, posting in sorted(late.items())[:MAX_FINDINGS]
    )
    return CheckResult(
        code="locked_period",
        title=title,
        status=Status.FAIL if late else Status.OK,
        summary=(
            f"{len(late)} verifikationer har tillkommit på eller före {locked_until:%Y-%m-%d}."
            if late
            else f"Inget nytt på eller före {locked_until:%Y-%m-%d} sedan senaste synken."
        ),
        explanation=(
            "Perioden var låst, men verifikationer daterade i den har tillkommit sedan "
            "senaste synken — perioden har låsts upp och bokförts i, eller verifikationerna "
            "importerats med gamla datum. Avstämningar av perioden kan behöva göras om: "
            "kontrollera verifikationerna och de berörda kontona."
        ),
        findings=findings,
        checked=len(new_postings),
    )


def check_inactive_accounts(accounts: Sequence[AccountTotal]) -> CheckResult:
    """No rows were posted on accounts that are inactive in the year's chart.

    An inactive account may still carry a balance (IB) — only postings are findings.
    """
    posted = [a for a in accounts if not a.active and a.row_count > 0]
    findings = tuple(
        Finding(
            a.account,
            f"Konto {a.account} är inaktivt men har {a.row_count} transaktioner "
            f"om {kr(a.movement_ore)}.",
            cause="inactive_posting",
            actual_ore=a.movement_ore,
        )
        for a in posted[:MAX_FINDINGS]
    )
    return CheckResult(
        code="inactive_accounts",
        title="Inga transaktioner på inaktiva konton",
        status=Status.FAIL if posted else Status.OK,
        summary=(
            f"{len(posted)} inaktiva konton har transaktioner."
            if posted
            else "Inga transaktioner på inaktiva konton."
        ),
        explanation=(
            "Ett inaktivt konto ska inte användas. Transaktioner på det kommer oftast från "
            "en import eller en automatkontering som inte uppdaterats. Flytta beloppen till "
            "rätt konto med en rättelseverifikation, eller aktivera kontot om det ska användas."
        ),
        findings=findings,
        checked=len(accounts),
    )
