"""``bokslut demo``: create the database, import the demo company, show its saldobalans."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from bokslut.demo import load_demo
from bokslut.firms.models import Client
from bokslut.ledger.reports import render_import_summary, render_trial_balance
from bokslut.ledger.selectors import trial_balance, year_list


class Command(BaseCommand):
    help = "Sätt upp databasen, importera demoföretaget och visa dess saldobalans."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-migrate", action="store_true", help="hoppa över migrate (databasen finns)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        summary = load_demo()
        self.stdout.write(render_import_summary(summary))
        client = Client.objects.get(pk=summary.client_id)
        year = year_list(client=client).last()
        if year is None:
            return
        self.stdout.write("")
        title = f"Saldobalans {client.name} ({client.org_number}) {year.start}–{year.end}"
        self.stdout.write(
            render_trial_balance(trial_balance(client=client, year=year), title=title)
        )
