"""URL configuration. The web app (issue: Swedish web UI) adds its routes here."""

from django.contrib import admin
from django.urls import path

urlpatterns = [
    path("admin/", admin.site.urls),
]
