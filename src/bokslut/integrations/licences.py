"""Which granted scopes the company's Fortnox licences actually serve, found by probing.

Fortnox grants a scope at consent even when the company lacks the licence behind it; the
only reliable test is to ask one cheap endpoint per scope and see whether it answers or
refuses with a licence error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from bokslut.fortnox import FortnoxClient, LicenceMissing, NotFound

__all__ = ["PROBES", "detect_licences"]


def _first(items: Iterable[Any]) -> object:
    # Reading one item fetches only the first page.
    return next(iter(items), None)


#: One cheap request per scope.
PROBES: dict[str, Callable[[FortnoxClient], object]] = {
    "companyinformation": lambda c: c.company_information(),
    "bookkeeping": lambda c: c.financial_years(),
    "settings": lambda c: c.locked_period(),
    "costcenter": lambda c: _first(c.cost_centers()),
    "project": lambda c: _first(c.projects()),
    "customer": lambda c: _first(c.customers()),
    "supplier": lambda c: _first(c.suppliers()),
    "invoice": lambda c: _first(c.invoices()),
    "supplierinvoice": lambda c: _first(c.supplier_invoices()),
    "assets": lambda c: _first(c.assets()),
}


def detect_licences(
    client: FortnoxClient, scopes: Iterable[str], *, known: Iterable[str] = ()
) -> list[str]:
    """The scopes among ``scopes`` whose endpoints answer (sorted).

    ``known`` are scopes already seen answering (e.g. ``companyinformation`` just read),
    which are not asked again. Errors other than a missing licence propagate: a
    transient failure must not be mistaken for a missing licence.
    """
    answering = set(known) & set(scopes)
    for scope in sorted(set(scopes) - answering):
        probe = PROBES.get(scope)
        if probe is None:
            continue
        try:
            probe(client)
        except LicenceMissing:
            continue
        except NotFound:
            # The endpoint exists for this company but the probed item does not.
            pass
        answering.add(scope)
    return sorted(answering)
