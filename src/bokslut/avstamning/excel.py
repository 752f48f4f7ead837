"""The reconciliation as an Excel workbook: one sheet per status, amounts as numbers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from bokslut.avstamning.selectors import Cell, Grid, Status
from bokslut.firms.models import Client
from bokslut.ledger.models import FinancialYear
from bokslut.money import from_ore

__all__ = ["SHEET_NAMES", "comments_text", "grid_workbook"]

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
    "Ändrat efter avstämning: saldo vid signering",
    "Ändrat efter avstämning: saldo nu",
    "Kommentarer",
)
#: Stored in the file format's neutral notation; Swedish Excel shows it as 123 456,78.
AMOUNT_FORMAT = "#,##0.00"


def _kr(ore: int | None) -> Decimal | None:
    return None if ore is None else from_ore(ore)


def _local(moment: dt.datetime) -> dt.datetime:
    """``moment`` in the project's time zone (Stockholm), naive as Excel wants it."""
    return timezone.localtime(moment).replace(tzinfo=None)


def comments_text(cell: Cell) -> str:
    """The reconciliation's comments, one a line: who, when (local time) and what."""
    if cell.reconciliation is None:
        return ""
    return "\n".join(
        f"{c.user.get_username() if c.user else 'okänd'} "
        f"{timezone.localtime(c.created_at):%Y-%m-%d %H:%M}: {c.text}"
        for c in cell.reconciliation.comments.all()
    )


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
                    _local(signoff.signed_at) if signoff else None,
                    _kr(flag.old_balance_ore) if flag else None,
                    _kr(flag.new_balance_ore) if flag else None,
                    comments_text(item),
                ]
            )
            row = sheet.max_row
            for column in ("D", "E", "F", "J", "K"):
                sheet[f"{column}{row}"].number_format = AMOUNT_FORMAT
            sheet[f"C{row}"].number_format = "yyyy-mm-dd"
            sheet[f"I{row}"].number_format = "yyyy-mm-dd hh:mm"
        for column, width in zip(
            "ABCDEFGHIJKL", (8, 32, 12, 20, 16, 14, 40, 14, 17, 20, 20, 50), strict=True
        ):
            sheet.column_dimensions[column].width = width
    out = BytesIO()
    book.save(out)
    return out.getvalue()
