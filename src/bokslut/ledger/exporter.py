"""Export a financial year from the ledger store as SIE, streaming rows from the database.

The file is written so that importing it reproduces the year exactly: the year is ``#RAR 0``,
the previous year (if stored) ``#RAR -1`` with its balances, the chart is the year's chart,
and every voucher with every row (``#RTRANS``/``#BTRANS`` included) in series order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from itertools import groupby
from typing import Any, Literal, cast

from bokslut.firms.models import Client
from bokslut.ledger import models as m
from bokslut.ledger.codec import objects_from_text, sru_codes
from bokslut.ledger.selectors import YearRef, year_get
from bokslut.money import from_ore
from bokslut.sie.model import (
    Account,
    AccountType,
    Balance,
    BalanceKind,
    Dimension,
    FinancialYear,
    Header,
    Issue,
    ObjectBalance,
    PeriodBalance,
    RowKind,
    SieObject,
    Voucher,
    VoucherRow,
)
from bokslut.sie.writer import SieType, SieWriter, Target

__all__ = ["export_sie"]

_CHUNK = 5000


def export_sie(
    *,
    client: Client,
    year: YearRef,
    sie_type: SieType = "4E",
    target: Target,
    checksum: bool = False,
) -> list[Issue]:
    """Write ``client``'s financial ``year`` as a SIE file of ``sie_type`` to ``target``.

    ``target`` is a path or a binary stream. Returns the writer's warnings (text that had
    to be changed to fit CP437). Memory use does not grow with the number of rows.
    """
    fy = year_get(client=client, year=year)
    previous = m.FinancialYear.objects.filter(
        client=client, end=fy.start - dt.timedelta(days=1)
    ).first()
    years = {0: fy} if previous is None else {0: fy, -1: previous}
    header = Header(
        flag=0,
        org_number=client.org_number,
        company_name=client.name,
        years={i: FinancialYear(i, y.start, y.end) for i, y in years.items()},
    )
    with SieWriter(target, sie_type=sie_type, checksum=checksum) as writer:
        writer.write_header(
            header,
            accounts=_accounts(fy),
            dimensions=_dimensions(client),
            objects=_objects(client),
        )
        writer.write_items(_balances(years, ("IB", "UB")))
        writer.write_items(_object_balances(years))
        writer.write_items(_balances(years, ("RES",)))
        writer.write_items(_period_balances(years))
        writer.write_items(_vouchers(fy))
    return writer.issues


def _accounts(fy: m.FinancialYear) -> list[Account]:
    accounts = m.Account.objects.filter(year=fy).order_by("number")
    return [
        Account(
            number=a.number,
            name=a.name,
            type=AccountType(a.type) if a.type else None,
            unit=a.unit or None,
            sru=sru_codes(a.sru),
        )
        for a in accounts
    ]


def _dimensions(client: Client) -> list[Dimension]:
    return [
        Dimension(number=d.number, name=d.name, parent=d.parent)
        for d in m.Dimension.objects.filter(client=client).order_by("number")
    ]


def _objects(client: Client) -> list[SieObject]:
    objects = m.LedgerObject.objects.filter(dimension__client=client).order_by(
        "dimension__number", "code"
    )
    return [
        SieObject(dimension=dim, code=code, name=name)
        for dim, code, name in objects.values_list("dimension__number", "code", "name")
    ]


def _balances(years: dict[int, m.FinancialYear], kinds: tuple[str, ...]) -> Iterator[Balance]:
    for index in sorted(years, reverse=True):
        rows = (
            m.Balance.objects.filter(year=years[index], kind__in=kinds)
            .order_by("kind", "account")
            .values_list("kind", "account", "amount_ore", "quantity")
        )
        for kind, account, amount, quantity in rows:
            yield Balance(cast(BalanceKind, kind), index, account, from_ore(amount), quantity)


def _object_balances(years: dict[int, m.FinancialYear]) -> Iterator[ObjectBalance]:
    for index in sorted(years, reverse=True):
        rows = (
            m.ObjectBalance.objects.filter(year=years[index])
            .order_by("kind", "account", "dimension", "object_code")
            .values_list("kind", "account", "dimension", "object_code", "amount_ore", "quantity")
        )
        for kind, account, dim, code, amount, quantity in rows:
            yield ObjectBalance(
                cast(Literal["OIB", "OUB"], kind),
                index,
                account,
                (dim, code),
                from_ore(amount),
                quantity,
            )


def _period_balances(years: dict[int, m.FinancialYear]) -> Iterator[PeriodBalance]:
    for index in sorted(years, reverse=True):
        rows = (
            m.PeriodBalance.objects.filter(year=years[index])
            .order_by("kind", "period", "account", "object_list")
            .values_list("kind", "period", "account", "object_list", "amount_ore", "quantity")
        )
        for kind, period, account, objects, amount, quantity in rows:
            yield PeriodBalance(
                cast(Literal["PSALDO", "PBUDGET"], kind),
                index,
                period,
                account,
                objects_from_text(objects),
                from_ore(amount),
                quantity,
            )


def _vouchers(fy: m.FinancialYear) -> Iterator[Voucher]:
    """The year's vouchers with their rows, merged from two ordered streaming queries."""
    order = ("series", "number_sort", "number", "id")
    vouchers = (
        m.Voucher.objects.filter(year=fy)
        .order_by(*order)
        .values_list("id", "series", "number", "date", "text", "registered", "signature")
        .iterator(chunk_size=_CHUNK)
    )
    rows = (
        m.VoucherRow.objects.filter(year=fy)
        .order_by(*(f"voucher__{o}" for o in order), "position")
        .values_list(
            "voucher_id",
            "kind",
            "account",
            "amount_ore",
            "object_list",
            "date",
            "text",
            "quantity",
            "signature",
        )
        .iterator(chunk_size=_CHUNK)
    )
    grouped = groupby(rows, key=lambda r: r[0])
    pending = next(grouped, None)
    for pk, series, number, date, text, registered, signature in vouchers:
        voucher_rows: tuple[VoucherRow, ...] = ()
        if pending is not None and pending[0] == pk:
            voucher_rows = tuple(_row(values) for values in pending[1])
            pending = next(grouped, None)
        yield Voucher(
            series=series,
            number=number,
            date=date,
            text=text,
            rows=voucher_rows,
            registered=registered,
            signature=signature or None,
        )


def _row(values: tuple[Any, ...]) -> VoucherRow:
    _, kind, account, amount, objects, date, text, quantity, signature = values
    return VoucherRow(
        kind=RowKind(kind),
        account=account,
        amount=from_ore(amount),
        objects=objects_from_text(objects),
        date=date,
        text=text or None,
        quantity=quantity,
        signature=signature or None,
    )
