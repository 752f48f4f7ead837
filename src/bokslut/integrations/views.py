"""The end of the OAuth round trip in the browser (no templates).

The round trip starts in the web app (``web:fortnox_connect``, POST with CSRF): a consent
started by a plain link could be triggered by another site. Confirming a differing org.nr
and disconnecting are the web app's buttons too (``web:fortnox_confirm``,
``web:fortnox_disconnect``), which write the audit log.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from bokslut.audit.models import AuditEvent
from bokslut.audit.services import audit_record
from bokslut.fortnox import FortnoxError
from bokslut.integrations.connections import connection_complete
from bokslut.integrations.errors import IntegrationError
from bokslut.integrations.oauth_state import SESSION_KEY


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
