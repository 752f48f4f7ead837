"""App configuration of the JSON API."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    """Personal API tokens and the django-ninja API."""

    name = "bokslut.api"
    label = "api"
    verbose_name = "API"
    default_auto_field = "django.db.models.BigAutoField"
