"""Klienter: every client the user may see, with its Fortnox status, search and filters."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from bokslut.firms.selectors import client_list
from bokslut.web.access import client_or_404
from bokslut.web.forms import ClientFilterForm
from bokslut.web.help import PAGE_HELP
from bokslut.web.status import StatusFilter, client_statuses, filter_by_status

CLIENTS_PER_PAGE = 50


@require_GET
@login_required
def client_list_view(request: HttpRequest) -> HttpResponse:
    """The Klienter page (or, for HTMX, just its table)."""
    form = ClientFilterForm(request.GET)
    clients = client_list(user=request.user).order_by("name", "id")
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
        if query:
            clients = clients.filter(Q(name__icontains=query) | Q(org_number__icontains=query))
        if form.cleaned_data["status"]:
            clients = filter_by_status(clients, StatusFilter(form.cleaned_data["status"]))
    # A firm's clients are bounded (thousands at most), so a counted paginator is cheap here.
    page = Paginator(clients, CLIENTS_PER_PAGE).get_page(request.GET.get("sida"))
    statuses = client_statuses(page.object_list)
    rows = [(client, statuses[client.pk]) for client in page.object_list]
    context = {"form": form, "page_obj": page, "rows": rows, "help": PAGE_HELP["clients"]}
    template = "web/_client_table.html" if request.htmx else "web/clients.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@require_GET
@login_required
def client_detail_view(request: HttpRequest, client_id: int) -> HttpResponse:
    """A client's start page: its saldobalans."""
    client = client_or_404(user=request.user, client_id=client_id)
    return redirect("web:trial_balance", client_id=client.pk)
