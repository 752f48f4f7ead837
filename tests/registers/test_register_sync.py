"""register_sync: identity by Fortnox key, exact counts, removal only from complete lists."""

from __future__ import annotations

from datetime import date

import pytest

from bokslut.firms.models import Client, Firm
from bokslut.fortnox import SupplierInvoice as FortnoxSupplierInvoice
from bokslut.ledger.models import Source
from bokslut.registers.mapping import supplier_invoice_values
from bokslut.registers.models import Customer, SupplierInvoice
from bokslut.registers.services import register_sync

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    return Client.objects.create(
        firm=Firm.objects.create(name="Byrå"), name="Kund AB", org_number="556677-8899"
    )


def _source(client: Client) -> Source:
    return Source.objects.create(client=client, kind=Source.Kind.FORTNOX, name="test")


def values(name: str) -> dict[str, object]:
    return {"name": name, "org_number": "", "city": "Malmö", "email": "", "active": True}


def test_resync_updates_in_place_and_counts_exactly(client: Client) -> None:
    first = register_sync(
        model=Customer, client=client, key="number",
        desired={"1": values("Ett AB"), "2": values("Två AB")},
        source=_source(client), payload=None, remove_missing=True,
    )  # fmt: skip
    ids = dict(Customer.objects.values_list("number", "pk"))
    seen: list[tuple[str, object]] = []
    second = register_sync(
        model=Customer, client=client, key="number",
        desired={"1": values("Ett AB"), "2": values("Två Nya AB"), "3": values("Tre AB")},
        source=_source(client), payload=None, remove_missing=True,
        on_change=lambda kind, key: seen.append((kind, key)),
    )  # fmt: skip

    assert (first.new, first.changed, first.unchanged, first.removed) == (2, 0, 0, 0)
    assert (second.new, second.changed, second.unchanged, second.removed) == (1, 1, 1, 0)
    assert sorted(seen) == [("changed", "2"), ("new", "3")]
    assert Customer.objects.get(number="2").pk == ids["2"]
    assert Customer.objects.get(number="2").name == "Två Nya AB"


def test_missing_rows_are_removed_only_from_a_complete_listing(client: Client) -> None:
    desired = {"1": values("Ett AB"), "2": values("Två AB")}
    common = {"model": Customer, "client": client, "key": "number", "payload": None}
    register_sync(**common, desired=desired, source=_source(client), remove_missing=True)
    partial = register_sync(
        **common, desired={"1": values("Ett AB")}, source=_source(client), remove_missing=False
    )
    complete = register_sync(
        **common, desired={"1": values("Ett AB")}, source=_source(client), remove_missing=True
    )
    assert partial.removed == 0
    assert complete.removed == 1
    assert list(Customer.objects.values_list("number", flat=True)) == ["1"]


def test_supplier_invoice_amounts_sent_as_strings_become_exact_ore(client: Client) -> None:
    item = FortnoxSupplierInvoice.from_json(
        {"GivenNumber": "7", "SupplierNumber": "3", "Total": "1250.10", "Balance": "0.05",
         "VAT": "250.02", "InvoiceDate": "2025-03-01", "Booked": True, "Cancelled": False,
         "VoucherSeries": "D", "VoucherNumber": 7, "VoucherYear": 1}
    )  # fmt: skip
    register_sync(
        model=SupplierInvoice, client=client, key="number",
        desired={item.given_number: supplier_invoice_values(item)},
        source=_source(client), payload=None, remove_missing=True,
    )  # fmt: skip
    row = SupplierInvoice.objects.get(client=client, number="7")
    assert (row.total_ore, row.balance_ore, row.vat_ore) == (125010, 5, 25002)
    assert row.invoice_date == date(2025, 3, 1)
    assert (row.voucher_series, row.voucher_number) == ("D", 7)
    assert row.is_open
