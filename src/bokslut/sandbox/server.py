"""The HTTP server: Fortnox's REST API under /3/, OAuth under /oauth-v1/, control under
/control/. Standard library only, so faults (timeouts, cut-off bodies) are fully ours."""

from __future__ import annotations

import contextlib
import secrets
import socket
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from bokslut.sandbox.api import FortnoxApi, Reply, Request, json_reply
from bokslut.sandbox.clock import Clock, SystemClock
from bokslut.sandbox.control import handle_control
from bokslut.sandbox.errors import ApiError, Codes, error_body
from bokslut.sandbox.faults import FaultConfig, FaultKind, Faults
from bokslut.sandbox.jsonio import JsonValue, dumps
from bokslut.sandbox.oauth import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    OAuthClient,
    OAuthError,
    OAuthServer,
    Tenant,
)
from bokslut.sandbox.ratelimit import SlidingWindowLimiter
from bokslut.sandbox.store import Company

__all__ = ["RunningSandbox", "Sandbox", "SandboxOptions", "Stats", "run_in_thread"]

_BUILD = "sandbox-0.1"


@dataclass(slots=True)
class SandboxOptions:
    """Settings of one sandbox (the defaults are Fortnox's)."""

    client_id: str = DEFAULT_CLIENT_ID
    client_secret: str = DEFAULT_CLIENT_SECRET
    token_lifetime: float = 3600.0
    rate_limit: int = 25
    rate_window: float = 5.0
    clock: Clock = field(default_factory=SystemClock)
    faults: FaultConfig = field(default_factory=FaultConfig)
    extra_clients: Sequence[OAuthClient] = ()


class Stats:
    """Request counts, so planners can prove how many requests a sync took."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[tuple[int | None, str, int]] = Counter()

    def count(self, tenant: int | None, endpoint: str, status: int) -> None:
        """Record one answered request."""
        with self._lock:
            self._counts[(tenant, endpoint, status)] += 1

    def reset(self) -> None:
        """Start counting from zero."""
        with self._lock:
            self._counts.clear()

    def snapshot(self) -> dict[str, JsonValue]:
        """Totals by endpoint (``GET vouchers``), status and tenant."""
        with self._lock:
            items = list(self._counts.items())
        by_endpoint: Counter[str] = Counter()
        by_status: Counter[str] = Counter()
        by_tenant: Counter[str] = Counter()
        for (tenant, endpoint, status), n in items:
            by_endpoint[endpoint] += n
            by_status[str(status)] += n
            by_tenant[str(tenant) if tenant is not None else "-"] += n
        return {
            "requests": sum(n for _, n in items),
            "by_endpoint": dict(sorted(by_endpoint.items())),
            "by_status": dict(sorted(by_status.items())),
            "by_tenant": dict(sorted(by_tenant.items())),
        }


class Sandbox:
    """Everything one sandbox knows: companies, OAuth, limiter, faults and statistics."""

    def __init__(self, companies: Iterable[Company], options: SandboxOptions | None = None) -> None:
        self.options = options or SandboxOptions()
        self.clock = self.options.clock
        self.companies: dict[int, Company] = {}
        for company in companies:
            self.add_company(company)
        clients = [
            OAuthClient(self.options.client_id, self.options.client_secret),
            *self.options.extra_clients,
        ]
        self.oauth = OAuthServer(
            self.clock, clients, self._tenants, access_lifetime=self.options.token_lifetime
        )
        self.limiter = SlidingWindowLimiter(
            self.clock, limit=self.options.rate_limit, window=self.options.rate_window
        )
        self.faults = Faults(self.options.faults)
        self.api = FortnoxApi(self.clock, page_size_cap=lambda: self.faults.config.page_size_cap)
        self.stats = Stats()
        self.stopping = threading.Event()

    def add_company(self, company: Company) -> None:
        """Register a tenant; its DatabaseNumber must be unique."""
        if company.database_number in self.companies:
            raise ValueError(f"DatabaseNumber {company.database_number} is taken")
        self.companies[company.database_number] = company

    def _tenants(self) -> list[Tenant]:
        return [Tenant(c.database_number, c.name) for c in self.companies.values()]

    def error(self, error: ApiError) -> Reply:
        """An API error in the configured body style."""
        return json_reply(error.status, error_body(error, self.faults.config.error_style))

    def rest(self, request: Request, authorization: str | None) -> tuple[int | None, str, Reply]:
        """Answer a ``/3/`` request: (tenant, endpoint name, reply or the fault marker)."""
        if not authorization or not authorization.lower().startswith("bearer "):
            return (
                None,
                "-",
                self.error(
                    ApiError(401, Codes.MISSING_TOKEN, "Kan inte hitta access-token i begäran")
                ),
            )
        access = self.oauth.check_access(authorization[7:].strip())
        if access is None:
            return None, "-", json_reply(401, {"message": "unauthorized"})
        if not self.limiter.allow((access.client_id, access.tenant)):
            return access.tenant, "-", json_reply(429, {"message": "Too Many Requests"})
        try:
            route, found = self.api.match(request.method, request.path)
        except ApiError as error:
            return access.tenant, "-", self.error(error)
        name = f"{request.method} {route.name}"
        if route.scope not in access.scopes:
            return (
                access.tenant,
                name,
                self.error(ApiError(403, Codes.SCOPE_NOT_GRANTED, "Har inte behörighet för scope")),
            )
        company = self.companies.get(access.tenant)
        if company is None:
            return (
                access.tenant,
                name,
                self.error(ApiError(401, Codes.INVALID_LOGIN, "Ogiltig inloggning")),
            )
        if route.scope not in company.licences:
            return (
                access.tenant,
                name,
                self.error(
                    ApiError(
                        403,
                        Codes.NO_LICENCE_FOR_SCOPE,
                        "Det finns ingen aktiv licens för önskat scope.",
                    )
                ),
            )
        try:
            return access.tenant, name, self.api.handle(company, route, found, request)
        except ApiError as error:
            return access.tenant, name, self.error(error)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        super().__init__(address, _Handler)


class _Handler(BaseHTTPRequestHandler):
    # HTTP/1.1 keeps connections alive, as clients (and benchmarks) expect.
    protocol_version = "HTTP/1.1"
    # Headers and body leave in separate writes; with Nagle on, a keep-alive client's
    # delayed ACK stalls every response by ~40 ms (about 22 requests/s at best).
    disable_nagle_algorithm = True
    server_version = "nginx"
    sys_version = ""
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: a test run would otherwise print every request."""

    def do_GET(self) -> None:
        """Dispatch GET."""
        self._dispatch()

    def do_POST(self) -> None:
        """Dispatch POST."""
        self._dispatch()

    def do_PUT(self) -> None:
        """Dispatch PUT."""
        self._dispatch()

    def do_PATCH(self) -> None:
        """Dispatch PATCH."""
        self._dispatch()

    def do_DELETE(self) -> None:
        """Dispatch DELETE."""
        self._dispatch()

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _dispatch(self) -> None:
        sandbox = self.server.sandbox
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        body = self._read_body()
        host, port = self.server.server_address[:2]
        base = "http://" + (self.headers.get("Host") or f"{host!s}:{port}")
        path = parts.path
        if path.startswith("/3/"):
            self._rest(sandbox, Request(self.command, path[3:].strip("/"), query, body, base))
        elif path.startswith("/oauth-v1/"):
            self._oauth(sandbox, path[len("/oauth-v1/") :].strip("/"), query, body)
        elif path.startswith("/control/"):
            reply = handle_control(
                sandbox, self.command, path[len("/control/") :].strip("/"), body, base
            )
            self._send(reply)
        else:
            self._send(json_reply(404, {"message": "not found"}))

    def _rest(self, sandbox: Sandbox, request: Request) -> None:
        delay = sandbox.faults.latency()
        if delay:
            sandbox.stopping.wait(delay)
        fault = sandbox.faults.decide()
        if fault is FaultKind.TIMEOUT:
            # Say nothing until the client gives up, then hang up.
            sandbox.stopping.wait(sandbox.faults.config.timeout_seconds)
            self.close_connection = True
            sandbox.stats.count(None, "fault timeout", 0)
            return
        if fault is FaultKind.RATE_LIMITED:
            sandbox.stats.count(None, "fault 429", 429)
            self._send(json_reply(429, {"message": "Too Many Requests"}))
            return
        if fault is FaultKind.SERVER_ERROR:
            status = sandbox.faults.config.error_status
            sandbox.stats.count(None, "fault 5xx", status)
            error = ApiError(status, Codes.SYSTEM_ERROR, "Ett systemfel har uppstått")
            self._send(sandbox.error(error))
            return
        tenant, name, reply = sandbox.rest(request, self.headers.get("Authorization"))
        if sandbox.faults.lose_answer(request.method):
            # The write is done (a voucher is booked); the client never hears of it.
            sandbox.stats.count(tenant, f"fault answer lost ({name})", reply.status)
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        sandbox.stats.count(tenant, name, reply.status)
        self._send(reply, truncate=fault is FaultKind.TRUNCATED)

    def _oauth(self, sandbox: Sandbox, path: str, query: dict[str, str], body: bytes) -> None:
        form_multi = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
        form = {k: v[-1] for k, v in form_multi.items()}
        authorization = self.headers.get("Authorization")
        try:
            if path == "auth" and self.command == "GET":
                status, page, location = sandbox.oauth.authorize_page(query)
                self._send_page(status, page, location)
            elif path == "auth" and self.command == "POST":
                status, page, location = sandbox.oauth.consent(form_multi)
                self._send_page(status, page, location)
            elif path == "token" and self.command == "POST":
                answer = sandbox.oauth.token(authorization, self.headers.get("TenantId"), form)
                sandbox.stats.count(None, "POST oauth token", 200)
                self._send(Reply(200, dumps(answer).encode("utf-8")))
            elif path == "revoke" and self.command == "POST":
                sandbox.oauth.revoke(authorization, form)
                self._send(Reply(200, b"", "text/plain"))
            else:
                self._send(json_reply(404, {"message": "not found"}))
        except OAuthError as error:
            sandbox.stats.count(None, f"POST oauth {path}", error.status)
            plain = sandbox.faults.config.oauth_plain_errors
            self._send(
                Reply(
                    error.status,
                    dumps(error.body()).encode("utf-8"),
                    "text/plain;charset=UTF-8" if plain else "application/json",
                )
            )

    def _send_page(self, status: int, page: str, location: str | None) -> None:
        headers = {"Location": location} if location else {}
        self._send(Reply(status, page.encode("utf-8"), "text/html; charset=utf-8", headers))

    def _send(self, reply: Reply, *, truncate: bool = False) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        self.send_header("X-Uid", secrets.token_hex(4))
        self.send_header("X-Build", _BUILD)
        self.send_header("X-Rack-Responsetime", "1")
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if truncate:
            self.send_header("Connection", "close")
        self.end_headers()
        if truncate:
            # Promise the whole body, deliver half, hang up: what a dropped connection looks like.
            self.wfile.write(reply.body[: len(reply.body) // 2])
            self.wfile.flush()
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.wfile.write(reply.body)


@dataclass(slots=True)
class RunningSandbox:
    """A sandbox serving in a background thread."""

    sandbox: Sandbox
    host: str
    port: int
    _server: _Server
    _thread: threading.Thread

    @property
    def base_url(self) -> str:
        """``http://host:port``."""
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        """The REST base, ``…/3/`` (Fortnox: ``https://api.fortnox.se/3/``)."""
        return f"{self.base_url}/3/"

    @property
    def oauth_url(self) -> str:
        """The OAuth base, ``…/oauth-v1/`` (Fortnox: ``https://apps.fortnox.se/oauth-v1/``)."""
        return f"{self.base_url}/oauth-v1/"

    @property
    def control_url(self) -> str:
        """The control API base, ``…/control/``."""
        return f"{self.base_url}/control/"

    def stop(self) -> None:
        """Stop serving and wake any handler sleeping in an injected fault."""
        self.sandbox.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> RunningSandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def run_in_thread(
    companies: Iterable[Company],
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    **options: object,
) -> RunningSandbox:
    """Serve ``companies`` on ``host:port`` (0 = any free port) in a daemon thread.

    ``options`` are :class:`SandboxOptions` fields (``client_id``, ``token_lifetime``,
    ``clock``, ``faults`` …).
    """
    sandbox = Sandbox(companies, SandboxOptions(**options))  # type: ignore[arg-type]
    server = _Server((host, port), sandbox)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name="bokslut-sandbox",
        daemon=True,
    )
    thread.start()
    bound_host, bound_port = server.server_address[:2]
    return RunningSandbox(sandbox, str(bound_host), int(bound_port), server, thread)
