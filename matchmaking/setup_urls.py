"""The coordinators' matchmaking setup pages (namespace "matchmaking", via matchmaking/urls.py)."""

from django.urls import path

from matchmaking import setup_views as views

BASE = "missions/<slug:slug>/b2b/"
SESSION = BASE + "<int:session>/"

urlpatterns = [
    path(BASE, views.session_list, name="session"),
    path(SESSION, views.session_detail, name="session_detail"),
    path(SESSION + "days/new/", views.day_create, name="day_create"),
    path(SESSION + "days/<int:day>/", views.day_edit, name="day_edit"),
    path(SESSION + "days/<int:day>/delete/", views.day_delete, name="day_delete"),
    path(SESSION + "tables/add/", views.tables_add, name="tables_add"),
    path(SESSION + "tables/<int:table>/", views.table_edit, name="table_edit"),
    path(SESSION + "tables/<int:table>/delete/", views.table_delete, name="table_delete"),
    path(SESSION + "participants/", views.participant_list, name="participants"),
    path(SESSION + "participants/add-delegation/", views.members_add, name="members_add"),
    path(SESSION + "participants/add-visitor/", views.visitor_add, name="visitor_add"),
    path(
        SESSION + "participants/<int:participant>/",
        views.participant_edit,
        name="participant_edit",
    ),
    path(
        SESSION + "participants/<int:participant>/availability/",
        views.participant_availability,
        name="participant_availability",
    ),
    path(
        SESSION + "participants/<int:participant>/remove/",
        views.participant_remove,
        name="participant_remove",
    ),
    path(
        SESSION + "participants/<int:participant>/new-link/",
        views.participant_rotate,
        name="participant_rotate",
    ),
    path(SESSION + "requests/", views.request_list, name="requests"),
    path(SESSION + "requests/<int:pk>/", views.request_action, name="request_action"),
]
