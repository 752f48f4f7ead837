"""Local vouchers for the sync tests: closing entries entered here, not (yet) in Fortnox."""

from __future__ import annotations

from datetime import date
from typing import Any

from bokslut.ledger import models as m
from bokslut.ledger._movements import MovementTotals, apply_movements


def local_voucher(
    client: Any,
    *,
    start: date = date(2025, 1, 1),
    series: str = "Y",
    number: str = "1",
    amount_ore: int = 1_250_000,
    text: str = "Bokslutsverifikation: avskrivning inventarier",
) -> m.Voucher:
    """A closing entry entered here (source kind ``manual``), as its writer stores it."""
    year = m.FinancialYear.objects.get(client=client, start=start)
    source = m.Source.objects.create(
        client=client, kind=m.Source.Kind.MANUAL, name="Bokslutsverifikationer"
    )
    voucher = m.Voucher.objects.create(
        year=year,
        series=series,
        number=number,
        number_sort=int(number),
        date=year.end,
        text=text,
        registered=year.end,
        signature="Revisorn",
        content_hash=f"local-{series}-{number}",
        source=source,
    )
    rows = [("7832", amount_ore), ("1229", -amount_ore)]
    added = MovementTotals()
    for position, (account, amount) in enumerate(rows, start=1):
        m.VoucherRow.objects.create(
            voucher=voucher,
            year=year,
            position=position,
            account=account,
            amount_ore=amount,
            booking_date=voucher.date,
            text=text,
            source=source,
        )
        added.add(account, amount, 1)
    apply_movements(year.pk, added, MovementTotals())
    return voucher


def stored(voucher: m.Voucher) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any]]:
    """Every column of the voucher, of its rows and of its source, as the database holds them."""
    return (
        m.Voucher.objects.filter(pk=voucher.pk).values().get(),
        list(m.VoucherRow.objects.filter(voucher_id=voucher.pk).order_by("position").values()),
        m.Source.objects.filter(pk=voucher.source_id).values().get(),
    )
