"""The project's URLs plus, until the participants' public pages are merged, a stand-in for
`matchmaking_public:page` so that the setup pages' personal links can be checked."""

from importlib.util import find_spec

from django.http import HttpResponse
from django.urls import include, path

from config.urls import urlpatterns as project

urlpatterns = list(project)
if find_spec("matchmaking.public_urls") is None:
    urlpatterns.append(
        path(
            "",
            include(
                (
                    [path("b2b/<str:token>/", lambda request, token: HttpResponse(), name="page")],
                    "matchmaking_public",
                ),
            ),
        )
    )
