"""404 and 403 in the project's look (templates/404.html, 403.html), and a plain answer if
that look cannot be rendered.

The pages extend base.html, which names static files through the manifest; a server started
without `collectstatic` (or with a stale manifest) cannot render them, and an error page must
not turn a 404 into a 500. So each handler falls back to a plain-text answer with the same
status and logs one line. 500 is config.outage.server_error (503 for a database outage).
"""

import logging

from django.http import HttpRequest, HttpResponse
from django.views import defaults

from config.outage import OUTAGE_ERRORS

logger = logging.getLogger(__name__)


def _plain(status: int, text: str) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


def render_failed(template: str, error: Exception) -> None:
    lines = str(error).strip().splitlines()
    detail = lines[0] if lines else ""
    logger.error("%s could not be rendered (%s: %s)", template, type(error).__name__, detail)


def _or_plain(view, request, exception, *, status: int, template: str, text: str):
    """Django's own handler with our template; plain text if even that cannot render."""
    try:
        return view(request, exception)
    except OUTAGE_ERRORS:
        raise  # the database is down (the page asks who is signed in): handler500 answers 503
    except Exception as error:
        render_failed(template, error)
        return _plain(status, text)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _or_plain(
        defaults.page_not_found,
        request,
        exception,
        status=404,
        template="templates/404.html",
        text="Not Found (404)",
    )


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _or_plain(
        defaults.permission_denied,
        request,
        exception,
        status=403,
        template="templates/403.html",
        text="Forbidden (403)",
    )
