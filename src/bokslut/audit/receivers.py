"""Sign-in, sign-out and failed sign-ins go to the audit log via Django's auth signals."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from bokslut.audit.models import AuditEvent
from bokslut.audit.services import audit_record
from bokslut.firms.models import Firm
from bokslut.firms.selectors import firm_of


def _client_ip(request: HttpRequest | None) -> str | None:
    # REMOTE_ADDR only: X-Forwarded-For is whatever the client says unless a trusted proxy
    # sets it, and the log must not record a forged address as fact.
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


@receiver(user_logged_in, dispatch_uid="audit_sign_in")
def record_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """A successful sign-in."""
    audit_record(
        firm=firm_of(user),
        user=user,
        action=AuditEvent.Action.SIGN_IN,
        ip_address=_client_ip(request),
    )


@receiver(user_logged_out, dispatch_uid="audit_sign_out")
def record_sign_out(
    sender: Any, request: HttpRequest | None, user: Any | None, **kwargs: Any
) -> None:
    """A sign-out (``user`` is None when the session had already expired)."""
    if user is None:
        return
    audit_record(
        firm=firm_of(user),
        user=user,
        action=AuditEvent.Action.SIGN_OUT,
        ip_address=_client_ip(request),
    )


@receiver(user_login_failed, dispatch_uid="audit_sign_in_failed")
def record_sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """A failed sign-in: the user name tried, never the password."""
    username = str(credentials.get("username", ""))[:150]
    known = get_user_model().objects.filter(username=username).first()
    firm: Firm | None = firm_of(known) if known is not None else None
    audit_record(
        firm=firm,
        user=None,
        username=username,
        action=AuditEvent.Action.SIGN_IN_FAILED,
        ip_address=_client_ip(request),
    )
