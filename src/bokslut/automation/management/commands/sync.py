"""``bokslut sync --client ORGNR``: sync one client in the foreground, with live progress."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn
from rich.table import Table

from bokslut.automation.engine import SyncOutcome
from bokslut.automation.services import sync_exclusive
from bokslut.firms.models import Client
from bokslut.firms.validators import normalise_org_number

PATH_LABELS = {
    "sie": "SIE 4",
    "json": "JSON (reserv)",
    "delta": "bara nytt",
    "unchanged": "oförändrat",
}


class Command(BaseCommand):
    help = "Synkronisera en klient från Fortnox nu, med förlopp per område."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--client", required=True, help="klientens organisationsnummer")
        parser.add_argument("--firm", type=int, default=None, help="byråns id (vid dubbletter)")
        parser.add_argument(
            "--full", action="store_true", help="läs om allt och rapportera skillnader"
        )
        parser.add_argument(
            "--areas", default=None, help="kommaseparerade områden, t.ex. vouchers,balances"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        client = _client(options["client"], options["firm"])
        areas = _areas(options["areas"])
        # OutputWrapper forwards write/flush to the real stream, which is all rich needs.
        console = Console(file=cast(IO[str], self.stdout), width=100)
        labels = _area_labels()
        with Progress(
            TextColumn("{task.description:<32}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=console,
            transient=False,
        ) as bars:
            tasks: dict[str, TaskID] = {}

            def progress(area: str, done: int, total: int) -> None:
                if area not in tasks:
                    tasks[area] = bars.add_task(labels.get(area, area), total=total or None)
                bars.update(tasks[area], completed=done, total=total or None)

            outcome = sync_exclusive(
                client=client, areas=areas, full=options["full"], trigger="cli", progress=progress
            )
        _print_summary(console, client, outcome)
        if outcome.status == "skipped":
            raise CommandError(outcome.error)
        if outcome.status == "failed":
            raise CommandError(f"Synkningen misslyckades: {outcome.error}")


def _client(org_number: str, firm_id: int | None) -> Client:
    try:
        canonical = normalise_org_number(org_number)
    except Exception as exc:
        raise CommandError(f"Ogiltigt organisationsnummer: {org_number}") from exc
    clients = Client.objects.select_related("firm").filter(org_number=canonical)
    if firm_id is not None:
        clients = clients.filter(firm_id=firm_id)
    found = list(clients[:2])
    if not found:
        raise CommandError(f"Ingen klient med organisationsnummer {canonical}.")
    if len(found) > 1:
        raise CommandError(f"Flera byråer har klienten {canonical}; ange --firm.")
    return found[0]


def _areas(text: str | None) -> list[str] | None:
    if not text:
        return None
    known = _area_labels()
    wanted = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [area for area in wanted if area not in known]
    if unknown:
        raise CommandError(
            f"Okända områden: {', '.join(unknown)}. Möjliga: {', '.join(sorted(known))}"
        )
    return wanted


def _area_labels() -> dict[str, str]:
    from bokslut.integrations.areas import Area

    return {str(area.value): str(area.label) for area in Area}


def _print_summary(console: Console, client: Client, outcome: SyncOutcome) -> None:
    status = {"done": "klar", "failed": "misslyckades", "skipped": "hoppades över"}
    console.print(f"Synkning av {client.name} ({client.org_number}): {status[outcome.status]}")
    from bokslut.sync.models import SyncRun

    run = SyncRun.objects.filter(pk=outcome.run_id).first() if outcome.run_id else None
    if outcome.error:
        console.print(outcome.error)
    for year, path in sorted(run.paths.items() if run else []):
        console.print(f"Räkenskapsår {year}: {PATH_LABELS.get(path, path)}")
    counts = run.counts if run else outcome.counts
    if counts:
        table = Table("Område", "Nya", "Ändrade", "Oförändrade", "Borttagna", box=None)
        labels = _area_labels()
        for area, numbers in counts.items():
            table.add_row(
                labels.get(area, area),
                *(str(numbers.get(key, 0)) for key in ("new", "changed", "unchanged", "removed")),
            )
        console.print(table)
    if run is None:
        return
    seconds = f"{run.seconds:.1f}".replace(".", ",") if run.seconds is not None else "–"
    received = f"{run.bytes_total:,}".replace(",", " ")  # Swedish digit grouping
    console.print(
        f"Anrop till Fortnox: {run.request_total}, hämtade byte: {received}, tid: {seconds} s"
    )
    for warning in run.warnings:
        console.print(f"Varning: {warning}")
