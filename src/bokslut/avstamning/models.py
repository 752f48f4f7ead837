"""Checks, reconciliations and everything people attach to them.

Nothing here has a foreign key into ledger rows a sync may rewrite: a reconciliation is
keyed by (client, year start, account number, period end) and a sign-off remembers the
vouchers it signed by series + number, so 100 syncs later the work is still here and a
changed balance can be told from an unchanged one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from bokslut.firms.models import Client, Firm


class ReconciliationSettings(models.Model):
    """A client's reconciliation period: month, quarter or year."""

    class Period(models.TextChoices):
        MONTH = "month", "Månad"
        QUARTER = "quarter", "Kvartal"
        YEAR = "year", "År"

    client = models.OneToOneField(Client, on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=7, choices=Period.choices, default=Period.YEAR)

    def __str__(self) -> str:
        return f"{self.client_id}: {self.get_period_display()}"


class CheckRun(models.Model):
    """One run of every check over one client's year (after a sync or on demand)."""

    class Trigger(models.TextChoices):
        SYNC = "sync", "Efter synk"
        MANUAL = "manual", "Manuell"

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    year_start = models.DateField()
    trigger = models.CharField(max_length=6, choices=Trigger.choices)
    sync_run = models.ForeignKey(
        "sync.SyncRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["client", "year_start", "-created_at"], name="checkrun_recent")
        ]

    def __str__(self) -> str:
        return f"Kontroller {self.year_start} ({self.get_trigger_display()})"


class CheckResult(models.Model):
    """One check's outcome within a run (a persisted :class:`bokslut.rules.CheckResult`)."""

    run = models.ForeignKey(CheckRun, on_delete=models.CASCADE, related_name="results")
    code = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=8)
    summary = models.CharField(max_length=500)
    explanation = models.TextField(blank=True)
    #: [{"key": "1930", "message": "...", "cause": "manual_ib", "expected_ore": 1, "actual_ore": 2}]
    findings = models.JSONField(default=list)
    checked = models.BigIntegerField(default=0)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["run", "position"]
        constraints = [models.UniqueConstraint(fields=["run", "code"], name="check_result_unique")]

    def __str__(self) -> str:
        return f"{self.title}: {self.status}"


class CheckNote(models.Model):
    """A person's explanation of a check that is not green, kept across runs."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    year_start = models.DateField()
    code = models.CharField(max_length=40)
    text = models.TextField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["client", "year_start", "code"], name="check_note_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.text[:40]}"


class Reconciliation(models.Model):
    """The reconciliation of one balance-sheet account for one period, by stable keys."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    year_start = models.DateField()
    account = models.CharField(max_length=20)
    period_end = models.DateField()
    #: Why a difference is acceptable; a non-empty explanation makes a difference yellow.
    explanation = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["client", "year_start", "account", "period_end"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "year_start", "account", "period_end"],
                name="reconciliation_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.account} per {self.period_end}"


def attachment_path(instance: Attachment, filename: str) -> str:
    """Files live per firm and client, under a random name (never the user's)."""
    return f"avstamning/firm-{instance.firm_id}/client-{instance.client_id}/{instance.stored_name}"


class Attachment(models.Model):
    """An uploaded file, validated and stored per firm; never served without access checks."""

    firm = models.ForeignKey(Firm, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    reconciliation = models.ForeignKey(
        Reconciliation, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, max_length=300)
    stored_name = models.CharField(max_length=80)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["reconciliation", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class UnderlagItem(models.Model):
    """An amount of underlag a person gave: typed in, or read from an uploaded statement."""

    class Kind(models.TextChoices):
        MANUAL = "manual", "Manuellt belopp"
        BANK_CSV = "bank_csv", "Kontoutdrag (CSV)"
        CAMT053 = "camt053", "Kontoutdrag (camt.053)"
        SKATTEKONTO = "skattekonto", "Skattekontoutdrag"

    reconciliation = models.ForeignKey(
        Reconciliation, on_delete=models.CASCADE, related_name="underlag"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    amount_ore = models.BigIntegerField()
    description = models.CharField(max_length=300, blank=True)
    balance_date = models.DateField(null=True, blank=True, help_text="the date the amount is for")
    attachment = models.ForeignKey(
        Attachment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(
        null=True, blank=True, help_text="taken back, kept for history"
    )

    class Meta:
        ordering = ["reconciliation", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.amount_ore} öre"


class Comment(models.Model):
    """A comment on a reconciliation."""

    reconciliation = models.ForeignKey(
        Reconciliation, on_delete=models.CASCADE, related_name="comments"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["reconciliation", "created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:40]


class SignOff(models.Model):
    """A sign-off: who, when, and a fingerprint of exactly what was signed.

    ``vouchers`` maps each voucher key (``"A 12"``) with rows on the account in the period
    to the sum of those rows in öre, so a later change can name the vouchers behind it.
    """

    reconciliation = models.ForeignKey(
        Reconciliation, on_delete=models.CASCADE, related_name="signoffs"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    signed_at = models.DateTimeField(auto_now_add=True)
    balance_ore = models.BigIntegerField()
    underlag_ore = models.BigIntegerField(null=True)
    fingerprint = models.CharField(max_length=64)
    vouchers = models.JSONField(default=dict)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["reconciliation", "-signed_at", "-pk"]

    def __str__(self) -> str:
        return f"Avstämd {self.signed_at:%Y-%m-%d}"


class ChangeFlag(models.Model):
    """*Ändrat efter avstämning*: the balance or its rows changed after a sign-off."""

    signoff = models.ForeignKey(SignOff, on_delete=models.CASCADE, related_name="flags")
    detected_at = models.DateTimeField(auto_now_add=True)
    sync_run = models.ForeignKey(
        "sync.SyncRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    old_balance_ore = models.BigIntegerField()
    new_balance_ore = models.BigIntegerField()
    new_fingerprint = models.CharField(max_length=64)
    #: [{"voucher": "A 301", "old_ore": 0, "new_ore": -12550}]
    vouchers = models.JSONField(default=list)

    class Meta:
        ordering = ["signoff", "-detected_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["signoff", "new_fingerprint"], name="change_flag_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Ändrat efter avstämning ({self.old_balance_ore} → {self.new_balance_ore})"
