from django.apps import AppConfig


class AutomationConfig(AppConfig):
    name = "bokslut.automation"
    verbose_name = "Automatisering"
