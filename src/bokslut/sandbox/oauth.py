"""Fortnox's OAuth2 server: consent page, authorization codes, single-use refresh tokens.

Lifetimes follow Fortnox: codes 10 minutes, access tokens 1 hour (configurable), refresh
tokens 45 days and usable once. Access tokens are JWT-shaped (HS256) with the tenant id as a
claim, but the server still looks each one up so that expiry and revocation are immediate.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import secrets
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode

from bokslut.sandbox.clock import Clock
from bokslut.sandbox.store import ALL_SCOPES

__all__ = [
    "DEFAULT_CLIENT_ID",
    "DEFAULT_CLIENT_SECRET",
    "AccessToken",
    "OAuthClient",
    "OAuthError",
    "OAuthServer",
    "Tenant",
]

DEFAULT_CLIENT_ID = "bokslut-sandbox"
DEFAULT_CLIENT_SECRET = "sandbox-secret"  # noqa: S105 - a documented test credential

CODE_LIFETIME = 600.0
REFRESH_LIFETIME = 45 * 24 * 3600.0

SCOPE_LABELS_SV: dict[str, str] = {
    "bookkeeping": "Bokföring (verifikationer, konton, räkenskapsår, SIE)",
    "companyinformation": "Företagsinformation",
    "settings": "Inställningar (låst period)",
    "costcenter": "Kostnadsställen",
    "project": "Projekt",
    "customer": "Kunder",
    "supplier": "Leverantörer",
    "invoice": "Kundfakturor",
    "supplierinvoice": "Leverantörsfakturor",
    "assets": "Anläggningsregister",
}


class OAuthError(Exception):
    """An OAuth error answer: HTTP status, ``error`` and ``error_description``."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(f"{error}: {description}")
        self.status = status
        self.error = error
        self.description = description

    def body(self) -> dict[str, str]:
        """The JSON body Fortnox sends."""
        return {"error": self.error, "error_description": self.description}


@dataclass(frozen=True, slots=True)
class OAuthClient:
    """A registered integration."""

    client_id: str
    client_secret: str
    scopes: frozenset[str] = ALL_SCOPES


@dataclass(frozen=True, slots=True)
class Tenant:
    """What the consent page needs to know about a company."""

    database_number: int
    name: str


@dataclass(slots=True)
class AccessToken:
    """An issued access token and what it grants."""

    token: str
    client_id: str
    tenant: int
    scopes: frozenset[str]
    expires: float
    grant: str
    revoked: bool = False


@dataclass(slots=True)
class _Code:
    client_id: str
    redirect_uri: str
    tenant: int
    scopes: frozenset[str]
    expires: float
    used: bool = False


@dataclass(slots=True)
class _Refresh:
    client_id: str
    tenant: int
    scopes: frozenset[str]
    expires: float
    grant: str
    used: bool = False
    revoked: bool = False


@dataclass(slots=True)
class _Pending:
    client_id: str
    redirect_uri: str
    state: str
    scopes: tuple[str, ...]
    expires: float


@dataclass(slots=True)
class _State:
    codes: dict[str, _Code] = field(default_factory=dict)
    access: dict[str, AccessToken] = field(default_factory=dict)
    refresh: dict[str, _Refresh] = field(default_factory=dict)
    pending: dict[str, _Pending] = field(default_factory=dict)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class OAuthServer:
    """All OAuth state of one sandbox; every method is thread-safe."""

    def __init__(
        self,
        clock: Clock,
        clients: Sequence[OAuthClient],
        tenants: Callable[[], Sequence[Tenant]],
        *,
        access_lifetime: float = 3600.0,
    ) -> None:
        self._clock = clock
        self._clients = {client.client_id: client for client in clients}
        self._tenants = tenants
        self.access_lifetime = access_lifetime
        self._lock = threading.Lock()
        self._state = _State()
        self._key = secrets.token_bytes(32)

    # --- authorize -------------------------------------------------------------------------

    def authorize_page(self, query: Mapping[str, str]) -> tuple[int, str, str | None]:
        """``GET /oauth-v1/auth``: (status, HTML, redirect location or None)."""
        client = self._clients.get(query.get("client_id", ""))
        redirect_uri = query.get("redirect_uri", "")
        if client is None or not redirect_uri:
            return (
                400,
                _page("Ogiltig begäran", "<p>Okänd klient eller saknad redirect_uri.</p>"),
                None,
            )
        state = query.get("state", "")
        if query.get("response_type") != "code":
            return 302, "", _redirect(redirect_uri, error="unsupported_response_type", state=state)
        scopes = tuple(query.get("scope", "").split())
        if not scopes or not set(scopes) <= client.scopes:
            return 302, "", _redirect(redirect_uri, error="invalid_scope", state=state)
        consent = secrets.token_urlsafe(16)
        with self._lock:
            self._state.pending[consent] = _Pending(
                client.client_id,
                redirect_uri,
                state,
                scopes,
                self._clock.monotonic() + CODE_LIFETIME,
            )
        return 200, self._consent_html(consent, client, scopes), None

    def _consent_html(self, consent: str, client: OAuthClient, scopes: Sequence[str]) -> str:
        options = "".join(
            f'<option value="{t.database_number}">{html.escape(t.name)} '
            f"({t.database_number})</option>"
            for t in self._tenants()
        )
        checks = "".join(
            f'<li><label><input type="checkbox" name="scope_item" value="{html.escape(s)}" '
            f"checked> {html.escape(SCOPE_LABELS_SV.get(s, s))}</label></li>"
            for s in scopes
        )
        body = (
            f"<p>Integrationen <strong>{html.escape(client.client_id)}</strong> vill få "
            "åtkomst till ditt företag i Fortnox (sandlåda).</p>"
            '<form method="post" action="/oauth-v1/auth">'
            f'<input type="hidden" name="consent" value="{consent}">'
            '<p><label for="tenant">Välj företag</label> '
            f'<select id="tenant" name="tenant">{options}</select></p>'
            f"<p>Behörigheter:</p><ul>{checks}</ul>"
            '<button type="submit" name="decision" value="approve">Godkänn</button> '
            '<button type="submit" name="decision" value="deny">Avbryt</button>'
            "</form>"
        )
        return _page("Godkänn integration", body)

    def consent(self, form: Mapping[str, Sequence[str]]) -> tuple[int, str, str | None]:
        """``POST /oauth-v1/auth`` from the consent page: redirect back with a code."""
        consent_id = _one(form, "consent")
        with self._lock:
            pending = self._state.pending.pop(consent_id, None)
            if pending is None or pending.expires < self._clock.monotonic():
                return 400, _page("Ogiltig begäran", "<p>Samtycket har gått ut.</p>"), None
            if _one(form, "decision") != "approve":
                return (
                    302,
                    "",
                    _redirect(pending.redirect_uri, error="access_denied", state=pending.state),
                )
            try:
                tenant = int(_one(form, "tenant"))
            except ValueError:
                return 400, _page("Ogiltig begäran", "<p>Välj ett företag.</p>"), None
            if tenant not in {t.database_number for t in self._tenants()}:
                return 400, _page("Ogiltig begäran", "<p>Okänt företag.</p>"), None
            granted = frozenset(form.get("scope_item", ())) & frozenset(pending.scopes)
            if not granted:
                return (
                    302,
                    "",
                    _redirect(pending.redirect_uri, error="access_denied", state=pending.state),
                )
            code = secrets.token_urlsafe(24)
            self._state.codes[code] = _Code(
                pending.client_id,
                pending.redirect_uri,
                tenant,
                granted,
                self._clock.monotonic() + CODE_LIFETIME,
            )
        return 302, "", _redirect(pending.redirect_uri, code=code, state=pending.state)

    # --- token -----------------------------------------------------------------------------

    def authenticate_client(self, authorization: str | None) -> OAuthClient:
        """The client named by an ``Authorization: Basic`` header, or ``invalid_client``."""
        if not authorization or not authorization.lower().startswith("basic "):
            raise OAuthError(401, "invalid_client", "Client authentication failed")
        try:
            decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            raise OAuthError(401, "invalid_client", "Client authentication failed") from None
        client_id, _, secret = decoded.partition(":")
        client = self._clients.get(client_id)
        if client is None or not hmac.compare_digest(client.client_secret, secret):
            raise OAuthError(401, "invalid_client", "Client authentication failed")
        return client

    def token(
        self, authorization: str | None, tenant_header: str | None, form: Mapping[str, str]
    ) -> dict[str, object]:
        """``POST /oauth-v1/token`` for the three grant types Fortnox supports."""
        client = self.authenticate_client(authorization)
        grant_type = form.get("grant_type", "")
        now = self._clock.monotonic()
        with self._lock:
            if grant_type == "authorization_code":
                code = self._state.codes.get(form.get("code", ""))
                if (
                    code is None
                    or code.used
                    or code.expires < now
                    or code.client_id != client.client_id
                    or code.redirect_uri != form.get("redirect_uri", "")
                ):
                    raise OAuthError(400, "invalid_grant", "Invalid authorization code")
                code.used = True
                return self._issue(client.client_id, code.tenant, code.scopes, refresh=True)
            if grant_type == "refresh_token":
                old = self._state.refresh.get(form.get("refresh_token", ""))
                if (
                    old is None
                    or old.used
                    or old.revoked
                    or old.expires < now
                    or old.client_id != client.client_id
                ):
                    raise OAuthError(400, "invalid_grant", "Invalid refresh token")
                old.used = True
                return self._issue(
                    client.client_id, old.tenant, old.scopes, refresh=True, grant=old.grant
                )
            if grant_type == "client_credentials":
                try:
                    tenant = int(tenant_header or "")
                except ValueError:
                    raise OAuthError(400, "invalid_request", "Missing TenantId header") from None
                if tenant not in {t.database_number for t in self._tenants()}:
                    raise OAuthError(400, "invalid_request", "Unknown tenant")
                requested = frozenset(form.get("scope", "").split()) or client.scopes
                if not requested <= client.scopes:
                    raise OAuthError(400, "invalid_scope", "Invalid scope")
                return self._issue(client.client_id, tenant, requested, refresh=False)
        raise OAuthError(400, "unsupported_grant_type", f"Unsupported grant type: {grant_type}")

    def _issue(
        self,
        client_id: str,
        tenant: int,
        scopes: frozenset[str],
        *,
        refresh: bool,
        grant: str | None = None,
    ) -> dict[str, object]:
        now = self._clock.monotonic()
        grant = grant or secrets.token_hex(8)
        wall = int(self._clock.now().timestamp())
        claims = {
            "iss": "bokslut-sandbox",
            "clientId": client_id,
            "tenantId": tenant,
            "scope": " ".join(sorted(scopes)),
            "iat": wall,
            "exp": wall + int(self.access_lifetime),
            "jti": secrets.token_hex(12),
        }
        header = _b64(b'{"alg":"HS256","typ":"JWT"}')
        payload = _b64(json.dumps(claims, separators=(",", ":")).encode("utf-8"))
        signature = _b64(
            hmac.new(self._key, f"{header}.{payload}".encode("ascii"), hashlib.sha256).digest()
        )
        access = f"{header}.{payload}.{signature}"
        self._state.access[access] = AccessToken(
            access, client_id, tenant, scopes, now + self.access_lifetime, grant
        )
        answer: dict[str, object] = {
            "access_token": access,
            "scope": " ".join(sorted(scopes)),
            "expires_in": int(self.access_lifetime),
            "token_type": "bearer",
        }
        if refresh:
            token = secrets.token_hex(20)
            self._state.refresh[token] = _Refresh(
                client_id, tenant, scopes, now + REFRESH_LIFETIME, grant
            )
            answer["refresh_token"] = token
        return answer

    def revoke(self, authorization: str | None, form: Mapping[str, str]) -> None:
        """``POST /oauth-v1/revoke``: a refresh (or access) token and its whole grant die."""
        client = self.authenticate_client(authorization)
        token = form.get("token", "")
        with self._lock:
            grant: str | None = None
            refresh = self._state.refresh.get(token)
            if refresh is not None and refresh.client_id == client.client_id:
                grant = refresh.grant
            access = self._state.access.get(token)
            if access is not None and access.client_id == client.client_id:
                grant = access.grant
            if grant is not None:
                self._revoke_grant(grant)

    def _revoke_grant(self, grant: str) -> None:
        for item in self._state.refresh.values():
            if item.grant == grant:
                item.revoked = True
        for access in self._state.access.values():
            if access.grant == grant:
                access.revoked = True

    # --- use -------------------------------------------------------------------------------

    def check_access(self, token: str) -> AccessToken | None:
        """The live access token ``token``, or None if unknown, expired or revoked."""
        with self._lock:
            access = self._state.access.get(token)
            if access is None or access.revoked or access.expires <= self._clock.monotonic():
                return None
            return access

    # --- control ---------------------------------------------------------------------------

    def expire(self, *, token: str | None = None, tenant: int | None = None) -> int:
        """Make access tokens expire now (one, a tenant's, or all); returns how many."""
        now = self._clock.monotonic()
        count = 0
        with self._lock:
            for access in self._state.access.values():
                if (token is None or access.token == token) and (
                    tenant is None or access.tenant == tenant
                ):
                    if access.expires > now:
                        count += 1
                    access.expires = now
        return count

    def revoke_all(self, *, tenant: int | None = None) -> int:
        """Revoke every grant (or a tenant's), as if the customer removed the integration."""
        with self._lock:
            grants = {
                a.grant for a in self._state.access.values() if tenant is None or a.tenant == tenant
            } | {
                r.grant
                for r in self._state.refresh.values()
                if tenant is None or r.tenant == tenant
            }
            for grant in grants:
                self._revoke_grant(grant)
            return len(grants)


def _one(form: Mapping[str, Sequence[str]], name: str) -> str:
    values = form.get(name)
    return values[0] if values else ""


def _redirect(uri: str, **params: str) -> str:
    separator = "&" if "?" in uri else "?"
    return uri + separator + urlencode({k: v for k, v in params.items() if v})


def _page(title: str, body: str) -> str:
    return (
        '<!doctype html><html lang="sv"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)} – Fortnox sandlåda</title></head>"
        f"<body><h1>{html.escape(title)}</h1>{body}</body></html>"
    )
