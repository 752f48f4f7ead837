"""Which Fortnox rate limiter the settings choose, and the warning for PostgreSQL alone."""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

import pytest
from django.core import checks

import bokslut.settings
from bokslut.fortnox import DEFAULT_LIMITS, FileRateLimiter, RedisRateLimiter
from bokslut.integrations.checks import W001, check_shared_rate_limiter, rate_limiter_warnings
from bokslut.integrations.clients import shared_rate_limiter

SETTINGS_FILE = bokslut.settings.__file__


def load_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **env: str) -> dict[str, Any]:
    """Evaluate settings.py afresh under exactly ``env`` (plus a private data dir)."""
    for name in ("BOKSLUT_REDIS_URL", "BOKSLUT_TASKS_BACKEND", "BOKSLUT_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BOKSLUT_DATA_DIR", str(tmp_path))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(SETTINGS_FILE)


def test_the_embedded_default_limits_in_files_in_the_data_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    loaded = load_settings(monkeypatch, tmp_path)
    assert loaded["BOKSLUT_FORTNOX_REDIS_URL"] is None
    assert loaded["BOKSLUT_FORTNOX_RATE_LIMIT_DIR"] == tmp_path.resolve() / "ratelimit"


def test_an_explicit_redis_url_moves_the_limiter_to_redis(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    loaded = load_settings(monkeypatch, tmp_path, BOKSLUT_REDIS_URL="redis://cache:6379/3")
    assert loaded["BOKSLUT_FORTNOX_REDIS_URL"] == "redis://cache:6379/3"


def test_the_rq_queue_brings_the_limiter_to_its_redis(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    loaded = load_settings(monkeypatch, tmp_path, BOKSLUT_TASKS_BACKEND="rq")
    assert loaded["BOKSLUT_FORTNOX_REDIS_URL"] == "redis://127.0.0.1:6379/0"


def test_without_redis_every_caller_gets_one_file_limiter_in_the_configured_dir(
    settings: Any, tmp_path: Path
) -> None:
    settings.BOKSLUT_FORTNOX_REDIS_URL = None
    settings.BOKSLUT_FORTNOX_RATE_LIMIT_DIR = tmp_path / "ratelimit"
    limiter = shared_rate_limiter()
    assert isinstance(limiter, FileRateLimiter)
    assert limiter.directory == str(tmp_path / "ratelimit")
    assert limiter.limits == DEFAULT_LIMITS
    assert shared_rate_limiter() is limiter
    # Another process building its limiter from the same settings opens the same file.
    limiter.acquire("tenant-1")
    assert Path(FileRateLimiter(tmp_path / "ratelimit").path_for("tenant-1")).stat().st_size == 8


def test_with_redis_the_limiter_is_redis(settings: Any, tmp_path: Path) -> None:
    settings.BOKSLUT_FORTNOX_REDIS_URL = "redis://127.0.0.1:6379/5"
    settings.BOKSLUT_FORTNOX_RATE_LIMIT_DIR = tmp_path / "ratelimit"
    limiter = shared_rate_limiter()
    assert isinstance(limiter, RedisRateLimiter)
    assert limiter.limits == DEFAULT_LIMITS


def test_postgresql_without_redis_warns_that_the_limiter_spans_one_machine() -> None:
    [warning] = rate_limiter_warnings("django.db.backends.postgresql", None, "/data/ratelimit")
    assert warning.id == W001
    assert warning.level == checks.WARNING
    assert "/data/ratelimit" in warning.msg
    assert "BOKSLUT_REDIS_URL" in (warning.hint or "")


@pytest.mark.parametrize(
    ("engine", "redis_url"),
    [
        ("django.db.backends.sqlite3", None),
        ("django.db.backends.postgresql", "redis://127.0.0.1:6379/0"),
    ],
)
def test_sqlite_or_redis_need_no_warning(engine: str, redis_url: str | None) -> None:
    assert rate_limiter_warnings(engine, redis_url, "/data/ratelimit") == []


def test_the_check_is_registered_and_reads_the_settings(settings: Any) -> None:
    settings.BOKSLUT_FORTNOX_REDIS_URL = "redis://127.0.0.1:6379/0"
    assert check_shared_rate_limiter in checks.registry.registry.get_checks()
    assert check_shared_rate_limiter() == []
