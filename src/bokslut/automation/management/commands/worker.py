"""``bokslut worker``: run background tasks with whichever backend the settings chose.

On the database queue the worker keeps a heartbeat while it runs, so the tasks of a worker
that dies are marked failed rather than left running (:mod:`bokslut.automation.workers`).
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends

from bokslut.automation.workers import WORKER_ID_MAX_LENGTH, worker_alive, worker_id_new

#: RQ must build jobs with django-tasks-rq's Job class, which knows how to call a Task.
RQ_JOB_CLASS = "django_tasks_rq.backend.Job"


class Command(BaseCommand):
    help = "Kör bakgrundsjobb (synkningar) med databaskön eller RQ på Redis enligt inställningarna."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--queue", default="default", help="kön att arbeta med")
        parser.add_argument(
            "--burst", action="store_true", help="kör det som väntar i kön och avsluta sedan"
        )
        parser.add_argument("--max-tasks", type=int, default=None, help="avsluta efter N jobb")
        parser.add_argument(
            "--interval", type=float, default=1.0, help="sekunder mellan tittar i databaskön"
        )
        parser.add_argument("--worker-id", default=None, help="arbetarens namn (unikt)")

    def handle(self, *args: Any, **options: Any) -> None:
        backend = type(task_backends[DEFAULT_TASK_BACKEND_ALIAS]).__name__
        if backend == "DatabaseBackend":
            worker_id = options["worker_id"] or worker_id_new()
            if len(worker_id) > WORKER_ID_MAX_LENGTH:
                raise CommandError(
                    f"Arbetarens namn får vara högst {WORKER_ID_MAX_LENGTH} tecken långt."
                )
            db_options: dict[str, Any] = {
                "queue_name": options["queue"],
                "batch": options["burst"],
                "max_tasks": options["max_tasks"],
                "interval": options["interval"],
                "reload": False,
                "startup_delay": False,
                "verbosity": options["verbosity"],
                # Our id, not db_worker's random one: the heartbeat is kept under it.
                "worker_id": worker_id,
            }
            with worker_alive(worker_id):
                call_command("db_worker", **db_options)
        elif backend == "RQBackend":
            call_command(
                "rqworker",
                options["queue"],
                job_class=RQ_JOB_CLASS,
                burst=options["burst"],
                max_jobs=options["max_tasks"],
                name=options["worker_id"],
                verbosity=options["verbosity"],
            )
        else:
            raise CommandError(f"bokslut worker kan inte köra uppgiftsbackenden {backend}")
