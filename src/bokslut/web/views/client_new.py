"""Ny klient: add a client company to the user's firm, then connect it to Fortnox."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bokslut.firms.models import Membership
from bokslut.firms.selectors import membership_of
from bokslut.firms.services import client_get_or_create
from bokslut.web.fortnox_forms import ClientCreateForm
from bokslut.web.help import PAGE_HELP

__all__ = ["client_create_view"]


@login_required
@require_http_methods(["GET", "POST"])
def client_create_view(request: HttpRequest) -> HttpResponse:
    """The form; a new client is taken straight to its Integrationer page."""
    membership = membership_of(request.user)
    if membership is None:
        # A user outside every firm has nowhere to put a client.
        raise Http404(_("Du tillhör ingen byrå."))
    if membership.role == Membership.Role.CONSULTANT and membership.limited_to_clients:
        # They would not see the client they created; an administrator assigns clients.
        raise PermissionDenied(_("Be en administratör på byrån att lägga till klienten."))
    firm = membership.firm
    form = ClientCreateForm(request.POST or None, firm=firm)
    if request.method == "POST" and form.is_valid():
        client, _created = client_get_or_create(
            firm=firm,
            org_number=form.cleaned_data["org_number"],
            name=form.cleaned_data["name"].strip(),
        )
        messages.success(request, _("Klienten %(name)s är skapad.") % {"name": client.name})
        return redirect("web:fortnox_integrations", client_id=client.pk)
    context = {"form": form, "help": PAGE_HELP["client_create"], "page": "client_create"}
    return render(request, "web/integration/client_new.html", context)
