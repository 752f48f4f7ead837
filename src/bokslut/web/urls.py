"""URLs of the web app (Swedish paths; every client page is under /klienter/<id>/)."""

from __future__ import annotations

from django.urls import path
from django.views.generic import RedirectView
from django.views.i18n import set_language

from bokslut.web.views import auth, clients, ledger, vouchers

app_name = "web"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="web:client_list"), name="home"),
    path("logga-in/", auth.SignInView.as_view(), name="login"),
    path("logga-ut/", auth.SignOutView.as_view(), name="logout"),
    path("sprak/", set_language, name="set_language"),
    path("klienter/", clients.client_list_view, name="client_list"),
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
]
