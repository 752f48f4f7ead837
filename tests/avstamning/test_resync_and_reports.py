"""100 re-syncs keep people's work; the Excel and PDF reports open and hold the ledger."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pypdfium2  # type: ignore[import-untyped]
import pytest

from bokslut.avstamning import services
from bokslut.avstamning.excel import SHEET_NAMES, grid_workbook
from bokslut.avstamning.models import (
    Attachment,
    ChangeFlag,
    Comment,
    Reconciliation,
    SignOff,
    UnderlagItem,
)
from bokslut.avstamning.pdf import grid_pdf
from bokslut.avstamning.selectors import Status, cell_get, reconciliation_grid
from bokslut.ledger.selectors import trial_balance
from bokslut.money import from_ore

from .camt import camt053
from .conftest import Synced

RESYNCS = 100


def _work(synced: Synced) -> Reconciliation:
    client, year = synced.world.client, synced.year
    rec = services.reconciliation_get_or_create(
        client=client, year=year, account="1930", period_end=year.end
    )
    balance = cell_get(client=client, year=year, account="1930", period_end=year.end).balance_ore
    services.underlag_add_statement(
        reconciliation=rec, file_name="dec.xml", file_data=camt053(from_ore(balance), year.end)
    )
    services.comment_add(reconciliation=rec, text="Stämt mot kontoutdrag 31/12.", user=synced.user)
    services.signoff_create(reconciliation=rec, user=synced.user)
    other = services.reconciliation_get_or_create(
        client=client, year=year, account="2440", period_end=year.end
    )
    services.underlag_add_manual(
        reconciliation=other,
        amount=Decimal("1000.00"),
        description="Leverantörsreskontra enligt utskrift",
        file_name="reskontra.pdf",
        file_data=b"%PDF-1.4\n%...\n",
        user=synced.user,
    )
    services.explanation_set(reconciliation=other, text="Faktura i transit.")
    return rec


def _snapshot() -> dict[str, object]:
    return {
        "reconciliations": list(
            Reconciliation.objects.values_list("account", "period_end", "explanation")
        ),
        "underlag": list(UnderlagItem.objects.values_list("kind", "amount_ore", "removed_at")),
        "comments": list(Comment.objects.values_list("text", flat=True)),
        "attachments": list(Attachment.objects.values_list("sha256", "file")),
        "signoffs": list(SignOff.objects.values_list("fingerprint", "superseded_at")),
        "flags": ChangeFlag.objects.count(),
    }


@pytest.mark.slow
def test_a_hundred_resyncs_leave_every_reconciliation_comment_attachment_and_signoff(
    synced: Synced,
) -> None:
    _work(synced)
    before = _snapshot()
    for _ in range(RESYNCS):
        synced.sync()

    assert _snapshot() == before
    assert before["flags"] == 0
    files = [a.file for a in Attachment.objects.all()]
    assert len(files) == 2
    assert all(f.storage.exists(f.name or "") for f in files)
    cell = cell_get(
        client=synced.world.client, year=synced.year, account="1930", period_end=synced.year.end
    )
    assert cell.status is Status.GREEN


def test_excel_export_has_a_sheet_per_status_and_numbers_equal_the_ledger(synced: Synced) -> None:
    _work(synced)
    client, year = synced.world.client, synced.year
    grid = reconciliation_grid(client=client, year=year)

    book = openpyxl.load_workbook(io.BytesIO(grid_workbook(client=client, year=year, grid=grid)))

    assert book.sheetnames == list(SHEET_NAMES.values())
    ledger = {r.account: r.closing for r in trial_balance(client=client, year=year)}
    seen = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows(min_row=3, values_only=True):
            account, balance = row[0], row[3]
            assert isinstance(balance, (int, float))  # a number, not text
            assert Decimal(str(balance)) == ledger[str(account)]
            seen += 1
    assert seen == len(grid.cells()) > 10
    green = book[SHEET_NAMES[Status.GREEN]]
    assert green["A3"].value == "1930"
    assert green["F3"].value == 0


def test_pdf_export_renders_a_first_page_that_is_not_blank(synced: Synced) -> None:
    _work(synced)
    client, year = synced.world.client, synced.year

    data = grid_pdf(client=client, year=year, grid=reconciliation_grid(client=client, year=year))

    assert data.startswith(b"%PDF-")
    document = pypdfium2.PdfDocument(data)
    image = document[0].render(scale=1).to_pil().convert("L")
    dark = sum(image.histogram()[:128])
    assert dark > 2_000, "the first page is (nearly) blank"
    text = document[0].get_textpage().get_text_range()
    assert "Avstämning" in text
    assert "1930" in text


def _signed_flagged_and_explained(synced: Synced) -> None:
    """The work of :func:`_work`, signed at a known instant, then flagged by a new payment."""
    rec = _work(synced)
    summer = dt.datetime(2025, 7, 1, 10, 30, tzinfo=dt.UTC)  # 12:30 in Stockholm (CEST)
    SignOff.objects.filter(reconciliation=rec).update(signed_at=summer)
    Comment.objects.filter(reconciliation=rec).update(created_at=summer)
    body = {
        "Voucher": {
            "VoucherSeries": "A",
            "TransactionDate": synced.year.end.replace(day=20).isoformat(),
            "Description": "Betalning leverantör",
            "VoucherRows": [
                {"Account": 2440, "Debit": "1234.56", "Credit": 0},
                {"Account": 1930, "Debit": 0, "Credit": "1234.56"},
            ],
        }
    }
    synced.world.control("POST", "companies/1001/vouchers", body)
    synced.sync()
    assert ChangeFlag.objects.count() == 1


def test_excel_writes_local_sign_off_time_numeric_flag_amounts_and_comments(
    synced: Synced,
) -> None:
    _signed_flagged_and_explained(synced)
    client, year = synced.world.client, synced.year
    grid = reconciliation_grid(client=client, year=year)
    cell = next(c for c in grid.cells() if c.account == "1930" and c.period_end == year.end)
    assert cell.flag is not None

    book = openpyxl.load_workbook(io.BytesIO(grid_workbook(client=client, year=year, grid=grid)))

    sheet = book[SHEET_NAMES[Status.RED]]
    headers = [c.value for c in sheet[2]]
    assert headers[8:] == [
        "Avstämd",
        "Ändrat efter avstämning: saldo vid signering",
        "Ändrat efter avstämning: saldo nu",
        "Kommentarer",
    ]
    row = next(r for r in sheet.iter_rows(min_row=3) if r[0].value == "1930")
    assert row[8].value == dt.datetime(2025, 7, 1, 12, 30)
    old, new = row[9].value, row[10].value
    assert isinstance(old, (int, float))
    assert isinstance(new, (int, float))
    assert Decimal(str(old)) == from_ore(cell.flag.old_balance_ore)
    assert Decimal(str(new)) == from_ore(cell.flag.old_balance_ore) - Decimal("1234.56")
    assert row[9].number_format == row[10].number_format == "#,##0.00"
    assert row[11].value == "karin 2025-07-01 12:30: Stämt mot kontoutdrag 31/12."


def test_pdf_shows_who_signed_when_the_explanation_and_the_comments(synced: Synced) -> None:
    _signed_flagged_and_explained(synced)
    client, year = synced.world.client, synced.year

    data = grid_pdf(client=client, year=year, grid=reconciliation_grid(client=client, year=year))

    document = pypdfium2.PdfDocument(data)
    text = "".join(page.get_textpage().get_text_range() for page in document)
    assert "Avstämd av karin 2025-07-01 12:30" in text
    assert "Kommentar: karin 2025-07-01 12:30: Stämt mot kontoutdrag 31/12." in text
    assert "Förklaring: Faktura i transit." in text
    assert "Ändrat efter avstämning" in text
