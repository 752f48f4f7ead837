"""Helpers shared by the ledger's management commands."""

from __future__ import annotations

from django.core.management.base import CommandError

from bokslut.firms.models import Client
from bokslut.firms.validators import normalise_org_number
from bokslut.ledger.models import FinancialYear
from bokslut.ledger.selectors import year_get


def client_from_option(org_number: str) -> Client:
    """The client named by ``--client``, or a :class:`CommandError` in Swedish.

    The command line is the embedded, single-firm installation's tool: with several firms
    holding the number, the oldest firm's client is taken.
    """
    try:
        canonical = normalise_org_number(org_number)
    except ValueError as exc:
        raise CommandError(str(exc)) from exc
    client = Client.objects.filter(org_number=canonical).order_by("firm_id").first()
    if client is None:
        raise CommandError(f"Ingen klient med organisationsnummer {canonical}.")
    return client


def year_from_option(client: Client, year: int) -> FinancialYear:
    """The client's financial year named by ``--year``, or a :class:`CommandError`."""
    try:
        return year_get(client=client, year=year)
    except FinancialYear.DoesNotExist as exc:
        known = ", ".join(
            f"{y.start:%Y-%m-%d}–{y.end:%Y-%m-%d}"
            for y in FinancialYear.objects.filter(client=client).order_by("start")
        )
        raise CommandError(
            f"{client.name} har inget räkenskapsår {year} (finns: {known or 'inga'})."
        ) from exc
