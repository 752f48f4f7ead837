"""The Fortnox card of the Integrationer page: what a person needs to see about a connection.

Built from the integrations app's ``Connection`` and the sync history in one place, so the
template only shows fields and never decides which buttons make sense.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bokslut.firms.models import Client
from bokslut.integrations.models import Connection, ConnectionStatus
from bokslut.integrations.sync_settings import scope_label
from bokslut.web.status import ClientStatus, ConnectionState, client_statuses

__all__ = ["FortnoxCard", "ScopeLine", "fortnox_card"]


@dataclass(frozen=True)
class ScopeLine:
    """One granted scope and whether the company's licence serves it."""

    code: str
    label: str
    licensed: bool | None  # None until licences have been checked


@dataclass(frozen=True)
class FortnoxCard:
    """The card's content and which of the four buttons it offers."""

    state: ConnectionState
    status: ClientStatus
    connection: Connection | None
    scopes: list[ScopeLine] = field(default_factory=list)
    disconnected: bool = False
    advice: str | Promise = ""

    @property
    def can_connect(self) -> bool:
        """*Anslut till Fortnox*: nothing to use yet."""
        return self.state is ConnectionState.NOT_CONNECTED

    @property
    def can_reapprove(self) -> bool:
        """*Godkänn igen*: the grant is gone or broken, a new consent mends it."""
        return self.state in (ConnectionState.NEEDS_REAUTH, ConnectionState.ERROR)

    @property
    def can_disconnect(self) -> bool:
        """*Koppla från*: there is a grant to revoke."""
        return self.state is not ConnectionState.NOT_CONNECTED

    @property
    def can_sync(self) -> bool:
        """*Synkronisera*: active, and a differing org.nr (if any) confirmed."""
        return self.connection is not None and self.connection.can_sync

    @property
    def needs_org_confirmation(self) -> bool:
        """Active, but Fortnox's org.nr differs from the client's and nobody confirmed it."""
        connection = self.connection
        return (
            connection is not None
            and connection.status == ConnectionStatus.AKTIV
            and connection.org_number_mismatch
            and not connection.org_number_confirmed
        )

    @property
    def last_sync_at(self) -> dt.datetime | None:
        """When the last sync finished."""
        return self.status.last_sync_at

    @property
    def next_sync_at(self) -> dt.datetime | None:
        """When the scheduler syncs next (None: manual, or the connection cannot sync)."""
        return self.status.next_sync_at


_ADVICE: dict[ConnectionState, Promise] = {
    ConnectionState.NOT_CONNECTED: _(
        "Klicka på Anslut till Fortnox, logga in i Fortnox och godkänn kopplingen. "
        "Du kommer sedan tillbaka hit."
    ),
    ConnectionState.NEEDS_REAUTH: _(
        "Fortnox godtar inte längre kopplingen, till exempel för att godkännandet har gått ut "
        "eller tagits bort i Fortnox. Klicka på Godkänn igen och godkänn kopplingen på nytt; "
        "inställningar och hämtad data finns kvar."
    ),
    ConnectionState.ERROR: _(
        "Senaste kontakten med Fortnox misslyckades. Försök synkronisera igen om en stund; "
        "kvarstår felet, klicka på Godkänn igen."
    ),
}


def _scopes(connection: Connection | None) -> list[ScopeLine]:
    if connection is None:
        return []
    checked = connection.licences_checked_at is not None
    licences = set(connection.licences or [])
    return [
        ScopeLine(code, scope_label(code), (code in licences) if checked else None)
        for code in sorted(connection.scopes or [], key=scope_label)
    ]


def fortnox_card(*, client: Client) -> FortnoxCard:
    """The card for ``client`` (which the caller has already checked the user may see)."""
    connection = Connection.objects.filter(client=client).select_related("client").first()
    status = client_statuses([client])[client.pk]
    disconnected = connection is not None and connection.status == ConnectionStatus.FRANKOPPLAD
    return FortnoxCard(
        state=status.state,
        status=status,
        connection=connection,
        scopes=_scopes(connection) if not disconnected else [],
        disconnected=disconnected,
        advice=_ADVICE.get(status.state, ""),
    )
