"""The end of the OAuth round trip in the browser, plus confirm and disconnect (no templates).

The round trip starts in the web app (``web:fortnox_connect``, POST with CSRF): a consent
started by a plain link could be triggered by another site.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from bokslut.audit.models import AuditEvent
from bokslut.audit.services import audit_record
from bokslut.firms.models import Client, Membership
from bokslut.fortnox import FortnoxError
from bokslut.integrations.connections import (
    connection_complete,
    connection_confirm_org_number,
    connection_disconnect,
)
from bokslut.integrations.errors import IntegrationError
from bokslut.integrations.models import Connection
from bokslut.integrations.oauth_state import SESSION_KEY


def _client_or_404(request: HttpRequest, client_id: int) -> Client:
    # Only the user's own firm's clients exist, as far as the user can tell. (The firm
    # check lives here until firms offers a stable permission-scoped selector.)
    user_id = request.user.pk
    membership = Membership.objects.filter(user_id=user_id).first() if user_id else None
    if membership is None:
        raise Http404("Klienten finns inte.")
    clients = Client.objects.filter(firm_id=membership.firm_id)
    if membership.role == Membership.Role.CONSULTANT and membership.limited_to_clients:
        clients = clients.filter(consultants=membership)
    client = clients.filter(pk=client_id).first()
    if client is None:
        raise Http404("Klienten finns inte.")
    return client


def _safe_next(request: HttpRequest, fallback: str = "/") -> str:
    wanted = request.GET.get("next") or request.POST.get("next") or fallback
    if url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return fallback


@login_required
@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    """Fortnox redirects back here with ``code`` and ``state`` (or ``error``)."""
    state = request.GET.get("state", "")
    pending = (request.session.get(SESSION_KEY) or {}).get(state) or {}
    next_url = str(pending.get("next") or "/")
    try:
        connection = connection_complete(
            session=request.session,
            state=state,
            code=request.GET.get("code", ""),
            error=request.GET.get("error", ""),
            user=request.user,
        )
    except IntegrationError as exc:
        messages.error(request, str(exc))
        return HttpResponseRedirect(next_url if pending else "/")
    except FortnoxError as exc:
        messages.error(request, exc.user_message)
        return HttpResponseRedirect(next_url)
    audit_record(
        firm=connection.client.firm,
        user=request.user,
        action=AuditEvent.Action.CONNECT,
        client=connection.client,
        details={
            "company": connection.company_name,
            "org_number": connection.org_number,
            "tenant": connection.tenant_id,
            "scopes": list(connection.scopes),
        },
    )
    if connection.org_number_mismatch:
        messages.warning(
            request,
            _(
                "Fortnox-företaget %(company)s har organisationsnummer %(fortnox)s, men "
                "klienten har %(client)s. Ingen synkronisering sker förrän du bekräftar "
                "kopplingen."
            )
            % {
                "company": connection.company_name,
                "fortnox": connection.org_number,
                "client": connection.client.org_number,
            },
        )
    else:
        messages.success(
            request,
            _("%(company)s är nu anslutet till Fortnox.") % {"company": connection.company_name},
        )
    return HttpResponseRedirect(next_url)


def _connection_or_404(request: HttpRequest, client_id: int) -> Connection:
    client = _client_or_404(request, client_id)
    connection = Connection.objects.filter(client=client).first()
    if connection is None:
        raise Http404("Klienten har ingen Fortnox-koppling.")
    return connection


@login_required
@require_POST
def confirm_org_number(request: HttpRequest, client_id: int) -> HttpResponse:
    """Accept a differing org.nr so that syncs may run."""
    connection = _connection_or_404(request, client_id)
    connection_confirm_org_number(connection=connection, user=request.user)
    messages.success(request, _("Kopplingen är bekräftad; synkronisering kan köras."))
    return HttpResponseRedirect(_safe_next(request))


@login_required
@require_POST
def disconnect(request: HttpRequest, client_id: int) -> HttpResponse:
    """Revoke and forget the connection."""
    connection = _connection_or_404(request, client_id)
    connection = connection_disconnect(connection=connection, user=request.user)
    messages.success(request, _("Kopplingen till Fortnox är borttagen."))
    if connection.last_error:
        messages.warning(request, connection.last_error)
    return HttpResponseRedirect(_safe_next(request))
