"""Invoices open at a date, from what Fortnox's lists give: today's balance and the final payment.

Fortnox lists only what is unpaid today (``Balance``) and when an invoice was paid in full
(``FinalPayDate``), not each payment. An invoice paid in full after the day was therefore
open for its whole ``Total`` then; any other invoice for what is unpaid today (a partial
payment made after the day is not visible in the lists and is missed).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import BigIntegerField, Case, F, Q, QuerySet, When

__all__ = ["open_at"]


def open_at(invoices: QuerySet[Any], day: dt.date) -> QuerySet[Any]:
    """The booked, not cancelled invoices dated on or before ``day`` with something open then.

    Each carries ``open_ore``: what was unpaid at the end of ``day``.
    """
    found: QuerySet[Any] = (
        invoices.filter(booked=True, cancelled=False, invoice_date__lte=day)
        .annotate(
            open_ore=Case(
                When(Q(final_pay_date__gt=day), then=F("total_ore")),
                default=F("balance_ore"),
                output_field=BigIntegerField(),
            )
        )
        .exclude(open_ore=0)
    )
    return found
