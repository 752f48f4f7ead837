"""Verifikationer: the year's vouchers with filters, and one voucher with all its rows."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from bokslut.ledger.models import VoucherRow
from bokslut.money import from_ore
from bokslut.web.access import voucher_or_404
from bokslut.web.forms import VoucherFilterForm
from bokslut.web.selectors import VoucherFilters, voucher_page, voucher_rows, year_overview
from bokslut.web.views._common import client_page


@require_GET
@login_required
def voucher_list_view(request: HttpRequest, client_id: int) -> HttpResponse:
    """The year's vouchers, filtered, a page at a time (``?efter=``)."""
    subject = client_page(request, client_id)
    form = VoucherFilterForm(request.GET)
    filters = VoucherFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = VoucherFilters(
            series=data["serie"].strip(),
            date_from=data["fran"],
            date_to=data["till"],
            account=data["konto"] or "",
            text=data["text"].strip(),
        )
    page = None
    series: list[str] = []
    if subject.year is not None:
        page = voucher_page(year=subject.year, filters=filters, cursor=request.GET.get("efter"))
        series = year_overview(year=subject.year).series
    context = subject.context(page="vouchers", form=form, voucher_page=page, series=series)
    if request.htmx and page is not None and not page.first_page:  # type: ignore[attr-defined]
        return render(request, "web/_voucher_rows.html", context)
    return render(request, "web/vouchers.html", context)


@require_GET
@login_required
def voucher_detail_view(request: HttpRequest, client_id: int, voucher_id: int) -> HttpResponse:
    """One voucher with every row; struck rows shown struck."""
    subject = client_page(request, client_id)
    voucher = voucher_or_404(client=subject.client, voucher_id=voucher_id)
    rows = voucher_rows(voucher=voucher)
    counting = [r for r in rows if r.kind != VoucherRow.Kind.REMOVED]
    debit = from_ore(sum(r.amount_ore for r in counting if r.amount_ore > 0))
    credit = from_ore(-sum(r.amount_ore for r in counting if r.amount_ore < 0))
    context = subject.context(
        page="voucher", voucher=voucher, rows=rows, debit=debit, credit=credit
    )
    context["year"] = voucher.year
    return render(request, "web/voucher.html", context)
