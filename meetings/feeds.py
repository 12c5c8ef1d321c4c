"""What delegates reach without logging in: their personal page, their calendar feed, one
meeting as a download, and the programme of a published mission: complete at its secret
link (`Mission.feed_token`), or public at /programme/<slug>.ics if its coordinators chose so.

Secret-token pages answer the same 404 for a token that never existed and for a rotated one,
send `Referrer-Policy: no-referrer`, and never put the token in a log line (see
meetings.logfilter). They answer GET and HEAD only and are exempt from the CSRF check, which
only guards unsafe methods: a POST gets a plain 405, not a CSRF failure logged with the path.
Feeds: token -> one query -> conditional GET (304 without building the calendar) -> render ->
response.
"""

import hmac
import re
from collections import defaultdict
from datetime import datetime
from urllib.parse import quote, urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from delegations.models import DelegationMember
from meetings import calendars, ical
from meetings.models import Meeting
from missions.localtime import zone_city
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


def _member(request: HttpRequest, token: str, *, allow_preview: bool = False):
    """The delegation member a secret link belongs to, or None."""
    if not TOKEN_SHAPE.match(token):
        return None
    member = calendars.member_by_token(token)
    if member is None or not hmac.compare_digest(member.token.encode(), token.encode()):
        return None
    if member.mission.status == Mission.Status.DRAFT:
        # Not public yet; the mission's own coordinators may preview the page.
        user = request.user
        if not (
            allow_preview
            and user.is_authenticated
            and Mission.objects.visible_to(user).filter(pk=member.mission_id).exists()
        ):
            return None
    return member


def _language(request: HttpRequest, default: str) -> str:
    asked = request.GET.get("lang", "")
    return asked if asked in LANGUAGE_CODES else default


def _calendar_response(
    request: HttpRequest,
    version: calendars.FeedVersion,
    build,
    *,
    filename: str,
    private: bool,
) -> HttpResponse:
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


@csrf_exempt
@require_safe
def delegate_feed(request: HttpRequest, token: str) -> HttpResponse:
    member = _member(request, token)
    if member is None:
        return _not_found(request)
    language = _language(request, member.person.preferred_language)
    version = calendars.member_feed_version(member, language=language)
    return _calendar_response(
        request,
        version,
        lambda: calendars.member_feed_bytes(member, language=language),
        filename=f"{member.mission.slug}.ics",
        private=True,
    )


def _programme(key: str) -> tuple[Mission, bool] | None:
    """The published mission `key` addresses and whether the complete programme is asked
    for: by the secret feed token (complete), or by the slug of a mission whose coordinators
    made the programme public (organisations only, no one's name)."""
    token_shaped = bool(TOKEN_SHAPE.match(key))
    candidates = calendars.programme_candidates(key, token_shaped=token_shaped)
    for mission in candidates:
        if token_shaped and hmac.compare_digest(mission.feed_token.encode(), key.encode()):
            return mission, True
    for mission in candidates:
        if mission.programme_public and mission.slug == key:
            return mission, False
    return None


@csrf_exempt
@require_safe
def mission_feed(request: HttpRequest, key: str) -> HttpResponse:
    found = _programme(key)
    if found is None:
        return _not_found(request)
    mission, complete = found
    # Never from Accept-Language (Google's fetcher sends none): the site's language or ?lang=.
    language = _language(request, settings.LANGUAGE_CODE)
    version = calendars.mission_feed_version(mission, language=language, public=not complete)
    return _calendar_response(
        request,
        version,
        lambda: calendars.mission_feed_bytes(mission, language=language, public=not complete),
        filename=f"{mission.slug}.ics",
        # The complete programme names delegates and contacts: a secret link, kept private.
        private=complete,
    )


@csrf_exempt
@require_safe
def meeting_ics(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    """One of the delegate's meetings as a file to import (authorised by their token)."""
    member = _member(request, token)
    meeting = calendars.member_meeting(member, pk) if member is not None else None
    if meeting is None:
        return _not_found(request)
    language = _language(request, member.person.preferred_language)
    body = calendars.meeting_bytes(member, meeting, language=language)
    response = HttpResponse(body, content_type=CALENDAR_TYPE)
    filename = f"{slugify(meeting.title)[:60] or 'meeting'}.ics"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-cache, no-transform"
    return _private(response)


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


def _agenda(member: DelegationMember, meetings: list[Meeting]) -> list[dict]:
    """The member's meetings by day in the mission's zone, with home times alongside."""
    mission = member.mission
    zone, home = mission.tz, mission.home_tz
    by_day = defaultdict(list)
    for meeting in sorted(meetings, key=lambda m: (m.start, m.end, m.title, m.pk)):
        start, end = meeting.start.astimezone(zone), meeting.end.astimezone(zone)
        home_start, home_end = meeting.start.astimezone(home), meeting.end.astimezone(home)
        colleagues = [
            attendee.person for attendee in meeting.attendees.all() if attendee.pk != member.pk
        ]
        by_day[start.date()].append(
            {
                "meeting": meeting,
                "start": start,
                "end": end,
                "home_start": home_start,
                "home_end": home_end,
                "home_other_day": home_start.date() != start.date(),
                "partners": ical.partner_lines(
                    meeting.partner_organisations.all(), meeting.partner_contacts.all()
                ),
                "colleagues": sorted(colleagues, key=lambda p: (p.last_name, p.first_name)),
                "map_url": map_url(meeting.venue) if meeting.venue else "",
            }
        )
    return [{"day": day, "items": items} for day, items in sorted(by_day.items())]


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


@csrf_exempt
@require_safe
def delegate_page(request: HttpRequest, token: str) -> HttpResponse:
    member = _member(request, token, allow_preview=True)
    if member is None:
        return _not_found(request)
    mission = member.mission
    language = _language(request, member.person.preferred_language)
    meetings = list(Meeting.objects.filter(attendees=member).with_details())
    agenda = _agenda(member, meetings)
    feed_url = calendars.delegate_feed_url(member)
    webcal = calendars.webcal_url(feed_url)
    google_add = "https://calendar.google.com/calendar/r?" + urlencode({"cid": webcal})
    context = {
        "member": member,
        "person": member.person,
        "mission": mission,
        "agenda": agenda,
        **today_and_next(mission, agenda, timezone.now()),
        "feed_url": feed_url,
        "webcal_url": webcal,
        "google_url": google_add,
        "outlook_url": "https://outlook.live.com/calendar/0/addfromweb?"
        + urlencode({"url": feed_url, "name": mission.title}, quote_via=quote),
        "qr_svg": mark_safe(qr_svg(webcal)),  # noqa: S308 (built here from our own URL)
        "language": language,
        "languages": settings.LANGUAGES,
        "is_preview": mission.status == Mission.Status.DRAFT,
    }
    with translation.override(language):
        # Zone names in the page's language ("Roma"), not the request's.
        context["zone_name"] = zone_city(mission.timezone)
        context["home_name"] = zone_city(mission.home_timezone)
        response = render(request, "meetings/delegate/page.html", context)
        response.headers["Content-Language"] = language
    response.headers["Cache-Control"] = "private, no-store"
    return _private(response)
