"""Running a sync the automated way: under the client's lease, then notifying if needed."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from django.db.models import Q
from django.utils import timezone

from bokslut.automation.abandoned import runs_abandon
from bokslut.automation.engine import SyncOutcome, outcome_from_run, sync_runner
from bokslut.automation.leases import LeaseLost, client_lease
from bokslut.automation.models import NoticeKind, ScheduledSlot, SlotOutcome
from bokslut.automation.notify import (
    needs_reapproval_text,
    notice_clear,
    notice_raise,
    scheduled_sync_failing_text,
)
from bokslut.firms.models import Client

logger = logging.getLogger(__name__)

#: Scheduled syncs that fail this many times in a row notify the firm.
FAILURES_BEFORE_NOTICE = 2

#: The trigger the scheduler passes; the failure streak counts only these runs.
SCHEDULE_TRIGGER = "schedule"

ALREADY_RUNNING = "En synkning pågår redan för klienten; den här begäran hoppades över."


def sync_exclusive(
    *,
    client: Client,
    areas: Sequence[str] | None = None,
    full: bool = False,
    trigger: str = "manual",
    user: Any = None,
    progress: Callable[..., None] | None = None,
    slot_id: int | None = None,
) -> SyncOutcome:
    """Run one sync of ``client`` unless another is running anywhere; then notify.

    Returns a ``skipped`` outcome when the client's lease is held elsewhere: two workers
    given the same client run one sync between them.
    """
    with client_lease(client_id=client.pk) as held:
        if held is None:
            outcome = SyncOutcome(client_id=client.pk, status="skipped", error=ALREADY_RUNNING)
        else:
            # Holding the lease proves no other run of this client is alive: close the
            # runs a killed worker left "running" before this one starts.
            runs_abandon(client=client)

            def guarded_progress(*args: Any, **kwargs: Any) -> None:
                # Raising here, inside the engine's year transaction, rolls that year back:
                # a worker that lost its lease never writes over the new holder's sync.
                held.check()
                if progress is not None:
                    progress(*args, **kwargs)

            outcome = _run(client, areas, full, trigger, user, guarded_progress)
    after_sync(client=client, outcome=outcome, trigger=trigger, slot_id=slot_id)
    return outcome


def _run(
    client: Client,
    areas: Sequence[str] | None,
    full: bool,
    trigger: str,
    user: Any,
    progress: Callable[..., None],
) -> SyncOutcome:
    from bokslut.fortnox import NeedsReauthorization

    try:
        run = sync_runner()(
            client=client,
            areas=list(areas) if areas is not None else None,
            full=full,
            trigger=trigger,
            user=user,
            progress=progress,
        )
    except LeaseLost as exc:
        return SyncOutcome(client_id=client.pk, status="failed", error=str(exc))
    except NeedsReauthorization as exc:
        return SyncOutcome(
            client_id=client.pk, status="failed", error=str(exc), needs_reapproval=True
        )
    except Exception as exc:
        logger.exception("sync of client %s failed", client.pk)
        return SyncOutcome(client_id=client.pk, status="failed", error=str(exc) or repr(exc))
    outcome = outcome_from_run(client.pk, run)
    outcome.needs_reapproval = _connection_needs_reapproval(client)
    return outcome


def _connection_needs_reapproval(client: Client) -> bool:
    from bokslut.integrations.models import Connection, ConnectionStatus

    status = Connection.objects.filter(client=client).values_list("status", flat=True).first()
    return status == ConnectionStatus.BEHOVER_GODKANNAS


def after_sync(
    *, client: Client, outcome: SyncOutcome, trigger: str, slot_id: int | None = None
) -> None:
    """Record a scheduled slot's outcome and raise or clear the firm's notices."""
    if slot_id is not None:
        _record_slot(slot_id, outcome)
    if outcome.needs_reapproval:
        notice_raise(
            client=client, kind=NoticeKind.NEEDS_REAPPROVAL, text=needs_reapproval_text(client)
        )
    elif outcome.ok:
        notice_clear(client=client, kind=NoticeKind.NEEDS_REAPPROVAL)
    if trigger != SCHEDULE_TRIGGER or outcome.status == "skipped":
        return
    if outcome.ok:
        notice_clear(client=client, kind=NoticeKind.SCHEDULED_SYNC_FAILING)
        return
    failures = failed_scheduled_streak(client)
    if failures >= FAILURES_BEFORE_NOTICE:
        notice_raise(
            client=client,
            kind=NoticeKind.SCHEDULED_SYNC_FAILING,
            text=scheduled_sync_failing_text(client, failures=failures, error=outcome.error),
        )


def _record_slot(slot_id: int, outcome: SyncOutcome) -> None:
    result = {
        "done": SlotOutcome.DONE,
        "failed": SlotOutcome.FAILED,
        "skipped": SlotOutcome.SKIPPED,
    }[outcome.status]
    ScheduledSlot.objects.filter(pk=slot_id).update(
        outcome=result, error=outcome.error, finished_at=timezone.now()
    )


def failed_scheduled_streak(client: Client) -> int:
    """How many of the client's latest finished scheduled syncs failed, newest first."""
    outcomes = (
        ScheduledSlot.objects.filter(client=client)
        .filter(Q(outcome=SlotOutcome.DONE) | Q(outcome=SlotOutcome.FAILED))
        .order_by("-slot_at")
        .values_list("outcome", flat=True)[:50]
    )
    streak = 0
    for outcome in outcomes:
        if outcome != SlotOutcome.FAILED:
            break
        streak += 1
    return streak


def notify_connection_status(*, client: Client, status: str) -> None:
    """Hook for the integrations app: notify on ``behover_godkannas``, clear on ``aktiv``."""
    from bokslut.integrations.models import ConnectionStatus

    if status == ConnectionStatus.BEHOVER_GODKANNAS:
        notice_raise(
            client=client, kind=NoticeKind.NEEDS_REAPPROVAL, text=needs_reapproval_text(client)
        )
    elif status == ConnectionStatus.AKTIV:
        notice_clear(client=client, kind=NoticeKind.NEEDS_REAPPROVAL)
