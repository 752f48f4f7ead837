"""Synkronisering: start a sync, follow it live (HTMX polling), read the history and the diff."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from bokslut.audit.models import AuditEvent
from bokslut.audit.services import audit_record
from bokslut.automation.tasks import sync_client
from bokslut.firms.models import Client
from bokslut.integrations.connections import connection_assert_can_sync
from bokslut.integrations.errors import ConnectionNotReady
from bokslut.integrations.models import Connection
from bokslut.sync.labels import path_label
from bokslut.sync.models import SyncChange, SyncRun
from bokslut.sync.selectors import changes_since_last_sync, run_list
from bokslut.web.access import client_or_404
from bokslut.web.sync_advice import run_advice
from bokslut.web.sync_progress import RunView, run_view
from bokslut.web.views.fortnox import client_page_context

__all__ = ["sync_progress_view", "sync_run_view", "sync_start_view", "sync_view"]

#: Runs listed in the history.
HISTORY_LENGTH = 20
#: Changed items listed per group before "… och N till".
CHANGES_SHOWN = 50
#: Session key: {client id: when a sync was queued}, to say "waiting for a worker".
PENDING_KEY = "bokslut_sync_pending"


def _connection(client: Client) -> Connection | None:
    return Connection.objects.filter(client=client).select_related("client").first()


def _current(request: HttpRequest, client: Client) -> RunView:
    """The newest run, or 'waiting' when this session queued a sync no worker has begun."""
    run = run_list(client=client).first()
    pending: dict[str, str] = request.session.get(PENDING_KEY) or {}
    queued_at = pending.get(str(client.pk))
    waiting = False
    if queued_at is not None:
        waiting = run is None or run.queued_at < dt.datetime.fromisoformat(queued_at)
        if not waiting:
            pending.pop(str(client.pk), None)
            request.session[PENDING_KEY] = pending
    return run_view(run, waiting=waiting, advice=run_advice(run, _connection(client)))


@login_required
@require_GET
def sync_view(request: HttpRequest, client_id: int) -> HttpResponse:
    """The page: the Synkronisera button, the current run, the history and what is new."""
    client = client_or_404(user=request.user, client_id=client_id)
    connection = _connection(client)
    changes = changes_since_last_sync(client=client)
    groups = [
        (_("Verifikationer"), changes.vouchers),
        (_("Konton"), changes.accounts),
        (_("Saldon"), changes.balances),
        (_("Periodsaldon"), changes.period_balances),
        (_("Register"), changes.registers),
        (_("Låst period"), changes.locked_period),
    ]
    context = client_page_context(
        client,
        "sync",
        current=_current(request, client),
        can_sync=connection is not None and connection.can_sync,
        full_compare_days=settings.BOKSLUT_FULL_COMPARE_DAYS,
        history=list(run_list(client=client)[:HISTORY_LENGTH]),
        changes=changes,
        change_groups=[(label, items[:CHANGES_SHOWN], len(items)) for label, items in groups],
    )
    return render(request, "web/integration/sync.html", context)


@login_required
@require_GET
def sync_progress_view(request: HttpRequest, client_id: int) -> HttpResponse:
    """The progress fragment HTMX polls; once the run ends the whole page reloads."""
    client = client_or_404(user=request.user, client_id=client_id)
    current = _current(request, client)
    response = render(
        request, "web/integration/_progress.html", {"client": client, "current": current}
    )
    if request.htmx and current.finished and not current.waiting:  # type: ignore[attr-defined]
        # The history and the "nytt sedan senaste synkronisering" list changed too.
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def sync_start_view(request: HttpRequest, client_id: int) -> HttpResponse:
    """*Synkronisera*: queue a sync of the client's chosen areas for a worker.

    With ``full=1`` (the *Fullständig jämförelse* button) every year is re-read and
    compared, so vouchers deleted in Fortnox, which Fortnox never reports, go here too.
    """
    client = client_or_404(user=request.user, client_id=client_id)
    full = request.POST.get("full") == "1"
    connection = _connection(client)
    try:
        if connection is None:
            raise ConnectionNotReady(_("Klienten är inte ansluten till Fortnox."))
        connection_assert_can_sync(connection=connection)
    except ConnectionNotReady as exc:
        messages.error(request, str(exc))
        return redirect("web:sync", client_id=client.pk)
    pending = dict(request.session.get(PENDING_KEY) or {})
    pending[str(client.pk)] = timezone.now().isoformat()
    request.session[PENDING_KEY] = pending
    audit_record(
        firm=client.firm,
        user=request.user,
        action=AuditEvent.Action.SYNC,
        client=client,
        details={
            "event": "start",
            "trigger": SyncRun.Trigger.MANUAL.value,
            **({"full": True} if full else {}),
        },
    )
    sync_client.enqueue(
        client_id=client.pk,
        full=full,
        trigger=SyncRun.Trigger.MANUAL.value,
        user_id=request.user.pk,
    )
    return redirect("web:sync", client_id=client.pk)


@login_required
@require_GET
def sync_run_view(request: HttpRequest, client_id: int, run_id: int) -> HttpResponse:
    """One run in detail: per-area counts, requests per endpoint, warnings, error, changes."""
    client = client_or_404(user=request.user, client_id=client_id)
    run = run_list(client=client).filter(pk=run_id).first()
    if run is None:
        raise Http404(_("Synkroniseringen finns inte."))
    changes = SyncChange.objects.filter(run=run).order_by("entity", "year_start", "key")
    context = client_page_context(
        client,
        "sync_run",
        current=run_view(run, advice=run_advice(run, _connection(client))),
        run=run,
        requests=sorted(run.requests.items()),
        paths=[(start, path_label(path)) for start, path in (run.paths or {}).items()],
        changes=list(changes[: CHANGES_SHOWN * 4]),
        change_total=changes.count(),
    )
    return render(request, "web/integration/run.html", context)
