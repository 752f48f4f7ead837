"""Organisationsnummer on the Client model: valid, invalid, 12-digit forms."""

from __future__ import annotations

import pytest

from bokslut.firms.models import Client, Firm
from bokslut.firms.validators import normalise_org_number

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("5560360793", "556036-0793"),
        ("556036-0793", "556036-0793"),
        ("16556036-0793", "556036-0793"),  # 12-digit form with the 16 prefix
        ("165560360793", "556036-0793"),
    ],
)
def test_valid_org_number_is_stored_in_one_canonical_form(given: str, stored: str) -> None:
    firm = Firm.objects.create(name="Byrån")

    client = Client.objects.create(firm=firm, name="Bolaget AB", org_number=given)

    assert Client.objects.get(pk=client.pk).org_number == stored


def test_same_company_written_two_ways_is_one_client() -> None:
    from django.db import IntegrityError

    firm = Firm.objects.create(name="Byrån")
    Client.objects.create(firm=firm, name="Bolaget AB", org_number="5560360793")

    with pytest.raises(IntegrityError):
        Client.objects.create(firm=firm, name="Bolaget AB", org_number="556036-0793")


@pytest.mark.parametrize(
    "given", ["5560360794", "1655710918", "12345", "55603607931", "abcdef-ghij"]
)
def test_invalid_org_number_is_refused_in_swedish(given: str) -> None:
    firm = Firm.objects.create(name="Byrån")

    with pytest.raises(ValueError, match="Ogiltigt organisationsnummer"):
        Client.objects.create(firm=firm, name="Bolaget AB", org_number=given)


def test_sole_trader_personnummer_is_accepted() -> None:
    assert normalise_org_number("19811218-9876") == "811218-9876"
