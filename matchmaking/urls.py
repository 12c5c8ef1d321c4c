"""The coordinators' matchmaking pages: the setup (setup_urls.py) and the scheduler's
(run_urls.py). The participants' pages are apart, in public_urls.py."""

from matchmaking import run_urls, setup_urls

app_name = "matchmaking"

urlpatterns = setup_urls.urlpatterns + run_urls.urlpatterns
