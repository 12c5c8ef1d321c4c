import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def without_head_bodies(app):
    """A HEAD answer carries the headers of a GET and no body.

    Django renders the body anyway and leaves dropping it to the server; gunicorn (25+) drops
    it but logs a warning for every such request, which would double the log lines of every
    HEAD (a calendar app's probe, a failure during an outage).
    """

    def application(environ, start_response):
        result = app(environ, start_response)
        if environ.get("REQUEST_METHOD") != "HEAD":
            return result
        close = getattr(result, "close", None)
        if close is not None:
            close()  # Django's request_finished: connections are tidied as usual
        return []

    return application


application = without_head_bodies(get_wsgi_application())
