from django.urls import path

from matchmaking import public_views

app_name = "matchmaking_public"

# The participant's secret link: short, typed from e-mails and printed as a QR code.
urlpatterns: list = [
    path("b2b/<str:token>/", public_views.page, name="page"),
    path("b2b/<str:token>/calendar.ics", public_views.feed, name="feed"),
]
