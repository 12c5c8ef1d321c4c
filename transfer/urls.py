"""Agendas in and out: imports (CSV, Excel, .ics invitations), exports (CSV, Excel) and the
printed programme booklet (PDF). No models; everything is written through the services."""

from django.urls import path

from transfer import views

app_name = "transfer"

urlpatterns: list = [
    path(
        "missions/<slug:slug>/import/invitations/",
        views.ics_import,
        name="ics_import",
    ),
    path(
        "missions/<slug:slug>/export/<slug:what>.<slug:fmt>",
        views.export,
        name="export",
    ),
]
