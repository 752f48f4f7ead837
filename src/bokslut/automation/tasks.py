"""Background tasks (django-tasks API): the backend, database or RQ, is configuration.

Arguments and return values are plain JSON so every backend can store them.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django_tasks import task

from bokslut.automation.engine import SyncOutcome
from bokslut.automation.models import ScheduledSlot, SlotOutcome
from bokslut.automation.services import sync_exclusive
from bokslut.firms.models import Client


class SyncFailed(RuntimeError):
    """A sync task ended in failure; raised so the task backend records it as failed."""


@task()
def sync_client(
    client_id: int,
    areas: list[str] | None = None,
    full: bool = False,
    trigger: str = "manual",
    user_id: int | None = None,
    slot_id: int | None = None,
) -> dict[str, Any]:
    """Sync one client under its lease; a sync already running elsewhere makes this a no-op.

    Returns the :class:`~bokslut.automation.engine.SyncOutcome` as a dict; raises
    :class:`SyncFailed` (after notifying) when the sync failed, so the task shows as failed.
    """
    client = Client.objects.select_related("firm").filter(pk=client_id).first()
    if client is None:
        if slot_id is not None:
            ScheduledSlot.objects.filter(pk=slot_id).update(outcome=SlotOutcome.SKIPPED)
        missing = SyncOutcome(client_id=client_id, status="skipped", error="Klienten finns inte.")
        return missing.as_json()
    user = get_user_model().objects.filter(pk=user_id).first() if user_id is not None else None
    outcome = sync_exclusive(
        client=client, areas=areas, full=full, trigger=trigger, user=user, slot_id=slot_id
    )
    if outcome.status == "failed":
        raise SyncFailed(outcome.error or "synkningen misslyckades")
    return outcome.as_json()


@task()
def enqueue_due_syncs(scheduler_id: str = "task") -> list[int]:
    """Claim and enqueue every due scheduled sync; returns the claimed slots' ids."""
    from bokslut.automation.scheduler import enqueue_due

    return [slot.pk for slot in enqueue_due(scheduler_id=scheduler_id)]
