"""Avstämning pages: the grid with the checks, one reconciliation, files and exports."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bokslut.avstamning import services
from bokslut.avstamning.checks import checks_run
from bokslut.avstamning.excel import grid_workbook
from bokslut.avstamning.forms import (
    CommentForm,
    ExplanationForm,
    ManualUnderlagForm,
    PeriodForm,
    StatementForm,
)
from bokslut.avstamning.help import HELP
from bokslut.avstamning.models import Attachment, UnderlagItem
from bokslut.avstamning.pdf import grid_pdf
from bokslut.avstamning.selectors import (
    asset_groups,
    cell_get,
    latest_checks,
    period_kind,
    reconciliation_grid,
)
from bokslut.firms.models import Client
from bokslut.ledger.models import FinancialYear
from bokslut.ledger.selectors import year_list
from bokslut.underlag import UnderlagError
from bokslut.web.access import client_or_404, year_or_404


def _subject(
    request: HttpRequest, client_id: int
) -> tuple[Client, FinancialYear | None, list[FinancialYear]]:
    client = client_or_404(user=request.user, client_id=client_id)
    year = year_or_404(client=client, year_id=request.GET.get("ar") or request.POST.get("ar"))
    return client, year, list(year_list(client=client))


def _context(
    client: Client,
    year: FinancialYear | None,
    years: list[FinancialYear],
    help_key: str,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "client": client,
        "year": year,
        "years": years,
        "page": "avstamning",
        "help": HELP[help_key],
        **extra,
    }


@require_GET
@login_required
def grid_view(request: HttpRequest, client_id: int) -> HttpResponse:
    """The grid of balance-sheet accounts × periods, with the latest checks."""
    client, year, years = _subject(request, client_id)
    grid = reconciliation_grid(client=client, year=year) if year else None
    run, results = latest_checks(client=client, year=year) if year else (None, [])
    return render(
        request,
        "avstamning/grid.html",
        _context(
            client,
            year,
            years,
            "grid",
            grid=grid,
            check_run=run,
            check_results=results,
            period_form=PeriodForm(initial={"period": period_kind(client)}),
        ),
    )


@require_POST
@login_required
def checks_run_view(request: HttpRequest, client_id: int) -> HttpResponse:
    """Run the checks now."""
    client, year, _ = _subject(request, client_id)
    if year is None:
        raise Http404("Klienten har inget räkenskapsår.")
    checks_run(client=client, year=year, user=request.user)
    messages.success(request, "Kontrollerna har körts.")
    return redirect(f"{reverse('avstamning:grid', args=[client.pk])}?ar={year.pk}")


@require_POST
@login_required
def period_view(request: HttpRequest, client_id: int) -> HttpResponse:
    """Change the client's reconciliation period."""
    client, year, _ = _subject(request, client_id)
    form = PeriodForm(request.POST)
    if form.is_valid():
        services.period_set(client=client, period=form.cleaned_data["period"])
    suffix = f"?ar={year.pk}" if year else ""
    return redirect(reverse("avstamning:grid", args=[client.pk]) + suffix)


def _cell_url(client: Client, year: FinancialYear, account: str, period_end: dt.date) -> str:
    return reverse("avstamning:cell", args=[client.pk, year.pk, account, period_end.isoformat()])


@require_http_methods(["GET", "POST"])
@login_required
def cell_view(
    request: HttpRequest, client_id: int, year_id: int, account: str, period_end: str
) -> HttpResponse:
    """One account and period: balance, underlag, difference, comments, sign-off."""
    client = client_or_404(user=request.user, client_id=client_id)
    year = year_or_404(client=client, year_id=str(year_id))
    assert year is not None
    try:
        end = dt.date.fromisoformat(period_end)
        reconciliation = (
            services.reconciliation_get_or_create(
                client=client, year=year, account=account, period_end=end
            )
            if request.method == "POST"
            else None
        )
    except (ValueError, services.ReconciliationError) as exc:
        raise Http404(str(exc)) from exc
    forms_: dict[str, forms.Form] = {
        "manual": ManualUnderlagForm(),
        "statement": StatementForm(),
        "comment": CommentForm(),
        "explanation": ExplanationForm(),
    }
    if request.method == "POST" and reconciliation is not None:
        action = request.POST.get("action", "")
        try:
            handled = _handle(request, action, reconciliation, forms_)
        except (services.UploadRefused, UnderlagError, services.ReconciliationError) as exc:
            messages.error(
                request,
                f"Filen togs inte emot: {exc}"
                if not isinstance(exc, services.ReconciliationError)
                else str(exc),
            )
            handled = False
        if handled:
            return redirect(_cell_url(client, year, account, end))
    cell = cell_get(client=client, year=year, account=account, period_end=end)
    rec = cell.reconciliation
    if rec is not None:
        forms_["explanation"] = ExplanationForm(initial={"text": rec.explanation})
    return render(
        request,
        "avstamning/cell.html",
        _context(
            client,
            year,
            list(year_list(client=client)),
            "cell",
            cell=cell,
            rec=rec,
            underlag=[u for u in rec.underlag.all() if u.removed_at is None] if rec else [],
            comments=list(rec.comments.all()) if rec else [],
            attachments=list(rec.attachments.all()) if rec else [],
            signoffs=list(rec.signoffs.all()) if rec else [],
            assets=asset_groups(client) if "1100" <= account < "1300" else [],
            forms=forms_,
        ),
    )


def _handle(request: HttpRequest, action: str, reconciliation: Any, forms_: dict[str, Any]) -> bool:
    user = request.user
    if action == "manual":
        form: forms.Form = ManualUnderlagForm(request.POST, request.FILES)
        forms_["manual"] = form
        if not form.is_valid():
            return False
        upload = form.cleaned_data["file"]
        services.underlag_add_manual(
            reconciliation=reconciliation,
            amount=form.cleaned_data["amount"],
            description=form.cleaned_data["description"],
            file_name=upload.name if upload else None,
            file_data=upload.read() if upload else None,
            user=user,
        )
        messages.success(request, "Underlaget har lagts till.")
        return True
    if action == "statement":
        form = StatementForm(request.POST, request.FILES)
        forms_["statement"] = form
        if not form.is_valid():
            return False
        upload = form.cleaned_data["file"]
        services.underlag_add_statement(
            reconciliation=reconciliation,
            file_name=upload.name,
            file_data=upload.read(),
            kind=form.cleaned_data["kind"],
            user=user,
        )
        messages.success(request, "Kontoutdraget har lästs in.")
        return True
    if action == "comment":
        form = CommentForm(request.POST)
        forms_["comment"] = form
        if not form.is_valid():
            return False
        services.comment_add(
            reconciliation=reconciliation, text=form.cleaned_data["text"], user=user
        )
        return True
    if action == "explanation":
        form = ExplanationForm(request.POST)
        if form.is_valid():
            services.explanation_set(reconciliation=reconciliation, text=form.cleaned_data["text"])
        return True
    if action == "signoff":
        services.signoff_create(reconciliation=reconciliation, user=user)
        messages.success(request, "Avstämningen är signerad.")
        return True
    if action == "remove":
        item = get_object_or_404(
            UnderlagItem, pk=request.POST.get("item"), reconciliation=reconciliation
        )
        services.underlag_remove(item=item, user=user)
        return True
    raise Http404("Okänd åtgärd.")


@require_GET
@login_required
def attachment_view(request: HttpRequest, client_id: int, attachment_id: int) -> FileResponse:
    """Download an attachment, only for users who may see its client."""
    client = client_or_404(user=request.user, client_id=client_id)
    attachment = get_object_or_404(Attachment, pk=attachment_id, client=client)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@login_required
def export_view(request: HttpRequest, client_id: int, kind: str) -> HttpResponse:
    """The grid as Excel (``xlsx``) or PDF (``pdf``)."""
    client, year, _ = _subject(request, client_id)
    if year is None:
        raise Http404("Klienten har inget räkenskapsår.")
    grid = reconciliation_grid(client=client, year=year)
    name = f"avstamning-{client.org_number}-{year.start:%Y%m%d}"
    if kind == "xlsx":
        data = grid_workbook(client=client, year=year, grid=grid)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        data = grid_pdf(client=client, year=year, grid=grid)
        content_type = "application/pdf"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response
