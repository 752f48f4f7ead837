"""The reconciliation as an Excel workbook: one sheet per status, amounts as numbers."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font

from bokslut.avstamning.selectors import Grid, Status
from bokslut.firms.models import Client
from bokslut.ledger.models import FinancialYear
from bokslut.money import from_ore

__all__ = ["SHEET_NAMES", "grid_workbook"]

SHEET_NAMES = {
    Status.GREEN: "Avstämda",
    Status.YELLOW: "Förklarade differenser",
    Status.RED: "Differenser och ej klara",
    Status.GREY: "Ingen aktivitet",
}
HEADERS = (
    "Konto",
    "Kontonamn",
    "Period t.o.m.",
    "Saldo enligt bokföringen",
    "Underlag",
    "Differens",
    "Förklaring",
    "Avstämd av",
    "Avstämd",
    "Ändrat efter avstämning",
)
AMOUNT_FORMAT = "#,##0.00"


def _kr(ore: int | None) -> Decimal | None:
    return None if ore is None else from_ore(ore)


def grid_workbook(*, client: Client, year: FinancialYear, grid: Grid) -> bytes:
    """The grid as an .xlsx file (bytes), in Swedish."""
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    names = {row.account: row.name for row in grid.rows}
    groups = grid.by_status()
    for status, title in SHEET_NAMES.items():
        sheet = book.create_sheet(title)
        sheet.append([f"Avstämning {client.name} {client.org_number}, {year}"])
        sheet["A1"].font = Font(bold=True)
        sheet.append(list(HEADERS))
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for item in groups[status]:
            signoff = item.signoff
            flag = item.flag
            sheet.append(
                [
                    item.account,
                    names.get(item.account, ""),
                    item.period_end,
                    _kr(item.balance_ore),
                    _kr(item.underlag_ore),
                    _kr(item.difference_ore),
                    item.reconciliation.explanation if item.reconciliation else "",
                    (signoff.user.get_username() if signoff and signoff.user else ""),
                    signoff.signed_at.replace(tzinfo=None) if signoff else None,
                    (f"{_kr(flag.old_balance_ore)} → {_kr(flag.new_balance_ore)}" if flag else ""),
                ]
            )
            row = sheet.max_row
            for column in ("D", "E", "F"):
                sheet[f"{column}{row}"].number_format = AMOUNT_FORMAT
            sheet[f"C{row}"].number_format = "yyyy-mm-dd"
            sheet[f"I{row}"].number_format = "yyyy-mm-dd hh:mm"
        for column, width in zip(
            "ABCDEFGHIJ", (8, 32, 12, 20, 16, 14, 40, 14, 17, 28), strict=True
        ):
            sheet.column_dimensions[column].width = width
    out = BytesIO()
    book.save(out)
    return out.getvalue()
