"""URL configuration. The web app (issue: Swedish web UI) adds its routes here."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("integrations/", include("bokslut.integrations.urls")),
    path("api/", include("bokslut.api.urls")),  # JSON API (django-ninja), docs at /api/docs
    path("", include("bokslut.avstamning.urls")),  # Avstämning: checks, reconciliations
    path("", include("bokslut.web.urls")),  # the web UI: Klienter, Saldobalans, Huvudbok …
]
