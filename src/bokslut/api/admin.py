"""Admin for API tokens: prefix, owner and use, never the hash or the secret."""

from django.contrib import admin

from bokslut.api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    """Tokens are created by their owner; the admin can see and revoke them."""

    list_display = ["prefix", "name", "user", "created", "last_used", "revoked"]
    list_filter = ["revoked"]
    search_fields = ["prefix", "name", "user__username"]
    fields = ["user", "name", "prefix", "created", "last_used", "revoked"]
    readonly_fields = ["user", "prefix", "created", "last_used"]

    def has_add_permission(self, request: object, obj: object = None) -> bool:
        """Tokens are made with ``bokslut api-token create`` so the secret is shown once."""
        return False
