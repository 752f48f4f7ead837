"""Benchmark support: time SIE imports on a fresh SQLite or PostgreSQL database.

Django's settings are fixed once per process, so each measurement runs in a child process
(``python -m bokslut.ledger.benchsupport FILE --db sqlite|postgres``) that configures
Django, migrates a brand-new database, imports the file twice (first import, then the
re-import that must change nothing) and prints one JSON object. The benchmark harness calls
:func:`run_import_benchmark`, which does exactly that and returns the parsed result::

    {"db": "sqlite", "file": "...", "rows": 1000000, "vouchers": 180000,
     "import_seconds": 12.3, "import_cpu_seconds": 11.9, "reimport_seconds": 4.5,
     "reimport_changed": false, "saldobalans_seconds": 0.01, "movements_agree": true}

PostgreSQL databases are created as ``bokslut_bench_<pid>`` next to the one in
``BOKSLUT_BENCH_POSTGRES_URL`` (default ``postgres://postgres@127.0.0.1:5432/postgres``)
and dropped afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

__all__ = ["configure_django", "fresh_database_url", "run_import_benchmark"]

Backend = Literal["sqlite", "postgresql"]
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def configure_django(*, database_url: str, data_dir: Path) -> None:
    """Point Django at ``database_url``, set it up, and migrate (call before any model import)."""
    os.environ["BOKSLUT_DATA_DIR"] = str(data_dir)
    os.environ["BOKSLUT_DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bokslut.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)


@contextmanager
def fresh_database_url(backend: Backend, *, work_dir: Path) -> Iterator[str]:
    """A URL of a new, empty database of ``backend``, removed when the block ends."""
    if backend == "sqlite":
        yield f"sqlite:///{work_dir / 'bench.sqlite3'}"
        return
    import psycopg

    admin_url = os.environ.get("BOKSLUT_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    name = f"bokslut_bench_{os.getpid()}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_import_benchmark(path: Path, *, backend: Backend, timeout: float = 600) -> dict[str, Any]:
    """Time the import of ``path`` into a fresh ``backend`` database, in a child process."""
    completed = subprocess.run(  # noqa: S603 -- our own module, fixed arguments
        [sys.executable, "-m", "bokslut.ledger.benchsupport", str(path), "--db", backend],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"import benchmark failed:\n{completed.stderr}")
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def _measure(path: Path, backend: Backend) -> dict[str, Any]:
    with (
        tempfile.TemporaryDirectory(prefix="bokslut-bench-") as tmp,
        fresh_database_url(backend, work_dir=Path(tmp)) as url,
    ):
        configure_django(database_url=url, data_dir=Path(tmp))
        from django.db import connections

        from bokslut.ledger.importer import import_sie_file

        started = time.perf_counter()
        cpu_started = time.process_time()
        first = import_sie_file(path)
        imported = time.perf_counter()
        cpu_imported = time.process_time()
        second = import_sie_file(path)
        finished = time.perf_counter()
        saldobalans_seconds, movements_agree = _check_trial_balance(first.client_id)
        connections.close_all()
        return {
            "db": backend,
            "file": str(path),
            "rows": first.rows_written,
            "vouchers": first.counts["vouchers"].new,
            "import_seconds": round(imported - started, 3),
            # CPU time of this process: the wall time's share that load on a shared
            # machine cannot inflate (PostgreSQL's own work is in the server, not here).
            "import_cpu_seconds": round(cpu_imported - cpu_started, 3),
            "reimport_seconds": round(finished - imported, 3),
            "reimport_changed": second.changed_anything,
            # The first saldobalans after the import, and whether the movement totals the
            # importer kept equal a GROUP BY over every voucher row (checked untimed).
            "saldobalans_seconds": saldobalans_seconds,
            "movements_agree": movements_agree,
        }


def _check_trial_balance(client_id: int) -> tuple[float, bool]:
    from django.db.models import Sum

    from bokslut.firms.models import Client
    from bokslut.ledger.models import FinancialYear, VoucherRow
    from bokslut.ledger.selectors import trial_balance
    from bokslut.money import from_ore

    client = Client.objects.get(pk=client_id)
    seconds = 0.0
    agree = True
    for year in FinancialYear.objects.filter(client=client):
        started = time.perf_counter()
        rows = trial_balance(client=client, year=year)
        seconds += time.perf_counter() - started
        summed = (
            VoucherRow.objects.filter(year=year)
            .exclude(kind=VoucherRow.Kind.REMOVED)
            .values("account")
            .annotate(total=Sum("amount_ore"))
            .values_list("account", "total")
        )
        expected = {account: from_ore(total) for account, total in summed}
        listed = {r.account: r.movement for r in rows if r.account in expected or r.movement}
        agree = agree and listed == expected
    return round(seconds, 3), agree


def main(argv: list[str] | None = None) -> int:
    """Child-process entry point: print the measurement as one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("file", type=Path)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "postgres"], default="sqlite")
    args = parser.parse_args(argv)
    backend: Backend = "sqlite" if args.db == "sqlite" else "postgresql"
    print(json.dumps(_measure(args.file.resolve(), backend)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
