"""System checks for the Fortnox integration's deployment settings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

__all__ = ["W001", "check_shared_rate_limiter", "rate_limiter_warnings"]

W001 = "bokslut.integrations.W001"


def check_shared_rate_limiter(**kwargs: Any) -> list[checks.CheckMessage]:
    """Django's entry point for :func:`rate_limiter_warnings` on the current settings."""
    return rate_limiter_warnings(
        settings.DATABASES["default"]["ENGINE"],
        getattr(settings, "BOKSLUT_FORTNOX_REDIS_URL", None),
        settings.BOKSLUT_FORTNOX_RATE_LIMIT_DIR,
    )


def rate_limiter_warnings(
    engine: str, redis_url: str | None, rate_limit_dir: object
) -> list[checks.CheckMessage]:
    """Warn when PostgreSQL runs without Redis: the rate limiter then spans one machine only.

    Without Redis the per-tenant Fortnox limiter is a file in the data dir, which every
    process on this machine shares. That is right for the embedded install and for a
    single-machine PostgreSQL install, so it is a warning and not an error; but PostgreSQL is
    also how workers on several machines share a database, and those would each keep their
    own budget for a tenant and together exceed Fortnox's 25 requests in 5 s.
    """
    if "postgresql" not in engine or redis_url:
        return []
    return [
        checks.Warning(
            "The Fortnox rate limiter is shared only by the processes on this machine "
            f"(files in {rate_limit_dir}).",
            hint="With bokslut processes on more than one machine, set BOKSLUT_REDIS_URL so "
            "that they share one bucket per Fortnox tenant.",
            id=W001,
        )
    ]
