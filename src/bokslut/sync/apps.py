from django.apps import AppConfig


class SyncConfig(AppConfig):
    name = "bokslut.sync"
    verbose_name = "Synkronisering"
