"""Helpers for the Fortnox client tests: fixture files, a scripted fake Fortnox, a clock."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SIE_CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "sie"
API = "https://api.fortnox.se/3/"


def fixture_bytes(name: str) -> bytes:
    """The raw bytes of a JSON fixture written from Fortnox's documented shapes."""
    return (FIXTURES / name).read_bytes()


def sie_corpus() -> Path:
    """The real-file SIE corpus; fail under CI, skip elsewhere, when it is missing."""
    if not SIE_CORPUS.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"SIE corpus missing at {SIE_CORPUS}")
        pytest.skip(f"SIE corpus not present at {SIE_CORPUS}")
    return SIE_CORPUS


@dataclass
class FakeClock:
    """A clock that only moves when someone sleeps on it."""

    now: float = 1_000_000.0
    sleeps: list[float] = field(default_factory=list)

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


Handler = Callable[[httpx.Request], httpx.Response]


class FakeFortnox:
    """An httpx.MockTransport handler answering scripted responses per method and path.

    Each route holds a list of answers given in turn; the last one repeats. An answer is
    an ``httpx.Response``, an exception instance to raise, or a handler function.
    """

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], list[httpx.Response | Exception | Handler]] = {}
        self.requests: list[httpx.Request] = []

    def add(self, method: str, path: str, *answers: httpx.Response | Exception | Handler) -> None:
        self.routes[(method, path)] = list(answers)

    def json(self, method: str, path: str, fixture: str, status: int = 200) -> None:
        self.add(method, path, httpx.Response(status, content=fixture_bytes(fixture)))

    def calls(self, method: str, path: str) -> list[httpx.Request]:
        return [r for r in self.requests if r.method == method and r.url.path == path]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answers = self.routes.get((request.method, request.url.path))
        if not answers:
            return httpx.Response(404, json={"message": f"no route {request.url.path}"})
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        if isinstance(answer, Exception):
            raise answer
        if callable(answer) and not isinstance(answer, httpx.Response):
            return answer(request)
        return answer

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)


class TokenServer:
    """A tiny real HTTP server with Fortnox's OAuth rotation and one API resource.

    Refresh tokens are single use; an access token is good for ``uses_per_token``
    API requests and then answers 401 ``{"message":"unauthorized"}``, so that
    workers keep having to refresh. Every refresh token presented, and the time of
    every API request, is recorded, for tests across threads and processes.
    """

    def __init__(self, *, uses_per_token: int = 1_000_000, refresh_delay: float = 0.0) -> None:
        import threading
        import time
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from urllib.parse import parse_qs

        self.uses_per_token = uses_per_token
        self.lock = threading.Lock()
        self.valid_refresh = {"refresh-0"}
        self.access_uses: dict[str, int] = {"access-0": 0}
        self.presented: list[str] = []
        self.reused: list[str] = []
        self.api_times: list[float] = []
        self.counter = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _send(self, status: int, body: dict[str, object]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                form = parse_qs(self.rfile.read(length).decode())
                token = form.get("refresh_token", [""])[0]
                time.sleep(refresh_delay)  # widen the window in which a race would show
                with server.lock:
                    server.presented.append(token)
                    if token not in server.valid_refresh:
                        server.reused.append(token)
                        self._send(400, {"error": "invalid_grant", "error_description": "x"})
                        return
                    server.valid_refresh.discard(token)
                    server.counter += 1
                    access, refresh = f"access-{server.counter}", f"refresh-{server.counter}"
                    server.valid_refresh.add(refresh)
                    server.access_uses[access] = 0
                self._send(
                    200,
                    {
                        "access_token": access,
                        "refresh_token": refresh,
                        "scope": "companyinformation",
                        "expires_in": 3600,
                        "token_type": "bearer",
                    },
                )

            def do_GET(self) -> None:
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                with server.lock:
                    server.api_times.append(time.monotonic())
                    uses = server.access_uses.get(token)
                    if uses is None or uses >= server.uses_per_token:
                        ok = False
                    else:
                        server.access_uses[token] = uses + 1
                        ok = True
                if not ok:
                    self._send(401, {"message": "unauthorized"})
                    return
                self._send(200, {"CompanyInformation": {"CompanyName": "Bolaget AB"}})

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> TokenServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def run_worker(
    server_url: str,
    token_path: str,
    requests: int,
    redis_prefix: str | None,
    tenant: str,
    rate_dir: str | None = None,
) -> int:
    """A worker process: ``requests`` API calls through its own client; returns successes.

    The limiter is Redis's under ``redis_prefix``, else the file limiter in ``rate_dir``,
    else an in-process one that never waits.
    """
    from bokslut.fortnox import (
        FileRateLimiter,
        FileTokenStore,
        FortnoxClient,
        FortnoxOAuth,
        InMemoryRateLimiter,
        RateLimit,
        RedisRateLimiter,
    )

    limiter: object
    if redis_prefix is None and rate_dir is not None:
        limiter = FileRateLimiter(rate_dir)
    elif redis_prefix is None:
        limiter = InMemoryRateLimiter([RateLimit(1000, 1.0)])
    else:
        import redis

        limiter = RedisRateLimiter(redis.Redis(), prefix=redis_prefix)
    oauth = FortnoxOAuth("client-id", "client-secret", oauth_url=server_url + "/oauth-v1/")
    client = FortnoxClient(
        token_store=FileTokenStore(token_path),
        oauth=oauth,
        api_url=server_url + "/3/",
        rate_limiter=limiter,  # type: ignore[arg-type]
        tenant=tenant,
    )
    done = 0
    with client:
        for _ in range(requests):
            client.company_information()
            done += 1
    return done


def acquire_in_file(
    rate_dir: str, key: str, count: int, limit: int, window: float, start: Any
) -> list[float]:
    """A worker process: ``count`` slots from a file limiter; returns the time of each.

    The times are the limiter's own clock readings at which it took each slot, so the test
    checks the windows the limiter decided on, without network or scheduling jitter.
    ``start`` is a barrier all workers pass together, so they contend from the first slot.
    """
    import time as _time

    from bokslut.fortnox import FileRateLimiter, RateLimit

    last = [0.0]

    def clock() -> float:
        last[0] = _time.monotonic()
        return last[0]

    limiter = FileRateLimiter(rate_dir, [RateLimit(limit, window)], clock=clock)
    taken = []
    start.wait()
    for _ in range(count):
        limiter.acquire(key)
        taken.append(last[0])
    return taken
