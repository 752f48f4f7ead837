"""Every route resolves its client (and year, voucher, run) here, through the firm selectors.

An id outside the token user's firm — or outside a limited consultant's clients — is a
404, exactly like an id that does not exist, so a prober cannot tell the two apart.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import Http404

from bokslut.firms.models import Client
from bokslut.firms.selectors import client_get
from bokslut.ledger.models import FinancialYear, Voucher
from bokslut.sync.models import SyncRun

__all__ = ["client_or_404", "run_or_404", "voucher_or_404", "year_or_404"]


def client_or_404(*, user: User, client_id: int) -> Client:
    """The client if ``user`` may see it, else :class:`Http404`."""
    client = client_get(user=user, client_id=client_id)
    if client is None:
        raise Http404("Klienten finns inte.")
    return client


def year_or_404(*, client: Client, year_id: int | None) -> FinancialYear:
    """The client's year ``year_id``, or its latest year when not given."""
    years = FinancialYear.objects.filter(client=client)
    year = years.filter(pk=year_id).first() if year_id is not None else years.last()
    if year is None:
        raise Http404("Räkenskapsåret finns inte.")
    return year


def voucher_or_404(*, client: Client, voucher_id: int) -> Voucher:
    """The client's voucher ``voucher_id``; another client's voucher is a 404."""
    voucher = (
        Voucher.objects.select_related("year").filter(pk=voucher_id, year__client=client).first()
    )
    if voucher is None:
        raise Http404("Verifikationen finns inte.")
    return voucher


def run_or_404(*, client: Client, run_id: int) -> SyncRun:
    """The client's sync run ``run_id``; another client's run is a 404."""
    run = SyncRun.objects.filter(pk=run_id, client=client).first()
    if run is None:
        raise Http404("Synkningen finns inte.")
    return run
