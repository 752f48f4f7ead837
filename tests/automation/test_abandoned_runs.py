"""A run left "running" by a killed worker is marked failed when the client's next sync starts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from automation import stubs
from automation.conftest import ClientFactory
from bokslut.automation.abandoned import ABANDONED_TEXT, runs_abandon
from bokslut.automation.leases import lease_acquire
from bokslut.automation.services import sync_exclusive
from bokslut.firms.models import Client
from bokslut.sync.models import SyncRun

pytestmark = pytest.mark.django_db

UseStub = Callable[[str], None]

STARTED = dt.datetime(2025, 11, 3, 2, 0, tzinfo=dt.UTC)


def _run(client: Client, status: str) -> SyncRun:
    return SyncRun.objects.create(
        client=client, trigger="schedule", status=status, started_at=STARTED
    )


def test_a_run_left_running_is_marked_failed_in_swedish_when_the_next_sync_starts(
    make_client: ClientFactory, stub_engine: UseStub
) -> None:
    client = make_client()
    stale = _run(client, SyncRun.Status.RUNNING)

    outcome = sync_exclusive(client=client, trigger="manual")

    assert outcome.status == "done"
    assert len(stubs.CALLS) == 1
    stale.refresh_from_db()
    assert stale.status == SyncRun.Status.FAILED
    assert stale.error == ABANDONED_TEXT
    assert "avbröts" in stale.error
    assert stale.finished_at is not None
    assert stale.finished_at > STARTED


def test_a_running_run_is_left_alone_while_another_worker_holds_the_lease(
    make_client: ClientFactory, stub_engine: UseStub
) -> None:
    client = make_client()
    live = _run(client, SyncRun.Status.RUNNING)
    assert lease_acquire(client_id=client.pk, holder="worker-a", seconds=60) is not None

    outcome = sync_exclusive(client=client, trigger="manual")

    assert outcome.status == "skipped"
    assert stubs.CALLS == []
    live.refresh_from_db()
    assert live.status == SyncRun.Status.RUNNING
    assert live.finished_at is None


def test_only_the_syncing_clients_running_runs_are_closed(make_client: ClientFactory) -> None:
    client, other = make_client(), make_client()
    stale = _run(client, SyncRun.Status.RUNNING)
    queued = _run(client, SyncRun.Status.QUEUED)
    done = _run(client, SyncRun.Status.DONE)
    elsewhere = _run(other, SyncRun.Status.RUNNING)

    assert runs_abandon(client=client) == 1

    statuses = {
        run.pk: run.status for run in SyncRun.objects.filter(pk__in=[stale.pk, queued.pk, done.pk])
    }
    assert statuses == {
        stale.pk: SyncRun.Status.FAILED,
        queued.pk: SyncRun.Status.QUEUED,
        done.pk: SyncRun.Status.DONE,
    }
    elsewhere.refresh_from_db()
    assert elsewhere.status == SyncRun.Status.RUNNING
    assert runs_abandon(client=client) == 0
