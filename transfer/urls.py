"""Agendas in and out: imports (CSV, Excel, .ics invitations), exports (CSV, Excel) and the
printed programme booklet (PDF). No models; everything is written through the services."""

from django.urls import path  # noqa: F401

app_name = "transfer"

urlpatterns: list = []
