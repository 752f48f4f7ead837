"""Routes of the Fortnox connection (included under ``integrations/``)."""

from django.urls import path

from bokslut.integrations import views

app_name = "integrations"

urlpatterns = [
    path("fortnox/callback", views.callback, name="fortnox-callback"),
    path("<int:client_id>/fortnox/connect", views.connect, name="fortnox-connect"),
    path("<int:client_id>/fortnox/confirm", views.confirm_org_number, name="fortnox-confirm"),
    path("<int:client_id>/fortnox/disconnect", views.disconnect, name="fortnox-disconnect"),
]
