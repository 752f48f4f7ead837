"""Signal receivers: a connection that needs re-approval notifies the firm, once."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from bokslut.automation.services import notify_connection_status
from bokslut.integrations.signals import connection_status_changed


@receiver(connection_status_changed, dispatch_uid="automation-notify-connection-status")
def on_connection_status_changed(sender: Any, connection: Any, new_status: str, **_: Any) -> None:
    """Raise or clear the client's re-approval notice as its connection changes status."""
    notify_connection_status(client=connection.client, status=str(new_status))
