"""App configuration of the demo launcher."""

from django.apps import AppConfig


class LauncherConfig(AppConfig):
    """Holds the ``demo`` command; no models."""

    name = "bokslut.launcher"
    label = "launcher"
    verbose_name = "Demo"
