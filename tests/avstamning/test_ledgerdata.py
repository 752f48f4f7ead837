"""Ledger reads used by the checks, at the sizes a real sync hands them."""

from __future__ import annotations

from pathlib import Path

import pytest

from bokslut.avstamning.ledgerdata import postings_of_vouchers
from bokslut.ledger.importer import import_sie_file
from bokslut.ledger.models import FinancialYear, Voucher
from bokslut.sie.generator import write_generated_sie


@pytest.mark.django_db
def test_postings_of_thousands_of_vouchers_are_found(tmp_path: Path) -> None:
    # A sync that brings a whole year reports every voucher as new: thousands of keys.
    path = tmp_path / "big.se"
    write_generated_sie(path, seed=7, transactions=6000)
    import_sie_file(path)
    year = FinancialYear.objects.get()
    keys = list(Voucher.objects.filter(year=year).values_list("series", "number"))
    assert len(keys) > 1000

    postings = postings_of_vouchers(year, keys)

    assert sorted((p.series, p.number) for p in postings) == sorted(keys)


@pytest.mark.django_db
def test_postings_only_for_the_keys_asked(tmp_path: Path) -> None:
    path = tmp_path / "small.se"
    write_generated_sie(path, seed=8, transactions=200)
    import_sie_file(path)
    year = FinancialYear.objects.get()
    first, second = Voucher.objects.filter(year=year).values_list("series", "number")[:2]

    postings = postings_of_vouchers(year, [first, ("Ö", "999999")])

    assert [(p.series, p.number) for p in postings] == [first]
    assert second not in [(p.series, p.number) for p in postings]
