"""Text renderings of ledger results for the console (Swedish): import summary, saldobalans."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from bokslut.ledger.selectors import TrialBalanceRow
from bokslut.ledger.summary import KINDS, ImportSummary
from bokslut.money import format_sek

__all__ = ["render_import_summary", "render_trial_balance"]

_MAX_WARNINGS = 20


def render_import_summary(summary: ImportSummary) -> str:
    """The import's result as a small Swedish table, with its warnings."""
    client = f"{summary.client_name} ({summary.org_number})"
    if summary.client_created:
        client += ", ny klient"
    lines = [f"Importerade {summary.name} till {client}"]
    years = ", ".join(f"{y.start:%Y-%m-%d}–{y.end:%Y-%m-%d}" for y in summary.years)
    lines.append(f"Räkenskapsår: {years or 'inga'}")
    lines.append(f"{'':<22}{'nya':>10}{'ändrade':>10}{'oförändrade':>13}{'borttagna':>11}")
    for kind, counts in summary.counts.items():
        if not (counts.touched or counts.unchanged):
            continue
        lines.append(
            f"{KINDS[kind]:<22}{counts.new:>10}{counts.changed:>10}"
            f"{counts.unchanged:>13}{counts.removed:>11}"
        )
    lines.append(f"Verifikationsrader skrivna: {format_sek(summary.rows_written, decimals=0)}")
    if not summary.changed_anything:
        lines.append("Inget ändrades: databasen hade redan exakt detta innehåll.")
    if summary.warnings:
        lines.append(f"Varningar: {len(summary.warnings)}")
        lines += [f"  {w}" for w in summary.warnings[:_MAX_WARNINGS]]
        if len(summary.warnings) > _MAX_WARNINGS:
            lines.append(f"  … och {len(summary.warnings) - _MAX_WARNINGS} till")
    return "\n".join(lines)


def render_trial_balance(rows: Sequence[TrialBalanceRow], *, title: str) -> str:
    """The saldobalans: account, name, IB, period, UB (and the stated UB where it differs)."""
    header = f"{'Konto':<8}{'Benämning':<32}{'IB':>18}{'Period':>18}{'UB':>18}"
    lines = [title, header, "-" * len(header)]
    total_ib = total_movement = total_ub = Decimal("0.00")
    for row in rows:
        line = (
            f"{row.account:<8}{row.name[:31]:<32}{format_sek(row.opening):>18}"
            f"{format_sek(row.movement):>18}{format_sek(row.closing):>18}"
        )
        if not row.agrees:
            stated = format_sek(row.stated_closing or Decimal(0))
            line += f"  (enligt filen {stated})"
        lines.append(line)
        total_ib += row.opening
        total_movement += row.movement
        total_ub += row.closing
    lines.append("-" * len(header))
    lines.append(
        f"{'Summa':<40}{format_sek(total_ib):>18}{format_sek(total_movement):>18}"
        f"{format_sek(total_ub):>18}"
    )
    return "\n".join(lines)
