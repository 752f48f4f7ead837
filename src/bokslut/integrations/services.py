"""The app's services in one place (HackSoft style: keyword-only functions that write)."""

from bokslut.integrations.clients import fortnox_client_for, fortnox_oauth, shared_rate_limiter
from bokslut.integrations.connections import (
    connection_assert_can_sync,
    connection_complete,
    connection_confirm_org_number,
    connection_detect_licences,
    connection_disconnect,
    connection_get_or_create,
    connection_record_error,
    connection_record_success,
    connection_service_account,
    connection_set_status,
    connection_start,
)
from bokslut.integrations.rotation import tokens_reencrypt_all
from bokslut.integrations.sync_settings import (
    available_areas,
    effective_areas,
    effective_schedule,
    firm_plan,
    firm_plan_set,
    sync_settings_for,
    sync_settings_update,
)

__all__ = [
    "available_areas",
    "connection_assert_can_sync",
    "connection_complete",
    "connection_confirm_org_number",
    "connection_detect_licences",
    "connection_disconnect",
    "connection_get_or_create",
    "connection_record_error",
    "connection_record_success",
    "connection_service_account",
    "connection_set_status",
    "connection_start",
    "effective_areas",
    "effective_schedule",
    "firm_plan",
    "firm_plan_set",
    "fortnox_client_for",
    "fortnox_oauth",
    "shared_rate_limiter",
    "sync_settings_for",
    "sync_settings_update",
    "tokens_reencrypt_all",
]
