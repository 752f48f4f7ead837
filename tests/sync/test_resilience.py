"""Faults, token expiry, failures mid-run and people's work: nothing is lost or duplicated."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from ledger_compare import ledger_of, registers_of
from local_work import local_voucher, stored
from sync_world import World, client_for, small_company

from bokslut.avstamning import services
from bokslut.avstamning.models import (
    Attachment,
    ChangeFlag,
    Comment,
    Reconciliation,
    SignOff,
    UnderlagItem,
)
from bokslut.avstamning.selectors import cell_get
from bokslut.firms.models import Client
from bokslut.fortnox import InMemoryRateLimiter, RateLimit, RetryPolicy
from bokslut.ledger import models as m
from bokslut.money import from_ore
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


def _peoples_work(client: Client, user: Any) -> list[m.Voucher]:
    """Reconciliations with underlag, attachments, comments and sign-offs, and closing entries.

    1930 is reconciled against the bank's closing balance and signed off; 2440 against a typed-in
    amount with a PDF, explained, commented and signed off; 2025 and 2024 each get a local
    closing entry (source kind ``manual``) not in Fortnox.
    """
    work: list[m.Voucher] = []
    for start in (date(2024, 1, 1), date(2025, 1, 1)):
        year = m.FinancialYear.objects.get(client=client, start=start)
        bank = services.reconciliation_get_or_create(
            client=client, year=year, account="1930", period_end=year.end
        )
        balance = cell_get(client=client, year=year, account="1930", period_end=year.end)
        services.underlag_add_manual(
            reconciliation=bank,
            amount=from_ore(balance.balance_ore),
            description="Saldo enligt kontoutdrag 31/12",
            user=user,
        )
        services.comment_add(reconciliation=bank, text="Stämt mot kontoutdrag 31/12.", user=user)
        services.signoff_create(reconciliation=bank, user=user)
        payables = services.reconciliation_get_or_create(
            client=client, year=year, account="2440", period_end=year.end
        )
        services.underlag_add_manual(
            reconciliation=payables,
            amount=Decimal("1000.00"),
            description="Leverantörsreskontra enligt utskrift",
            file_name="reskontra.pdf",
            file_data=b"%PDF-1.4\n%reskontra\n",
            user=user,
        )
        services.explanation_set(reconciliation=payables, text="Faktura i transit.")
        services.comment_add(reconciliation=payables, text="Kollat med Anna.", user=user)
        services.signoff_create(reconciliation=payables, user=user)
        work.append(local_voucher(client, start=start, text=f"Bokslutspost skatt {start:%Y}"))
    return work


def _work_rows() -> dict[str, list[dict[str, Any]]]:
    """Every column of every row of the avstämning tables people write."""
    tables = {
        "reconciliations": Reconciliation,
        "underlag": UnderlagItem,
        "comments": Comment,
        "attachments": Attachment,
        "signoffs": SignOff,
    }
    return {name: list(model.objects.order_by("pk").values()) for name, model in tables.items()}


def test_peoples_work_survives_a_hundred_re_syncs(
    make_world: Callable[..., World], settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    # The rate limit is lifted here: this test is about data, not about pacing.
    world = make_world(
        small_company(vouchers_per_year=10),
        rate_limit=1_000_000,
        client_options={"rate_limiter": InMemoryRateLimiter([RateLimit(1_000_000, 1.0)])},
    )
    first = sync_run(client=world.client, fortnox=world.fortnox)
    assert first.status == "done", first.error
    user = get_user_model().objects.create_user("revisor", password="x")
    closing_entries = _peoples_work(world.client, user)
    before = _work_rows()
    entries = [stored(v) for v in closing_entries]
    files = {a.file.name: a.file.open("rb").read() for a in Attachment.objects.all()}
    posted = 0

    for n in range(100):
        # Every tenth sync brings a new Fortnox voucher (written through the delta or the
        # SIE path), every twentieth is a full comparison that rewrites each year in bulk.
        if n % 10 == 3:
            _post(world, f"{n + 1}.00")
            posted += 1
        full = n % 20 == 7
        run = sync_run(client=world.client, fortnox=world.fortnox, full=full)
        assert run.status == "done", run.error
        if n % 10 == 3:
            assert run.counts["vouchers"]["new"] == 1
        elif not full:
            assert not run.changed_anything
        assert run.counts.get("vouchers", {}).get("removed", 0) == 0

    assert posted == 10
    assert _work_rows() == before
    assert [stored(v) for v in closing_entries] == entries
    assert {a.file.name: a.file.open("rb").read() for a in Attachment.objects.all()} == files
    # The new vouchers moved 1930, so its sign-offs are flagged (and nothing else is).
    flagged = set(ChangeFlag.objects.values_list("signoff__reconciliation__account", flat=True))
    assert flagged == {"1930"}
    assert m.Voucher.objects.filter(year__client=world.client).count() == sum(
        len(y.vouchers) for y in world.company.years.values()
    ) + len(closing_entries)


def _post(world: World, amount: str) -> None:
    body = {
        "Voucher": {
            "VoucherSeries": "A",
            "TransactionDate": "2025-11-03",
            "Description": f"Bankavgift {amount}",
            "VoucherRows": [
                {"Account": 6110, "Debit": amount, "Credit": 0},
                {"Account": 1930, "Debit": 0, "Credit": amount},
            ],
        }
    }
    world.control("POST", "companies/1001/vouchers", body)
