"""Faults, token expiry, failures mid-run and people's work: nothing is lost or duplicated."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest
from django.db import connection
from ledger_compare import ledger_of, registers_of
from sync_world import World, client_for, small_company

from bokslut.fortnox import InMemoryRateLimiter, RateLimit, RetryPolicy
from bokslut.ledger import models as m
from bokslut.sync.models import SyncRun
from bokslut.sync.services import sync_run


def test_twenty_randomised_faulty_runs_each_end_with_the_identical_ledger(
    make_world: Callable[..., World],
) -> None:
    world = make_world(
        small_company(vouchers_per_year=12),
        rate_limit=1_000_000,
        client_options={"rate_limiter": InMemoryRateLimiter([RateLimit(1_000_000, 1.0)])},
    )
    clean = sync_run(client=world.client, fortnox=world.fortnox)
    assert clean.status == "done", clean.error
    expected = (ledger_of(world.client), registers_of(world.client))
    failed_runs = 0
    for seed in range(20):
        rng = random.Random(seed)
        world.control(
            "PATCH",
            "faults",
            {"error_rate": 0.05, "truncate_rate": 0.05, "seed": seed},
        )
        client = client_for(world.company, firm_name=f"Byrå {seed}")
        world.fortnox.retry = RetryPolicy(attempts=6, initial_delay=0.01)
        expire_after = rng.randint(1, 8)
        calls = 0

        def expire_mid_run(
            area: str, done: int, total: int, expire_after: int = expire_after
        ) -> None:
            nonlocal calls
            calls += 1
            if calls == expire_after:
                world.control("POST", "tokens/expire", {"tenant": 1001})

        for _attempt in range(5):
            run = sync_run(client=client, fortnox=world.fortnox, progress=expire_mid_run)
            if run.status == SyncRun.Status.DONE:
                break
            failed_runs += 1
        assert run.status == "done", run.error
        world.control("DELETE", "faults")
        assert (ledger_of(client), registers_of(client)) == expected, f"seed {seed}"
    # Faults were really injected and survived: retried, or completed by the next run.
    assert world.fortnox.stats.total().retries + failed_runs > 0


def test_failure_mid_run_keeps_finished_years_and_the_current_year_as_before(
    world: World,
) -> None:
    first = sync_run(client=world.client, fortnox=world.fortnox)
    assert first.status == "done"
    before = ledger_of(world.client)
    for year in world.company.years.values():
        with world.company.lock:
            key = sorted(year.vouchers)[0]
            del year.vouchers[key]
            year._ordered = None
    # Every SIE download and retry fails once the second year is reached.
    downloads = 0
    original = world.fortnox.download_sie

    def failing(*args: object, **kwargs: object) -> int:
        nonlocal downloads
        downloads += 1
        if downloads >= 2:
            raise ConnectionError("nätverket försvann")
        return original(*args, **kwargs)  # type: ignore[arg-type]

    world.fortnox.download_sie = failing  # type: ignore[method-assign]
    run = sync_run(client=world.client, fortnox=world.fortnox, full=True)

    assert run.status == SyncRun.Status.FAILED
    assert "Oväntat fel" in run.error
    after = ledger_of(world.client)
    first_year = min(before["years"])
    assert (
        len(after["years"][first_year]["vouchers"])
        == len(before["years"][first_year]["vouchers"]) - 1
    )
    for start in sorted(before["years"])[1:]:
        assert after["years"][start] == before["years"][start]


@pytest.mark.django_db(transaction=True)
def test_peoples_work_survives_a_hundred_re_syncs(make_world: Callable[..., World]) -> None:
    # The rate limit is lifted here: this test is about data, not about pacing.
    world = make_world(
        small_company(vouchers_per_year=10),
        rate_limit=1_000_000,
        client_options={"rate_limiter": InMemoryRateLimiter([RateLimit(1_000_000, 1.0)])},
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE test_people_work (id integer PRIMARY KEY, client_id integer, "
            "year_start date, account varchar(20), note varchar(200), signed_off boolean)"
        )
    try:
        sync_run(client=world.client, fortnox=world.fortnox)
        rows = [
            (1, world.client.pk, "2025-01-01", "1930", "Avstämt mot kontoutdrag", True),
            (2, world.client.pk, "2025-01-01", "2440", "Leverantörsreskontra stämmer", False),
            (3, world.client.pk, "2024-01-01", "8999", "Bokslutspost: skatt", True),
        ]
        with connection.cursor() as cursor:
            cursor.executemany("INSERT INTO test_people_work VALUES (%s, %s, %s, %s, %s, %s)", rows)
        for _ in range(100):
            run = sync_run(client=world.client, fortnox=world.fortnox)
            assert run.status == "done", run.error
            assert not run.changed_anything
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM test_people_work ORDER BY id")
            kept = [(r[0], r[1], str(r[2]), r[3], r[4], bool(r[5])) for r in cursor.fetchall()]
        assert kept == rows
        assert m.Voucher.objects.filter(year__client=world.client).count() == sum(
            len(y.vouchers) for y in world.company.years.values()
        )
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE test_people_work")
