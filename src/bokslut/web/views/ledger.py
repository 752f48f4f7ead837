"""Saldobalans and Huvudbok of a client's financial year."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from bokslut.money import ZERO
from bokslut.web.forms import LedgerAccountForm
from bokslut.web.selectors import account_ledger_page, year_overview
from bokslut.web.views._common import client_page


@require_GET
@login_required
def trial_balance_view(request: HttpRequest, client_id: int) -> HttpResponse:
    """The saldobalans: IB, movement and UB per account, with totals."""
    subject = client_page(request, client_id)
    rows = year_overview(year=subject.year).trial_balance if subject.year else []
    totals = {
        "opening": sum((r.opening for r in rows), ZERO),
        "movement": sum((r.movement for r in rows), ZERO),
        "closing": sum((r.closing for r in rows), ZERO),
    }
    disagreeing = sum(1 for r in rows if not r.agrees)
    return render(
        request,
        "web/trial_balance.html",
        subject.context(page="trial_balance", rows=rows, totals=totals, disagreeing=disagreeing),
    )


@require_GET
@login_required
def ledger_view(request: HttpRequest, client_id: int) -> HttpResponse:
    """The huvudbok of one account (``?konto=``), a page at a time (``?efter=``)."""
    subject = client_page(request, client_id)
    form = LedgerAccountForm(request.GET)
    account = form.cleaned_data["konto"] if form.is_valid() else ""
    accounts = year_overview(year=subject.year).trial_balance if subject.year else []
    ledger = None
    if subject.year and account:
        known = next((row.movement for row in accounts if row.account == account), None)
        ledger = account_ledger_page(
            year=subject.year,
            account=account,
            cursor=request.GET.get("efter"),
            movement=known if known is not None else ZERO,
        )
    context = subject.context(page="ledger", form=form, accounts=accounts, ledger=ledger)
    if request.htmx and ledger is not None and not ledger.first_page:  # type: ignore[attr-defined]
        return render(request, "web/_ledger_rows.html", context)
    return render(request, "web/ledger.html", context)
