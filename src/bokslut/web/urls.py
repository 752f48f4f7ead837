"""URLs of the web app (Swedish paths; every client page is under /klienter/<id>/)."""

from __future__ import annotations

from django.urls import path
from django.views.generic import RedirectView
from django.views.i18n import set_language

from bokslut.web.views import (
    auth,
    client_new,
    clients,
    fortnox,
    fortnox_settings,
    ledger,
    sync,
    vouchers,
)

app_name = "web"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="web:client_list"), name="home"),
    path("logga-in/", auth.SignInView.as_view(), name="login"),
    path("logga-ut/", auth.SignOutView.as_view(), name="logout"),
    path("sprak/", set_language, name="set_language"),
    path("klienter/", clients.client_list_view, name="client_list"),
    path("klienter/ny/", client_new.client_create_view, name="client_create"),
    path("klienter/<int:client_id>/", clients.client_detail_view, name="client_detail"),
    path(
        "klienter/<int:client_id>/saldobalans/",
        ledger.trial_balance_view,
        name="trial_balance",
    ),
    path("klienter/<int:client_id>/huvudbok/", ledger.ledger_view, name="ledger"),
    path(
        "klienter/<int:client_id>/verifikationer/",
        vouchers.voucher_list_view,
        name="voucher_list",
    ),
    path(
        "klienter/<int:client_id>/verifikationer/<int:voucher_id>/",
        vouchers.voucher_detail_view,
        name="voucher_detail",
    ),
    # The Fortnox pages: Integrationer → inställningar → Synkronisera, as in the seed article.
    path(
        "klienter/<int:client_id>/integrationer/",
        fortnox.fortnox_integrations_view,
        name="fortnox_integrations",
    ),
    path(
        "klienter/<int:client_id>/integrationer/anslut/",
        fortnox.fortnox_connect_view,
        name="fortnox_connect",
    ),
    path(
        "klienter/<int:client_id>/integrationer/koppla-fran/",
        fortnox.fortnox_disconnect_view,
        name="fortnox_disconnect",
    ),
    path(
        "klienter/<int:client_id>/integrationer/bekrafta/",
        fortnox.fortnox_confirm_view,
        name="fortnox_confirm",
    ),
    path(
        "klienter/<int:client_id>/integrationer/installningar/",
        fortnox_settings.fortnox_settings_view,
        name="fortnox_settings",
    ),
    path("klienter/<int:client_id>/synkronisering/", sync.sync_view, name="sync"),
    path(
        "klienter/<int:client_id>/synkronisering/starta/",
        sync.sync_start_view,
        name="sync_start",
    ),
    path(
        "klienter/<int:client_id>/synkronisering/forlopp/",
        sync.sync_progress_view,
        name="sync_progress",
    ),
    path(
        "klienter/<int:client_id>/synkronisering/<int:run_id>/",
        sync.sync_run_view,
        name="sync_run",
    ),
]
