"""Read-only admin for the audit log: an audit trail that can be edited is no trail."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from bokslut.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    """Lists events; nobody adds, changes or deletes them here."""

    list_display = ("created_at", "firm", "username", "action", "client", "ip_address")
    list_filter = ("action", "firm")
    search_fields = ("username",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False
