"""Token sets and the stores that keep them, with the lock that makes refresh safe.

Fortnox refresh tokens are single use: a refresh returns a new one and kills the old.
If two workers refresh at once, one of them presents a dead token and the customer is
locked out. So every refresh happens inside ``TokenStore.lock()``, which must exclude
every other process that shares the store, and re-reads the store first.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import threading
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import redis

__all__ = ["FileTokenStore", "InMemoryTokenStore", "RedisTokenStore", "TokenSet", "TokenStore"]


@dataclass(frozen=True, slots=True)
class TokenSet:
    """The tokens of one Fortnox connection. ``repr``/``str`` never show a token.

    ``expires_at`` is on the clock the client was given (``time.time`` by default).
    ``tenant_id`` is set for client-credentials (service account) connections, which
    have no refresh token and get a new access token by asking again.
    """

    access_token: str
    refresh_token: str | None = None
    expires_at: float | None = None
    scope: str = ""
    token_type: str = "bearer"  # noqa: S105 - the OAuth token type, not a secret
    tenant_id: str | None = None

    def __repr__(self) -> str:
        refresh = "set" if self.refresh_token else "none"
        return (
            f"TokenSet(access_token=<hidden>, refresh_token=<{refresh}>, "
            f"expires_at={self.expires_at!r}, scope={self.scope!r}, tenant_id={self.tenant_id!r})"
        )

    __str__ = __repr__

    def expired(self, now: float, *, leeway: float = 60.0) -> bool:
        """Whether the access token is (nearly) expired at ``now``; unknown expiry is not."""
        return self.expires_at is not None and now >= self.expires_at - leeway

    def with_tenant(self, tenant_id: str | None) -> TokenSet:
        """A copy with ``tenant_id`` set."""
        return replace(self, tenant_id=tenant_id)

    @classmethod
    def from_token_response(cls, data: Mapping[str, Any], *, now: float) -> TokenSet:
        """Build from a token endpoint answer (``access_token``, ``expires_in``, …)."""
        expires_in = data.get("expires_in")
        expires_at = now + float(expires_in) if expires_in is not None else None
        return cls(
            access_token=str(data["access_token"]),
            refresh_token=str(data["refresh_token"]) if data.get("refresh_token") else None,
            expires_at=expires_at,
            scope=str(data.get("scope") or ""),
            token_type=str(data.get("token_type") or "bearer"),
        )

    def to_json(self) -> str:
        """Serialise for a store. The result holds secrets: encrypt it at rest."""
        return json.dumps(
            {
                "access_token": self.access_token,
                "refresh_token": self.refresh_token,
                "expires_at": self.expires_at,
                "scope": self.scope,
                "token_type": self.token_type,
                "tenant_id": self.tenant_id,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> TokenSet:
        """The inverse of :meth:`to_json`."""
        data = json.loads(text)
        return cls(
            access_token=data["access_token"],
            refresh_token=data.get("refresh_token"),
            expires_at=data.get("expires_at"),
            scope=data.get("scope") or "",
            token_type=data.get("token_type") or "bearer",
            tenant_id=data.get("tenant_id"),
        )


class TokenStore(Protocol):
    """Where one connection's tokens live. The Django app implements it on its database.

    ``lock()`` must exclude every process that can refresh the same connection (a row
    lock, an advisory lock, a file lock, a Redis lock); the client re-reads with
    ``load()`` inside it before deciding to refresh.
    """

    def load(self) -> TokenSet | None:
        """The current tokens, or ``None`` if the connection has none."""
        ...

    def save(self, tokens: TokenSet) -> None:
        """Replace the stored tokens."""
        ...

    def lock(self) -> AbstractContextManager[object]:
        """A context manager held while refreshing."""
        ...


class InMemoryTokenStore:
    """Tokens in memory, locked with a thread lock: for tests and single processes."""

    def __init__(self, tokens: TokenSet | None = None) -> None:
        self._tokens = tokens
        self._lock = threading.RLock()

    def __repr__(self) -> str:
        return f"InMemoryTokenStore(tokens={self._tokens!r})"

    def load(self) -> TokenSet | None:
        """The current tokens."""
        return self._tokens

    def save(self, tokens: TokenSet) -> None:
        """Replace the tokens."""
        self._tokens = tokens

    def lock(self) -> AbstractContextManager[object]:
        """The store's re-entrant thread lock."""
        return self._lock


class FileTokenStore:
    """Tokens in a JSON file (mode 0600), locked with ``flock`` on a sibling lock file.

    The ``flock`` excludes other processes; a thread lock is taken first as well,
    because how ``flock`` treats threads of one process differs between platforms.
    The file holds secrets in clear: use it for tests and single-machine tools, not
    for customer data.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._lock_path = self.path.with_name(self.path.name + ".lock")
        self._thread_lock = threading.RLock()

    def __repr__(self) -> str:
        return f"FileTokenStore(path={str(self.path)!r})"

    def load(self) -> TokenSet | None:
        """The tokens in the file, or ``None`` if there is no file."""
        try:
            return TokenSet.from_json(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None

    def save(self, tokens: TokenSet) -> None:
        """Write atomically, so a reader never sees half a file."""
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(tokens.to_json())
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        with self._thread_lock:
            fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(fd, fcntl.LOCK_UN)
            finally:
                os.close(fd)

    def lock(self) -> AbstractContextManager[object]:
        """An exclusive lock across threads and processes on this machine."""
        return self._locked()


class RedisTokenStore:
    """Tokens in a Redis key, locked with a Redis lock: shared by workers on many machines.

    The lock has a timeout so a crashed holder cannot block refresh for ever; it must
    exceed the longest refresh (one token request with its timeout).
    """

    def __init__(self, client: redis.Redis[Any], key: str, *, lock_timeout: float = 60.0) -> None:
        self._redis = client
        self.key = key
        self._lock_timeout = lock_timeout

    def __repr__(self) -> str:
        return f"RedisTokenStore(key={self.key!r})"

    def load(self) -> TokenSet | None:
        """The tokens under the key, or ``None``."""
        value = self._redis.get(self.key)
        if value is None:
            return None
        text = value.decode("utf-8") if isinstance(value, bytes) else str(value)
        return TokenSet.from_json(text)

    def save(self, tokens: TokenSet) -> None:
        """Replace the tokens under the key."""
        self._redis.set(self.key, tokens.to_json())

    def lock(self) -> AbstractContextManager[object]:
        """A Redis lock named after the key."""
        return self._redis.lock(f"{self.key}:refresh-lock", timeout=self._lock_timeout)
