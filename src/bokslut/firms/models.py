"""A firm owns client companies; every query for client data starts from the firm."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from bokslut.firms.validators import normalise_org_number, validate_org_number


class Firm(models.Model):
    """An accounting firm (redovisningsbyrå) or a company doing its own bokslut."""

    name = models.CharField("namn", max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "byrå"
        verbose_name_plural = "byråer"

    def __str__(self) -> str:
        return self.name


class Client(models.Model):
    """A client company, identified within its firm by organisationsnummer."""

    firm = models.ForeignKey(Firm, on_delete=models.PROTECT, related_name="clients")
    name = models.CharField("namn", max_length=200)
    org_number = models.CharField(
        "organisationsnummer", max_length=11, validators=[validate_org_number]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "klient"
        verbose_name_plural = "klienter"
        constraints = [
            models.UniqueConstraint(fields=["firm", "org_number"], name="client_unique_org_number")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.org_number})"

    def save(self, *args: object, **kwargs: object) -> None:
        # Store one canonical form so "5566547898" and "556654-7898" are the same client.
        self.org_number = normalise_org_number(self.org_number)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Membership(models.Model):
    """A user's place in a firm: administratör (everything) or konsult (possibly some clients)."""

    class Role(models.TextChoices):
        ADMIN = "admin", "Administratör"
        CONSULTANT = "konsult", "Konsult"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField("roll", max_length=10, choices=Role.choices, default=Role.CONSULTANT)
    limited_to_clients = models.BooleanField(
        "begränsad till vissa klienter",
        default=False,
        help_text="a consultant who only sees the clients listed in `clients`",
    )
    clients = models.ManyToManyField(Client, blank=True, related_name="consultants")

    class Meta:
        verbose_name = "medlemskap"
        verbose_name_plural = "medlemskap"

    def __str__(self) -> str:
        return f"{self.user} i {self.firm} ({self.get_role_display()})"
