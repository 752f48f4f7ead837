"""App configuration: connects the post-sync receiver."""

from __future__ import annotations

from django.apps import AppConfig


class AvstamningConfig(AppConfig):
    """Checks and reconciliations; runs checks and verifies sign-offs after every sync."""

    name = "bokslut.avstamning"
    verbose_name = "Avstämning"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Hook the checks on :data:`bokslut.sync.signals.sync_finished`."""
        from bokslut.avstamning import receivers  # noqa: F401 - connects on import
