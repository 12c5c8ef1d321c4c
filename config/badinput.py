"""Bad input that Django's own apps let through to the database.

Django's admin puts query-string values (search box, list filters) straight into queries, and
PostgreSQL refuses a NUL character in text: `/admin/auth/user/?q=%00` was a 500 for every
model. Our own pages read GET parameters through forms, which refuse NUL with a message.
"""

from django.http import HttpResponseBadRequest
from django.urls import reverse
from django.utils.translation import gettext as _


class AdminNulGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(reverse("admin:index")) and any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            return HttpResponseBadRequest(
                _("Null characters are not allowed."), content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)
