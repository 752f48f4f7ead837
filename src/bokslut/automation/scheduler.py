"""Enqueue due scheduled syncs, safely when several schedulers run at once.

Each due (client, slot) pair is claimed by inserting a
:class:`~bokslut.automation.models.ScheduledSlot`; the unique constraint lets exactly one
scheduler win, and only the winner enqueues. On the database task backend the claim and
the enqueued task commit together, so a crash between them leaves neither. A queue outside
the database (RQ on Redis) cannot join the transaction: a job pushed before the claim
commits could start at once and record its outcome on a slot row it cannot see yet, leaving
the slot ``pending`` for good. There the sync is enqueued only once the claim has committed,
and a failed enqueue releases the claim so the next round tries the slot again.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks.backends.dummy import DummyBackend
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks_db import DatabaseBackend

from bokslut.automation.models import NoticeKind, ScheduledSlot
from bokslut.automation.notify import needs_reapproval_text, notice_raise
from bokslut.automation.services import SCHEDULE_TRIGGER
from bokslut.automation.slots import Schedule, due_slot
from bokslut.firms.models import Client

logger = logging.getLogger(__name__)

#: Backends enqueued inside the claim's transaction: the database queue writes the task in
#: it, the immediate and dummy backends (tests) run or keep it in this very process.
IN_TRANSACTION_BACKENDS = (DatabaseBackend, ImmediateBackend, DummyBackend)


def full_compare_interval() -> dt.timedelta | None:
    """How old the last full comparison may get before a scheduled sync makes a new one.

    ``BOKSLUT_FULL_COMPARE_DAYS`` (default 7); 0 turns periodic full comparison off.
    """
    days = int(getattr(settings, "BOKSLUT_FULL_COMPARE_DAYS", 7))
    return dt.timedelta(days=days) if days > 0 else None


def full_compare_due(client: Client, *, now: dt.datetime) -> bool:
    """Whether ``client``'s next scheduled sync should be a full comparison.

    A client never synced needs none: its first sync reads every year in bulk anyway and
    counts as one (see the sync engine).
    """
    from bokslut.sync.models import ClientState

    interval = full_compare_interval()
    if interval is None:
        return False
    state = ClientState.objects.filter(client=client).first()
    if state is None:
        return False
    compared = state.full_compared_at
    return compared is None or now - compared >= interval


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
    """Claim and enqueue every slot due at ``now``; returns the slots this call claimed.

    On a queue outside the database (not in :data:`IN_TRANSACTION_BACKENDS`) each sync is
    enqueued when its claim commits: at once when the caller holds no transaction, else
    when the caller's transaction commits (the returned slots' ``task_id`` is empty until
    then). A failed enqueue raises, as on the database queue, after releasing the claim.
    """
    from bokslut.automation.tasks import sync_client

    moment = now or timezone.now()
    in_claim_transaction = isinstance(sync_client.get_backend(), IN_TRANSACTION_BACKENDS)
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
            full = full_compare_due(item.client, now=moment)
            if in_claim_transaction:
                _enqueue(slot, full)
            else:
                transaction.on_commit(partial(_enqueue_committed, slot, full))
        claimed.append(slot)
    return claimed


def _enqueue(slot: ScheduledSlot, full: bool) -> None:
    """Enqueue the slot's sync and note the task's id on the slot."""
    from bokslut.automation.tasks import sync_client

    result = sync_client.enqueue(
        client_id=slot.client_id,
        areas=None,
        full=full,
        trigger=SCHEDULE_TRIGGER,
        user_id=None,
        slot_id=slot.pk,
    )
    slot.task_id = str(result.id)
    # Only the id: the job may already have run and recorded its outcome on the row.
    ScheduledSlot.objects.filter(pk=slot.pk).update(task_id=slot.task_id)


def _enqueue_committed(slot: ScheduledSlot, full: bool) -> None:
    """Enqueue a committed claim; if the queue refuses, release the claim and raise."""
    try:
        _enqueue(slot, full)
    except Exception:
        logger.exception("could not enqueue the scheduled sync of client %s", slot.client_id)
        # Unclaimed, the slot is due again on the next round (within its catch-up window).
        ScheduledSlot.objects.filter(pk=slot.pk, task_id="").delete()
        raise
