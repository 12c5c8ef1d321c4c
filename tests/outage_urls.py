"""The project's URLs plus views that meet the database where a real request can: in a
middleware after the view (the session saved), and while a TemplateResponse renders."""

from django.http import HttpResponse
from django.template import engines
from django.template.response import TemplateResponse
from django.urls import path

from config.urls import handler403, handler404, handler500
from config.urls import urlpatterns as project_urlpatterns
from missions.models import Mission


def remember_visit(request):
    # Nothing is read here: SessionMiddleware writes the session after the view returns.
    request.session["visited"] = True
    return HttpResponse("saved by the session middleware")


def lazy_titles(request):
    # The queryset runs only when the response renders, after the view has returned.
    template = engines["django"].from_string("{% for m in missions %}{{ m.title }}{% endfor %}")
    return TemplateResponse(request, template, {"missions": Mission.objects.all()})


def broken(request):
    raise ValueError("a bug, not an outage")


urlpatterns = [
    path("outage-test/session/", remember_visit),
    path("outage-test/template/", lazy_titles),
    path("outage-test/broken/", broken),
    *project_urlpatterns,
]

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]
