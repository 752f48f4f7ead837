"""Creating, checking and revoking personal API tokens.

A token is ``bks_`` followed by 43 URL-safe characters (256 random bits). Only its
SHA-256 is stored: the secret is high-entropy, so a fast hash is enough (a slow password
hash would only slow every request), and a lookup by hash needs no constant-time compare.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from bokslut.api.models import ApiToken

__all__ = [
    "TOKEN_PREFIX",
    "token_authenticate",
    "token_create",
    "token_hash",
    "token_list",
    "token_revoke",
]

TOKEN_PREFIX = "bks_"  # noqa: S105 - a label, not a secret
#: How many leading characters are kept in clear text to tell tokens apart.
PREFIX_LENGTH = 12
#: ``last_used`` is written at most this often, so a busy client does not write per request.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def token_hash(token: str) -> str:
    """The stored form of ``token``: its SHA-256, hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user``: the saved row and the clear-text token (shown once only)."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip() or "API-nyckel",
        token_hash=token_hash(secret),
        prefix=secret[:PREFIX_LENGTH],
    )
    return token, secret


def token_authenticate(secret: str) -> User | None:
    """The active user owning the unrevoked token ``secret``, else None."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=token_hash(secret), revoked__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used is None or now - token.last_used >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
    return token.user


def token_list(*, user: User) -> QuerySet[ApiToken]:
    """The user's tokens, newest first, revoked ones included."""
    return ApiToken.objects.filter(user=user).order_by("-created", "-pk")


def token_revoke(*, user: User, token_id: int) -> ApiToken | None:
    """Revoke the user's token ``token_id`` (idempotent); None if the user has no such token."""
    token = ApiToken.objects.filter(user=user, pk=token_id).first()
    if token is None:
        return None
    if token.revoked is None:
        token.revoked = timezone.now()
        token.save(update_fields=["revoked"])
    return token
