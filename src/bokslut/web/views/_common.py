"""What every client page shares: the client, the chosen year and the year switcher."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from bokslut.firms.models import Client
from bokslut.ledger.models import FinancialYear
from bokslut.ledger.selectors import year_list
from bokslut.web.access import client_or_404, year_or_404
from bokslut.web.help import PAGE_HELP


@dataclass(frozen=True)
class ClientPage:
    """A client page's subject: the client and the year shown (None without any year)."""

    client: Client
    year: FinancialYear | None
    years: list[FinancialYear]

    def context(self, *, page: str, **extra: Any) -> dict[str, Any]:
        """Template context shared by every client page, plus ``extra``."""
        return {
            "client": self.client,
            "year": self.year,
            "years": self.years,
            "page": page,
            "help": PAGE_HELP[page],
            **extra,
        }


def client_page(request: HttpRequest, client_id: int) -> ClientPage:
    """The client (404 unless the user may see it) and the year in ``?ar=``, else the latest."""
    client = client_or_404(user=request.user, client_id=client_id)
    year = year_or_404(client=client, year_id=request.GET.get("ar"))
    return ClientPage(client=client, year=year, years=list(year_list(client=client)))
