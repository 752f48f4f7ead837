from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "bokslut.integrations"
    verbose_name = "Integrationer"
