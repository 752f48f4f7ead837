"""Two processes refreshing one connection's tokens at once never lock the tenant out.

Fortnox refresh tokens are single use: without the row lock both processes would present
the same refresh token and one would be refused (``invalid_grant``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from django.db import connection as db

from bokslut.fortnox import FortnoxOAuth
from bokslut.sandbox import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, RunningSandbox

from .conftest import REDIRECT_URI, consent_url, control, token_requests

WORKER = Path(__file__).with_name("refresh_worker.py")
KEY = "J2bWvY0kq8Xw0m3kQx2hH8f3m7dW0q1xV9u3b6c5a4E="


def database_url(tmp_path: Path) -> tuple[str, str]:
    """(kind, URL) the child processes share with this test."""
    if db.vendor == "postgresql":
        s = db.settings_dict
        password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
        url = f"postgres://{s['USER']}{password}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}"
        return "postgresql", url
    # The SQLite test database is in memory; the children share a file instead.
    return "sqlite", f"sqlite:///{tmp_path / 'refresh.sqlite3'}"


def run(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WORKER), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_two_processes_refreshing_at_once_use_the_refresh_token_once(
    transactional_db: None, running: RunningSandbox, tmp_path: Path, settings: Any
) -> None:
    control(running, "DELETE", "faults")
    control(running, "POST", "ratelimit/reset")
    oauth = FortnoxOAuth(
        DEFAULT_CLIENT_ID,
        DEFAULT_CLIENT_SECRET,
        redirect_uri=REDIRECT_URI,
        oauth_url=running.oauth_url,
    )
    try:
        url, _ = oauth.authorization_url(scopes=["bookkeeping", "companyinformation"])
        code = consent_url(running, url).split("code=")[1].split("&")[0]
        tokens = oauth.exchange_code(code)
    finally:
        oauth.close()

    kind, url = database_url(tmp_path)
    env = {
        **os.environ,
        "BOKSLUT_DATABASE_URL": url,
        "BOKSLUT_DATA_DIR": str(tmp_path),
        "BOKSLUT_FERNET_KEYS": KEY,
        "BOKSLUT_FORTNOX_API_URL": running.api_url,
        "BOKSLUT_FORTNOX_OAUTH_URL": running.oauth_url,
        "BOKSLUT_FORTNOX_REDIRECT_URI": REDIRECT_URI,
        "PYTHONPATH": os.pathsep.join(sys.path),
    }
    env.pop("BOKSLUT_REDIS_URL", None)
    # Stored as already expired, so both processes go straight to a refresh.
    expired = replace(tokens, expires_at=time.time() - 600)
    setup = run(env, "setup", kind, expired.to_json())
    out, err = setup.communicate(timeout=120)
    assert setup.returncode == 0, err
    connection_id = out.strip().splitlines()[-1]

    # Both processes find the access token expired and refresh at the same moment.
    control(running, "POST", "tokens/expire", {"tenant": 1001})
    control(running, "DELETE", "stats")
    start_at = str(time.time() + 6)
    workers = [run(env, "call", connection_id, start_at) for _ in range(2)]
    results = [w.communicate(timeout=120) for w in workers]
    for worker, (out, err) in zip(workers, results, strict=True):
        assert worker.returncode == 0, err
        assert '"database_number": 1001' in out
    assert token_requests(running) == 1

    # The stored refresh token is the live one: a third process can refresh again.
    control(running, "POST", "tokens/expire", {"tenant": 1001})
    third = run(env, "call", connection_id, "0")
    out, err = third.communicate(timeout=120)
    assert third.returncode == 0, err
    assert token_requests(running) == 2
