"""The fast path: a new year's vouchers are written while the file is read, all or nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.db.models import Count, Sum

from bokslut.firms.models import Client
from bokslut.ledger import _stream
from bokslut.ledger import importer as importer_module
from bokslut.ledger import models as m
from bokslut.ledger._fastyear import StreamRouter
from bokslut.ledger._scan import DocumentSource
from bokslut.ledger._stream import NewVoucherWriter
from bokslut.ledger.importer import SieImportError, import_sie_document
from bokslut.sie.model import Document, Item, RowKind

from .conftest import ledger_snapshot, row, sample_document, voucher, without_ids

pytestmark = pytest.mark.django_db(transaction=True)


def _many_vouchers(document: Document, count: int) -> Document:
    """``document`` with ``count`` more balanced vouchers in year 0 (series M)."""
    extra = [
        voucher(
            "M",
            str(n),
            dt.date(2024, 1 + n % 12, 1 + n % 28),
            row("1930", f"{n}.25"),
            row("3010", f"-{n}.25", objects=((1, "100"),) if n % 3 == 0 else ()),
            row("1930", "1.00", kind=RowKind.REMOVED),
            text=f'Försäljning {n} åäö \\ "citat"',
        )
        for n in range(1, count + 1)
    ]
    document.vouchers = [*document.vouchers, *extra]
    return document


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of 3 vouchers, so that a small document is written in many batches."""
    monkeypatch.setattr(_stream, "BATCH_VOUCHERS", 3)


@pytest.fixture
def streamed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the vouchers the stream takes (and lets them through)."""
    taken: list[int] = []
    original = StreamRouter.take

    def take(self: StreamRouter, position: int, entry: Any, encoded: Any) -> bool:
        kept = original(self, position, entry, encoded)
        if kept:
            taken.append(position)
        return kept

    monkeypatch.setattr(StreamRouter, "take", take)
    return taken


def _plain_import(monkeypatch: pytest.MonkeyPatch, document: Document) -> int:
    with monkeypatch.context() as patch:
        patch.setattr(StreamRouter, "take", lambda *_: False)
        return import_sie_document(document, name="test.se").client_id


def _movements_from_rows(client_id: int) -> dict[tuple[dt.date, str], tuple[int, int]]:
    return {
        (start, account): (total, n)
        for start, account, total, n in m.VoucherRow.objects.filter(year__client_id=client_id)
        .exclude(kind=m.VoucherRow.Kind.REMOVED)
        .values("year__start", "account")
        .annotate(total=Sum("amount_ore"), n=Count("id"))
        .values_list("year__start", "account", "total", "n")
    }


def _stored_movements(client_id: int) -> dict[tuple[dt.date, str], tuple[int, int]]:
    return {
        (start, account): (amount, rows)
        for start, account, amount, rows in m.AccountMovement.objects.filter(
            year__client_id=client_id
        ).values_list("year__start", "account", "amount_ore", "rows")
    }


def _clear() -> None:
    m.VoucherRow.objects.all().delete()
    m.Voucher.objects.all().delete()
    m.FinancialYear.objects.all().delete()
    m.LedgerObject.objects.all().delete()
    m.Dimension.objects.all().delete()
    m.Source.objects.all().delete()
    Client.objects.all().delete()


def test_streamed_year_stores_exactly_what_the_plain_import_stores(
    monkeypatch: pytest.MonkeyPatch, small_batches: None, streamed: list[int]
) -> None:
    document = _many_vouchers(sample_document(), 20)
    summary = import_sie_document(document, name="test.se")
    fast = without_ids(ledger_snapshot(summary.client_id))
    fast_movements = _stored_movements(summary.client_id)

    assert len(streamed) == len(document.vouchers) == 25
    assert summary.counts["vouchers"].new == 25
    assert summary.counts["years"].new == 2
    assert summary.rows_written == 13 + 20 * 3
    _clear()
    streamed.clear()
    plain_client = _plain_import(monkeypatch, _many_vouchers(sample_document(), 20))

    assert streamed == []
    assert without_ids(ledger_snapshot(plain_client)) == fast
    assert _stored_movements(plain_client) == fast_movements == _movements_from_rows(plain_client)


def test_reimport_after_a_streamed_import_changes_nothing(
    small_batches: None, streamed: list[int]
) -> None:
    first = import_sie_document(_many_vouchers(sample_document(), 10), name="test.se")
    before = ledger_snapshot(first.client_id)
    streamed.clear()

    again = import_sie_document(_many_vouchers(sample_document(), 10), name="test.se")

    assert streamed == []  # the year exists: compared, not streamed
    assert not again.changed_anything
    assert ledger_snapshot(first.client_id) == before


def test_error_in_the_last_voucher_rolls_back_the_batches_already_written(
    small_batches: None, streamed: list[int]
) -> None:
    document = _many_vouchers(sample_document(), 12)
    document.vouchers.append(
        voucher("M", "99", dt.date(2024, 12, 1), row("1930", "0.005"), row("3010", "-0.005"))
    )

    with pytest.raises(SieImportError) as raised:
        import_sie_document(document, name="broken.se")

    assert [i.code for i in raised.value.issues if i.code.startswith("import.")] == [
        "import.fraction_of_ore"
    ]
    assert len(streamed) == 17  # five batches went to the database before the last voucher
    assert not Client.objects.exists()
    assert not m.Source.objects.exists()
    assert not m.FinancialYear.objects.exists()
    assert not m.Voucher.objects.exists()
    assert not m.VoucherRow.objects.exists()
    assert not m.AccountMovement.objects.exists()


def test_duplicate_number_in_a_streamed_year_is_refused_and_nothing_kept(
    small_batches: None, streamed: list[int]
) -> None:
    document = _many_vouchers(sample_document(), 8)
    document.vouchers.append(
        voucher("M", "3", dt.date(2024, 6, 1), row("1930", "1"), row("3010", "-1"))
    )

    with pytest.raises(SieImportError) as raised:
        import_sie_document(document, name="broken.se")

    assert {i.code for i in raised.value.issues} & {"voucher_duplicate", "import.voucher_duplicate"}
    assert len(streamed) == 13  # the duplicate itself stayed on the spool
    assert not m.Voucher.objects.exists()
    assert not Client.objects.exists()


def test_failing_database_write_mid_stream_raises_and_keeps_nothing(
    monkeypatch: pytest.MonkeyPatch, small_batches: None
) -> None:
    original = NewVoucherWriter.write_prepared
    batches: list[int] = []

    def failing(self: NewVoucherWriter, prepared: Any) -> None:
        batches.append(1)
        if len(batches) == 3:
            raise RuntimeError("disk full")
        original(self, prepared)

    monkeypatch.setattr(NewVoucherWriter, "write_prepared", failing)

    with pytest.raises(RuntimeError, match="disk full"):
        import_sie_document(_many_vouchers(sample_document(), 20), name="test.se")

    assert len(batches) == 3
    assert not m.Voucher.objects.exists()
    assert not m.FinancialYear.objects.exists()
    assert not Client.objects.exists()


class _LateYears(DocumentSource):
    """A source whose #RAR 0 only appears after the vouchers (a misordered file)."""

    def __iter__(self) -> Iterator[Item]:
        years = self.header.years
        current = years.pop(0)
        yield from super().__iter__()
        years[0] = current


def test_year_planned_differently_than_streamed_is_rolled_back_and_read_again(
    monkeypatch: pytest.MonkeyPatch, streamed: list[int]
) -> None:
    sources: list[str] = []

    def make(document: Document, issues: list[Any]) -> DocumentSource:
        # First read: #RAR 0 comes late, so year -1 looks current and takes the vouchers.
        source = _LateYears(document, issues) if not sources else DocumentSource(document, issues)
        sources.append(type(source).__name__)
        return source

    monkeypatch.setattr(importer_module, "DocumentSource", make)
    summary = import_sie_document(sample_document(), name="late.se")

    assert sources == ["_LateYears", "DocumentSource"]
    assert len(streamed) == 5  # all streamed into year -1, then rolled back
    assert summary.counts["vouchers"].new == 5
    assert summary.counts["years"].new == 2
    years = {v.year.start for v in m.Voucher.objects.select_related("year")}
    assert years == {dt.date(2024, 1, 1)}
    assert m.Source.objects.count() == 1


def test_rows_keep_file_order_within_an_account_and_day(small_batches: None) -> None:
    document = sample_document()
    same_day = [
        voucher("S", str(n), dt.date(2024, 5, 5), row("1930", str(n)), row("3010", f"-{n}"))
        for n in range(1, 10)
    ]
    document.vouchers = [*document.vouchers, *same_day]

    import_sie_document(document, name="test.se")

    bank = list(
        m.VoucherRow.objects.filter(account="1930", booking_date=dt.date(2024, 5, 5))
        .order_by("id")
        .values_list("voucher__number", flat=True)
    )
    assert bank == [str(n) for n in range(1, 10)]


def test_movements_follow_a_newer_export_with_new_changed_and_removed_vouchers() -> None:
    first = import_sie_document(sample_document(), name="test.se")
    newer = sample_document()
    newer.vouchers[1] = dataclasses.replace(
        newer.vouchers[1], rows=(row("5010", "1700.00"), row("1930", "-1700.00"))
    )
    del newer.vouchers[2]  # B 1 (with its struck and added rows) is gone
    newer.vouchers.append(
        voucher("A", "3", dt.date(2024, 5, 1), row("2440", "7"), row("3010", "-7"))
    )

    import_sie_document(newer, name="newer.se")

    assert _stored_movements(first.client_id) == _movements_from_rows(first.client_id)
    assert (dt.date(2024, 1, 1), "2440") in _stored_movements(first.client_id)


def test_sqlite_before_3_38_gets_the_same_rows_through_json_extract(
    monkeypatch: pytest.MonkeyPatch, small_batches: None
) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the json_each batches are SQLite's")
    expected = _many_vouchers(sample_document(), 6)
    plain = without_ids(ledger_snapshot(_plain_import(monkeypatch, expected)))
    _clear()
    monkeypatch.setattr(_stream, "sqlite3", SimpleNamespace(sqlite_version_info=(3, 37, 2)))

    summary = import_sie_document(_many_vouchers(sample_document(), 6), name="test.se")

    assert without_ids(ledger_snapshot(summary.client_id)) == plain
