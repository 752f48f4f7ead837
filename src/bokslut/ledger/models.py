"""Ledger models. Amounts are integer öre (``*_ore``): exact, and fast to sum in SQL.

Synced and imported data lives here; people's work (reconciliations, comments, sign-offs,
closing entries) lives in other apps and refers to this data by stable keys
(client, year start, account number, series + number), never by these tables' ids, so an
import or a sync may rewrite rows here without losing anyone's work.
"""

from __future__ import annotations

from django.db import models

from bokslut.firms.models import Client


class Source(models.Model):
    """Where ledger data came from: one SIE file import or one Fortnox sync run."""

    class Kind(models.TextChoices):
        SIE_FILE = "sie_file", "SIE-fil"
        FORTNOX = "fortnox", "Fortnox"
        MANUAL = "manual", "Manuell"

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="ledger_sources")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    name = models.CharField(max_length=500, help_text="file name or sync description")
    sha256 = models.CharField(max_length=64, blank=True)
    program = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name}"


class FinancialYear(models.Model):
    """A räkenskapsår of a client, identified by its first day."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="financial_years")
    start = models.DateField()
    end = models.DateField()
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["client", "start"]
        constraints = [
            models.UniqueConstraint(fields=["client", "start"], name="year_unique_start"),
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="year_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d}–{self.end:%Y-%m-%d}"


class Account(models.Model):
    """An account in one financial year's chart (the same number may differ between years)."""

    class Type(models.TextChoices):
        ASSET = "T", "Tillgång"
        LIABILITY = "S", "Skuld"
        COST = "K", "Kostnad"
        INCOME = "I", "Intäkt"

    year = models.ForeignKey(FinancialYear, on_delete=models.CASCADE, related_name="accounts")
    number = models.CharField(max_length=20)
    name = models.CharField(max_length=200)
    type = models.CharField(max_length=1, choices=Type.choices, blank=True)
    sru = models.CharField(max_length=20, blank=True, help_text="SRU codes, comma-separated")
    unit = models.CharField(max_length=20, blank=True)
    active = models.BooleanField(default=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="account_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class Dimension(models.Model):
    """A dimension (1 kostnadsställe, 6 projekt, …) of a client."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="dimensions")
    number = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    parent = models.PositiveIntegerField(null=True, blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["client", "number"]
        constraints = [
            models.UniqueConstraint(fields=["client", "number"], name="dimension_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class LedgerObject(models.Model):
    """An object of a dimension: a cost centre, a project, …"""

    dimension = models.ForeignKey(
        Dimension, on_delete=models.CASCADE, related_name="ledger_objects"
    )
    code = models.CharField(max_length=100)
    name = models.CharField(max_length=200)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["dimension", "code"]
        constraints = [
            models.UniqueConstraint(fields=["dimension", "code"], name="object_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Balance(models.Model):
    """IB, UB or RES of an account in a year, as the source states it."""

    class Kind(models.TextChoices):
        IB = "IB", "Ingående balans"
        UB = "UB", "Utgående balans"
        RES = "RES", "Resultat"

    year = models.ForeignKey(FinancialYear, on_delete=models.CASCADE, related_name="balances")
    account = models.CharField(max_length=20)
    kind = models.CharField(max_length=3, choices=Kind.choices)
    amount_ore = models.BigIntegerField()
    quantity = models.DecimalField(max_digits=24, decimal_places=6, null=True, blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["year", "kind", "account"], name="balance_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.account}: {self.amount_ore} öre"


class ObjectBalance(models.Model):
    """OIB / OUB: an account's opening or closing balance for one object."""

    class Kind(models.TextChoices):
        OIB = "OIB", "Ingående balans per objekt"
        OUB = "OUB", "Utgående balans per objekt"

    year = models.ForeignKey(
        FinancialYear, on_delete=models.CASCADE, related_name="object_balances"
    )
    account = models.CharField(max_length=20)
    kind = models.CharField(max_length=3, choices=Kind.choices)
    dimension = models.PositiveIntegerField()
    object_code = models.CharField(max_length=100)
    amount_ore = models.BigIntegerField()
    quantity = models.DecimalField(max_digits=24, decimal_places=6, null=True, blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["year", "kind", "account", "dimension", "object_code"],
                name="object_balance_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.account} {{{self.dimension} {self.object_code}}}"


class PeriodBalance(models.Model):
    """PSALDO (actual) or PBUDGET (budget) of an account for one month, optionally per objects."""

    class Kind(models.TextChoices):
        PSALDO = "PSALDO", "Periodsaldo"
        PBUDGET = "PBUDGET", "Periodbudget"

    year = models.ForeignKey(
        FinancialYear, on_delete=models.CASCADE, related_name="period_balances"
    )
    account = models.CharField(max_length=20)
    kind = models.CharField(max_length=7, choices=Kind.choices)
    period = models.CharField(max_length=6, help_text="YYYYMM")
    object_list = models.CharField(
        max_length=300, blank=True, help_text='object list as compact JSON: [[1,"100"],[6,"P12"]]'
    )
    amount_ore = models.BigIntegerField()
    quantity = models.DecimalField(max_digits=24, decimal_places=6, null=True, blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["year", "kind", "account", "period", "object_list"],
                name="period_balance_unique",
            ),
        ]
        indexes = [models.Index(fields=["year", "period"], name="period_balance_period")]

    def __str__(self) -> str:
        return f"{self.kind} {self.period} {self.account}"


class Voucher(models.Model):
    """A verifikation, identified by (year, series, number); immutable at its source.

    Unnumbered vouchers (``number == ""``) are identified by their ``content_hash``.
    """

    # Indexed through the (year, date) index; a separate index would only slow imports.
    # No database constraint either: PostgreSQL checks a deferred key with one trigger per
    # row at commit (seconds for a big year); vouchers are only written by the importer and
    # the sync engine, inside the transaction that created or fetched their year.
    year = models.ForeignKey(
        FinancialYear,
        on_delete=models.CASCADE,
        related_name="vouchers",
        db_index=False,
        db_constraint=False,
    )
    series = models.CharField(max_length=20, blank=True)
    number = models.CharField(max_length=30, blank=True)
    number_sort = models.BigIntegerField(
        null=True, help_text="numeric value of number, for ordering and gap checks"
    )
    date = models.DateField(null=True)
    text = models.CharField(max_length=500, blank=True)
    registered = models.DateField(null=True)
    signature = models.CharField(max_length=100, blank=True)
    content_hash = models.CharField(
        max_length=64, help_text="hash of the voucher and its rows: tells a changed voucher"
    )
    # Provenance only; no database constraint, to spare the bulk import a check per voucher.
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )

    class Meta:
        ordering = ["year", "series", "number_sort", "number"]
        constraints = [
            # Cash registers and salary programs write vouchers without a number ("");
            # those are told apart by content (content_hash), numbered ones by number.
            models.UniqueConstraint(
                fields=["year", "series", "number"],
                condition=~models.Q(number=""),
                name="voucher_unique_number",
            ),
        ]
        indexes = [models.Index(fields=["year", "date"], name="voucher_date")]

    def __str__(self) -> str:
        return f"{self.series}{self.number}"


class VoucherRow(models.Model):
    """A row of a voucher. ``kind`` removed rows (#BTRANS / Fortnox Removed) are history only."""

    class Kind(models.TextChoices):
        NORMAL = "normal", "Normal"
        ADDED = "added", "Tillagd i efterhand"
        REMOVED = "removed", "Struken"

    # Rows are the million-row table, written in bulk by imports and syncs. Every index and
    # every foreign-key check costs import time (PostgreSQL checks deferred keys one
    # trigger per row at commit: 3 million checks for a million rows), so:
    # - the foreign keys rely on the composite indexes below instead of one index each;
    # - they carry no database constraint. ``year`` and ``source`` are copies of the
    #   voucher's, and rows are only ever written together with their voucher, inside
    #   the voucher's transaction, by the importer (which deletes rows before vouchers).
    voucher = models.ForeignKey(
        Voucher, on_delete=models.CASCADE, related_name="rows", db_index=False, db_constraint=False
    )
    # Denormalised from the voucher so per-account and per-period sums need no join.
    year = models.ForeignKey(
        FinancialYear,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=7, choices=Kind.choices, default=Kind.NORMAL)
    account = models.CharField(max_length=20)
    amount_ore = models.BigIntegerField()
    object_list = models.CharField(max_length=300, blank=True, help_text="as PeriodBalance's")
    date = models.DateField(null=True, help_text="the row's own transaction date, if given")
    booking_date = models.DateField(null=True, help_text="row date, else the voucher date")
    text = models.CharField(max_length=500, blank=True)
    quantity = models.DecimalField(max_digits=24, decimal_places=6, null=True, blank=True)
    signature = models.CharField(max_length=100, blank=True)
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )

    class Meta:
        ordering = ["voucher", "position"]
        constraints = [
            models.UniqueConstraint(fields=["voucher", "position"], name="voucher_row_position"),
        ]
        indexes = [
            models.Index(fields=["year", "account", "booking_date"], name="row_account_date"),
        ]

    def __str__(self) -> str:
        return f"{self.voucher_id}:{self.position} {self.account} {self.amount_ore}"


class AccountMovement(models.Model):
    """The sum of an account's counting rows (not #BTRANS) in a year, kept by the writers.

    The saldobalans reads these few hundred rows instead of summing a million voucher
    rows. Every writer of voucher rows (the importer, and through it the sync engine)
    updates them in the transaction that writes the rows; ``rows`` counts the counting
    rows behind the total, so an account whose last row goes away disappears here too.
    """

    year = models.ForeignKey(FinancialYear, on_delete=models.CASCADE, related_name="+")
    account = models.CharField(max_length=20)
    amount_ore = models.BigIntegerField()
    rows = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["year", "account"], name="account_movement_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.account}: {self.amount_ore} öre ({self.rows} rader)"
