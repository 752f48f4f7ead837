"""What SIE does not carry, synced from Fortnox's JSON: ledgers, assets, series, locked period.

Money is integer öre. Identity is the Fortnox key within the client (customer number, document
number, given number, asset id, series code + year), so a re-sync updates rows in place.
Every row knows its source: the ledger ``Source`` of the sync and the archived payload
(:class:`bokslut.sync.models.SyncPayload`) its values came from.
"""

from __future__ import annotations

from django.db import models

from bokslut.firms.models import Client
from bokslut.ledger.models import Source


class SyncedRow(models.Model):
    """Columns every synced register row has: its client and where its values came from."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")
    payload = models.ForeignKey(
        "sync.SyncPayload", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Customer(SyncedRow):
    """A customer of the client (kundregister)."""

    number = models.CharField(max_length=50)
    name = models.CharField(max_length=300)
    org_number = models.CharField(max_length=30, blank=True)
    city = models.CharField(max_length=100, blank=True)
    email = models.CharField(max_length=200, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["client", "number"]
        constraints = [
            models.UniqueConstraint(fields=["client", "number"], name="customer_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class Supplier(SyncedRow):
    """A supplier of the client (leverantörsregister)."""

    number = models.CharField(max_length=50)
    name = models.CharField(max_length=300)
    org_number = models.CharField(max_length=30, blank=True)
    city = models.CharField(max_length=100, blank=True)
    email = models.CharField(max_length=200, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["client", "number"]
        constraints = [
            models.UniqueConstraint(fields=["client", "number"], name="supplier_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class InvoiceFields(SyncedRow):
    """What customer and supplier invoices share: amounts, dates, state, voucher reference."""

    invoice_date = models.DateField(null=True)
    due_date = models.DateField(null=True)
    final_pay_date = models.DateField(null=True)
    currency = models.CharField(max_length=3, blank=True)
    total_ore = models.BigIntegerField()
    balance_ore = models.BigIntegerField(help_text="what is still unpaid")
    booked = models.BooleanField(default=False)
    cancelled = models.BooleanField(default=False)
    voucher_series = models.CharField(max_length=20, blank=True)
    voucher_number = models.PositiveIntegerField(null=True)
    voucher_year = models.PositiveIntegerField(null=True, help_text="Fortnox financial-year Id")

    class Meta:
        abstract = True

    @property
    def is_open(self) -> bool:
        """An open item: booked, not cancelled, something left to pay."""
        return self.booked and not self.cancelled and self.balance_ore != 0


class CustomerInvoice(InvoiceFields):
    """A customer invoice (kundfaktura), identified by Fortnox's DocumentNumber."""

    number = models.CharField(max_length=50)
    customer_number = models.CharField(max_length=50)
    customer_name = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["client", "number"]
        constraints = [
            models.UniqueConstraint(fields=["client", "number"], name="customer_invoice_unique")
        ]

    def __str__(self) -> str:
        return f"Kundfaktura {self.number}"


class SupplierInvoice(InvoiceFields):
    """A supplier invoice (leverantörsfaktura), identified by Fortnox's GivenNumber."""

    number = models.CharField(max_length=50)
    supplier_number = models.CharField(max_length=50)
    supplier_name = models.CharField(max_length=300, blank=True)
    invoice_number = models.CharField(max_length=100, blank=True)
    vat_ore = models.BigIntegerField(null=True)

    class Meta:
        ordering = ["client", "number"]
        constraints = [
            models.UniqueConstraint(fields=["client", "number"], name="supplier_invoice_unique")
        ]

    def __str__(self) -> str:
        return f"Leverantörsfaktura {self.number}"


class Asset(SyncedRow):
    """A fixed asset (anläggningstillgång) from Fortnox's asset register."""

    fortnox_id = models.PositiveIntegerField()
    number = models.CharField(max_length=50)
    description = models.CharField(max_length=300)
    type = models.CharField(max_length=100, blank=True, help_text="asset group / type")
    acquisition_date = models.DateField(null=True)
    acquisition_value_ore = models.BigIntegerField(null=True)
    depreciated_ore = models.BigIntegerField(
        null=True, help_text="accumulated depreciation: acquisition value minus book value"
    )
    book_value_ore = models.BigIntegerField(null=True)
    depreciation_final = models.DateField(null=True)
    cost_center = models.CharField(max_length=100, blank=True)
    project = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["client", "number"]
        constraints = [
            models.UniqueConstraint(fields=["client", "fortnox_id"], name="asset_unique_id")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.description}"


class VoucherSeries(SyncedRow):
    """A voucher series of one Fortnox financial year, with its next number."""

    year_id = models.PositiveIntegerField(help_text="Fortnox financial-year Id")
    code = models.CharField(max_length=20)
    description = models.CharField(max_length=200, blank=True)
    manual = models.BooleanField(default=False)
    next_number = models.PositiveIntegerField(null=True)

    class Meta:
        ordering = ["client", "year_id", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "year_id", "code"], name="voucher_series_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.description}"


class LockedPeriod(SyncedRow):
    """The client's locked period in Fortnox: nothing can be booked up to ``end_date``."""

    end_date = models.DateField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client"], name="locked_period_unique")]

    def __str__(self) -> str:
        return f"Låst t.o.m. {self.end_date or '–'}"
