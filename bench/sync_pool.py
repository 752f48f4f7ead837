"""Worker-pool benchmark: 200 clients' no-change syncs through ``bokslut worker`` processes.

Run ``python -m bench.sync_pool`` (or ``python -m bench sync-pool`` once registered); it
prints one JSON document.

Setup (not timed): a sandbox over real HTTP with one small company per client, each its own
tenant with Fortnox's real rate limit (25 requests per 5 s); a fresh database (SQLite in a
temporary folder, or the PostgreSQL server of ``BOKSLUT_DATABASE_URL`` with a fresh
database); every client connected with a service account; and a first full sync of every
client through the same pool (reported as ``first_sync``). Measured: one no-change sync per
client, enqueued with ``sync_client`` and run by ``--workers`` worker processes in burst
mode, from enqueue to the last worker's exit: wall time, Fortnox requests (from the
SyncRuns and from the sandbox's own counter), changes found (must be 0), and peak memory
(VmHWM of each worker, polled; the largest and the sum). Targets are reported, never
enforced.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
BOKSLUT = REPO / ".venv" / "bin" / "bokslut"
TARGET_SECONDS = 120.0
FIRST_TENANT = 5001


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.sync_pool", description=__doc__)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--vouchers", type=int, default=20, help="vouchers per year")
    parser.add_argument("--backend", choices=("db", "rq"), default="db")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/12")
    parser.add_argument(
        "--check-budget",
        type=int,
        default=None,
        help="Fortnox requests the avstämning checks after each sync may make per year "
        "(BOKSLUT_FORTNOX_CHECK_BUDGET; default: the setting's own)",
    )
    return parser.parse_args(argv)


def _environment(
    tmp: Path, args: argparse.Namespace, api_url: str, oauth_url: str
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOKSLUT_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="bokslut.settings",
        BOKSLUT_DATA_DIR=str(tmp),
        BOKSLUT_TASKS_BACKEND=args.backend,
        BOKSLUT_FORTNOX_API_URL=api_url,
        BOKSLUT_FORTNOX_OAUTH_URL=oauth_url,
    )
    if args.backend == "rq":
        env["BOKSLUT_REDIS_URL"] = args.redis_url
    if args.check_budget is not None:
        env["BOKSLUT_FORTNOX_CHECK_BUDGET"] = str(args.check_budget)
    database_url = os.environ.get("BOKSLUT_DATABASE_URL", "")
    if database_url.startswith("postgres"):
        import psycopg

        name = f"bench_pool_{uuid.uuid4().hex[:10]}"
        admin = database_url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        env["BOKSLUT_DATABASE_URL"] = database_url.rsplit("/", 1)[0] + f"/{name}"
    return env


def _run_pool(env: dict[str, str], workers: int) -> dict[str, Any]:
    """Start ``workers`` burst workers, wait for all, and poll their peak RSS meanwhile."""
    started = time.perf_counter()
    processes = [
        subprocess.Popen(
            [str(BOKSLUT), "worker", "--burst", "--interval", "0.05", "-v", "0"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for _ in range(workers)
    ]
    peaks: dict[int, int] = {}
    while any(p.poll() is None for p in processes):
        for process in processes:
            peaks[process.pid] = max(peaks.get(process.pid, 0), _vm_hwm_kib(process.pid))
        time.sleep(0.2)
    seconds = time.perf_counter() - started
    failures = [p.stderr.read().decode()[-2000:] for p in processes if p.returncode and p.stderr]
    return {
        "seconds": round(seconds, 2),
        "peak_rss_mib_max": round(max(peaks.values(), default=0) / 1024, 1),
        "peak_rss_mib_sum": round(sum(peaks.values()) / 1024, 1),
        "worker_failures": failures,
    }


def _vm_hwm_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its JSON report."""
    args = _parse(sys.argv[1:] if argv is None else argv)
    from bokslut.sandbox import demo_company, run_in_thread

    companies = [
        demo_company(FIRST_TENANT + i, seed=i + 1, vouchers_per_year=args.vouchers)
        for i in range(args.clients)
    ]
    sandbox = run_in_thread(companies)
    with tempfile.TemporaryDirectory(prefix="bench-pool-") as folder:
        env = _environment(Path(folder), args, sandbox.api_url, sandbox.oauth_url)
        subprocess.run([str(BOKSLUT), "migrate", "-v", "0"], env=env, check=True)
        os.environ.update(env)
        import django

        django.setup()
        report = _measure(args, env, sandbox, companies)
    sandbox.stop()
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


def _measure(
    args: argparse.Namespace, env: dict[str, str], sandbox: Any, companies: list[Any]
) -> dict[str, Any]:
    import httpx

    from bokslut.automation.tasks import sync_client
    from bokslut.firms.models import Client, Firm
    from bokslut.integrations.connections import connection_service_account
    from bokslut.sync.models import SyncRun

    if args.backend == "rq":
        import redis

        redis.Redis.from_url(args.redis_url).flushdb()
    clients = []
    for company in companies:
        # One firm per client: demo companies may share an org.nr, a firm may not.
        firm = Firm.objects.create(name=f"Byrå {company.database_number}")
        client = Client.objects.create(
            firm=firm, name=company.name, org_number=company.organization_number
        )
        connection_service_account(client=client, tenant_id=company.database_number, user=None)
        clients.append(client)

    def sync_all(label: str) -> dict[str, Any]:
        first_run = SyncRun.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        httpx.delete(sandbox.control_url + "stats")
        for client in clients:
            sync_client.enqueue(client.pk, None, False, "schedule", None)
        pool = _run_pool(env, args.workers)
        runs = list(SyncRun.objects.filter(pk__gt=first_run))
        stats = httpx.get(sandbox.control_url + "stats").json()
        changes = sum(
            counts.get(kind, 0)
            for run in runs
            for counts in run.counts.values()
            for kind in ("new", "changed", "removed")
        )
        return {
            "label": label,
            **pool,
            "runs": len(runs),
            "runs_done": sum(run.status == SyncRun.Status.DONE for run in runs),
            "requests_recorded": sum(run.request_total for run in runs),
            "requests_max_per_client": max((run.request_total for run in runs), default=0),
            "requests_seen_by_sandbox": stats.get("requests"),
            # Requests the SyncRuns do not record (token grants, the checks run after each
            # sync) show up only here.
            "sandbox_requests_by_endpoint": stats.get("by_endpoint"),
            "changes": changes,
            "errors": sorted({run.error for run in runs if run.error})[:5],
        }

    first = sync_all("first_sync")
    no_change = sync_all("no_change")
    return {
        "benchmark": "sync_pool",
        "clients": args.clients,
        "workers": args.workers,
        "backend": args.backend,
        "database": "postgresql" if "BOKSLUT_DATABASE_URL" in env else "sqlite",
        "vouchers_per_year": args.vouchers,
        "check_budget": args.check_budget,
        "cpu_count": os.cpu_count(),
        "first_sync": first,
        "no_change": no_change,
        "target_seconds": TARGET_SECONDS,
        "meets_target": no_change["seconds"] < TARGET_SECONDS
        and no_change["runs_done"] == args.clients
        and no_change["changes"] == 0,
    }


if __name__ == "__main__":
    raise SystemExit(main())
