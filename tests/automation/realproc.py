"""The real-engine process tests' helper CLI: connect a client, dump its ledger, list its runs.

``python -m automation.realproc COMMAND …`` runs beside the ``bokslut worker`` processes
with the same environment, so it reads and writes their private database. Every answer is
one line of JSON on stdout.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import django


def main(argv: list[str]) -> int:
    """Run one command; 0 on success, 2 on an unknown command."""
    django.setup()
    command, args = argv[0], argv[1:]
    handler = _COMMANDS.get(command)
    if handler is None:
        print(f"unknown command {command}", file=sys.stderr)
        return 2
    print(json.dumps(handler(*args)))
    return 0


def connect(tenant: str, org_number: str, name: str) -> dict[str, Any]:
    """A firm and a client connected to the sandbox's ``tenant`` with a service account."""
    from bokslut.firms.models import Client, Firm
    from bokslut.firms.validators import normalise_org_number
    from bokslut.integrations.connections import connection_service_account

    firm = Firm.objects.create(name="Krockbyrån AB")
    client = Client.objects.create(
        firm=firm, name=name, org_number=normalise_org_number(org_number)
    )
    connection = connection_service_account(client=client, tenant_id=tenant, user=None)
    return {"client_id": client.pk, "status": str(connection.status)}


def ledger(client_id: str) -> dict[str, Any]:
    """The client's ledger in canonical JSON, and how many voucher rows share an identity."""
    from django.db.models import Count
    from ledger_compare import ledger_of, registers_of

    from automation.canonical import canonical
    from bokslut.firms.models import Client
    from bokslut.ledger import models as m

    client = Client.objects.get(pk=int(client_id))
    vouchers = m.Voucher.objects.filter(year__client=client)
    repeated = (
        vouchers.values("year__start", "series", "number")
        .annotate(copies=Count("id"))
        .filter(copies__gt=1)
    )
    return {
        "ledger": canonical(ledger_of(client)),
        "registers": canonical(registers_of(client)),
        "vouchers": vouchers.count(),
        "rows": m.VoucherRow.objects.filter(year__client=client).count(),
        "duplicates": [canonical(dict(row)) for row in repeated],
    }


def vouchers(client_id: str) -> int:
    """How many vouchers the client has."""
    from bokslut.ledger import models as m

    return m.Voucher.objects.filter(year__client_id=int(client_id)).count()


def runs(client_id: str) -> list[dict[str, Any]]:
    """The client's sync runs, oldest first."""
    from bokslut.sync.models import SyncRun

    return [
        {
            "id": run.pk,
            "status": run.status,
            "error": run.error,
            "finished": run.finished_at is not None,
            "paths": run.paths,
            "progress": run.progress,
            "counts": run.counts,
        }
        for run in SyncRun.objects.filter(client_id=int(client_id)).order_by("pk")
    ]


_COMMANDS: dict[str, Any] = {
    "connect": connect,
    "ledger": ledger,
    "runs": runs,
    "vouchers": vouchers,
}


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
