"""Fortnox OAuth2: authorization URL, code exchange, refresh, revoke, client credentials.

The grant requests go through authlib's httpx client, which implements the RFC 6749
request shapes and client authentication (HTTP Basic, as Fortnox requires); this module
only adds Fortnox's specifics (``access_type=offline``, the ``TenantId`` header) and turns
every failure into this package's typed errors.
"""

from __future__ import annotations

import threading
import time
import warnings
from collections.abc import Callable, Iterable
from typing import Any

import authlib.deprecate  # noqa: F401 - installs its "always" filter before ours below
import httpx

with warnings.catch_warnings():
    # authlib 1.9 warns that it fell back from the (not yet released) httpx2 package to
    # httpx; the fallback is what we want, and the warning would reach every user.
    warnings.simplefilter("ignore", DeprecationWarning)
    from authlib.integrations.base_client import OAuthError
    from authlib.integrations.httpx_client import OAuth2Client

from bokslut.fortnox._errors import (
    FortnoxError,
    FortnoxUnavailable,
    InvalidClient,
    NeedsReauthorization,
    UnexpectedResponse,
    ValidationError,
    error_from_response,
)
from bokslut.fortnox._tokens import TokenSet

__all__ = ["DEFAULT_OAUTH_URL", "DEFAULT_SCOPES", "FortnoxOAuth"]

DEFAULT_OAUTH_URL = "https://apps.fortnox.se/oauth-v1/"

#: What bokslut reads; ``assets`` is added where the customer has that licence.
DEFAULT_SCOPES: tuple[str, ...] = (
    "bookkeeping",
    "companyinformation",
    "settings",
    "costcenter",
    "project",
    "customer",
    "supplier",
    "invoice",
    "supplierinvoice",
)

_FORM_HEADERS = {
    "Accept": "application/json",
    "Content-Type": "application/x-www-form-urlencoded;charset=UTF-8",
}


class FortnoxOAuth:
    """The OAuth2 client of one Fortnox integration (client id and secret).

    >>> oauth = FortnoxOAuth("id", "secret", redirect_uri="https://example.se/cb")
    >>> url, state = oauth.authorization_url(scopes=["bookkeeping"], state="s1")
    >>> "access_type=offline" in url and state == "s1"
    True
    """

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        *,
        redirect_uri: str | None = None,
        oauth_url: str = DEFAULT_OAUTH_URL,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 30.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.client_id = client_id
        self.redirect_uri = redirect_uri
        self.oauth_url = oauth_url if oauth_url.endswith("/") else oauth_url + "/"
        self._clock = clock
        self._client = OAuth2Client(
            client_id=client_id,
            client_secret=client_secret,
            token_endpoint_auth_method="client_secret_basic",  # noqa: S106 - a method name
            redirect_uri=redirect_uri,
            transport=transport,
            timeout=timeout,
        )
        # authlib's client keeps the last token on itself; serialise grant requests so
        # threads sharing one FortnoxOAuth never read each other's answers.
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"FortnoxOAuth(client_id={self.client_id!r}, oauth_url={self.oauth_url!r})"

    @property
    def token_url(self) -> str:
        """The token endpoint."""
        return self.oauth_url + "token"

    def close(self) -> None:
        """Close the underlying HTTP client."""
        self._client.close()

    def authorization_url(
        self,
        *,
        scopes: Iterable[str] = DEFAULT_SCOPES,
        state: str | None = None,
        service_account: bool = False,
    ) -> tuple[str, str]:
        """The URL to send the user to, and the ``state`` to check on the way back.

        A random state is generated when none is given. ``access_type=offline`` asks for
        a refresh token; ``service_account`` asks for a service-account consent.
        """
        extra: dict[str, str] = {"access_type": "offline"}
        if service_account:
            extra["account_type"] = "service"
        url, issued_state = self._client.create_authorization_url(
            self.oauth_url + "auth", state=state, scope=" ".join(scopes), **extra
        )
        return str(url), str(issued_state)

    def exchange_code(self, code: str) -> TokenSet:
        """Trade an authorization code (valid 10 minutes) for tokens."""
        return self._grant(
            lambda: self._client.fetch_token(
                self.token_url,
                grant_type="authorization_code",
                code=code,
                redirect_uri=self.redirect_uri,
                headers=dict(_FORM_HEADERS),
            )
        )

    def refresh(self, refresh_token: str) -> TokenSet:
        """Use a refresh token once; the answer holds its replacement.

        Call it only inside the token store's lock (``FortnoxClient`` does). A used or
        expired refresh token raises :class:`NeedsReauthorization`.
        """
        return self._grant(
            lambda: self._client.refresh_token(
                self.token_url, refresh_token=refresh_token, headers=dict(_FORM_HEADERS)
            )
        )

    def client_credentials(self, tenant_id: str | int) -> TokenSet:
        """An access token for a service account of tenant ``tenant_id`` (no refresh token)."""
        tokens = self._grant(
            lambda: self._client.fetch_token(
                self.token_url,
                grant_type="client_credentials",
                headers={**_FORM_HEADERS, "TenantId": str(tenant_id)},
            )
        )
        return tokens.with_tenant(str(tenant_id))

    def revoke(
        self,
        token: str,
        *,
        token_type_hint: str = "refresh_token",  # noqa: S107 - a hint name, not a secret
    ) -> None:
        """Revoke a token (normally the refresh token, which ends the connection)."""
        with self._lock:
            try:
                response = self._client.revoke_token(
                    self.oauth_url + "revoke",
                    token=token,
                    token_type_hint=token_type_hint,
                    headers=dict(_FORM_HEADERS),
                )
            except httpx.TransportError as exc:
                raise FortnoxUnavailable(f"revoke failed: {type(exc).__name__}") from exc
        if response.status_code >= 400:
            raise error_from_response(response.status_code, response.content)

    def _grant(self, request: Callable[[], Any]) -> TokenSet:
        with self._lock:
            try:
                answer = request()
            except OAuthError as exc:
                raise _oauth_error(exc) from exc
            except httpx.HTTPStatusError as exc:
                raise error_from_response(exc.response.status_code, exc.response.content) from exc
            except httpx.TransportError as exc:
                raise FortnoxUnavailable(f"token request failed: {type(exc).__name__}") from exc
            except ValueError as exc:
                raise UnexpectedResponse("token endpoint answered without a JSON object") from exc
            finally:
                # The client must not keep tokens around between grants.
                self._client.token = None
        if not isinstance(answer, dict) or not answer.get("access_token"):
            raise UnexpectedResponse("token endpoint answered without an access token")
        return TokenSet.from_token_response(answer, now=self._clock())


def _oauth_error(exc: OAuthError) -> FortnoxError:
    name = str(getattr(exc, "error", "") or "")
    description = str(getattr(exc, "description", "") or name)
    if name == "invalid_grant":
        return NeedsReauthorization(description, status_code=400)
    if name == "invalid_client":
        return InvalidClient(description, status_code=401)
    return ValidationError(description or "OAuth error", status_code=400)
