"""``bokslut import-sie FILE [FILE …] [--client ORGNR] [--strict]``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn

from bokslut.ledger.importer import SieImportError, import_sie_file
from bokslut.ledger.reports import render_import_summary


class RichProgress:
    """An :class:`~bokslut.ledger.importer.ImportProgress` drawn as a rich progress bar."""

    def __init__(self, progress: Progress, name: str) -> None:
        self._progress = progress
        self._name = name
        self._task: TaskID | None = None

    def start(self, phase: str, total: int | None) -> None:
        if self._task is not None:
            self._progress.update(self._task, completed=self._progress.tasks[-1].total)
        self._task = self._progress.add_task(f"{self._name}: {phase}", total=total)

    def advance(self, steps: int) -> None:
        if self._task is not None:
            self._progress.advance(self._task, steps)


class Command(BaseCommand):
    help = "Importera SIE-filer (1, 2, 3, 4E, 4I); varje räkenskapsår i en egen transaktion."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
        parser.add_argument(
            "--client", help="klientens organisationsnummer (måste stämma med filens #ORGNR)"
        )
        parser.add_argument(
            "--strict", action="store_true", help="vägra filer som har varningar också"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(highlight=False)
        failed = 0
        for path in options["files"]:
            if not path.is_file():
                self.stderr.write(f"{path}: filen finns inte")
                failed += 1
                continue
            columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
            # Outside a terminal (pipes, tests, logs) a live bar is only noise.
            live = console.is_terminal
            with Progress(*columns, console=console, transient=True, disable=not live) as bar:
                try:
                    summary = import_sie_file(
                        path,
                        client=options["client"],
                        strict=options["strict"],
                        progress=RichProgress(bar, path.name) if live else None,
                    )
                except SieImportError as exc:
                    failed += 1
                    bar.stop()
                    self.stderr.write(
                        f"{path.name} kunde inte importeras; inget sparades. Problem:"
                    )
                    for issue in exc.issues:
                        self.stderr.write(f"  {issue}")
                    continue
            self.stdout.write(render_import_summary(summary))
        if failed:
            raise CommandError(f"{failed} av {len(options['files'])} filer importerades inte.")
