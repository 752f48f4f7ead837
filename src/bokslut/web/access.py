"""Every client-scoped view resolves its client and year here, from the signed-in user.

A client id from the URL is only a hint: the client is looked up among the clients the
user may see, so an id of another firm's client is a 404, exactly like an id that does not
exist (a 403 would tell a prober the id is real).
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.http import Http404

from bokslut.firms.models import Client
from bokslut.firms.selectors import client_get
from bokslut.ledger.models import FinancialYear, Voucher

__all__ = ["client_or_404", "voucher_or_404", "year_or_404"]


def client_or_404(*, user: User | AnonymousUser, client_id: int) -> Client:
    """The client if ``user`` may see it; otherwise :class:`Http404`."""
    client = client_get(user=user, client_id=client_id)
    if client is None:
        raise Http404("Klienten finns inte.")
    return client


def year_or_404(*, client: Client, year_id: str | None) -> FinancialYear | None:
    """The client's year ``year_id`` (a query parameter), or its latest year when not given.

    None when the client has no financial years at all.
    """
    years = FinancialYear.objects.filter(client=client)
    if not year_id:
        return years.order_by("-start").first()
    try:
        return years.get(pk=int(year_id))
    except (ValueError, FinancialYear.DoesNotExist) as exc:
        raise Http404("Räkenskapsåret finns inte.") from exc


def voucher_or_404(*, client: Client, voucher_id: int) -> Voucher:
    """The client's voucher ``voucher_id``; another client's voucher is a 404."""
    voucher = (
        Voucher.objects.select_related("year").filter(pk=voucher_id, year__client=client).first()
    )
    if voucher is None:
        raise Http404("Verifikationen finns inte.")
    return voucher
