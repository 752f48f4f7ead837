"""Writes to the audit log. Every caller goes through :func:`audit_record`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AnonymousUser, User

from bokslut.audit.models import AuditEvent
from bokslut.firms.models import Client, Firm

__all__ = ["REDACTED", "audit_record", "redact"]

REDACTED = "[dolt]"

# Key fragments whose values are credentials: the log is read by people and exported,
# so a careless caller passing a token in ``details`` must not leak it.
_SECRET_KEY_PARTS = ("token", "secret", "password", "losenord", "code", "authorization", "key")


def redact(details: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``details`` with the values of credential-like keys replaced, recursively."""
    clean: dict[str, Any] = {}
    for key, value in details.items():
        if any(part in str(key).lower() for part in _SECRET_KEY_PARTS):
            clean[str(key)] = REDACTED
        elif isinstance(value, Mapping):
            clean[str(key)] = redact(value)
        else:
            clean[str(key)] = value
    return clean


def audit_record(
    *,
    firm: Firm | None,
    user: User | AnonymousUser | None,
    action: AuditEvent.Action | str,
    client: Client | None = None,
    details: Mapping[str, Any] | None = None,
    ip_address: str | None = None,
    username: str = "",
) -> AuditEvent:
    """Record one event. ``details`` must be JSON-serialisable; credentials in it are hidden.

    >>> audit_record(firm=firm, user=user, action=AuditEvent.Action.SYNC, client=client,
    ...              details={"result": "ok", "vouchers": 120})  # doctest: +SKIP
    """
    if action not in AuditEvent.Action.values:
        raise ValueError(f"unknown audit action {action!r}")
    if client is not None and firm is not None and client.firm_id != firm.pk:
        raise ValueError("the client does not belong to the firm")
    real_user = user if user is not None and user.is_authenticated else None
    return AuditEvent.objects.create(
        firm=firm if firm is not None else (client.firm if client is not None else None),
        user=real_user,
        username=username or (real_user.get_username() if real_user is not None else ""),
        client=client,
        action=str(action),
        details=redact(details or {}),
        ip_address=ip_address,
    )
