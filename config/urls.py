from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy

admin.site.site_header = "Trade Mission Planner"
admin.site.site_title = "Trade Mission Planner"
admin.site.index_title = gettext_lazy("Missions, delegations and meetings")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("django.contrib.auth.urls")),
    # Delegates' pages and calendar feeds, reached by secret token without login.
    path("", include("releases.public_urls")),
    # The coordinators' planner.
    path("", include("meetings.mission_urls")),
    path("", include("delegations.urls")),
    path("", include("meetings.urls")),
    path("", include("transfer.urls")),
    path("", include("outcomes.report_urls")),
    path("", include("outcomes.urls")),
    path("", include("releases.urls")),
    path("", include("releases.changelog_urls")),
    path("", include("matchmaking.urls")),
]

# A database outage answers 503 with Retry-After; every other error templates/500.html.
handler500 = "config.outage.server_error"
# templates/404.html and 403.html, or plain text if they cannot render (config/errors.py).
handler404 = "config.errors.page_not_found"
handler403 = "config.errors.permission_denied"
