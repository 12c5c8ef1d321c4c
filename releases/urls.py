from django.urls import path

from releases import views

app_name = "releases"

urlpatterns = [
    path("missions/<slug:slug>/publish/", views.publish, name="publish"),
    path("missions/<slug:slug>/discard/", views.discard, name="discard"),
]
