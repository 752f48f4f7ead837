"""The Fortnox status of clients, as the Klienter page shows and filters it.

This is the one place that knows where connection status (``integrations.Connection``) and
sync history (``sync.SyncRun``) live, so the Klienter page never reaches into those apps.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bokslut.automation.slots import Schedule as SlotSchedule
from bokslut.automation.slots import ScheduleKindName, latest_slot
from bokslut.firms.models import Client
from bokslut.integrations.models import Connection, ConnectionStatus, Schedule, SyncSettings
from bokslut.integrations.sync_settings import firm_plan
from bokslut.sync.models import SyncRun

__all__ = [
    "STALE_AFTER",
    "ClientStatus",
    "ConnectionState",
    "StatusFilter",
    "client_statuses",
    "filter_by_status",
    "next_slot_after",
    "next_syncs",
]

#: A client not synced for this long shows up under "ej synkad på 7 dagar".
STALE_AFTER = dt.timedelta(days=7)


class ConnectionState(enum.StrEnum):
    """The Fortnox connection states of the product brief, with their badge labels."""

    NOT_CONNECTED = "not_connected"
    ACTIVE = "active"
    NEEDS_REAUTH = "needs_reauth"
    ERROR = "error"

    @property
    def label(self) -> str:
        """The badge text."""
        return str(_STATE_LABELS[self])


_STATE_LABELS = {
    ConnectionState.NOT_CONNECTED: _("Ej ansluten"),
    ConnectionState.ACTIVE: _("Aktiv"),
    ConnectionState.NEEDS_REAUTH: _("Behöver godkännas igen"),
    ConnectionState.ERROR: _("Fel"),
}


class StatusFilter(enum.StrEnum):
    """The Klienter page's status filters."""

    NEEDS_REAUTH = "behover-godkannas"
    ERROR = "fel"
    STALE = "ej-synkad"


@dataclass(frozen=True)
class ClientStatus:
    """What the Klienter page shows about one client's Fortnox integration."""

    state: ConnectionState
    last_sync_at: dt.datetime | None = None
    last_sync_ok: bool | None = None
    last_sync_message: str = ""
    next_sync_at: dt.datetime | None = None


_STATES: dict[str, ConnectionState] = {
    ConnectionStatus.AKTIV: ConnectionState.ACTIVE,
    ConnectionStatus.BEHOVER_GODKANNAS: ConnectionState.NEEDS_REAUTH,
    ConnectionStatus.FEL: ConnectionState.ERROR,
}


def _last_run(field: str) -> Subquery:
    finished = SyncRun.objects.filter(client=OuterRef("pk"), finished_at__isnull=False)
    return Subquery(finished.order_by("-finished_at", "-id").values(field)[:1])


def _with_last_run(clients: QuerySet[Client]) -> QuerySet[Client]:
    return clients.annotate(
        last_run_at=_last_run("finished_at"),
        last_run_status=_last_run("status"),
        last_run_error=_last_run("error"),
    )


def client_statuses(clients: Iterable[Client]) -> dict[int, ClientStatus]:
    """The status of each client, by client id, in two queries whatever the page size."""
    ids = [client.pk for client in clients]
    connections = dict(
        Connection.objects.filter(client_id__in=ids).values_list("client_id", "status")
    )
    upcoming = next_syncs(ids, connections=connections)
    result = {}
    for client in _with_last_run(Client.objects.filter(pk__in=ids)):
        finished = client.last_run_status  # type: ignore[attr-defined]
        result[client.pk] = ClientStatus(
            state=_STATES.get(connections.get(client.pk, ""), ConnectionState.NOT_CONNECTED),
            last_sync_at=client.last_run_at,  # type: ignore[attr-defined]
            last_sync_ok=None if finished is None else finished == SyncRun.Status.DONE,
            last_sync_message=client.last_run_error or "",  # type: ignore[attr-defined]
            next_sync_at=upcoming.get(client.pk),
        )
    return result


def next_slot_after(schedule: SlotSchedule, now: dt.datetime) -> dt.datetime | None:
    """The first scheduled moment strictly after ``now`` (None for manual schedules)."""
    if schedule.kind == "manual":
        return None
    step = dt.timedelta(hours=1) if schedule.kind == "hourly" else dt.timedelta(days=1)
    # A Stockholm day is 23 to 25 hours long: start an hour short of one step (the day
    # summer time begins, a full step overshoots that night's slot) and look a little past.
    hours = (-1, 0, 1, 2)
    for extra in (dt.timedelta(hours=h) for h in hours):
        slot = latest_slot(schedule, now + step + extra)
        if slot is not None and slot > now:
            return slot
    return None  # pragma: no cover -- every schedule has a slot within 26 hours


def next_syncs(
    client_ids: Iterable[int],
    *,
    connections: dict[int, str] | None = None,
    now: dt.datetime | None = None,
) -> dict[int, dt.datetime]:
    """When the scheduler will next sync each client (clients without one are left out).

    Mirrors the scheduler's rules: a schedule the firm's plan allows and an active
    connection; a connection needing re-approval is skipped, so it has no next sync.
    Queries: one for the settings, one for the connections (unless given), one per firm.
    """
    ids = list(client_ids)
    moment = now or timezone.now()
    if connections is None:
        connections = dict(
            Connection.objects.filter(client_id__in=ids).values_list("client_id", "status")
        )
    rows = (
        SyncSettings.objects.filter(client_id__in=ids)
        .exclude(schedule=Schedule.MANUAL)
        .select_related("client__firm")
    )
    plans: dict[int, frozenset[str]] = {}
    answer: dict[int, dt.datetime] = {}
    for row in rows:
        if connections.get(row.client_id) not in (ConnectionStatus.AKTIV, ConnectionStatus.FEL):
            continue  # the scheduler syncs only these (``fel`` to mend itself)
        firm = row.client.firm
        if firm.pk not in plans:
            plans[firm.pk] = firm_plan(firm=firm).schedules
        if row.schedule not in plans[firm.pk]:
            continue
        kind: ScheduleKindName = "hourly" if row.schedule == Schedule.HOURLY else "nightly"
        slot = next_slot_after(SlotSchedule(kind=kind, at=row.nightly_at), moment)
        if slot is not None:
            answer[row.client_id] = slot
    return answer


def filter_by_status(clients: QuerySet[Client], wanted: StatusFilter) -> QuerySet[Client]:
    """Only the clients matching ``wanted``, still as a query (so it pages in SQL)."""
    if wanted is StatusFilter.NEEDS_REAUTH:
        return clients.filter(fortnox_connection__status=ConnectionStatus.BEHOVER_GODKANNAS)
    if wanted is StatusFilter.ERROR:
        return _with_last_run(clients).filter(
            Q(fortnox_connection__status=ConnectionStatus.FEL)
            | Q(last_run_status=SyncRun.Status.FAILED)
        )
    # Not synced in a week: no successful run since the cut-off (never synced included).
    recent = SyncRun.objects.filter(
        client=OuterRef("pk"),
        status=SyncRun.Status.DONE,
        finished_at__gte=timezone.now() - STALE_AFTER,
    )
    return clients.exclude(Exists(recent))
