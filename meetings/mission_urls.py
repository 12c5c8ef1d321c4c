"""The "missions" URL namespace. It is wired here, in the top app, because the list and the
clone views need meetings and delegations; missions/ itself imports nothing of ours."""

from django.urls import path

from meetings import history_views, mission_views
from missions import coordinator_views, views

app_name = "missions"

urlpatterns = [
    path("", mission_views.mission_list, name="list"),
    path("missions/new/", views.mission_create, name="create"),
    path("missions/<slug:slug>/edit/", mission_views.mission_edit, name="edit"),
    path("missions/<slug:slug>/clone/", mission_views.mission_clone_view, name="clone"),
    path(
        "missions/<slug:slug>/coordinators/",
        coordinator_views.mission_coordinators,
        name="coordinators",
    ),
    path(
        "missions/<slug:slug>/coordinators/<int:user_id>/remove/",
        coordinator_views.mission_coordinator_remove,
        name="coordinator_remove",
    ),
    path("missions/<slug:slug>/history/", history_views.mission_history_view, name="history"),
    path("missions/<slug:slug>/delete/", history_views.mission_delete_view, name="delete"),
    path(
        "missions/deleted/<int:history_id>/restore/",
        history_views.mission_restore_view,
        name="restore",
    ),
    path(
        "missions/<slug:slug>/programme-link/new/",
        mission_views.mission_new_feed_link,
        name="new_feed_link",
    ),
]
