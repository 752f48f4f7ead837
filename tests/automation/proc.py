"""A tiny CLI the process tests run beside the workers: seed, enqueue, inspect.

``python -m automation.proc COMMAND …`` with ``DJANGO_SETTINGS_MODULE`` and the database
given by the environment, so it talks to the same database as the worker processes.
"""

from __future__ import annotations

import json
import sys

import django


def main(argv: list[str]) -> int:
    django.setup()
    from django.db.models import Q
    from django.db.models.functions import Now

    from automation.conftest import org_number
    from bokslut.automation.models import SyncLease, WorkerHeartbeat
    from bokslut.automation.tasks import sync_client
    from bokslut.firms.models import Client, Firm

    command, args = argv[0], argv[1:]
    if command == "seed":
        firm = Firm.objects.create(name="Processbyrån")
        client = Client.objects.create(firm=firm, name="Kund AB", org_number=org_number(1))
        print(json.dumps({"client_id": client.pk}))
    elif command == "enqueue":
        client_id, count = int(args[0]), int(args[1])
        ids = [sync_client.enqueue(client_id, None, False, "manual", None).id for _ in range(count)]
        print(json.dumps(ids))
    elif command == "results":
        results = []
        for result_id in args:
            result = sync_client.get_result(result_id)
            value = result.return_value if result.status == "SUCCESSFUL" else None
            error = result.errors[-1] if result.errors else None
            results.append(
                {
                    "status": str(result.status),
                    "value": value,
                    "error_class": error.exception_class_path if error else None,
                    "traceback": error.traceback if error else None,
                    "finished": result.finished_at is not None,
                }
            )
        print(json.dumps(results))
    elif command == "lease":
        lease = SyncLease.objects.filter(client_id=int(args[0]))
        row = lease.values("holder", "generation").first()
        expired = lease.filter(Q(expires_at__lt=Now())).exists()
        print(json.dumps({"lease": row, "expired": expired}))
    elif command == "heartbeats":
        rows = WorkerHeartbeat.objects.order_by("worker_id")
        expired = set(rows.filter(expires_at__lte=Now()).values_list("worker_id", flat=True))
        print(json.dumps({row.worker_id: row.worker_id in expired for row in rows}))
    else:
        print(f"unknown command {command}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
