"""Every corpus file imports exactly as the reader reads it, or (if broken) imports nothing."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from bokslut.firms.models import Client
from bokslut.firms.services import client_get_or_create, default_firm
from bokslut.firms.validators import normalise_org_number
from bokslut.ledger import models as m
from bokslut.ledger.codec import voucher_hash
from bokslut.ledger.exporter import _vouchers
from bokslut.ledger.importer import SieImportError, import_sie_file
from bokslut.money import to_ore
from bokslut.sie.errors import SieFormatError
from bokslut.sie.model import Document, Severity
from bokslut.sie.reader import read_document

from .conftest import CORPUS, corpus_dir, ledger_snapshot

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.corpus]

#: Used for files whose own #ORGNR is missing or not a valid number.
FALLBACK_ORG = "556036-0793"


def _corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.suffix.lower() != ".md")


FILES = _corpus_files()


def _client_for(document: Document) -> str | None:
    try:
        normalise_org_number(document.header.org_number or "")
    except ValueError:
        return FALLBACK_ORG
    return None


def _prepare_years(document: Document, client_org: str | None) -> None:
    """A 4I file without #RAR needs the client's years to exist: calendar years here."""
    if document.header.years:
        return
    org = client_org or document.header.org_number or FALLBACK_ORG
    client, _ = client_get_or_create(firm=default_firm(), org_number=org, name="Testklient")
    source = m.Source.objects.create(client=client, kind=m.Source.Kind.MANUAL, name="test")
    for year in sorted({v.date.year for v in document.vouchers if v.date is not None}):
        m.FinancialYear.objects.create(
            client=client,
            start=dt.date(year, 1, 1),
            end=dt.date(year, 12, 31),
            source=source,
        )


def test_the_corpus_is_there() -> None:
    assert len(FILES) > 50 or corpus_dir() is None


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.name}" for p in FILES])
def test_corpus_file_imports_as_read_or_not_at_all(path: Path) -> None:
    corpus_dir()
    try:
        document, issues = read_document(path)
    except SieFormatError as fatal:
        fatal_issues = [str(i) for i in fatal.issues]
    else:
        fatal_issues = []
    if fatal_issues:
        with pytest.raises(SieImportError) as raised:
            import_sie_file(path, client=FALLBACK_ORG)
        assert [str(i) for i in raised.value.issues] == fatal_issues
        assert not m.Source.objects.exists()
        return
    errors = [i for i in issues if i.severity is Severity.ERROR]
    client_org = _client_for(document)
    _prepare_years(document, client_org)
    before = m.Voucher.objects.count(), m.Balance.objects.count(), m.Account.objects.count()

    if errors:
        with pytest.raises(SieImportError) as raised:
            import_sie_file(path, client=client_org)
        assert all(i.line is not None or i.code.startswith("import.") for i in errors)
        assert {str(i) for i in errors} <= {str(i) for i in raised.value.issues}
        after = m.Voucher.objects.count(), m.Balance.objects.count(), m.Account.objects.count()
        assert after == before
        return

    summary = import_sie_file(path, client=client_org)
    client = Client.objects.get(pk=summary.client_id)
    _assert_balances_as_stated(client, document)
    _assert_vouchers_as_written(client, document)
    snapshot = ledger_snapshot(client.pk)

    again = import_sie_file(path, client=client_org)

    assert not again.changed_anything, again.counts
    assert again.counts["vouchers"].unchanged == len(document.vouchers)
    assert ledger_snapshot(client.pk) == snapshot


def _assert_balances_as_stated(client: Client, document: Document) -> None:
    years = {i: y.start for i, y in document.header.years.items()}
    expected = {
        (years[b.year], b.kind, b.account): to_ore(b.amount)
        for b in document.balances
        if b.year in years
    }
    stored = {
        (start, kind, account): amount
        for start, kind, account, amount in m.Balance.objects.filter(
            year__client=client
        ).values_list("year__start", "kind", "account", "amount_ore")
    }
    assert stored == expected
    expected_objects = {
        (years[b.year], b.kind, b.account, b.object): to_ore(b.amount)
        for b in document.object_balances
        if b.year in years
    }
    stored_objects = {
        (start, kind, account, (dim, code)): amount
        for start, kind, account, dim, code, amount in m.ObjectBalance.objects.filter(
            year__client=client
        ).values_list("year__start", "kind", "account", "dimension", "object_code", "amount_ore")
    }
    assert stored_objects == expected_objects
    expected_periods = len(
        {(b.year, b.kind, b.period, b.account, b.objects) for b in document.period_balances}
    )
    assert m.PeriodBalance.objects.filter(year__client=client).count() == expected_periods


def _assert_vouchers_as_written(client: Client, document: Document) -> None:
    expected = Counter(voucher_hash(v) for v in document.vouchers)
    stored: Counter[str] = Counter()
    for year in m.FinancialYear.objects.filter(client=client):
        for voucher in _vouchers(year):
            stored[voucher_hash(voucher)] += 1
    # Rebuilt from the rows in the database, every voucher hashes as the file's did.
    assert stored == expected
    stated = Counter(
        m.Voucher.objects.filter(year__client=client).values_list("content_hash", flat=True)
    )
    assert stated == expected
