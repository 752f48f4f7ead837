"""Reads of the audit log, always scoped to one firm."""

from __future__ import annotations

from django.db.models import QuerySet

from bokslut.audit.models import AuditEvent
from bokslut.firms.models import Firm

__all__ = ["audit_event_list"]


def audit_event_list(*, firm: Firm, limit: int = 100) -> QuerySet[AuditEvent]:
    """The firm's latest ``limit`` events, newest first."""
    return AuditEvent.objects.filter(firm=firm).select_related("user", "client")[:limit]
