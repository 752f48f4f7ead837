"""The saldobalans page's data follows every change a newer export brings."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from bokslut.demo import demo_sie_path
from bokslut.ledger.importer import import_sie_file
from bokslut.ledger.models import FinancialYear
from bokslut.sie.reader import read_document
from bokslut.sie.writer import write_document
from bokslut.web.selectors import year_overview


@pytest.mark.django_db
def test_a_renamed_account_shows_its_new_name_after_a_newer_export(tmp_path: Path) -> None:
    import_sie_file(demo_sie_path())
    year = FinancialYear.objects.order_by("start").last()
    assert year is not None
    before = {row.account: row for row in year_overview(year=year).trial_balance}

    document, _ = read_document(demo_sie_path())
    document.accounts["1930"].name = "Företagskonto Nordbanken"
    newer = tmp_path / "newer.se"
    write_document(document, newer)
    import_sie_file(newer)

    after = {row.account: row for row in year_overview(year=year).trial_balance}
    assert before["1930"].name != "Företagskonto Nordbanken"
    assert after["1930"].name == "Företagskonto Nordbanken"
    assert after["1930"].closing == before["1930"].closing
    assert isinstance(after["1930"].closing, Decimal)
