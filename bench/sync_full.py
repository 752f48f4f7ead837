"""Sync benchmark: our planner against a naive baseline, over real HTTP to the sandbox.

Run ``python -m bench.sync_full`` (``--quick``: 1k vouchers only, few clients); it prints
one JSON document. The sandbox runs with Fortnox's real rate limit (25 requests per 5 s
per tenant) and 50 ms added latency per request. Measured in one run:

* ``full``: a full sync of one financial year of 1k, 10k and 100k vouchers by
  :func:`bokslut.sync.services.sync_run` (requests, wall time);
* ``naive``: the baseline a first integration would write (list vouchers, one GET per
  voucher, one GET per account for its closing balance), implemented only here. Under the
  rate limit it needs about n/5 seconds, hours at 100k, so it is *measured* at 1k and its
  request count is *extrapolated exactly* for larger sizes from the same formula it
  follows (1 + pages of 500 + n + account pages + accounts);
* ``no_change``: a second sync with nothing new;
* ``clients``: no-change syncs of many clients at once (default 200) on a thread pool,
  each its own tenant (total time, peak RSS of the process).

Targets (reported, not enforced): a full year ≤ 12 requests whatever its size; a
no-change sync ≤ 5; 200 clients' no-change syncs in under 2 minutes.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

LATENCY_MS = (50.0, 50.0)


def _peak_rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _connect(running: Any, tenant: int) -> Any:
    """A consented API client for ``tenant`` with Fortnox's real rate limit."""
    import re

    import httpx

    from bokslut.fortnox import (
        DEFAULT_SCOPES,
        FortnoxClient,
        FortnoxOAuth,
        InMemoryRateLimiter,
        InMemoryTokenStore,
        RateLimit,
        RetryPolicy,
    )
    from bokslut.sandbox import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET

    scopes = (*DEFAULT_SCOPES, "assets")
    oauth = FortnoxOAuth(
        DEFAULT_CLIENT_ID,
        DEFAULT_CLIENT_SECRET,
        redirect_uri="https://bokslut.example/callback",
        oauth_url=running.oauth_url,
    )
    url, _ = oauth.authorization_url(scopes=scopes)
    page = httpx.get(url)
    found = re.search(r'name="consent" value="([^"]+)"', page.text)
    assert found is not None
    answer = httpx.post(
        running.oauth_url.rstrip("/") + "/auth",
        data={
            "consent": found.group(1),
            "tenant": str(tenant),
            "decision": "approve",
            "scope_item": list(scopes),
        },
    )
    code = httpx.URL(answer.headers["location"]).params["code"]
    return FortnoxClient(
        token_store=InMemoryTokenStore(oauth.exchange_code(code)),
        oauth=oauth,
        api_url=running.api_url,
        tenant=str(tenant),
        rate_limiter=InMemoryRateLimiter([RateLimit(25, 5.0)]),
        retry=RetryPolicy(attempts=8),
        timeout=120.0,
    )


def _client_for(company: Any, n: int) -> Any:
    from bokslut.firms.models import Client, Firm
    from bokslut.firms.validators import normalise_org_number

    firm = Firm.objects.create(name=f"Byrå {n}")
    return Client.objects.create(
        firm=firm, name=company.name, org_number=normalise_org_number(company.organization_number)
    )


def _naive(fortnox: Any, year_id: int) -> dict[str, Any]:
    """The baseline: every voucher and every account's closing balance one by one."""
    started = time.perf_counter()
    fortnox.stats.reset()
    fortnox.financial_years()
    heads = list(fortnox.vouchers(financial_year=year_id))
    for head in heads:
        fortnox.voucher(head.series, head.number, financial_year=year_id)
    accounts = list(fortnox.accounts(financial_year=year_id))
    for account in accounts:
        fortnox.account(account.number, financial_year=year_id)
    return {
        "vouchers": len(heads),
        "accounts": len(accounts),
        "requests": fortnox.stats.total().requests,
        "seconds": round(time.perf_counter() - started, 2),
    }


def naive_requests(vouchers: int, accounts: int) -> int:
    """Requests the naive baseline needs (pages of 500): exact for any size."""
    return (
        1
        + max(1, math.ceil(vouchers / 500))
        + vouchers
        + max(1, math.ceil(accounts / 500))
        + accounts
    )


def _full_and_no_change(size: int, *, naive: bool) -> dict[str, Any]:
    from bokslut.sandbox import FaultConfig, large_company, run_in_thread
    from bokslut.sync.options import SyncOptions
    from bokslut.sync.services import sync_run

    company = large_company(5000 + size // 1000, vouchers_per_year=size, years=1)
    running = run_in_thread([company], faults=FaultConfig(latency_ms=LATENCY_MS))
    try:
        fortnox = _connect(running, company.database_number)
        client = _client_for(company, size)
        options = SyncOptions(years=1)
        started = time.perf_counter()
        full = sync_run(client=client, fortnox=fortnox, options=options, trigger="cli")
        full_seconds = time.perf_counter() - started
        started = time.perf_counter()
        again = sync_run(client=client, fortnox=fortnox, options=options, trigger="cli")
        again_seconds = time.perf_counter() - started
        result: dict[str, Any] = {
            "vouchers": size,
            "full": {
                "status": full.status,
                "requests": full.request_total,
                "bytes": full.bytes_total,
                "seconds": round(full_seconds, 2),
                "by_endpoint": {k: v["requests"] for k, v in full.requests.items()},
            },
            "no_change": {
                "status": again.status,
                "requests": again.request_total,
                "seconds": round(again_seconds, 2),
                "changed_anything": again.changed_anything,
            },
        }
        year_id = fortnox.financial_years()[-1].id
        accounts = len(list(fortnox.accounts(financial_year=year_id)))
        if naive:
            result["naive"] = {"measured": True, **_naive(fortnox, year_id)}
        else:
            result["naive"] = {
                "measured": False,
                "requests": naive_requests(size, accounts),
                "seconds_at_5_per_second": round(naive_requests(size, accounts) / 5, 1),
            }
        fortnox.close()
        return result
    finally:
        running.stop()


def _many_clients(count: int, workers: int) -> dict[str, Any]:
    from bokslut.sandbox import FaultConfig, demo_company, run_in_thread
    from bokslut.sync.options import SyncOptions
    from bokslut.sync.services import sync_run

    companies = [demo_company(20_000 + n, vouchers_per_year=20, seed=n + 1) for n in range(count)]
    running = run_in_thread(companies, faults=FaultConfig(latency_ms=LATENCY_MS))
    options = SyncOptions(years=1)
    try:
        pairs = [(_client_for(c, 100_000 + n), _connect(running, c.database_number))
                 for n, c in enumerate(companies)]  # fmt: skip
        for client, fortnox in pairs:
            sync_run(client=client, fortnox=fortnox, options=options)

        def one(pair: tuple[Any, Any]) -> tuple[str, int]:
            from django.db import connection

            try:
                run = sync_run(client=pair[0], fortnox=pair[1], options=options)
                return run.status, run.request_total
            finally:
                connection.close()

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=workers) as pool:
            outcomes = list(pool.map(one, pairs))
        seconds = time.perf_counter() - started
        return {
            "clients": count,
            "workers": workers,
            "seconds": round(seconds, 2),
            "done": sum(1 for status, _ in outcomes if status == "done"),
            "requests": sum(n for _, n in outcomes),
            "peak_rss_mib": round(_peak_rss_mib(), 1),
        }
    finally:
        running.stop()


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its JSON report."""
    parser = argparse.ArgumentParser(prog="python -m bench sync", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="1k vouchers, 20 clients")
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--workers", type=int, default=16)
    args = parser.parse_args(argv)
    sizes = [1000] if args.quick else [int(s) for s in args.sizes.split(",")]
    clients = 20 if args.quick else args.clients

    from bokslut.ledger.benchsupport import configure_django

    with tempfile.TemporaryDirectory(prefix="bokslut-bench-sync-") as folder:
        configure_django(database_url=f"sqlite:///{folder}/bench.sqlite3", data_dir=Path(folder))
        report: dict[str, Any] = {"latency_ms": LATENCY_MS[0], "rate_limit": "25/5s"}
        report["years"] = []
        for size in sizes:
            print(f"full sync, {size} vouchers …", file=sys.stderr)
            report["years"].append(_full_and_no_change(size, naive=size <= 1000))
        print(f"{clients} clients …", file=sys.stderr)
        report["clients"] = _many_clients(clients, args.workers)
    report["targets"] = {
        "full_year_max_requests": 12,
        "no_change_max_requests": 5,
        "clients_200_max_seconds": 120,
        "met_full": all(y["full"]["requests"] <= 12 for y in report["years"]),
        "met_no_change": all(y["no_change"]["requests"] <= 5 for y in report["years"]),
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
