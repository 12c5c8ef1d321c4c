"""Agendas in and out: imports (CSV, Excel, .ics invitations), exports (CSV, Excel) and the
printed programme booklet (PDF). No models; everything is written through the services."""

from django.urls import path

from transfer import views

app_name = "transfer"

urlpatterns: list = [
    path("missions/<slug:slug>/booklet.pdf", views.mission_booklet, name="mission_booklet"),
    path(
        "missions/<slug:slug>/delegation/<int:pk>/booklet.pdf",
        views.member_booklet,
        name="member_booklet",
    ),
]
