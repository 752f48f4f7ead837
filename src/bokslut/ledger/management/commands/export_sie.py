"""``bokslut export-sie --client ORGNR --year YYYY [--type 4E] [-o FILE]``."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bokslut.ledger.exporter import export_sie
from bokslut.ledger.management.commands._common import client_from_option, year_from_option


class Command(BaseCommand):
    help = "Exportera ett räkenskapsår som SIE-fil (4E, 4I, 1, 2 eller 3)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--client", required=True, help="klientens organisationsnummer")
        parser.add_argument("--year", required=True, type=int, help="räkenskapsåret (YYYY)")
        parser.add_argument(
            "--type", dest="sie_type", default="4E", choices=["4E", "4I", "1", "2", "3"]
        )
        parser.add_argument("-o", "--output", help="filen att skriva (standard: stdout)")
        parser.add_argument("--checksum", action="store_true", help="skriv #KSUMMA")

    def handle(self, *args: Any, **options: Any) -> None:
        client = client_from_option(options["client"])
        year = year_from_option(client, options["year"])
        output = options["output"]
        target = output if output else sys.stdout.buffer
        issues = export_sie(
            client=client,
            year=year,
            sie_type=options["sie_type"],
            target=target,
            checksum=options["checksum"],
        )
        for issue in issues:
            self.stderr.write(f"Varning: {issue}")
        if output:
            self.stdout.write(f"Skrev SIE {options['sie_type']} för {year} till {output}")
