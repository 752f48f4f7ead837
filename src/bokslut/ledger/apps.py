from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "bokslut.ledger"
    verbose_name = "Bokföring"
