"""Routes of the Fortnox connection (included under ``integrations/``).

A consent starts only from the web app's *Anslut till Fortnox* button, a POST checked for
CSRF (``web:fortnox_connect``); here is only Fortnox's way back. Confirm and disconnect exist
only as the web app's buttons (``web:fortnox_confirm``, ``web:fortnox_disconnect``), so that
every one of them is written to the audit log.
"""

from django.urls import path

from bokslut.integrations import views

app_name = "integrations"

urlpatterns = [
    path("fortnox/callback", views.callback, name="fortnox-callback"),
]
