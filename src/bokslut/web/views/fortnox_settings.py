"""Klient → Inställningar för Fortnox: what a sync fetches and when."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bokslut.audit.models import AuditEvent
from bokslut.audit.services import audit_record
from bokslut.integrations.sync_settings import sync_settings_for, sync_settings_update
from bokslut.web.access import client_or_404
from bokslut.web.fortnox_forms import SyncSettingsForm, area_options, schedule_options
from bokslut.web.views.fortnox import client_page_context

__all__ = ["fortnox_settings_view"]


def _audit_value(value: Any) -> Any:
    # The audit log stores JSON; times are kept as "HH:MM".
    return value.strftime("%H:%M") if isinstance(value, dt.time) else value


def _put_back(form: SyncSettingsForm, error: ValidationError) -> None:
    """The service's per-field errors onto the form (unknown fields as form errors)."""
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            for problem in problems:
                form.add_error(field if field in form.fields else None, problem)
    else:
        for problem in error.messages:
            form.add_error(None, problem)


@login_required
@require_http_methods(["GET", "POST"])
def fortnox_settings_view(request: HttpRequest, client_id: int) -> HttpResponse:
    """Show and save the client's sync settings; the service validates every value."""
    client = client_or_404(user=request.user, client_id=client_id)
    stored = sync_settings_for(client=client)
    if request.method == "POST":
        form = SyncSettingsForm(request.POST)
        if form.is_valid():
            changes = form.changes()
            try:
                sync_settings_update(client=client, user=request.user, **changes)
            except ValidationError as error:
                _put_back(form, error)
            else:
                audit_record(
                    firm=client.firm,
                    user=request.user,
                    action=AuditEvent.Action.SETTINGS_CHANGE,
                    client=client,
                    details={name: _audit_value(value) for name, value in changes.items()},
                )
                messages.success(request, _("Inställningarna för Fortnox är sparade."))
                return redirect("web:fortnox_settings", client_id=client.pk)
        chosen_areas = request.POST.getlist("areas")
        chosen_schedule = request.POST.get("schedule", stored.schedule)
    else:
        form = SyncSettingsForm(initial=SyncSettingsForm.initial_from(stored))
        chosen_areas, chosen_schedule = list(stored.areas), stored.schedule
    context = client_page_context(
        client,
        "fortnox_settings",
        form=form,
        area_options=area_options(client=client, chosen=chosen_areas),
        schedule_options=schedule_options(client=client, chosen=chosen_schedule),
    )
    return render(
        request, "web/integration/settings.html", context, status=400 if form.errors else 200
    )
