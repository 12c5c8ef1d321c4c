from django.urls import path

# The views read the latest published version, never the working programme.
from releases import public as feeds

app_name = "public"

# Short paths: the personal link is typed from e-mails and printed as a QR code.
urlpatterns: list = [
    path("d/<str:token>/", feeds.delegate_page, name="delegate_page"),
    path("d/<str:token>/calendar.ics", feeds.delegate_feed, name="delegate_feed"),
    path("d/<str:token>/meetings/<int:pk>.ics", feeds.meeting_ics, name="meeting_ics"),
    # <key>: the mission's secret feed token (the complete programme), or its slug when the
    # coordinators made the programme public (organisations only). See feeds._programme.
    path("programme/<slug:key>.ics", feeds.mission_feed, name="mission_feed"),
]
