"""``bokslut reencrypt_fortnox_tokens``: move every stored token to the newest Fernet key."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from bokslut.integrations.rotation import tokens_reencrypt_all


class Command(BaseCommand):
    help = (
        "Krypterar om alla lagrade Fortnox-token med den första nyckeln i BOKSLUT_FERNET_KEYS "
        "(kör efter att en ny nyckel lagts först; ta sedan bort den gamla)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = tokens_reencrypt_all()
        self.stdout.write(f"Krypterade om token för {count} kopplingar.")
