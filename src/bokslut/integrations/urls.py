"""Routes of the Fortnox connection (included under ``integrations/``).

A consent starts only from the web app's *Anslut till Fortnox* button, a POST checked for
CSRF (``web:fortnox_connect``); here are Fortnox's way back and POST-only confirm/disconnect.
"""

from django.urls import path

from bokslut.integrations import views

app_name = "integrations"

urlpatterns = [
    path("fortnox/callback", views.callback, name="fortnox-callback"),
    path("<int:client_id>/fortnox/confirm", views.confirm_org_number, name="fortnox-confirm"),
    path("<int:client_id>/fortnox/disconnect", views.disconnect, name="fortnox-disconnect"),
]
