"""Writes for firms and clients."""

from __future__ import annotations

from django.db import transaction

from bokslut.firms.models import Client, Firm
from bokslut.firms.validators import normalise_org_number


@transaction.atomic
def client_get_or_create(*, firm: Firm, org_number: str, name: str) -> tuple[Client, bool]:
    """The firm's client with ``org_number``, created with ``name`` if it does not exist."""
    canonical = normalise_org_number(org_number)
    return Client.objects.get_or_create(
        firm=firm, org_number=canonical, defaults={"name": name or canonical}
    )


def default_firm() -> Firm:
    """The single firm of an embedded, single-firm installation (CLI imports without a firm)."""
    firm = Firm.objects.order_by("pk").first()
    if firm is None:
        firm = Firm.objects.create(name="Min byrå")
    return firm
