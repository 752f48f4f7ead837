"""Re-encrypting stored tokens with the current first key, after a key rotation."""

from __future__ import annotations

from django.db import transaction

from bokslut.integrations import crypto
from bokslut.integrations.models import Connection

__all__ = ["tokens_reencrypt_all"]


def tokens_reencrypt_all() -> int:
    """Re-encrypt every connection's tokens with the first configured key; how many rows.

    Each row is rewritten under its row lock, so a refresh happening meanwhile is neither
    lost nor overwritten. Afterwards the old keys can be removed from the settings.
    """
    count = 0
    ids = list(Connection.objects.exclude(access_token_encrypted="").values_list("pk", flat=True))
    for pk in ids:
        with transaction.atomic():
            row = Connection.objects.select_for_update().filter(pk=pk).first()
            if row is None or not row.access_token_encrypted:
                continue
            Connection.objects.filter(pk=pk).update(
                access_token_encrypted=crypto.reencrypt(row.access_token_encrypted),
                refresh_token_encrypted=crypto.reencrypt(row.refresh_token_encrypted),
            )
            count += 1
    return count
