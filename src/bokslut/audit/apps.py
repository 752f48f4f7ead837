"""Django app configuration for the audit log."""

from __future__ import annotations

from django.apps import AppConfig


class AuditConfig(AppConfig):
    """Connects the sign-in receivers when Django starts."""

    name = "bokslut.audit"
    label = "audit"
    verbose_name = "Granskningslogg"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported for its side effect: registering the auth signal receivers.
        from bokslut.audit import receivers  # noqa: F401
