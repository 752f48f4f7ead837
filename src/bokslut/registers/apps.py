from django.apps import AppConfig


class RegistersConfig(AppConfig):
    name = "bokslut.registers"
    verbose_name = "Reskontror och register"
