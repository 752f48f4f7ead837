"""URLs of the avstämning pages, under /klienter/<id>/avstamning/."""

from __future__ import annotations

from django.urls import path

from bokslut.avstamning import views

app_name = "avstamning"

urlpatterns = [
    path("klienter/<int:client_id>/avstamning/", views.grid_view, name="grid"),
    path(
        "klienter/<int:client_id>/avstamning/kontroller/", views.checks_run_view, name="checks_run"
    ),
    path("klienter/<int:client_id>/avstamning/period/", views.period_view, name="period"),
    path(
        "klienter/<int:client_id>/avstamning/<int:year_id>/<str:account>/<str:period_end>/",
        views.cell_view,
        name="cell",
    ),
    path(
        "klienter/<int:client_id>/avstamning/bilagor/<int:attachment_id>/",
        views.attachment_view,
        name="attachment",
    ),
    path(
        "klienter/<int:client_id>/avstamning/export.<str:kind>",
        views.export_view,
        name="export",
    ),
]
