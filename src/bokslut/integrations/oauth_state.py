"""The OAuth ``state``: random, bound to the user's session and client, single use, 10 minutes."""

from __future__ import annotations

import secrets
import time
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any

from bokslut.integrations.errors import OAuthStateError

__all__ = ["STATE_LIFETIME", "PendingConsent", "state_issue", "state_take"]

SESSION_KEY = "bokslut_fortnox_oauth_states"
STATE_LIFETIME = 600.0
#: A session keeps at most this many open consents (tabs); the oldest give way.
MAX_PENDING = 5


@dataclass(frozen=True, slots=True)
class PendingConsent:
    """What a state stands for."""

    client_id: int
    user_id: int
    next_url: str


def state_issue(
    session: MutableMapping[str, Any],
    *,
    client_id: int,
    user_id: int,
    next_url: str = "/",
    now: float | None = None,
) -> str:
    """A fresh state, remembered in ``session``."""
    moment = time.time() if now is None else now
    pending = _live(session, moment)
    state = secrets.token_urlsafe(32)
    pending[state] = {
        "client_id": client_id,
        "user_id": user_id,
        "next": next_url,
        "expires": moment + STATE_LIFETIME,
    }
    while len(pending) > MAX_PENDING:
        oldest = min(pending, key=lambda key: float(pending[key]["expires"]))
        del pending[oldest]
    session[SESSION_KEY] = pending
    return state


def state_take(
    session: MutableMapping[str, Any], state: str, *, user_id: int, now: float | None = None
) -> PendingConsent:
    """Consume ``state``: valid once, for the user who started it, within 10 minutes."""
    moment = time.time() if now is None else now
    pending = dict(session.get(SESSION_KEY) or {})
    entry = pending.pop(state, None) if state else None
    # Written back before any check so that a refused state cannot be tried again.
    session[SESSION_KEY] = {k: v for k, v in pending.items() if float(v["expires"]) > moment}
    if entry is None:
        raise OAuthStateError(
            "Svaret från Fortnox kunde inte kopplas till en anslutning som du har påbörjat "
            "(ogiltig eller redan använd state). Starta anslutningen igen."
        )
    if float(entry["expires"]) <= moment:
        raise OAuthStateError(
            "Anslutningen till Fortnox tog för lång tid (mer än 10 minuter). Starta den igen."
        )
    if int(entry["user_id"]) != user_id:
        raise OAuthStateError("Anslutningen påbörjades av en annan användare. Starta den igen.")
    return PendingConsent(int(entry["client_id"]), int(entry["user_id"]), str(entry["next"]))


def _live(session: MutableMapping[str, Any], now: float) -> dict[str, dict[str, Any]]:
    pending = dict(session.get(SESSION_KEY) or {})
    return {k: v for k, v in pending.items() if float(v["expires"]) > now}
