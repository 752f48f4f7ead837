"""Building Fortnox API and OAuth clients from settings and a stored connection."""

from __future__ import annotations

import os
import threading
from typing import Any

import httpx
import redis
from django.conf import settings

from bokslut.fortnox import (
    FileRateLimiter,
    FortnoxClient,
    FortnoxOAuth,
    RateLimiter,
    RedisRateLimiter,
    RequestStats,
    RetryPolicy,
)
from bokslut.integrations.models import Connection
from bokslut.integrations.tokens import DatabaseTokenStore

__all__ = ["fortnox_client_for", "fortnox_oauth", "shared_rate_limiter"]

_lock = threading.Lock()
_oauth_clients: dict[tuple[str, str, str, str], FortnoxOAuth] = {}
_limiters: dict[tuple[str | None, str], RateLimiter] = {}


def fortnox_oauth() -> FortnoxOAuth:
    """The app's OAuth client, one per process and configuration (its grants are serialised)."""
    key = (
        settings.BOKSLUT_FORTNOX_CLIENT_ID,
        settings.BOKSLUT_FORTNOX_CLIENT_SECRET,
        settings.BOKSLUT_FORTNOX_OAUTH_URL,
        settings.BOKSLUT_FORTNOX_REDIRECT_URI,
    )
    with _lock:
        oauth = _oauth_clients.get(key)
        if oauth is None:
            oauth = FortnoxOAuth(
                key[0], key[1], oauth_url=key[2], redirect_uri=key[3], timeout=20.0
            )
            _oauth_clients[key] = oauth
        return oauth


def shared_rate_limiter() -> RateLimiter:
    """The per-tenant limiter every process draws from: in Redis when configured, else in files.

    With ``BOKSLUT_FORTNOX_REDIS_URL`` the log is in Redis, shared by every process on every
    machine. Without it, it is a flock-ed file per tenant in ``BOKSLUT_FORTNOX_RATE_LIMIT_DIR``,
    shared by every process on this machine (web, worker, `bokslut sync`), because the
    Fortnox limit is per tenant, not per process or client object.
    """
    url: str | None = getattr(settings, "BOKSLUT_FORTNOX_REDIS_URL", None)
    directory = os.fspath(settings.BOKSLUT_FORTNOX_RATE_LIMIT_DIR)
    key = (url, directory)
    with _lock:
        limiter = _limiters.get(key)
        if limiter is None:
            limiter = (
                RedisRateLimiter(redis.Redis.from_url(url)) if url else FileRateLimiter(directory)
            )
            _limiters[key] = limiter
        return limiter


def tenant_key(connection: Connection) -> str:
    """The rate-limit key: Fortnox's tenant id, or a placeholder before it is known."""
    return connection.tenant_id or f"connection-{connection.pk}"


def fortnox_client_for(
    *,
    connection: Connection,
    stats: RequestStats | None = None,
    retry: RetryPolicy | None = None,
    timeout: float | httpx.Timeout = 30.0,
    **client_options: Any,
) -> FortnoxClient:
    """A Fortnox client for ``connection``: its DB token store, the shared OAuth and limiter.

    Does not check the status: call ``connection_assert_can_sync`` first when syncing.
    Use it outside any database transaction (a token refresh commits on its own) and close
    it (``with fortnox_client_for(...) as client:``). ``client_options`` go to
    :class:`FortnoxClient` (``transport``, ``sleep``… for tests and benchmarks).
    """
    return FortnoxClient(
        token_store=DatabaseTokenStore(connection.pk),
        oauth=fortnox_oauth(),
        tenant=tenant_key(connection),
        api_url=settings.BOKSLUT_FORTNOX_API_URL,
        rate_limiter=client_options.pop("rate_limiter", None) or shared_rate_limiter(),
        retry=retry,
        timeout=timeout,
        stats=stats,
        **client_options,
    )
