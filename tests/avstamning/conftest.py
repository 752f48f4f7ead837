"""Fixtures for the avstämning tests: a sandbox company synced into a client, and its users.

The sandbox world (a Fortnox sandbox over real HTTP, a consented API client and our
client) is the sync engine tests' own helper, reused read-only from tests/sync.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from bokslut.firms.models import Membership
from bokslut.ledger.models import FinancialYear
from bokslut.sync.services import sync_run

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sync"))

from sync_world import (  # type: ignore[import-not-found]
    World,
    client_for,
    connect,
    small_company,
)

from bokslut.sandbox import run_in_thread

PASSWORD = "korrekt-häst-batteri-häftklammer"


@dataclass
class Synced:
    """A synced sandbox company, its latest year and a consultant who may see it."""

    world: World
    year: FinancialYear
    user: User

    def sync(self) -> None:
        """Sync again; the run must succeed."""
        run = sync_run(client=self.world.client, fortnox=self.world.fortnox, trigger="manual")
        assert run.status == "done", run.error


@pytest.fixture
def synced(db: None, settings: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Synced]:
    """The small demo company (3 years) synced once; uploads go to a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]
    company = small_company()
    running = run_in_thread([company])
    world = World(running, company, connect(running), client_for(company))
    try:
        run = sync_run(client=world.client, fortnox=world.fortnox, trigger="manual")
        assert run.status == "done", run.error
        user = User.objects.create_user(username="karin", password=PASSWORD)
        Membership.objects.create(user=user, firm=world.client.firm, role=Membership.Role.ADMIN)
        year = FinancialYear.objects.filter(client=world.client).order_by("-start").first()
        assert year is not None
        yield Synced(world, year, user)
    finally:
        world.fortnox.close()
        running.stop()
