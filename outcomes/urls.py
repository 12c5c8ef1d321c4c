from django.urls import path

from outcomes import views

app_name = "outcomes"

urlpatterns = [
    path("missions/<slug:slug>/meetings/<int:pk>/outcome/", views.outcome_edit, name="outcome"),
    path("missions/<slug:slug>/follow-ups/new/", views.follow_up_create, name="follow_up_create"),
    path(
        "missions/<slug:slug>/follow-ups/<int:pk>/edit/",
        views.follow_up_edit,
        name="follow_up_edit",
    ),
    path(
        "missions/<slug:slug>/follow-ups/<int:pk>/status/",
        views.follow_up_status,
        name="follow_up_status",
    ),
    path(
        "missions/<slug:slug>/follow-ups/<int:pk>/delete/",
        views.follow_up_delete_view,
        name="follow_up_delete",
    ),
    path("follow-ups/", views.follow_up_board, name="board"),
    path(
        "partners/<int:pk>/timeline/",
        views.organisation_timeline_view,
        name="organisation_timeline",
    ),
]
