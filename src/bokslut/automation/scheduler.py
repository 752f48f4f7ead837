"""Enqueue due scheduled syncs, safely when several schedulers run at once.

Each due (client, slot) pair is claimed by inserting a
:class:`~bokslut.automation.models.ScheduledSlot`; the unique constraint lets exactly one
scheduler win, and only the winner enqueues. On the database task backend the claim and
the enqueued task commit together, so a crash between them leaves neither.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from bokslut.automation.models import NoticeKind, ScheduledSlot
from bokslut.automation.notify import needs_reapproval_text, notice_raise
from bokslut.automation.services import SCHEDULE_TRIGGER
from bokslut.automation.slots import Schedule, due_slot
from bokslut.firms.models import Client

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ScheduledClient:
    """A client whose settings ask for syncs on a schedule its firm's plan allows."""

    client: Client
    schedule: Schedule


def scheduled_clients() -> Iterator[ScheduledClient]:
    """Clients with a nightly or hourly schedule, an active connection and a plan allowing it.

    A connection that needs re-approval is skipped (the sync would only fail) and the firm
    is told, once.
    """
    from bokslut.integrations.models import ConnectionStatus, SyncSettings
    from bokslut.integrations.plans import DEFAULT_PLAN, get_plan

    rows = (
        SyncSettings.objects.exclude(schedule="manual")
        .select_related("client__firm__plan", "client__fortnox_connection")
        .order_by("client_id")
    )
    for row in rows:
        client = row.client
        firm_plan = getattr(client.firm, "plan", None)
        plan = get_plan(firm_plan.plan if firm_plan is not None else DEFAULT_PLAN)
        if row.schedule not in plan.schedules:
            continue
        connection = getattr(client, "fortnox_connection", None)
        if connection is None:
            continue
        if connection.status == ConnectionStatus.BEHOVER_GODKANNAS:
            notice_raise(
                client=client,
                kind=NoticeKind.NEEDS_REAPPROVAL,
                text=needs_reapproval_text(client),
            )
            continue
        if not connection.can_sync:
            continue
        yield ScheduledClient(client, Schedule(kind=row.schedule, at=row.nightly_at))  # type: ignore[arg-type]


def enqueue_due(*, now: dt.datetime | None = None, scheduler_id: str = "") -> list[ScheduledSlot]:
    """Claim and enqueue every slot due at ``now``; returns the slots this call claimed."""
    from bokslut.automation.tasks import sync_client

    moment = now or timezone.now()
    claimed: list[ScheduledSlot] = []
    for item in scheduled_clients():
        slot_at = due_slot(item.schedule, moment)
        if slot_at is None:
            continue
        with transaction.atomic():
            try:
                with transaction.atomic():
                    slot = ScheduledSlot.objects.create(
                        client=item.client,
                        slot_at=slot_at,
                        kind=item.schedule.kind,
                        claimed_by=scheduler_id,
                    )
            except IntegrityError:
                continue  # another scheduler (or an earlier tick) has this slot
            result = sync_client.enqueue(
                client_id=item.client.pk,
                areas=None,
                full=False,
                trigger=SCHEDULE_TRIGGER,
                user_id=None,
                slot_id=slot.pk,
            )
            slot.task_id = str(result.id)
            slot.save(update_fields=["task_id"])
        claimed.append(slot)
    return claimed
