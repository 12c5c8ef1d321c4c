"""The HTTP side of what delegates reach without logging in, shared by the public views
(releases/public.py, which read the latest published version): token shape, language choice,
the calendar response with its conditional GET, the private headers, the QR code and map links,
"today and next" on the personal page.

Secret-token pages answer the same 404 for a token that never existed and for a rotated one,
send `Referrer-Policy: no-referrer`, and never put the token in a log line (see
meetings.logfilter). They answer GET and HEAD only and are exempt from the CSRF check, which
only guards unsafe methods: a POST gets a plain 405, not a CSRF failure logged with the path.
Feeds: token -> one query -> conditional GET (304 without building the calendar) -> render ->
response.
"""

import hmac
import re
import time
from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.template.loader import render_to_string
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, parse_http_date_safe

from meetings import calendars
from missions.models import Mission

# secrets.token_urlsafe(32) gives 43 characters; anything not shaped like a token is refused
# before the database is asked.
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{22,64}\Z")
CALENDAR_TYPE = "text/calendar; charset=utf-8"
LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


def _private(response: HttpResponse) -> HttpResponse:
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _not_found(request: HttpRequest) -> HttpResponse:
    """One answer for every bad link: no hint whether it ever existed."""
    # Rendered without the request: no CSRF token or cookie, the same bytes every time.
    body = render_to_string("meetings/delegate/not_found.html")
    response = HttpResponseNotFound(body)
    response.headers["Cache-Control"] = "no-store"
    return _private(response)


def link_holder(
    request: HttpRequest,
    token: str,
    find: Callable[[str], object | None],
    mission_of: Callable[[object], Mission],
    *,
    allow_preview: bool = False,
):
    """What a secret link belongs to (`find(token)`, carrying its `token`), or None: for a
    token of the wrong shape, one not found, or one whose mission (`mission_of(found)`) is
    still a draft, unless `allow_preview` and the user may see that mission (its coordinators
    may look at the page)."""
    if not TOKEN_SHAPE.match(token):
        return None
    found = find(token)
    if found is None or not hmac.compare_digest(found.token.encode(), token.encode()):
        return None
    mission = mission_of(found)
    if mission.status == Mission.Status.DRAFT:
        # Not public yet.
        user = request.user
        if not (
            allow_preview
            and user.is_authenticated
            and Mission.objects.visible_to(user).filter(pk=mission.pk).exists()
        ):
            return None
    return found


def _language(request: HttpRequest, default: str) -> str:
    asked = request.GET.get("lang", "")
    return asked if asked in LANGUAGE_CODES else default


def _ignore_future_dates(request: HttpRequest) -> None:
    """An If-Modified-Since later than now is invalid (RFC 9110 13.1.3): a client with a wrong
    clock would otherwise get 304 for every later change, and keep a stale calendar."""
    since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
    if since is not None and since > time.time():
        del request.META["HTTP_IF_MODIFIED_SINCE"]


def _calendar_response(
    request: HttpRequest,
    version: calendars.FeedVersion,
    build,
    *,
    filename: str,
    private: bool,
) -> HttpResponse:
    _ignore_future_dates(request)
    response = get_conditional_response(
        request, etag=version.etag, last_modified=int(version.last_modified.timestamp())
    )
    if response is None:
        response = HttpResponse(calendars.cached(version, build), content_type=CALENDAR_TYPE)
        response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["ETag"] = version.etag
    response.headers["Last-Modified"] = http_date(version.last_modified.timestamp())
    # Revalidate on every poll (cheap: a 304); no-transform keeps proxies from gzipping,
    # which Outlook.com subscriptions have been reported to choke on.
    scope = "private" if private else "public"
    response.headers["Cache-Control"] = f"{scope}, no-cache, no-transform"
    return _private(response) if private else response


# The personal page ---------------------------------------------------------------------------


def qr_svg(data: str) -> str:
    """A QR code as inline SVG, made here: no outside service ever sees the link."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    svg = image.to_string(encoding="unicode")
    return re.sub(r'width="[^"]*" height="[^"]*"', 'width="100%" height="100%"', svg, count=1)


def map_url(venue) -> str:
    """OpenStreetMap at the venue's point, or a search for its address."""
    if venue.has_geo:
        lat, lon = f"{venue.latitude:f}", f"{venue.longitude:f}"
        query = urlencode({"mlat": lat, "mlon": lon})
        return f"https://www.openstreetmap.org/?{query}#map=17/{lat}/{lon}"
    return "https://www.openstreetmap.org/search?" + urlencode({"query": venue.full_address})


def today_and_next(mission: Mission, agenda: list[dict], now: datetime) -> dict:
    """What a delegate on the road looks at first: today's meetings and the next day's, by
    the calendar of the mission's zone, while the mission runs (its first to its last day)."""
    today = now.astimezone(mission.tz).date()
    running = mission.start_date <= today <= mission.end_date
    by_day = {day["day"]: day["items"] for day in agenda}
    later = [day for day in agenda if day["day"] > today]
    return {
        "running": running,
        "today": today,
        "today_items": by_day.get(today, []) if running else [],
        "next_day": later[0] if running and later else None,
    }
