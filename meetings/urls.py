from django.urls import path

from meetings import bulk_views, history_views, timetable_views, views

app_name = "meetings"

urlpatterns = [
    path("missions/<slug:slug>/agenda/", views.agenda, name="agenda"),
    path("missions/<slug:slug>/agenda/print/", views.agenda_print, name="agenda_print"),
    path("missions/<slug:slug>/timetable/", timetable_views.timetable, name="timetable"),
    path(
        "missions/<slug:slug>/meetings/<int:pk>/move/",
        timetable_views.meeting_move,
        name="move",
    ),
    path("missions/<slug:slug>/meetings/new/", views.meeting_create, name="create"),
    path("missions/<slug:slug>/meetings/check/", views.meeting_check, name="check"),
    path("missions/<slug:slug>/meetings/<int:pk>/edit/", views.meeting_edit, name="edit"),
    path(
        "missions/<slug:slug>/meetings/<int:pk>/check/",
        views.meeting_check,
        name="check_existing",
    ),
    path(
        "missions/<slug:slug>/meetings/<int:pk>/cancel/", views.meeting_cancel_view, name="cancel"
    ),
    path(
        "missions/<slug:slug>/meetings/<int:pk>/duplicate/",
        views.meeting_duplicate_view,
        name="duplicate",
    ),
    path(
        "missions/<slug:slug>/meetings/<int:pk>/delete/", views.meeting_delete_view, name="delete"
    ),
    path("missions/<slug:slug>/meetings/copy-day/", bulk_views.day_copy_view, name="copy_day"),
    path("missions/<slug:slug>/meetings/shift/", bulk_views.shift_view, name="shift"),
    path("missions/<slug:slug>/add/<slug:kind>/", views.quick_add, name="quick_add"),
    path(
        "missions/<slug:slug>/meetings/deleted/",
        history_views.deleted_meetings_view,
        name="deleted",
    ),
    path(
        "missions/<slug:slug>/meetings/deleted/<int:history_id>/restore/",
        history_views.meeting_restore_view,
        name="restore",
    ),
]
