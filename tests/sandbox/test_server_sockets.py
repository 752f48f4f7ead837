"""The sandbox's connections send small responses without waiting on Nagle's algorithm."""

from __future__ import annotations

import socket

import httpx
import pytest

from bokslut.sandbox import run_in_thread
from bokslut.sandbox.server import _Handler

from .conftest import make_demo


def test_every_connection_has_tcp_nodelay(monkeypatch: pytest.MonkeyPatch) -> None:
    # Headers and body go out in two writes; with Nagle on, a keep-alive client's delayed
    # ACK held every answer back ~40 ms. The option must be set on each accepted socket.
    seen: list[int] = []
    original = _Handler.setup

    def setup(handler: _Handler) -> None:
        original(handler)
        seen.append(handler.connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))

    monkeypatch.setattr(_Handler, "setup", setup)
    with run_in_thread([make_demo()]) as running:
        for _ in range(2):
            with httpx.Client(base_url=running.base_url) as http:
                assert http.get("/control/health").status_code == 200
                assert http.get("/control/health").status_code == 200
    assert len(seen) == 2
    assert all(seen)
