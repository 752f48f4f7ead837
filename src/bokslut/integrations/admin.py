"""Admin: connections are shown without their token columns; plans and settings are editable."""

from __future__ import annotations

from django.contrib import admin

from bokslut.integrations.models import Connection, FirmPlan, SyncSettings


@admin.register(Connection)
class ConnectionAdmin(admin.ModelAdmin[Connection]):
    list_display = ("client", "status", "kind", "company_name", "org_number", "tenant_id")
    list_filter = ("status", "kind")
    exclude = ("access_token_encrypted", "refresh_token_encrypted")
    readonly_fields = ("scopes", "licences", "licences_checked_at", "last_error", "last_error_at")


@admin.register(SyncSettings)
class SyncSettingsAdmin(admin.ModelAdmin[SyncSettings]):
    list_display = ("client", "schedule", "years_back", "chart_policy", "balance_policy")


@admin.register(FirmPlan)
class FirmPlanAdmin(admin.ModelAdmin[FirmPlan]):
    list_display = ("firm", "plan")
