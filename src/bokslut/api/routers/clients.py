"""Clients and their Fortnox connection status."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from bokslut.api.access import client_or_404
from bokslut.api.auth import api_user
from bokslut.api.schemas import ERRORS, ClientOut, ConnectionOut
from bokslut.firms.models import Client
from bokslut.firms.selectors import client_list
from bokslut.integrations.models import Connection, ConnectionStatus

router = Router(tags=["klienter"])


def _client_out(client: Client, status: str) -> ClientOut:
    return ClientOut(
        id=client.pk, name=client.name, org_number=client.org_number, connection_status=status
    )


@router.get("/clients", response={200: list[ClientOut], **ERRORS}, summary="Klienter")
def clients_list(request: HttpRequest) -> list[ClientOut]:
    """The clients the token's user may see, by name."""
    clients = list(client_list(user=api_user(request)).order_by("name", "pk"))
    statuses = dict(
        Connection.objects.filter(client__in=clients).values_list("client_id", "status")
    )
    return [_client_out(c, statuses.get(c.pk, ConnectionStatus.EJ_ANSLUTEN.value)) for c in clients]


@router.get(
    "/clients/{client_id}",
    response={200: ClientOut, **ERRORS},
    summary="En klient",
)
def clients_detail(request: HttpRequest, client_id: int) -> ClientOut:
    """One client."""
    client = client_or_404(user=api_user(request), client_id=client_id)
    status = (
        Connection.objects.filter(client=client).values_list("status", flat=True).first()
        or ConnectionStatus.EJ_ANSLUTEN.value
    )
    return _client_out(client, status)


@router.get(
    "/clients/{client_id}/connection",
    response={200: ConnectionOut, **ERRORS},
    summary="Fortnox-kopplingens status",
)
def connection_detail(request: HttpRequest, client_id: int) -> ConnectionOut:
    """The client's Fortnox connection ("ej_ansluten" when it never connected)."""
    client = client_or_404(user=api_user(request), client_id=client_id)
    connection = Connection.objects.filter(client=client).first()
    if connection is None:
        connection = Connection(client=client)
        kind = None
    else:
        kind = connection.kind
    return ConnectionOut(
        client_id=client.pk,
        status=connection.status,
        status_label=str(connection.get_status_display()),
        kind=kind,
        company_name=connection.company_name,
        org_number=connection.org_number,
        org_number_mismatch=connection.org_number_mismatch,
        org_number_confirmed=connection.org_number_confirmed,
        can_sync=connection.can_sync,
        scopes=[str(s) for s in connection.scopes or []],
        licences=[str(s) for s in connection.licences or []],
        connected_at=connection.connected_at,
        last_error=connection.last_error,
        last_error_at=connection.last_error_at,
    )
