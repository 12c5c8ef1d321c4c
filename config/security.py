"""Response headers and the login throttle's client address, for every request.

- `PermissionsPolicyMiddleware`: the browser features no page of ours uses are switched off
  (Django's SecurityMiddleware has no setting for this header).
- `PrivatePagesNoStoreMiddleware`: a page served to a signed-in coordinator is never stored
  by the browser or a proxy (the roster shows every delegate's secret link). A response that
  already says how it may be cached keeps its own header: the calendar feeds' conditional
  GET (`private, no-cache, no-transform` + ETag) and the admin's `never_cache`.
- `login_lockout_response`: the page a locked-out sign-in gets.
- `login_client_ip`: the address django-axes counts failed logins against, honest behind
  `PROXY_COUNT` reverse proxies (see settings).
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import render

# Features no page uses; `()` denies them to the page and to every frame.
# Only names Chromium and Firefox recognise (an unknown one is a console error).
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class PrivatePagesNoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        response = self.get_response(request)
        if "Cache-Control" in response:
            return response  # the view decided (feeds, admin); no session lookup either
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response.headers["Cache-Control"] = "private, no-store"
        return response


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def login_client_ip(request: HttpRequest) -> str | None:
    """The client's address for login throttling.

    With PROXY_COUNT=0 (no proxy, the default) it is the socket's REMOTE_ADDR: a forged
    X-Forwarded-For changes nothing. Behind N trusted proxies each appends the address it
    saw, so the N-th entry from the right is the one the outermost proxy saw; anything left
    of it was written by the client and is ignored.
    """
    remote = _valid_ip(request.META.get("REMOTE_ADDR", ""))
    count = settings.PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part.strip() for part in forwarded if part.strip()]
    if not forwarded:
        return remote
    return _valid_ip(forwarded[-min(count, len(forwarded))]) or remote


def login_lockout_response(request: HttpRequest, original_response=None, credentials=None):
    """The page a locked-out sign-in gets (both login pages), in the user's language."""
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    context = {"minutes": max(1, round(seconds / 60))}
    response = render(request, "registration/locked_out.html", context, status=429)
    response.headers["Retry-After"] = str(seconds)
    return response
