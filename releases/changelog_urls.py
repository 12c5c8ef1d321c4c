from django.urls import path

from releases import changelog_views

app_name = "versions"

urlpatterns = [
    path("missions/<slug:slug>/versions/", changelog_views.versions, name="list"),
    path("missions/<slug:slug>/versions/compare/", changelog_views.compare, name="compare"),
    path(
        "missions/<slug:slug>/digests/<int:pk>/resend/",
        changelog_views.resend,
        name="digest_resend",
    ),
]
