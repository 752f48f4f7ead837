from django.apps import AppConfig


class FirmsConfig(AppConfig):
    name = "bokslut.firms"
    verbose_name = "Byråer och klienter"
