"""Automation state: sync leases, worker heartbeats, claimed schedule slots and in-app notices."""

from __future__ import annotations

from django.db import models

from bokslut.firms.models import Client, Firm


class SyncLease(models.Model):
    """Who may sync a client right now; one row per client, taken atomically.

    A lease, not a lock: it carries an expiry that the holder keeps pushing forward
    (heartbeat), so a worker that dies without cleaning up blocks the client only until
    ``expires_at``. ``generation`` grows on every acquisition, so a holder whose lease was
    taken over cannot renew or release the newcomer's lease.
    """

    client = models.OneToOneField(Client, on_delete=models.CASCADE, related_name="sync_lease")
    holder = models.CharField("innehavare", max_length=200)
    generation = models.PositiveBigIntegerField(default=1)
    acquired_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "synklås"
        verbose_name_plural = "synklås"

    def __str__(self) -> str:
        return f"{self.client_id}: {self.holder} till {self.expires_at:%Y-%m-%d %H:%M:%S}"


class WorkerHeartbeat(models.Model):
    """A ``bokslut worker`` on the database queue that says it is alive, by worker id.

    The worker pushes ``expires_at`` forward while it runs; once it has passed, the worker is
    gone, and task rows it left ``RUNNING`` are marked failed
    (:func:`bokslut.automation.workers.tasks_reap`). ``worker_id`` is the id the worker gives
    django-tasks-db, which records it on every task it claims (64 characters at most there).
    """

    worker_id = models.CharField("arbetare", max_length=64, unique=True)
    started_at = models.DateTimeField("startad")
    expires_at = models.DateTimeField("giltig till", db_index=True)

    class Meta:
        verbose_name = "arbetarpuls"
        verbose_name_plural = "arbetarpulser"

    def __str__(self) -> str:
        return f"{self.worker_id} till {self.expires_at:%Y-%m-%d %H:%M:%S}"


class ScheduleKind(models.TextChoices):
    NIGHTLY = "nightly", "varje natt"
    HOURLY = "hourly", "varje timme"


class SlotOutcome(models.TextChoices):
    PENDING = "pending", "väntar"
    DONE = "done", "klar"
    FAILED = "failed", "misslyckades"
    SKIPPED = "skipped", "hoppades över"


class ScheduledSlot(models.Model):
    """One due schedule slot of one client, claimed by exactly one scheduler.

    The unique (client, slot_at) pair is what makes several schedulers safe: each tries to
    insert the row and only the one whose insert succeeds enqueues the sync.
    """

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="scheduled_slots")
    slot_at = models.DateTimeField("tidpunkt")
    kind = models.CharField(max_length=10, choices=ScheduleKind.choices)
    claimed_by = models.CharField(max_length=200)
    claimed_at = models.DateTimeField(auto_now_add=True)
    task_id = models.CharField(max_length=64, blank=True)
    outcome = models.CharField(
        max_length=10, choices=SlotOutcome.choices, default=SlotOutcome.PENDING
    )
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "schemalagd synk"
        verbose_name_plural = "schemalagda synkar"
        ordering = ["-slot_at"]
        constraints = [
            models.UniqueConstraint(fields=["client", "slot_at"], name="automation_slot_once")
        ]

    def __str__(self) -> str:
        return f"{self.client_id} {self.kind} {self.slot_at:%Y-%m-%d %H:%M}"


class NoticeKind(models.TextChoices):
    NEEDS_REAPPROVAL = "needs_reapproval", "anslutningen behöver godkännas igen"
    SCHEDULED_SYNC_FAILING = "scheduled_sync_failing", "schemalagd synk misslyckas"


class Notice(models.Model):
    """A notice shown in the app (and mailed once) about a client that needs attention.

    ``dedupe_key`` names the incident; while a notice with that key is open
    (``cleared_at`` empty) no second one can be created, so retries don't repeat it.
    Clearing the condition sets ``cleared_at``, and the next incident notifies again.
    """

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="notices")
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="notices", null=True, blank=True
    )
    kind = models.CharField("typ", max_length=40, choices=NoticeKind.choices)
    text = models.TextField("text")
    dedupe_key = models.CharField(max_length=200)
    created_at = models.DateTimeField("skapad", auto_now_add=True)
    read_at = models.DateTimeField("läst", null=True, blank=True)
    cleared_at = models.DateTimeField("åtgärdad", null=True, blank=True)
    emailed_to = models.TextField(blank=True)

    class Meta:
        verbose_name = "notis"
        verbose_name_plural = "notiser"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=models.Q(cleared_at__isnull=True),
                name="automation_notice_open_once",
            )
        ]

    def __str__(self) -> str:
        return self.text
