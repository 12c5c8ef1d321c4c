from django.urls import path

from missions import views

app_name = "missions"

urlpatterns = [
    path("", views.mission_list, name="list"),
    path("missions/new/", views.mission_create, name="create"),
    path("missions/<slug:slug>/edit/", views.mission_edit, name="edit"),
    path("missions/<slug:slug>/clone/", views.mission_clone_view, name="clone"),
]
