"""Helpers for the Fortnox client tests: fixture files, a scripted fake Fortnox, a clock."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

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
