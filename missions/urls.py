from django.urls import path
from django.views.generic import RedirectView

app_name = "missions"

# Placeholder until the planner lands: the home page is the admin.
urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False), name="list"),
]
