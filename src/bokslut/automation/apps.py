"""Automatisering: background tasks, the scheduler, per-client sync leases and notices."""

from django.apps import AppConfig


class AutomationConfig(AppConfig):
    name = "bokslut.automation"
    verbose_name = "Automatisering"

    def ready(self) -> None:
        # Imported for its side effect: the notifier listens to connection status changes.
        from bokslut.automation import receivers  # noqa: F401
