"""Klient → Integrationer: the Fortnox card and its buttons (connect, re-approve, disconnect).

The OAuth round trip itself ends in ``integrations``' callback view (the redirect URI
registered with Fortnox), which sends the user back to this page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from bokslut.audit.models import AuditEvent
from bokslut.audit.services import audit_record
from bokslut.firms.models import Client
from bokslut.fortnox import FortnoxError
from bokslut.integrations.connections import (
    connection_confirm_org_number,
    connection_disconnect,
    connection_start,
)
from bokslut.integrations.errors import IntegrationError
from bokslut.integrations.models import Connection, ConnectionStatus
from bokslut.web.access import client_or_404
from bokslut.web.fortnox_card import fortnox_card
from bokslut.web.help import PAGE_HELP

__all__ = [
    "client_page_context",
    "fortnox_confirm_view",
    "fortnox_connect_view",
    "fortnox_disconnect_view",
    "fortnox_integrations_view",
]


def client_page_context(client: Client, page: str, **extra: Any) -> dict[str, Any]:
    """Context of a client page without a year switcher (the Fortnox pages are not per year)."""
    return {"client": client, "page": page, "help": PAGE_HELP[page], **extra}


def _integrations_url(client: Client) -> str:
    return reverse("web:fortnox_integrations", args=[client.pk])


@login_required
@require_GET
def fortnox_integrations_view(request: HttpRequest, client_id: int) -> HttpResponse:
    """The Fortnox card: status, company, org.nr, tenant, scopes, licences, last/next sync."""
    client = client_or_404(user=request.user, client_id=client_id)
    context = client_page_context(client, "integrations", card=fortnox_card(client=client))
    return render(request, "web/integration/integrations.html", context)


@login_required
@require_POST
def fortnox_connect_view(request: HttpRequest, client_id: int) -> HttpResponse:
    """*Anslut till Fortnox* and *Godkänn igen*: off to Fortnox's consent page."""
    client = client_or_404(user=request.user, client_id=client_id)
    try:
        url = connection_start(
            client=client,
            user=request.user,
            session=request.session,
            next_url=_integrations_url(client),
        )
    except IntegrationError as exc:
        messages.error(request, str(exc))
        return redirect(_integrations_url(client))
    return HttpResponseRedirect(url)


def _connection_or_none(client: Client) -> Connection | None:
    return Connection.objects.filter(client=client).select_related("client").first()


@login_required
@require_POST
def fortnox_disconnect_view(request: HttpRequest, client_id: int) -> HttpResponse:
    """*Koppla från*: revoke the grant at Fortnox and forget the tokens."""
    client = client_or_404(user=request.user, client_id=client_id)
    connection = _connection_or_none(client)
    if connection is None or connection.status in (
        ConnectionStatus.EJ_ANSLUTEN,
        ConnectionStatus.FRANKOPPLAD,
    ):
        messages.info(request, _("Klienten är inte ansluten till Fortnox."))
        return redirect(_integrations_url(client))
    try:
        connection = connection_disconnect(connection=connection, user=request.user)
    except FortnoxError as exc:
        messages.error(request, exc.user_message)
        return redirect(_integrations_url(client))
    audit_record(
        firm=client.firm,
        user=request.user,
        action=AuditEvent.Action.DISCONNECT,
        client=client,
        details={"company": connection.company_name, "tenant": connection.tenant_id},
    )
    messages.success(request, _("Kopplingen till Fortnox är borttagen."))
    if connection.last_error:
        messages.warning(request, connection.last_error)
    return redirect(_integrations_url(client))


@login_required
@require_POST
def fortnox_confirm_view(request: HttpRequest, client_id: int) -> HttpResponse:
    """Accept that the Fortnox company's org.nr differs from the client's."""
    client = client_or_404(user=request.user, client_id=client_id)
    connection = _connection_or_none(client)
    if connection is not None and connection.org_number_mismatch:
        connection_confirm_org_number(connection=connection, user=request.user)
        audit_record(
            firm=client.firm,
            user=request.user,
            action=AuditEvent.Action.SETTINGS_CHANGE,
            client=client,
            details={"org_number_confirmed": connection.org_number},
        )
        messages.success(request, _("Kopplingen är bekräftad; synkronisering kan köras."))
    return redirect(_integrations_url(client))
