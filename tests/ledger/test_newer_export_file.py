"""A newer export of the same year (an edited copy of a real file) updates exactly what differs."""

from __future__ import annotations

from pathlib import Path

import pytest

from bokslut.firms.models import Client, Firm
from bokslut.ledger import models as m
from bokslut.ledger.exporter import export_sie
from bokslut.ledger.importer import import_sie_file
from bokslut.sie.generator import write_generated_sie
from bokslut.sie.reader import read_document

from .conftest import corpus_dir, ledger_snapshot, without_ids

pytestmark = pytest.mark.django_db(transaction=True)

SOURCE = "jsisie/transaktioner_ovnbolag.se"  # SIE 4E, 145 vouchers, CP437


def _edit(text: str) -> str:
    """Add a voucher, change one, drop one, rename an account (SIE text, CP437-safe)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("#VER B 1 "))
    end = next(i for i in range(start, len(lines)) if lines[i].strip() == "}")
    del lines[start : end + 1]  # drop B 1
    changed = next(i for i, line in enumerate(lines) if line.startswith("#VER B 2 "))
    lines[changed] = (
        lines[changed].rsplit('"', 2)[0] + '"Ändrad text"' + lines[changed].rsplit('"', 2)[2]
    )
    konto = next(i for i, line in enumerate(lines) if line.startswith("#KONTO 1930 "))
    lines[konto] = '#KONTO 1930 "Bankkonto omdöpt"'
    lines += [
        '#VER B 999 20110115 "Ny verifikation"',
        "{",
        "#TRANS 7690 {} 100.00",
        "#TRANS 1910 {} -100.00",
        "}",
    ]
    return "\r\n".join(lines) + "\r\n"


def test_newer_export_of_a_real_file_updates_exactly_the_edits(tmp_path: Path) -> None:
    original = corpus_dir() / SOURCE
    first = import_sie_file(original)
    before = ledger_snapshot(first.client_id)
    newer = tmp_path / "newer.se"
    newer.write_bytes(_edit(original.read_bytes().decode("cp437")).encode("cp437"))

    summary = import_sie_file(newer)

    vouchers = summary.counts["vouchers"]
    assert (vouchers.new, vouchers.changed, vouchers.removed) == (1, 1, 1)
    assert vouchers.unchanged == len(read_document(original)[0].vouchers) - 2
    assert summary.counts["accounts"].changed == 1  # the current year's chart only
    assert summary.counts["balances"].touched == 0
    after = ledger_snapshot(first.client_id)
    untouched = set(before["rows"]) & set(after["rows"])
    assert len(untouched) == len(before["rows"]) - _rows_of(before, "B", "1") - _rows_of(
        before, "B", "2"
    )
    b2 = m.Voucher.objects.get(year__client_id=first.client_id, series="B", number="2")
    assert b2.text == "Ändrad text"
    assert m.Account.objects.filter(number="1930", name="Bankkonto omdöpt").count() == 1


def _rows_of(snapshot: dict[str, list[tuple[object, ...]]], series: str, number: str) -> int:
    ids = {v[0] for v in snapshot["vouchers"] if v[2] == series and v[3] == number}
    return sum(1 for r in snapshot["rows"] if r[1] in ids)


@pytest.mark.parametrize(
    "name",
    [
        "jsisie/sie_4.SE",
        "sie4j/BLBLOV_SIE3_UTF_8_with_vouchers.SE",
        "jsisie/transaktioner_ovnbolag.se",
    ],
)
def test_export_of_an_imported_corpus_year_reimports_identically(tmp_path: Path, name: str) -> None:
    _round_trip(corpus_dir() / name, tmp_path)


def test_export_of_a_generated_company_reimports_identically(tmp_path: Path) -> None:
    generated = write_generated_sie(tmp_path / "gen.se", seed=11, transactions=3000, years=2)
    _round_trip(generated.path, tmp_path)


def _round_trip(path: Path, tmp_path: Path) -> None:
    first = import_sie_file(path, client="556036-0793" if "BLBLOV" in path.name else None)
    client = Client.objects.get(pk=first.client_id)
    year = max(y.start for y in first.years)
    exported = tmp_path / "export.se"
    export_sie(client=client, year=year, target=exported)
    firm = Firm.objects.create(name="Andra byrån")

    second = import_sie_file(exported, firm=firm)

    assert without_ids(ledger_snapshot(second.client_id)) == without_ids(ledger_snapshot(client.pk))


def _local_voucher(client_id: int, year: m.FinancialYear) -> m.Voucher:
    """A closing entry entered here (source kind manual), with its two rows."""
    source = m.Source.objects.create(
        client_id=client_id, kind=m.Source.Kind.MANUAL, name="Bokslutsverifikationer"
    )
    voucher = m.Voucher.objects.create(
        year=year,
        series="LOK",
        number="1",
        number_sort=1,
        date=year.end,
        text="Bokslutspost",
        content_hash="local",
        source=source,
    )
    for position, (account, amount) in enumerate((("8910", 50000), ("2510", -50000)), 1):
        m.VoucherRow.objects.create(
            voucher=voucher,
            year=year,
            position=position,
            account=account,
            amount_ore=amount,
            booking_date=year.end,
            source=source,
        )
    return voucher


def _kinds(year: m.FinancialYear) -> dict[tuple[str, str], str]:
    return {
        (series, number): kind
        for series, number, kind in m.Voucher.objects.filter(year=year).values_list(
            "series", "number", "source__kind"
        )
    }


def test_an_export_removes_only_vouchers_of_its_own_source_kind(tmp_path: Path) -> None:
    original = corpus_dir() / SOURCE
    first = import_sie_file(original)
    current = max(first.years, key=lambda y: y.start)
    year = m.FinancialYear.objects.get(client_id=first.client_id, start=current.start)
    local = _local_voucher(first.client_id, year)
    kept = (
        m.Voucher.objects.filter(pk=local.pk).values().get(),
        list(m.VoucherRow.objects.filter(voucher_id=local.pk).values()),
    )
    newer = tmp_path / "newer.se"
    newer.write_bytes(_edit(original.read_bytes().decode("cp437")).encode("cp437"))

    # A newer file: the file's own B 1 goes, the local voucher stays.
    assert import_sie_file(newer).counts["vouchers"].removed == 1
    # Fortnox's export without B 999: that voucher came from a file, so it stays; the
    # vouchers Fortnox does hold become Fortnox's.
    again = import_sie_file(original, source_kind=m.Source.Kind.FORTNOX)
    assert again.counts["vouchers"].removed == 0
    kinds = _kinds(year)
    assert kinds[("B", "999")] == m.Source.Kind.SIE_FILE
    assert kinds[("LOK", "1")] == m.Source.Kind.MANUAL
    assert {k for k, v in kinds.items() if v == m.Source.Kind.FORTNOX} == set(kinds) - {
        ("B", "999"),
        ("LOK", "1"),
    }
    # Fortnox deletes B 1: the next export removes it (it is Fortnox's now).
    latest = import_sie_file(newer, source_kind=m.Source.Kind.FORTNOX)
    assert latest.counts["vouchers"].removed == 1
    assert ("B", "1") not in _kinds(year)
    assert (
        m.Voucher.objects.filter(pk=local.pk).values().get(),
        list(m.VoucherRow.objects.filter(voucher_id=local.pk).values()),
    ) == kept
