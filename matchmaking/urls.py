from matchmaking import run_urls

app_name = "matchmaking"

# The lead unions the three parts at merge: setup_urls + run_urls (+ public ones apart).
urlpatterns = run_urls.urlpatterns
