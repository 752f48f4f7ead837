"""The database-backed ``TokenStore``: encrypted token columns, refresh serialised per tenant.

The lock is a database transaction that locks the connection's row: ``SELECT … FOR UPDATE``
on PostgreSQL (works across machines), and on SQLite the ``BEGIN IMMEDIATE`` write lock the
settings configure (works across the processes sharing the file). The block is ``durable``:
a refreshed token must be committed the moment it is issued, because the old refresh token
is dead by then; inside someone else's transaction a rollback would lock the tenant out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

from django.db import transaction
from django.utils import timezone

from bokslut.fortnox import FortnoxError, TokenSet
from bokslut.integrations import crypto
from bokslut.integrations.models import Connection, ConnectionKind

__all__ = ["DatabaseTokenStore"]


class DatabaseTokenStore:
    """Tokens of one ``Connection`` row, encrypted with the configured Fernet keys.

    Every ``load`` reads the row afresh, so a refresh done by another process is seen.
    Failures inside the lock are recorded on the connection (after the rollback).
    """

    def __init__(self, connection_id: int) -> None:
        self.connection_id = connection_id

    def __repr__(self) -> str:
        return f"DatabaseTokenStore(connection_id={self.connection_id})"

    def load(self) -> TokenSet | None:
        """The stored tokens, decrypted, or None when the connection holds none."""
        row = (
            Connection.objects.filter(pk=self.connection_id)
            .values(
                "access_token_encrypted",
                "refresh_token_encrypted",
                "token_expires_at",
                "tenant_id",
                "kind",
                "scopes",
            )
            .first()
        )
        if row is None or not row["access_token_encrypted"]:
            return None
        expires: dt.datetime | None = row["token_expires_at"]
        # Only a service account re-authenticates by tenant id (no refresh token).
        service = row["kind"] == ConnectionKind.SERVICE_ACCOUNT
        return TokenSet(
            access_token=crypto.decrypt(row["access_token_encrypted"]),
            refresh_token=crypto.decrypt(row["refresh_token_encrypted"]) or None,
            expires_at=expires.timestamp() if expires is not None else None,
            scope=" ".join(row["scopes"] or ()),
            tenant_id=(row["tenant_id"] or None) if service else None,
        )

    def save(self, tokens: TokenSet) -> None:
        """Encrypt and store ``tokens`` (a refresh's answer replaces both tokens)."""
        Connection.objects.filter(pk=self.connection_id).update(
            access_token_encrypted=crypto.encrypt(tokens.access_token),
            refresh_token_encrypted=crypto.encrypt(tokens.refresh_token or ""),
            token_expires_at=_as_datetime(tokens.expires_at),
            updated_at=timezone.now(),
        )

    def lock(self) -> AbstractContextManager[object]:
        """Exclusive across processes and machines for this connection (see module doc)."""
        return self._locked()

    @contextmanager
    def _locked(self) -> Iterator[None]:
        try:
            with transaction.atomic(durable=True):
                # On SQLite select_for_update is a no-op; the IMMEDIATE transaction is the lock.
                list(
                    Connection.objects.select_for_update()
                    .filter(pk=self.connection_id)
                    .values_list("pk")
                )
                yield
        except FortnoxError as exc:
            # Imported here: services import this module.
            from bokslut.integrations.connections import connection_record_error

            connection = Connection.objects.filter(pk=self.connection_id).first()
            if connection is not None:
                connection_record_error(connection=connection, error=exc)
            raise


def _as_datetime(timestamp: float | None) -> dt.datetime | None:
    if timestamp is None:
        return None
    return dt.datetime.fromtimestamp(timestamp, tz=dt.UTC)
