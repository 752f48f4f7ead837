"""Sync runs, their archived payloads, what each run changed, and what we hold per year.

A :class:`SyncRun` records who or what started a sync, the path it took for each year,
per-area counts, per-endpoint request counts, warnings and errors (in Swedish) and live
progress. Every response is archived compressed in :class:`SyncPayload`, so each synced
value can be traced to the response it came from. :class:`SyncChange` lists exactly the
vouchers, accounts and balances a run changed ("nytt sedan senaste synk").
:class:`YearState` is what the planner knows about each Fortnox year we hold.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bokslut.firms.models import Client
from bokslut.ledger.models import Source


class SyncRun(models.Model):
    """One sync of one client."""

    class Trigger(models.TextChoices):
        MANUAL = "manual", _("Manuell")
        SCHEDULE = "schedule", _("Schemalagd")
        CLI = "cli", _("Kommandorad")
        API = "api", _("API")

    class Status(models.TextChoices):
        QUEUED = "queued", _("I kö")
        RUNNING = "running", _("Pågår")
        DONE = "done", _("Klar")
        FAILED = "failed", _("Misslyckades")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="sync_runs")
    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    full = models.BooleanField(default=False, help_text="a full comparison was asked for")
    areas = models.JSONField(default=list, help_text="the areas this run covered")
    #: {"2025-01-01": "sie" | "json" | "delta" | "unchanged"}: which path each year took.
    paths = models.JSONField(default=dict)
    #: {"vouchers": {"new": 3, "changed": 0, "unchanged": 297, "removed": 0}, …}
    counts = models.JSONField(default=dict)
    #: {"GET /3/sie/{type}": {"requests": 1, "retries": 0, "bytes": 123, "seconds": 0.1}, …}
    requests = models.JSONField(default=dict)
    request_total = models.PositiveIntegerField(default=0)
    bytes_total = models.BigIntegerField(default=0)
    warnings = models.JSONField(default=list, help_text="Swedish messages")
    error = models.TextField(blank=True, help_text="why the run failed, in Swedish")
    #: {"area": "vouchers", "done": 2, "total": 9}: the engine's latest step (API, CLI).
    progress = models.JSONField(default=dict)
    #: {"vouchers": {"state": "running", "done": 1, "total": 3}, …}: every area of the run,
    #: state one of pending/running/done/failed/skipped (see bokslut.sync.progress). One
    #: JSON column on the run row, so a progress write is a single-row update.
    area_progress = models.JSONField(default=dict, blank=True)
    queued_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True)
    finished_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["-queued_at", "-pk"]
        indexes = [models.Index(fields=["client", "-queued_at"], name="sync_run_client_recent")]

    def __str__(self) -> str:
        return f"Synk {self.pk} ({self.get_status_display()})"

    @property
    def seconds(self) -> float | None:
        """How long the run took, if it has finished."""
        if self.started_at is None or self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()

    @property
    def changed_anything(self) -> bool:
        """Whether any area had a new, changed or removed record."""
        return any(
            c.get("new", 0) or c.get("changed", 0) or c.get("removed", 0)
            for c in self.counts.values()
        )


class SyncPayload(models.Model):
    """One archived response (JSON or SIE), compressed with zlib."""

    run = models.ForeignKey(SyncRun, on_delete=models.CASCADE, related_name="payloads")
    endpoint = models.CharField(max_length=100)
    params = models.JSONField(default=dict)
    status = models.PositiveSmallIntegerField(default=200)
    content_type = models.CharField(max_length=50, default="application/json")
    body = models.BinaryField(help_text="zlib-compressed response body")
    sha256 = models.CharField(max_length=64, help_text="of the uncompressed body")
    size = models.BigIntegerField(help_text="uncompressed bytes")
    #: The ledger source whose rows came from this payload (SIE and JSON year writes).
    source = models.ForeignKey(
        Source, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["run", "pk"]

    def __str__(self) -> str:
        return f"{self.endpoint} {self.params}"


class SyncChange(models.Model):
    """One voucher, account, balance or register item a run added, changed or removed."""

    class Kind(models.TextChoices):
        NEW = "new", _("Ny")
        CHANGED = "changed", _("Ändrad")
        REMOVED = "removed", _("Borttagen")

    class Entity(models.TextChoices):
        VOUCHER = "voucher", _("Verifikation")
        ACCOUNT = "account", _("Konto")
        BALANCE = "balance", _("Saldo")
        PERIOD_BALANCE = "period_balance", _("Periodsaldo")
        LOCKED_PERIOD = "locked_period", _("Låst period")
        REGISTER = "register", _("Register")

    run = models.ForeignKey(SyncRun, on_delete=models.CASCADE, related_name="changes")
    entity = models.CharField(max_length=14, choices=Entity.choices)
    kind = models.CharField(max_length=7, choices=Kind.choices)
    year_start = models.DateField(null=True)
    #: A stable key: "A 12", "1930", "UB 1930", "PSALDO 202503 3010", "customers 17".
    key = models.CharField(max_length=200)
    detail = models.CharField(max_length=500, blank=True, help_text="Swedish description")

    class Meta:
        ordering = ["run", "entity", "year_start", "key"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.get_entity_display()} {self.key}"

    @property
    def shown_key(self) -> str:
        """The key as people see it: a register change names its area in Swedish."""
        from bokslut.sync.labels import register_key_label

        return register_key_label(self.key) if self.entity == self.Entity.REGISTER else self.key


class YearState(models.Model):
    """What the last successful sync of one Fortnox year saw (the planner's memory)."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    fortnox_year_id = models.PositiveIntegerField()
    start = models.DateField()
    end = models.DateField()
    #: {"A": 301, "B": 76}: NextVoucherNumber per series when this year was last written.
    series = models.JSONField(default=dict)
    path = models.CharField(max_length=8, blank=True, help_text="sie, json or delta")
    #: Whether the year lay inside the locked period when written: then it cannot change.
    locked = models.BooleanField(default=False)
    vouchers = models.PositiveIntegerField(default=0, help_text="vouchers held after the write")
    synced_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "fortnox_year_id"], name="year_state_unique")
        ]

    def __str__(self) -> str:
        return f"{self.start}–{self.end} (Fortnox {self.fortnox_year_id})"


class ClientState(models.Model):
    """Client-wide sync memory: when accounts and registers were last checked."""

    client = models.OneToOneField(Client, on_delete=models.CASCADE, related_name="+")
    accounts_checked_at = models.DateTimeField(null=True)
    registers_checked_at = models.DateTimeField(null=True)
    full_compared_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"Synkstatus för {self.client_id}"
