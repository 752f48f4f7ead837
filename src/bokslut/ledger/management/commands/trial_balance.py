"""``bokslut trial-balance --client ORGNR --year YYYY``: print the saldobalans."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bokslut.ledger.management.commands._common import client_from_option, year_from_option
from bokslut.ledger.reports import render_trial_balance
from bokslut.ledger.selectors import trial_balance


class Command(BaseCommand):
    help = "Visa saldobalansen (IB, periodens förändring, UB per konto) för ett räkenskapsår."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--client", required=True, help="klientens organisationsnummer")
        parser.add_argument("--year", required=True, type=int, help="räkenskapsåret (YYYY)")

    def handle(self, *args: Any, **options: Any) -> None:
        client = client_from_option(options["client"])
        year = year_from_option(client, options["year"])
        rows = trial_balance(client=client, year=year)
        title = f"Saldobalans {client.name} ({client.org_number}) {year.start}–{year.end}"
        self.stdout.write(render_trial_balance(rows, title=title))
