"""What delegates reach without logging in, read from the latest published version: their
personal page, their calendar feed, one meeting as a download, and the programme feeds
(complete by secret token, public by slug). Same URLs and names as before (`public:`).

Unpublished edits of the working programme never show here. A mission never published (or
a delegate added after the last version): the page says the programme is not published
yet, the feeds are valid empty calendars. Token handling, 404s and headers are those of
meetings/feeds.py, whose helpers these views share.
"""

import hmac
from collections import defaultdict
from operator import attrgetter
from urllib.parse import quote, urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from delegations.models import DelegationMember
from meetings import calendars
from meetings.feeds import (
    CALENDAR_TYPE,
    TOKEN_SHAPE,
    _calendar_response,
    _language,
    _not_found,
    _private,
    link_holder,
    map_url,
    qr_svg,
    today_and_next,
)
from missions.localtime import zone_city
from missions.models import Mission
from releases import changelog, published


def _member(request: HttpRequest, token: str, *, allow_preview: bool = False):
    """The delegation member a secret link belongs to (with the latest version), or None."""
    return link_holder(
        request,
        token,
        published.member_by_token,
        attrgetter("mission"),
        allow_preview=allow_preview,
    )


@csrf_exempt
@require_safe
def delegate_feed(request: HttpRequest, token: str) -> HttpResponse:
    member = _member(request, token)
    if member is None:
        return _not_found(request)
    language = _language(request, member.person.preferred_language)
    version = published.member_feed_version(member, language=language)
    return _calendar_response(
        request,
        version,
        lambda: published.member_feed_bytes(member, language=language),
        filename=f"{member.mission.slug}.ics",
        private=True,
    )


def _programme(key: str) -> tuple[Mission, bool] | None:
    """As meetings.feeds._programme, with the latest version annotated."""
    token_shaped = bool(TOKEN_SHAPE.match(key))
    candidates = published.programme_candidates(key, token_shaped=token_shaped)
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
    version = published.mission_feed_version(mission, language=language, public=not complete)
    return _calendar_response(
        request,
        version,
        lambda: published.mission_feed_bytes(mission, language=language, public=not complete),
        filename=f"{mission.slug}.ics",
        # The complete programme names delegates and contacts: a secret link, kept private.
        private=complete,
    )


@csrf_exempt
@require_safe
def meeting_ics(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    """One of the delegate's published meetings as a file to import."""
    member = _member(request, token)
    if member is None:
        return _not_found(request)
    language = _language(request, member.person.preferred_language)
    found = published.member_meeting(member, pk, language=language)
    if found is None:
        return _not_found(request)
    title, body = found
    response = HttpResponse(body, content_type=CALENDAR_TYPE)
    filename = f"{slugify(title)[:60] or 'meeting'}.ics"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-cache, no-transform"
    return _private(response)


def agenda_by_day(mission: Mission, items: list[dict]) -> list[dict]:
    """The member's meetings by day in the mission's zone, with home times alongside."""
    zone, home = mission.tz, mission.home_tz
    by_day = defaultdict(list)
    for item in sorted(
        items,
        key=lambda i: (i["meeting"].start, i["meeting"].end, i["meeting"].title, i["meeting"].pk),
    ):
        meeting = item["meeting"]
        start, end = meeting.start.astimezone(zone), meeting.end.astimezone(zone)
        home_start, home_end = meeting.start.astimezone(home), meeting.end.astimezone(home)
        by_day[start.date()].append(
            {
                **item,
                "start": start,
                "end": end,
                "home_start": home_start,
                "home_end": home_end,
                "home_other_day": home_start.date() != start.date(),
                "map_url": map_url(meeting.venue) if meeting.venue else "",
            }
        )
    return [{"day": day, "items": items} for day, items in sorted(by_day.items())]


def _b2b_pages(member: DelegationMember) -> list[dict]:
    """The member's B2B meetings pages, one per matchmaking session they take part in: one
    query, through the reverse relation (matchmaking sits above releases)."""
    rows = member.matchmaking_participations.order_by("session__title").values_list(
        "token", "session__title"
    )
    return [
        {"url": reverse("matchmaking_public:page", args=[token]), "title": title}
        for token, title in rows
    ]


@csrf_exempt
@require_safe
def delegate_page(request: HttpRequest, token: str) -> HttpResponse:
    member: DelegationMember | None = _member(request, token, allow_preview=True)
    if member is None:
        return _not_found(request)
    language = _language(request, member.person.preferred_language)
    # The snapshot with the version's number, date and changes (releases/changelog.py).
    version = changelog.latest_for_page(member.release_id)
    snapshot = version.snapshot if version is not None else None
    mission = published.mission_of(snapshot, member.mission)
    # Not published yet for this delegate: no version, or added to the delegation since.
    not_published = snapshot is None or str(member.pk) not in snapshot["members"]
    agenda = (
        [] if not_published else agenda_by_day(mission, published.page_items(snapshot, member.pk))
    )
    feed_url = calendars.delegate_feed_url(member)
    webcal = calendars.webcal_url(feed_url)
    google_add = "https://calendar.google.com/calendar/r?" + urlencode({"cid": webcal})
    context = {
        "member": member,
        "person": member.person,
        "mission": mission,
        "agenda": agenda,
        "not_published": not_published,
        **today_and_next(mission, agenda, timezone.now()),
        "feed_url": feed_url,
        "webcal_url": webcal,
        "google_url": google_add,
        "outlook_url": "https://outlook.live.com/calendar/0/addfromweb?"
        + urlencode({"url": feed_url, "name": mission.title}, quote_via=quote),
        "qr_svg": mark_safe(qr_svg(webcal)),  # noqa: S308 (built here from our own URL)
        "language": language,
        "languages": settings.LANGUAGES,
        "is_preview": member.mission.status == Mission.Status.DRAFT,
        "b2b_pages": _b2b_pages(member),
    }
    with translation.override(language):
        # Zone names in the page's language ("Roma"), not the request's.
        context["zone_name"] = zone_city(mission.timezone)
        context["home_name"] = zone_city(mission.home_timezone)
        context["update"] = changelog.member_update(member, version)
        response = render(request, "meetings/delegate/page.html", context)
        response.headers["Content-Language"] = language
    response.headers["Cache-Control"] = "private, no-store"
    return _private(response)
