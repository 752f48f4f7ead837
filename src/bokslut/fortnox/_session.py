"""The request loop: rate limit, authenticate, send, account, classify, retry.

Every Fortnox request of the client goes through :class:`Session`. It knows nothing
about resources; it turns one logical request into as many attempts as the retry
policy allows, and into either parsed JSON or one typed error.
"""

from __future__ import annotations

import random as random_module
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from bokslut.fortnox._accounting import RequestStats
from bokslut.fortnox._auth import TokenKeeper
from bokslut.fortnox._coerce import loads
from bokslut.fortnox._errors import (
    FortnoxError,
    FortnoxUnavailable,
    NeedsReauthorization,
    UnexpectedResponse,
    error_from_response,
)
from bokslut.fortnox._ratelimit import RateLimiter
from bokslut.fortnox._retry import RetryPolicy
from bokslut.fortnox._tokens import TokenSet

__all__ = ["OutcomeUnknown", "Session"]

Params = Mapping[str, str | int]

# Failures where the request provably never reached Fortnox: safe to repeat even a POST.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


#: Refreshes allowed within one request. More than one, because another process sharing the
#: tenant may refresh (and use up or replace) the token between our refresh and our retry;
#: a token that is still refused after that means the consent itself is gone.
_MAX_REFRESHES = 3


class OutcomeUnknown(FortnoxError):
    """A non-idempotent request failed after it may have reached Fortnox."""


@dataclass(slots=True)
class Session:
    """Sends requests for one tenant with one set of injected collaborators."""

    http: httpx.Client
    api_url: str
    tokens: TokenKeeper
    limiter: RateLimiter
    tenant: str
    retry: RetryPolicy
    stats: RequestStats
    sleep: Callable[[float], None] = time.sleep
    random: Callable[[], float] = random_module.random
    timer: Callable[[], float] = time.perf_counter

    def __repr__(self) -> str:
        return f"Session(api_url={self.api_url!r}, tenant={self.tenant!r})"

    def request_json(
        self,
        method: str,
        path: str,
        *,
        endpoint: str,
        params: Params | None = None,
        body: bytes | None = None,
        idempotent: bool = True,
    ) -> Any:
        """Send until success or the budget is spent; the parsed JSON (Decimals for numbers).

        With ``idempotent=False``, a failure after the request may have reached Fortnox
        raises :class:`OutcomeUnknown` instead of being retried.
        """
        attempt = 0
        refreshes = 0
        while True:
            attempt += 1
            retry = attempt > 1
            try:
                with self._attempt(method, path, endpoint, params, body, retry) as response:
                    started = self.timer()
                    payload = response.read()
                    self.stats.add_received(endpoint, len(payload), self.timer() - started)
            except _NOT_SENT as exc:
                self._backoff_or_raise(attempt, exc, rate_limited=False)
                continue
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                if not idempotent:
                    raise OutcomeUnknown(f"{type(exc).__name__} after sending") from exc
                self._backoff_or_raise(attempt, exc, rate_limited=False)
                continue
            except _Unauthorized as exc:
                if refreshes >= _MAX_REFRESHES:
                    raise NeedsReauthorization(
                        "Fortnox refused freshly refreshed tokens", status_code=401
                    ) from None
                self.tokens.refresh(exc.stale)
                refreshes += 1
                attempt -= 1  # a token refresh is not a failed attempt
                continue
            status = response.status_code
            if status == 429 or status >= 500:
                error = error_from_response(status, payload)
                if status >= 500 and not idempotent:
                    raise OutcomeUnknown(error.message, status_code=status, code=error.code)
                self._backoff_or_raise(attempt, error, rate_limited=status == 429)
                continue
            if status >= 400:
                raise error_from_response(status, payload)
            try:
                return loads(payload) if payload.strip() else {}
            except ValueError as exc:
                if not idempotent:
                    raise OutcomeUnknown("unreadable answer to a POST") from exc
                self._backoff_or_raise(
                    attempt, UnexpectedResponse("malformed JSON from Fortnox"), rate_limited=False
                )

    def stream(self, path: str, *, endpoint: str, params: Params | None = None) -> Iterator[bytes]:
        """The body of a GET as chunks. Retries until the first chunk; not after it."""
        attempt = 0
        refreshes = 0
        yielded = False
        while True:
            attempt += 1
            try:
                with self._attempt("GET", path, endpoint, params, None, attempt > 1) as response:
                    if response.status_code == 429 or response.status_code >= 500:
                        error = error_from_response(response.status_code, response.read())
                        self._backoff_or_raise(
                            attempt, error, rate_limited=response.status_code == 429
                        )
                        continue
                    if response.status_code >= 400:
                        raise error_from_response(response.status_code, response.read())
                    started = self.timer()
                    for chunk in response.iter_bytes():
                        self.stats.add_received(endpoint, len(chunk), self.timer() - started)
                        started = self.timer()
                        yielded = True
                        yield chunk
                    return
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                if yielded:
                    # The caller already holds part of the body; starting over would
                    # hand it the first bytes twice.
                    raise UnexpectedResponse(f"download broke off ({type(exc).__name__})") from exc
                self._backoff_or_raise(attempt, exc, rate_limited=False)
            except _Unauthorized as exc:
                if refreshes >= _MAX_REFRESHES:
                    raise NeedsReauthorization(
                        "Fortnox refused freshly refreshed tokens", status_code=401
                    ) from None
                self.tokens.refresh(exc.stale)
                refreshes += 1
                attempt -= 1

    @contextmanager
    def _attempt(
        self,
        method: str,
        path: str,
        endpoint: str,
        params: Params | None,
        body: bytes | None,
        retry: bool,
    ) -> Iterator[httpx.Response]:
        """One rate-limited, authenticated, counted attempt, as a streamed response."""
        self.limiter.acquire(self.tenant)
        tokens = self.tokens.current()
        headers = {"Authorization": f"Bearer {tokens.access_token}", "Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        request = self.http.build_request(
            method, self.api_url + path, params=dict(params or {}), content=body, headers=headers
        )
        started = self.timer()
        try:
            response = self.http.send(request, stream=True)
        except httpx.TransportError:
            self.stats.record(
                endpoint,
                status=None,
                bytes_sent=len(body or b""),
                bytes_received=0,
                seconds=self.timer() - started,
                retry=retry,
            )
            raise
        self.stats.record(
            endpoint,
            status=response.status_code,
            bytes_sent=len(body or b""),
            bytes_received=0,
            seconds=self.timer() - started,
            retry=retry,
        )
        try:
            if response.status_code == 401:
                response.read()
                raise _Unauthorized(tokens)
            yield response
        finally:
            response.close()

    def _backoff_or_raise(self, attempt: int, cause: Exception, *, rate_limited: bool) -> None:
        if attempt >= self.retry.attempts:
            if isinstance(cause, FortnoxError):
                raise cause
            raise FortnoxUnavailable(f"{type(cause).__name__} after {attempt} attempts") from cause
        self.sleep(self.retry.delay(attempt, rate_limited=rate_limited, random=self.random))


class _Unauthorized(Exception):
    def __init__(self, stale: TokenSet) -> None:
        super().__init__("unauthorized")
        self.stale = stale
