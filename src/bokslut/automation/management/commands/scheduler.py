"""``bokslut scheduler``: enqueue scheduled syncs when they fall due (safe to run several).

Every round also marks failed the queued tasks whose worker died under them
(:func:`bokslut.automation.workers.tasks_reap`), so they are closed even while no worker
starts.
"""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from bokslut.automation.leases import new_holder_name
from bokslut.automation.scheduler import enqueue_due
from bokslut.automation.workers import tasks_reap


class Command(BaseCommand):
    help = "Lägg schemalagda synkningar i kön när de ska köras (nattligen, varje timme)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--once", action="store_true", help="ett varv, sedan avsluta")
        parser.add_argument(
            "--interval", type=float, default=30.0, help="sekunder mellan varven (standard 30)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        scheduler_id = f"scheduler:{new_holder_name()}"
        while True:
            tasks_reap()
            slots = enqueue_due(scheduler_id=scheduler_id)
            if slots or options["verbosity"] >= 2:
                self.stdout.write(f"{len(slots)} synkningar lagda i kön")
            if options["once"]:
                return
            # A loop that runs for days must not keep a connection the database dropped;
            # not before the first round, so a caller's connection (and transaction) stays.
            close_old_connections()
            time.sleep(options["interval"])
