"""The project's URLs plus views that fail the ways Django's error handlers answer."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from config.urls import handler403, handler404, handler500
from config.urls import urlpatterns as project_urlpatterns


def forbidden(request):
    raise PermissionDenied


def broken(request):
    raise ValueError("a bug")


urlpatterns = [
    path("error-test/forbidden/", forbidden),
    path("error-test/broken/", broken),
    *project_urlpatterns,
]

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]
