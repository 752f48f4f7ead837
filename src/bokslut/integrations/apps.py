from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "bokslut.integrations"
    verbose_name = "Integrationer"

    def ready(self) -> None:
        from django.core import checks

        from bokslut.integrations.checks import check_shared_rate_limiter

        checks.register(check_shared_rate_limiter)
