"""Fortnox connections, per-client sync settings and firm plans."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bokslut.firms.models import Client, Firm
from bokslut.integrations.plans import DEFAULT_PLAN


class ConnectionStatus(models.TextChoices):
    """Where a client's Fortnox connection stands."""

    EJ_ANSLUTEN = "ej_ansluten", _("ej ansluten")
    AKTIV = "aktiv", _("aktiv")
    BEHOVER_GODKANNAS = "behover_godkannas", _("behöver godkännas igen")
    FEL = "fel", _("fel")
    FRANKOPPLAD = "frankopplad", _("frånkopplad")


class ConnectionKind(models.TextChoices):
    """How the connection was authorised."""

    AUTHORIZATION_CODE = "authorization_code", _("inloggad användare (OAuth)")
    SERVICE_ACCOUNT = "service_account", _("servicekonto")


class Connection(models.Model):
    """A client's connection to its company in Fortnox. Tokens are encrypted (Fernet).

    Read and write the tokens only through ``bokslut.integrations.tokens``; the columns
    ``access_token_encrypted`` and ``refresh_token_encrypted`` never hold clear text.
    """

    client = models.OneToOneField(
        Client, on_delete=models.CASCADE, related_name="fortnox_connection"
    )
    status = models.CharField(
        "status",
        max_length=20,
        choices=ConnectionStatus.choices,
        default=ConnectionStatus.EJ_ANSLUTEN,
    )
    kind = models.CharField(
        "typ",
        max_length=20,
        choices=ConnectionKind.choices,
        default=ConnectionKind.AUTHORIZATION_CODE,
    )
    #: Fortnox's DatabaseNumber: the tenant (rate limit, service-account TenantId).
    tenant_id = models.CharField("tenant-id", max_length=32, blank=True)
    company_name = models.CharField("företagsnamn i Fortnox", max_length=200, blank=True)
    org_number = models.CharField("organisationsnummer i Fortnox", max_length=20, blank=True)
    #: Set by a person who accepted that Fortnox's org.nr differs from the client's.
    org_number_confirmed = models.BooleanField("avvikande org.nr godkänt", default=False)
    scopes = models.JSONField("beviljade behörigheter", default=list, blank=True)
    licences = models.JSONField("licenser som svarar", default=list, blank=True)
    licences_checked_at = models.DateTimeField(null=True, blank=True)
    access_token_encrypted = models.TextField(blank=True, editable=False)
    refresh_token_encrypted = models.TextField(blank=True, editable=False)
    token_expires_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField("senaste fel", blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    connected_at = models.DateTimeField("ansluten", null=True, blank=True)
    connected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "Fortnox-koppling"
        verbose_name_plural = "Fortnox-kopplingar"

    def __str__(self) -> str:
        return f"{self.client} – {self.get_status_display()}"

    @property
    def org_number_mismatch(self) -> bool:
        """Whether Fortnox's org.nr differs from the client's (compared digits only)."""
        if not self.org_number:
            return False
        return _digits(self.org_number)[-10:] != _digits(self.client.org_number)[-10:]

    @property
    def can_sync(self) -> bool:
        """Active (or ``fel``, which a successful sync mends), and either the org.nr matches
        or a person confirmed the difference."""
        return self.status in (ConnectionStatus.AKTIV, ConnectionStatus.FEL) and (
            not self.org_number_mismatch or self.org_number_confirmed
        )

    @property
    def has_tokens(self) -> bool:
        """Whether any token is stored."""
        return bool(self.access_token_encrypted or self.refresh_token_encrypted)


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


class ChartPolicy(models.TextChoices):
    """How the chart of accounts from Fortnox meets local edits."""

    FORTNOX = "fortnox", _("Ta namn, SRU-koder och aktiv-flagga från Fortnox")
    KEEP_LOCAL = "keep_local", _("Behåll lokala ändringar, lägg bara till nya konton")


class BalancePolicy(models.TextChoices):
    """Where opening balances come from (the other source is always checked against it)."""

    FORTNOX = "fortnox", _("Ingående balanser från Fortnox")
    OWN_PREVIOUS_YEAR = "own_previous_year", _("Ingående balanser från föregående års utgående")


class Schedule(models.TextChoices):
    """When syncs run by themselves."""

    MANUAL = "manual", _("Manuellt")
    NIGHTLY = "nightly", _("Varje natt")
    HOURLY = "hourly", _("Varje timme")


def _default_areas() -> list[str]:
    from bokslut.integrations.areas import Area

    return [area.value for area in Area]


class SyncSettings(models.Model):
    """What a client's syncs fetch and when. One per client, created with defaults."""

    client = models.OneToOneField(Client, on_delete=models.CASCADE, related_name="sync_settings")
    areas = models.JSONField("dataområden", default=_default_areas, blank=True)
    years_back = models.PositiveSmallIntegerField("antal år bakåt", default=2)
    chart_policy = models.CharField(
        "kontoplan", max_length=20, choices=ChartPolicy.choices, default=ChartPolicy.FORTNOX
    )
    balance_policy = models.CharField(
        "ingående balanser",
        max_length=20,
        choices=BalancePolicy.choices,
        default=BalancePolicy.FORTNOX,
    )
    schedule = models.CharField(
        "schema", max_length=10, choices=Schedule.choices, default=Schedule.MANUAL
    )
    nightly_at = models.TimeField("tid för nattlig synk", default=dt.time(2, 0))
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "synkinställningar"
        verbose_name_plural = "synkinställningar"

    def __str__(self) -> str:
        return f"Synkinställningar för {self.client}"


class FirmPlan(models.Model):
    """The plan a firm subscribes to (a firm without a row has the default plan)."""

    firm = models.OneToOneField(Firm, on_delete=models.CASCADE, related_name="plan")
    plan = models.CharField("abonnemang", max_length=30, default=DEFAULT_PLAN)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "abonnemang"
        verbose_name_plural = "abonnemang"

    def __str__(self) -> str:
        return f"{self.firm}: {self.plan}"
