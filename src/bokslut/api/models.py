"""Personal API tokens: only a SHA-256 of the secret is stored, so a database leak leaks none."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    """A user's personal API token. The clear-text token is shown once, at creation.

    ``prefix`` is the token's first characters, kept to tell tokens apart in lists
    without revealing enough of them to be useful.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField("namn", max_length=100)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField("prefix", max_length=16, editable=False)
    created = models.DateTimeField("skapad", auto_now_add=True)
    last_used = models.DateTimeField("senast använd", null=True, blank=True)
    revoked = models.DateTimeField("återkallad", null=True, blank=True)

    class Meta:
        verbose_name = "API-nyckel"
        verbose_name_plural = "API-nycklar"
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def active(self) -> bool:
        """Whether the token still authenticates."""
        return self.revoked is None
