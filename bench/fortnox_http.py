"""Fortnox HTTP benchmark: what the sandbox serves, and what the client adds per request.

Run ``python -m bench fortnox-http`` (or ``python -m bench.fortnox_http``); it prints one JSON
document. The sandbox runs in its own process (``bokslut.selfcheck.SandboxProcess``), seeded
with the demo company, so server and client never share an interpreter lock.

* ``unlimited``: the sandbox's rate limit off. For a few endpoint kinds (a small object, a
  page of 100 accounts, a voucher with rows, a whole SIE 4 year) ``--requests`` requests go
  through raw ``httpx`` (bytes only), through ``httpx`` + Decimal JSON parsing, and through
  :class:`bokslut.fortnox.FortnoxClient` (rate limiter, token keeper, accounting, retries,
  typed models), once on one thread and once on ``--threads`` threads. Reported: requests/s,
  wall and client-CPU µs per request, and the client's overhead over raw httpx per request.
* ``fortnox_limit``: the sandbox at Fortnox's 25 requests per 5 s, the client with its default
  limits, for ``--rate-seconds``: the sustained pace and how many 429s the server sent.

Figures are reported, never enforced: the exit status does not depend on time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import threading
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx

from bokslut.fortnox import (
    FortnoxClient,
    FortnoxOAuth,
    InMemoryRateLimiter,
    InMemoryTokenStore,
    RateLimit,
    RetryPolicy,
    TokenSet,
)
from bokslut.sandbox import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from bokslut.selfcheck import (
    DEMO_DATABASE_NUMBER,
    REDIRECT_URI,
    SandboxProcess,
    authorize_headlessly,
)

TENANT = DEMO_DATABASE_NUMBER
KINDS = ("companyinformation", "accounts", "voucher", "sie4")
#: Each measurement runs this many times and the fastest run is kept: the machine is shared.
REPEAT = 3


def _tokens(sandbox: SandboxProcess) -> TokenSet:
    oauth = FortnoxOAuth(
        DEFAULT_CLIENT_ID,
        DEFAULT_CLIENT_SECRET,
        redirect_uri=REDIRECT_URI,
        oauth_url=sandbox.oauth_url,
    )
    try:
        return authorize_headlessly(oauth, TENANT)
    finally:
        oauth.close()


def _client(sandbox: SandboxProcess, tokens: TokenSet, *, limited: bool) -> FortnoxClient:
    return FortnoxClient(
        token_store=InMemoryTokenStore(tokens),
        tenant=str(TENANT),
        api_url=sandbox.api_url,
        rate_limiter=None if limited else InMemoryRateLimiter([RateLimit(10**9, 1.0)]),
        retry=RetryPolicy(attempts=8),
    )


def _raw_calls(http: httpx.Client, year: int, *, parse: bool) -> dict[str, Callable[[], object]]:
    def get(path: str, **params: Any) -> object:
        body = http.get(path, params=params).raise_for_status().content
        return json.loads(body, parse_float=Decimal) if parse else body

    return {
        "companyinformation": lambda: get("/3/companyinformation"),
        # The client asks for pages of 500; a year's chart is one page.
        "accounts": lambda: get("/3/accounts", financialyear=year, limit=500, page=1),
        "voucher": lambda: get("/3/vouchers/A/1", financialyear=year),
        "sie4": lambda: http.get("/3/sie/4", params={"financialyear": year}).content,
    }


def _client_calls(client: FortnoxClient, year: int) -> dict[str, Callable[[], object]]:
    return {
        "companyinformation": client.company_information,
        "accounts": lambda: list(client.accounts(financial_year=year)),
        "voucher": lambda: client.voucher("A", 1, financial_year=year),
        "sie4": lambda: b"".join(client.iter_sie(4, financial_year=year)),
    }


def _measure(calls: list[Callable[[], object]], per_thread: int) -> dict[str, float]:
    """The fastest of :data:`REPEAT` runs of :func:`_run_once`."""
    runs = [_run_once(calls, per_thread) for _ in range(REPEAT)]
    return max(runs, key=lambda run: run["requests_per_s"])


def _run_once(calls: list[Callable[[], object]], per_thread: int) -> dict[str, float]:
    """Run ``per_thread`` calls on each of ``len(calls)`` threads; wall and CPU per request."""
    barrier = threading.Barrier(len(calls) + 1)

    def work(call: Callable[[], object]) -> None:
        barrier.wait()
        for _ in range(per_thread):
            call()

    threads = [threading.Thread(target=work, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    cpu0 = time.process_time()
    barrier.wait()
    wall0 = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - wall0
    cpu = time.process_time() - cpu0
    total = per_thread * len(calls)
    return {
        "requests": total,
        "requests_per_s": round(total / wall, 1),
        "wall_us_per_request": round(wall / total * 1e6, 1),
        "client_cpu_us_per_request": round(cpu / total * 1e6, 1),
    }


def _unlimited(requests: int, threads: int) -> dict[str, Any]:
    results: dict[str, Any] = {}
    with SandboxProcess(demo=True, rate_limit=None) as sandbox:
        tokens = _tokens(sandbox)
        headers = {"Authorization": f"Bearer {tokens.access_token}"}
        pool = httpx.Limits(max_connections=threads, max_keepalive_connections=threads)
        with httpx.Client(base_url=sandbox.base_url, headers=headers, limits=pool) as http:
            year = http.get("/3/financialyears").json()["FinancialYears"][0]["Id"]
            clients = [_client(sandbox, tokens, limited=False) for _ in range(threads)]
            try:
                for kind in KINDS:
                    # SIE 4 moves a whole year per request: fewer of them tell as much.
                    n = max(requests // 20, 5) if kind == "sie4" else requests
                    row: dict[str, Any] = {}
                    # SIE is not JSON: only the bytes are timed raw.
                    raw = (
                        (("httpx", False),)
                        if kind == "sie4"
                        else (("httpx", False), ("httpx_json", True))
                    )
                    for label, parse in raw:
                        call = _raw_calls(http, year, parse=parse)[kind]
                        call()  # warm the connection and the server's caches
                        row[label] = _measure([call], n)
                        row[f"{label}_threads"] = _measure([call] * threads, n // threads)
                    calls = [_client_calls(c, year)[kind] for c in clients]
                    calls[0]()
                    row["client"] = _measure(calls[:1], n)
                    row["client_threads"] = _measure(calls, n // threads)
                    row["client_overhead_us_per_request"] = {
                        # Over the bytes alone, and over bytes + Decimal JSON (what any
                        # careful caller pays anyway): wall and client CPU.
                        f"over_{label}_{figure}": round(
                            row["client"][f"{figure}_us_per_request"]
                            - row[label][f"{figure}_us_per_request"],
                            1,
                        )
                        for label in ("httpx", "httpx_json")
                        if label in row
                        for figure in ("wall", "client_cpu")
                    }
                    results[kind] = row
            finally:
                for client in clients:
                    client.close()
    return results


def _at_fortnox_limit(seconds: float) -> dict[str, Any]:
    with SandboxProcess(demo=True, rate_limit=25, rate_window=5.0) as sandbox:
        tokens = _tokens(sandbox)
        with _client(sandbox, tokens, limited=True) as client:
            started = time.perf_counter()
            done = 0
            while time.perf_counter() - started < seconds:
                client.company_information()
                done += 1
            wall = time.perf_counter() - started
            total = client.stats.total()
        with httpx.Client() as http:
            served = http.get(sandbox.control_url + "stats").json()
    return {
        "seconds": round(wall, 2),
        "requests": done,
        "requests_per_s": round(done / wall, 2),
        "client_attempts": total.requests,
        "client_retries": total.retries,
        "server_429": served.get("by_status", {}).get("429", 0),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its JSON report."""
    parser = argparse.ArgumentParser(prog="python -m bench fortnox-http")
    parser.add_argument("--requests", type=int, default=400, help="per endpoint kind (400)")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--rate-seconds",
        type=float,
        default=12.0,
        help="how long to run at Fortnox's limit (12; 0 skips)",
    )
    parser.add_argument("--quick", action="store_true", help="50 requests, 5 s at the limit")
    args = parser.parse_args(argv)
    if args.quick:
        args.requests, args.rate_seconds = 50, 5.0
    report: dict[str, Any] = {
        "benchmark": "fortnox-http",
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "threads": args.threads,
        "requests_per_kind": args.requests,
        "unlimited": _unlimited(args.requests, args.threads),
    }
    if args.rate_seconds > 0:
        report["fortnox_limit"] = _at_fortnox_limit(args.rate_seconds)
    json.dump(report, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
