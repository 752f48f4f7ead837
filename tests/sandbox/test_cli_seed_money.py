"""``bokslut sandbox --seed FILE``: amounts in ``FILE.json`` extras are Decimal, and served."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from bokslut.sandbox import run_in_thread
from bokslut.sandbox.cli import load_seed

from .conftest import client_token, corpus_dir


@pytest.fixture
def seed(tmp_path: Path) -> Path:
    copy = tmp_path / "bolag.se"
    copy.write_bytes((corpus_dir() / "sie4j" / "BLBLOV_SIE4.SE").read_bytes())
    (tmp_path / "bolag.json").write_text(
        '{"SupplierInvoices":[{"GivenNumber":44,"SupplierNumber":"3",'
        '"Total":1250.10,"Balance":0.10}]}',
        "utf-8",
    )
    return copy


@pytest.mark.corpus
def test_extras_amounts_are_read_as_decimal(seed: Path) -> None:
    company = load_seed(seed, 4242)
    data = company.supplier_invoices["44"].data
    assert data["Total"] == Decimal("1250.10")
    assert isinstance(data["Total"], Decimal)
    assert isinstance(data["Balance"], Decimal)


@pytest.mark.corpus
def test_extras_amounts_are_served_as_fortnox_strings(seed: Path) -> None:
    with (
        run_in_thread([load_seed(seed, 4242)]) as running,
        httpx.Client(base_url=running.base_url) as http,
    ):
        answer = http.get("/3/supplierinvoices", headers=client_token(http, 4242))
    assert answer.status_code == 200
    [invoice] = answer.json()["SupplierInvoices"]
    assert (invoice["Total"], invoice["Balance"]) == ("1250.10", "0.10")


@pytest.mark.corpus
def test_extras_that_are_not_an_object_are_refused(tmp_path: Path) -> None:
    copy = tmp_path / "bolag.se"
    copy.write_bytes((corpus_dir() / "sie4j" / "BLBLOV_SIE4.SE").read_bytes())
    (tmp_path / "bolag.json").write_text("[1, 2]", "utf-8")
    with pytest.raises(ValueError, match="JSON object"):
        load_seed(copy, 4242)
