"""``bokslut serve``: the web app alone, for production, on the Waitress WSGI server."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    """Collect static files (served by WhiteNoise), check migrations, then serve over WSGI."""

    help = "kör webbappen med en produktionsserver (Waitress); statiska filer via WhiteNoise"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="adress att lyssna på")
        parser.add_argument("--port", type=int, default=8000, help="port att lyssna på")
        parser.add_argument(
            "--threads", type=int, default=8, help="antal trådar som hanterar anrop"
        )
        parser.add_argument(
            "--no-collectstatic",
            action="store_true",
            help="hoppa över collectstatic (de statiska filerna samlades vid driftsättningen)",
        )
        parser.add_argument(
            "--migrate",
            action="store_true",
            help="uppdatera databasen (migrate) innan servern startar",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from waitress import serve

        if options["migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        # Refuse to serve a database the code does not match: pages would fail at random.
        try:
            call_command("migrate", check=True, verbosity=0)
        except SystemExit as exc:
            raise CommandError(
                "databasen behöver migreras: kör `bokslut migrate` eller `bokslut serve --migrate`"
            ) from exc
        if not options["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        # Only now: WhiteNoise indexes STATIC_ROOT when the application is created.
        from bokslut.wsgi import application

        host, port = options["host"], options["port"]
        self.stdout.write(f"bokslut på http://{host}:{port}/ (Ctrl+C avslutar)")
        serve(application, host=host, port=port, threads=options["threads"], ident="bokslut")
