"""Django app configuration for the web UI."""

from __future__ import annotations

from django.apps import AppConfig


class WebConfig(AppConfig):
    """Templates, static files, template tags and the ``serve`` command."""

    name = "bokslut.web"
    label = "web"
    verbose_name = "Webbgränssnitt"
