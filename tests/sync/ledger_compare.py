"""Comparable views of our ledger and registers, and of what the sandbox holds.

Both sides are reduced to plain dicts of exact values (öre, text, dates) so a test can
assert equality of a whole company at once and show the difference when it fails.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from bokslut.firms.models import Client
from bokslut.ledger import models as m
from bokslut.ledger.codec import objects_to_text, sru_text
from bokslut.money import to_ore
from bokslut.registers import models as reg
from bokslut.sandbox import Company
from bokslut.sandbox.sie_export import export_document

Ledger = dict[str, Any]


def _quantity(value: Decimal | None) -> Decimal | None:
    return None if value is None or value == 0 else value.normalize()


def sandbox_ledger(
    company: Company, *, registered: bool = True, object_balances: bool = True
) -> Ledger:
    """Every year of ``company`` as Fortnox's own SIE 4 export of it states it."""
    years: dict[str, Any] = {}
    for year in company.years_by_date():
        doc = export_document(company, year, 4, date(2026, 1, 15))
        years[str(year.start)] = {
            "end": year.end,
            "accounts": {
                n: (a.name, sru_text(a.sru), company.accounts[n].active)
                for n, a in doc.accounts.items()
            },
            "balances": {
                (b.kind, b.account): to_ore(b.amount) for b in doc.balances if b.year == 0
            },
            "object_balances": (
                {
                    (b.kind, b.account, b.object[0], b.object[1]): to_ore(b.amount)
                    for b in doc.object_balances
                    if b.year == 0
                }
                if object_balances
                else None
            ),
            "period_balances": {
                (p.period, p.account, objects_to_text(p.objects)): to_ore(p.amount)
                for p in doc.period_balances
                if p.year == 0 and p.kind == "PSALDO"
            },
            "vouchers": {
                (v.series, v.number): (
                    v.date,
                    v.text,
                    v.registered if registered else None,
                    tuple(
                        (
                            r.kind.value,
                            r.account,
                            to_ore(r.amount),
                            objects_to_text(r.objects),
                            r.text or "",
                            _quantity(r.quantity),
                        )
                        for r in v.rows
                    ),
                )
                for v in doc.vouchers
            },
        }
    return {
        "objects": {(d, code): o.name for (d, code), o in company.objects.items()},
        "years": years,
    }


def ledger_of(client: Client, *, registered: bool = True, object_balances: bool = True) -> Ledger:
    """``client``'s ledger in the shape of :func:`sandbox_ledger`."""
    years: dict[str, Any] = {}
    for year in m.FinancialYear.objects.filter(client=client).order_by("start"):
        vouchers: dict[tuple[str, str], Any] = {}
        rows_by_voucher: dict[int, list[Any]] = {}
        for row in m.VoucherRow.objects.filter(year=year).order_by("voucher_id", "position"):
            rows_by_voucher.setdefault(row.voucher_id, []).append(
                (
                    row.kind,
                    row.account,
                    row.amount_ore,
                    row.object_list,
                    row.text,
                    _quantity(row.quantity),
                )
            )
        for voucher in m.Voucher.objects.filter(year=year):
            vouchers[(voucher.series, voucher.number)] = (
                voucher.date,
                voucher.text,
                voucher.registered if registered else None,
                tuple(rows_by_voucher.get(voucher.pk, [])),
            )
        years[str(year.start)] = {
            "end": year.end,
            "accounts": {
                a.number: (a.name, a.sru, a.active) for a in m.Account.objects.filter(year=year)
            },
            "balances": {
                (b.kind, b.account): b.amount_ore for b in m.Balance.objects.filter(year=year)
            },
            "object_balances": (
                {
                    (b.kind, b.account, b.dimension, b.object_code): b.amount_ore
                    for b in m.ObjectBalance.objects.filter(year=year)
                }
                if object_balances
                else None
            ),
            "period_balances": {
                (p.period, p.account, p.object_list): p.amount_ore
                for p in m.PeriodBalance.objects.filter(year=year, kind="PSALDO")
            },
            "vouchers": vouchers,
        }
    objects = {
        (o.dimension.number, o.code): o.name
        for o in m.LedgerObject.objects.filter(dimension__client=client).select_related("dimension")
    }
    return {"objects": objects, "years": years}


def _ore(value: Any) -> int | None:
    if value is None or value == "":
        return None
    return to_ore(Decimal(str(value)))


def sandbox_registers(company: Company) -> dict[str, Any]:
    """The sandbox's registers, in the shape of :func:`registers_of`."""
    return {
        "customers": {
            k: (r.data["Name"], r.data["OrganisationNumber"], r.data["City"], r.data["Email"],
                bool(r.data["Active"]))
            for k, r in company.customers.items()
        },
        "suppliers": {
            k: (r.data["Name"], r.data["OrganisationNumber"], r.data["City"], r.data["Email"],
                bool(r.data["Active"]))
            for k, r in company.suppliers.items()
        },
        "invoices": {
            k: (r.data["CustomerNumber"], _ore(r.data["Total"]), _ore(r.data["Balance"]),
                r.data["InvoiceDate"], r.data["DueDate"], bool(r.data["Booked"]),
                bool(r.data["Cancelled"]), r.data["VoucherSeries"], r.data["VoucherNumber"])
            for k, r in company.invoices.items()
        },
        "supplier_invoices": {
            k: (r.data["SupplierNumber"], _ore(r.data["Total"]), _ore(r.data["Balance"]),
                r.data["InvoiceDate"], r.data["DueDate"], bool(r.data["Booked"]),
                bool(r.data["Cancelled"]), r.data["VoucherSeries"], r.data["VoucherNumber"])
            for k, r in company.supplier_invoices.items()
        },
        "assets": {
            int(str(r.data["Id"])): (r.data["Number"], r.data["Description"], r.data["Type"],
                          _ore(r.data["AcquisitionValue"]), _ore(r.data["BookValue"]),
                          r.data["AcquisitionDate"])
            for r in company.assets.values()
        },
        "locked_period": company.locked_until,
    }  # fmt: skip


def registers_of(client: Client) -> dict[str, Any]:
    """``client``'s registers in the shape of :func:`sandbox_registers`."""
    locked = reg.LockedPeriod.objects.filter(client=client).first()
    return {
        "customers": {
            c.number: (c.name, c.org_number, c.city, c.email, c.active)
            for c in reg.Customer.objects.filter(client=client)
        },
        "suppliers": {
            s.number: (s.name, s.org_number, s.city, s.email, s.active)
            for s in reg.Supplier.objects.filter(client=client)
        },
        "invoices": {
            i.number: (i.customer_number, i.total_ore, i.balance_ore, i.invoice_date, i.due_date,
                       i.booked, i.cancelled, i.voucher_series, i.voucher_number)
            for i in reg.CustomerInvoice.objects.filter(client=client)
        },
        "supplier_invoices": {
            i.number: (i.supplier_number, i.total_ore, i.balance_ore, i.invoice_date, i.due_date,
                       i.booked, i.cancelled, i.voucher_series, i.voucher_number)
            for i in reg.SupplierInvoice.objects.filter(client=client)
        },
        "assets": {
            a.fortnox_id: (a.number, a.description, a.type, a.acquisition_value_ore,
                           a.book_value_ore, a.acquisition_date)
            for a in reg.Asset.objects.filter(client=client)
        },
        "locked_period": locked.end_date if locked else None,
    }  # fmt: skip
