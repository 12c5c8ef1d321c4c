"""The coordinators' matchmaking pages: the setup (setup_urls.py) and, once merged, the
scheduler's (run_urls.py)."""

from matchmaking import setup_urls

app_name = "matchmaking"

urlpatterns = setup_urls.urlpatterns
