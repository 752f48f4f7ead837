"""The reconciliation as a PDF (fpdf2, its built-in Helvetica: Latin-1 covers åäö)."""

from __future__ import annotations

from django.utils import timezone
from fpdf import FPDF

from bokslut.avstamning.excel import SHEET_NAMES, comments_text
from bokslut.avstamning.selectors import Cell, Grid
from bokslut.firms.models import Client
from bokslut.ledger.models import FinancialYear
from bokslut.money import format_sek, from_ore

__all__ = ["grid_pdf"]

_COLUMNS = (
    ("Konto", 16),
    ("Namn", 62),
    ("Period", 22),
    ("Saldo", 30),
    ("Underlag", 30),
    ("Differens", 28),
)


def _latin1(text: str) -> str:
    # The core fonts are Latin-1; anything outside (– → …) is replaced, never dropped silently.
    text = text.replace("\u00a0", " ").replace("–", "-").replace("→", "->").replace("−", "-")
    return text.encode("latin-1", "replace").decode("latin-1")


def _kr(ore: int | None) -> str:
    return "" if ore is None else _latin1(format_sek(from_ore(ore)))


def _details(pdf: FPDF, cell: Cell) -> None:
    """Under the row: who signed and when (Stockholm time), the explanation, the comments."""
    lines = []
    if cell.signoff is not None:
        who = cell.signoff.user.get_username() if cell.signoff.user else "okänd"
        lines.append(
            f"Avstämd av {who} {timezone.localtime(cell.signoff.signed_at):%Y-%m-%d %H:%M}"
        )
    explanation = cell.reconciliation.explanation.strip() if cell.reconciliation else ""
    if explanation:
        lines.append(f"Förklaring: {explanation}")
    lines += [f"Kommentar: {line}" for line in comments_text(cell).splitlines()]
    if not lines:
        return
    pdf.set_font("Helvetica", "", 8)
    for line in lines:
        pdf.set_x(pdf.l_margin + 4)
        pdf.multi_cell(0, 4, _latin1(line), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)


def grid_pdf(*, client: Client, year: FinancialYear, grid: Grid) -> bytes:
    """The grid grouped by status, as PDF bytes, in Swedish."""
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_title(_latin1(f"Avstämning {client.name} {year}"))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 15)
    pdf.cell(0, 9, _latin1(f"Avstämning {client.name}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.cell(
        0,
        6,
        _latin1(f"Org.nr {client.org_number}, räkenskapsår {year}"),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    names = {row.account: row.name for row in grid.rows}
    for status, cells in grid.by_status().items():
        pdf.ln(4)
        pdf.set_font("Helvetica", "B", 12)
        pdf.cell(
            0, 8, _latin1(f"{SHEET_NAMES[status]} ({len(cells)})"), new_x="LMARGIN", new_y="NEXT"
        )
        pdf.set_font("Helvetica", "B", 9)
        pdf.set_fill_color(230, 230, 230)
        for title, width in _COLUMNS:
            pdf.cell(
                width,
                6,
                title,
                border=1,
                fill=True,
                align="R" if width <= 30 and title not in ("Konto", "Period") else "L",
            )
        pdf.ln()
        pdf.set_font("Helvetica", "", 9)
        for cell in cells:
            values = (
                cell.account,
                _latin1(names.get(cell.account, ""))[:38],
                f"{cell.period_end:%Y-%m-%d}",
                _kr(cell.balance_ore),
                _kr(cell.underlag_ore),
                _kr(cell.difference_ore),
            )
            for (title, width), value in zip(_COLUMNS, values, strict=True):
                pdf.cell(
                    width,
                    6,
                    value,
                    border=1,
                    align="R" if title in ("Saldo", "Underlag", "Differens") else "L",
                )
            pdf.ln()
            _details(pdf, cell)
            if cell.flag is not None:
                pdf.set_text_color(160, 0, 0)
                pdf.cell(
                    0,
                    5,
                    _latin1(
                        f"   Ändrat efter avstämning: {_kr(cell.flag.old_balance_ore)} -> "
                        f"{_kr(cell.flag.new_balance_ore)}"
                    ),
                    new_x="LMARGIN",
                    new_y="NEXT",
                )
                pdf.set_text_color(0, 0, 0)
    return bytes(pdf.output())
