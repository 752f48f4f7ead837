from django.contrib import admin

from bokslut.firms.models import Client, Firm


@admin.register(Firm)
class FirmAdmin(admin.ModelAdmin[Firm]):
    list_display = ["name", "created_at"]


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin[Client]):
    list_display = ["name", "org_number", "firm"]
    search_fields = ["name", "org_number"]
