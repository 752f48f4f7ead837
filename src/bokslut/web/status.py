"""The Fortnox status of clients, as the Klienter page shows and filters it.

This is the one place that knows where connection status and sync history live. Until the
integrations and sync apps have their models, every client is "ej ansluten" and never
synced; when they land, only this module changes.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from bokslut.firms.models import Client

__all__ = [
    "STALE_AFTER",
    "ClientStatus",
    "ConnectionState",
    "StatusFilter",
    "client_statuses",
    "filter_by_status",
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


_NOT_CONNECTED = ClientStatus(state=ConnectionState.NOT_CONNECTED)


def client_statuses(clients: Iterable[Client]) -> dict[int, ClientStatus]:
    """The status of each client, by client id, in a bounded number of queries."""
    # No connection or sync models exist yet: every client is not connected.
    return {client.pk: _NOT_CONNECTED for client in clients}


def filter_by_status(clients: QuerySet[Client], wanted: StatusFilter) -> QuerySet[Client]:
    """Only the clients matching ``wanted``, still as a query (so it pages in SQL)."""
    if wanted is StatusFilter.STALE:
        # Never synced counts as not synced in the last week, and nothing is synced yet.
        return clients
    # Without connections no client needs re-authorisation or is in error.
    return clients.none()
