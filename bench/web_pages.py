"""Web page latency on a large ledger: p50/p95 per page, as JSON.

``python -m bench.web_pages [--rows 1000000] [--repeat 30] [--data-dir DIR] [--db-url URL]``

Generates a company with ``--rows`` #TRANS lines (bokslut.sie.generator), imports it with
the ledger importer into a fresh database (SQLite in ``--data-dir`` unless ``--db-url``),
then requests each page ``--repeat`` times through Django's test Client as a signed-in
administrator: the whole stack (middleware, sessions, templates) without a socket.
``--data-dir`` is reused when it already holds the imported company, so repeated runs skip
the import. The saldobalans is reported twice: its first (cold) request, which sums every
row, and the cached requests after it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TARGET_P95_MS = 300.0


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
    return ordered[index]


def _setup(args: argparse.Namespace, data_dir: Path) -> dict[str, Any]:
    os.environ["BOKSLUT_ALLOWED_HOSTS"] = "testserver,localhost,127.0.0.1"
    from bokslut.ledger.benchsupport import configure_django

    url = args.db_url or f"sqlite:///{data_dir / 'web_pages.sqlite3'}"
    configure_django(database_url=url, data_dir=data_dir)
    from django.contrib.auth.models import User

    from bokslut.firms.models import Client, Firm, Membership
    from bokslut.ledger.importer import import_sie_file
    from bokslut.ledger.models import FinancialYear, VoucherRow
    from bokslut.sie.generator import write_generated_sie

    info: dict[str, Any] = {"database": url.split(":", 1)[0], "rows": args.rows}
    firm = Firm.objects.filter(name="Bänkbyrån").first()
    if firm is None:
        firm = Firm.objects.create(name="Bänkbyrån")
    client = Client.objects.filter(firm=firm).first()
    if client is None:
        path = data_dir / f"web_pages_{args.rows}.se"
        started = time.perf_counter()
        write_generated_sie(path, seed=2024, transactions=args.rows)
        info["generate_seconds"] = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        summary = import_sie_file(path, firm=firm)
        info["import_seconds"] = round(time.perf_counter() - started, 1)
        client = Client.objects.get(pk=summary.client_id)
    user = User.objects.filter(username="bench").first()
    if user is None:
        user = User.objects.create_user(username="bench", password=None)
        Membership.objects.create(user=user, firm=firm, role=Membership.Role.ADMIN)
    year = FinancialYear.objects.filter(client=client).order_by("-start").first()
    assert year is not None
    info["voucher_rows"] = VoucherRow.objects.filter(year=year).count()
    info["rows_on_1930"] = VoucherRow.objects.filter(year=year, account="1930").count()
    middle = (
        VoucherRow.objects.filter(year=year, account="1930")
        .order_by("booking_date", "id")
        .values_list("booking_date", "id")[info["rows_on_1930"] // 2]
    )
    voucher_id = VoucherRow.objects.filter(year=year, kind="removed").values_list(
        "voucher_id", flat=True
    )[0]
    return {
        "info": info,
        "user": user,
        "client": client,
        "year": year,
        "middle": middle,
        "voucher_id": voucher_id,
    }


def _pages(ctx: dict[str, Any]) -> dict[str, str]:
    from django.urls import reverse

    from bokslut.web.paging import LedgerCursor

    client, year = ctx["client"].pk, ctx["year"].pk
    deep = LedgerCursor(*ctx["middle"]).encode()
    ledger = reverse("web:ledger", args=[client])
    vouchers = reverse("web:voucher_list", args=[client])
    return {
        "klienter": reverse("web:client_list"),
        "saldobalans": f"{reverse('web:trial_balance', args=[client])}?ar={year}",
        "huvudbok_1930": f"{ledger}?ar={year}&konto=1930",
        "huvudbok_1930_mitten": f"{ledger}?ar={year}&konto=1930&efter={deep}",
        "verifikationer": f"{vouchers}?ar={year}",
        "verifikationer_konto_6991": f"{vouchers}?ar={year}&konto=6991",
        "verifikationer_text": f"{vouchers}?ar={year}&text=hyra",
        "verifikationer_datum": f"{vouchers}?ar={year}&fran=2024-06-01&till=2024-06-30",
        "verifikation": reverse("web:voucher_detail", args=[client, ctx["voucher_id"]]),
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Set up (or reuse) the ledger and time every page."""
    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="bokslut-web-bench-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    ctx = _setup(args, data_dir)
    from django.core.cache import cache
    from django.test import Client as HttpClient

    http = HttpClient()
    http.force_login(ctx["user"], backend="django.contrib.auth.backends.ModelBackend")
    cache.clear()
    results: dict[str, Any] = {}
    for name, url in _pages(ctx).items():
        timings: list[float] = []
        for _ in range(args.repeat + 1):
            started = time.perf_counter()
            response = http.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"{name}: HTTP {response.status_code}")
        first, rest = timings[0], timings[1:]
        results[name] = {
            "first_ms": round(first, 1),
            "p50_ms": round(statistics.median(rest), 1),
            "p95_ms": round(_percentile(rest, 0.95), 1),
            "max_ms": round(max(rest), 1),
            "bytes": len(response.content),
        }
    worst = max(r["p95_ms"] for r in results.values())
    return {
        "benchmark": "web_pages",
        **ctx["info"],
        "repeat": args.repeat,
        "target_p95_ms": TARGET_P95_MS,
        "worst_p95_ms": worst,
        "meets_target": worst < TARGET_P95_MS,
        "pages": results,
    }


def main(argv: list[str]) -> int:
    """Parse arguments, run, print the JSON report."""
    parser = argparse.ArgumentParser(prog="python -m bench.web_pages", description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000, help="#TRANS lines to generate")
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per page")
    parser.add_argument("--data-dir", help="keep (and reuse) the database and file here")
    parser.add_argument("--db-url", help="database URL instead of SQLite in the data dir")
    args = parser.parse_args(argv)
    print(json.dumps(run(args), indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
