"""A database outage answers 503 with Retry-After and logs one line per failed request.

Where a database error can surface: in a view (a query, `@login_required` loading the
session and the user), while a TemplateResponse renders (a lazy queryset), or in a
middleware (SessionMiddleware saving the session after the view). Django turns an exception
from any of those places into a response in one function, `response_for_exception`, which
every middleware layer is wrapped in (`convert_exception_to_response`): it calls the URLconf's
`handler500` while the exception is being handled, then logs the answer on `django.request`
with the traceback. So the design has two hooks and no middleware:

- `server_error` is `handler500` (config/urls.py). It looks at `sys.exc_info()`: a database
  error (OperationalError, InterfaceError: the server is down, restarting, unreachable, out
  of connections, or an SQLite file that cannot be opened) gets a 503 with `Retry-After`,
  `Cache-Control: no-store` and a small translated page rendered without the request (no
  session, no user, no CSRF token, no static files: nothing that needs the database or a
  manifest); anything else gets Django's usual 500.
- `OneLineDatabaseErrors` is a filter on the `django.request` logger. Django logs the 503
  with `exc_info`; the filter folds the error's first line into the message and drops the
  traceback: `Service Unavailable: /path (OperationalError: connection ... refused)`, one
  line per failed request. Django marks the response as logged, so nothing logs it again.

A middleware's `process_exception` alone would miss errors raised in other middleware (the
session save), and a `got_request_exception` receiver cannot change the answer; handler500
sees them all. With DEBUG on, Django shows its technical 500 page instead (for developers).

Recovery needs no restart: a connection that failed is closed at the end of the request
(`close_old_connections`), `CONN_HEALTH_CHECKS` (settings) checks a persistent one before
reuse, and the next request connects afresh.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template.loader import render_to_string
from django.views.defaults import server_error as django_server_error

OUTAGE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def is_outage(error: BaseException | None) -> bool:
    return isinstance(error, OUTAGE_ERRORS)


def first_line(error: BaseException) -> str:
    """libpq's messages run over several lines; a log line must not."""
    lines = str(error).strip().splitlines()
    return lines[0].strip() if lines else ""


def service_unavailable() -> HttpResponse:
    response = HttpResponse(render_to_string("503.html"), status=503)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: 503 while the database is unreachable, templates/500.html otherwise."""
    if is_outage(sys.exc_info()[1]):
        return service_unavailable()
    try:
        return django_server_error(request)
    except Exception as error:  # the page itself failed (e.g. no static-files manifest)
        # One line: the error that led here is already logged with its traceback.
        from config.errors import render_failed

        render_failed("templates/500.html", error)
        return HttpResponseServerError(
            "Server error (500)", content_type="text/plain; charset=utf-8"
        )


class OneLineDatabaseErrors(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if is_outage(error):
            summary = f"{type(error).__name__}: {first_line(error)}"
            record.msg, record.args = f"{record.getMessage()} ({summary})", ()
            record.exc_info, record.exc_text = None, None
        return True
