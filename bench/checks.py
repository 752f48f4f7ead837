"""``python -m bench.checks``: every avstämning check over a year of 1M transactions.

Generates a company whose current year writes ``--rows`` #TRANS lines (default 1 000 000,
seed 2024; one year, as a SIE export holds), imports it into a fresh SQLite
(or PostgreSQL) database with the ledger importer, then times :func:`checks_run` with the
Fortnox sample off (budget 0: that check costs requests, not database time) and the
reconciliation grid. Prints one JSON document; the target is checks under 5 s.
Runs the measurement in a child process so Django's settings point at the fresh database.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TARGET_SECONDS = 5.0


def _measure(path: Path, backend: str) -> dict[str, Any]:
    from bokslut.ledger.benchsupport import configure_django, fresh_database_url

    with (
        tempfile.TemporaryDirectory(prefix="bokslut-bench-checks-") as tmp,
        fresh_database_url(backend, work_dir=Path(tmp)) as url,  # type: ignore[arg-type]
    ):
        configure_django(database_url=url, data_dir=Path(tmp))
        from django.db import connections

        from bokslut.avstamning.checks import checks_run
        from bokslut.avstamning.selectors import reconciliation_grid
        from bokslut.firms.models import Client
        from bokslut.ledger.importer import import_sie_file
        from bokslut.ledger.models import FinancialYear, VoucherRow

        started = time.perf_counter()
        summary = import_sie_file(path)
        imported = time.perf_counter() - started
        client = Client.objects.get(pk=summary.client_id)
        year = FinancialYear.objects.filter(client=client).order_by("-start").first()
        assert year is not None
        rows = VoucherRow.objects.filter(year=year).count()
        timings = []
        statuses: dict[str, str] = {}
        for _ in range(2):  # first run cold, second warm
            began = time.perf_counter()
            run = checks_run(client=client, year=year, fortnox_budget=0)
            timings.append(round(time.perf_counter() - began, 3))
            statuses = {r.code: r.status for r in run.results.all()}
        began = time.perf_counter()
        grid = reconciliation_grid(client=client, year=year)
        grid_seconds = round(time.perf_counter() - began, 3)
        connections.close_all()
        return {
            "benchmark": "checks",
            "db": backend,
            "rows": rows,
            "import_seconds": round(imported, 1),
            "checks_seconds_cold": timings[0],
            "checks_seconds_warm": timings[1],
            "target_seconds": TARGET_SECONDS,
            "within_target": max(timings) < TARGET_SECONDS,
            "grid_seconds": grid_seconds,
            "grid_accounts": len(grid.rows),
            "statuses": statuses,
        }


def main(argv: list[str]) -> int:
    """Generate the file, measure in a child process, print the JSON report."""
    parser = argparse.ArgumentParser(prog="python -m bench.checks", description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(_measure(args.measure, args.db)))
        return 0
    from bokslut.sie.generator import write_generated_sie

    with tempfile.TemporaryDirectory(prefix="bokslut-bench-sie-") as tmp:
        path = Path(tmp) / "checks.se"
        print(f"generating {args.rows} rows …", file=sys.stderr)
        write_generated_sie(path, seed=2024, transactions=args.rows, orgnr="5560160680")
        completed = subprocess.run(
            [sys.executable, "-m", "bench.checks", "--measure", str(path), "--db", args.db],
            capture_output=True,
            text=True,
            check=False,
        )
    if completed.returncode != 0:
        print(completed.stderr, file=sys.stderr)
        return 1
    print(completed.stdout.strip().splitlines()[-1])
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
