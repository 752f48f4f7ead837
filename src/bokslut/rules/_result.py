"""What every check returns: a status, a Swedish summary, findings and advice."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

__all__ = ["CheckResult", "Finding", "Status"]


class Status(enum.StrEnum):
    """Outcome of a check. ``SKIPPED`` means the data to decide was not there."""

    OK = "ok"
    FAIL = "fail"
    WARN = "warn"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Finding:
    """One thing a check found: what it concerns (``key``), why, and the amounts involved.

    ``cause`` names the likely cause with a stable code (``late_posting``,
    ``inactive_account`` …) so the UI and the tests need not parse the Swedish text.
    Amounts are in öre, like the ledger store.
    """

    key: str
    message: str
    cause: str = ""
    expected_ore: int | None = None
    actual_ore: int | None = None

    @property
    def difference_ore(self) -> int | None:
        """``actual - expected`` when both are known."""
        if self.expected_ore is None or self.actual_ore is None:
            return None
        return self.actual_ore - self.expected_ore


@dataclass(frozen=True)
class CheckResult:
    """The result of one check over one client's year.

    ``explanation`` is the Swedish advice shown with a failing check: likely causes and
    what to do. ``checked`` counts what was examined (accounts, vouchers …) so a green
    result over nothing can be told from a green result over a million rows.
    """

    code: str
    title: str
    status: Status
    summary: str
    explanation: str = ""
    findings: tuple[Finding, ...] = field(default_factory=tuple)
    checked: int = 0

    @property
    def passed(self) -> bool:
        """Whether the check is green (OK) — skipped and warnings are not green."""
        return self.status is Status.OK

    def causes(self) -> set[str]:
        """The distinct cause codes of the findings."""
        return {f.cause for f in self.findings if f.cause}
