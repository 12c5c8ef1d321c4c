"""The run pages (namespace "matchmaking", wired through matchmaking/urls.py)."""

from django.urls import path

from matchmaking import run_views

urlpatterns = [
    path("missions/<slug:slug>/b2b/<int:session>/schedule/", run_views.run, name="run"),
    path(
        "missions/<slug:slug>/b2b/<int:session>/hall-plan/",
        run_views.hall_plan_view,
        name="hall_plan",
    ),
    path(
        "missions/<slug:slug>/b2b/<int:session>/meetings/<int:meeting>/no-show/",
        run_views.no_show,
        name="no_show",
    ),
    path(
        "missions/<slug:slug>/b2b/<int:session>/meetings/<int:meeting>/reschedule/",
        run_views.reschedule,
        name="reschedule",
    ),
]
