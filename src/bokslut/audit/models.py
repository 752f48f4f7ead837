"""The audit log: one row per event, never updated, read newest first per firm."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from bokslut.firms.models import Client, Firm


class AuditEvent(models.Model):
    """Something a person or the system did that a firm must be able to account for."""

    class Action(models.TextChoices):
        CONNECT = "connect", "Ansluten till Fortnox"
        DISCONNECT = "disconnect", "Frånkopplad från Fortnox"
        SYNC = "sync", "Synkronisering"
        SETTINGS_CHANGE = "settings_change", "Ändrade inställningar"
        SIGN_IN = "sign_in", "Inloggning"
        SIGN_IN_FAILED = "sign_in_failed", "Misslyckad inloggning"
        SIGN_OUT = "sign_out", "Utloggning"

    # Nullable because a failed sign-in with an unknown user name belongs to no firm.
    firm = models.ForeignKey(
        Firm, on_delete=models.CASCADE, null=True, blank=True, related_name="audit_events"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    # Kept as text too: the log must still say who it was after the user is deleted.
    username = models.CharField("användarnamn", max_length=150, blank=True)
    client = models.ForeignKey(
        Client, on_delete=models.SET_NULL, null=True, blank=True, related_name="audit_events"
    )
    action = models.CharField("händelse", max_length=20, choices=Action.choices)
    details = models.JSONField("detaljer", default=dict, blank=True)
    ip_address = models.GenericIPAddressField("IP-adress", null=True, blank=True)
    created_at = models.DateTimeField("tid", auto_now_add=True)

    class Meta:
        verbose_name = "händelse i granskningsloggen"
        verbose_name_plural = "granskningslogg"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["firm", "-created_at"], name="audit_firm_time")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.username or '-'} {self.action}"
