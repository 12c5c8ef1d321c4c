"""What a B2B participant reaches without logging in, at their secret link (`b2b/<token>/`):
their page (who they are, their meetings of the latest PUBLISHED programme version, the other
side's directory of their session with "Ask to meet", the requests they received and sent)
and, for visitors, their calendar feed.

The token in the URL is the credential, handled as the delegates' (meetings/feeds.py): one
404 for a malformed, unknown or rotated token and for a draft mission, never cached, never
indexed. The page's forms are POSTs protected by Django's CSRF check, which compares the
browser's Origin header with ours: under `Referrer-Policy: no-referrer` browsers send
`Origin: null` and every POST would be refused, so the page says `same-origin` instead (the
link, token included, never leaves our site: outside links get no Referer at all, and our own
logs redact /b2b/ paths). The feed keeps `no-referrer`. Every action goes through
matchmaking/services.py and every refusal is a message next to what caused it.
The directory shows names, organisations, sector, country, offers and looks-for only: never
an e-mail, a phone or a note.
"""

from dataclasses import dataclass, field
from operator import attrgetter
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from matchmaking import services
from matchmaking.models import MeetingRequest, Participant
from meetings import calendars
from meetings.feeds import (
    _calendar_response,
    _language,
    _not_found,
    _private,
    link_holder,
    qr_svg,
)
from missions import links
from missions.concurrency import EditConflict
from missions.localtime import zone_city
from missions.models import Mission
from releases import published
from releases.public import agenda_by_day, delegate_feed

Status = MeetingRequest.Status
LIVE = (Status.PENDING, Status.ACCEPTED)
MAX_QUERY = 100  # characters of a directory search


def participant_by_token(token: str) -> Participant | None:
    """The participant whose secret this is, with session, mission, person, organisation,
    membership and the mission's latest version (one query)."""
    queryset = Participant.objects.select_related(
        "session__mission", "person__organisation", "member"
    )
    return published.with_release(queryset, "session__mission").filter(token=token).first()


def _participant(request: HttpRequest, token: str, *, allow_preview: bool = False):
    # A draft mission's own coordinators may look (never act) at the page.
    return link_holder(
        request,
        token,
        participant_by_token,
        attrgetter("session.mission"),
        allow_preview=allow_preview,
    )


def page_url(participant: Participant) -> str:
    return links.absolute(reverse("matchmaking_public:page", args=[participant.token]))


def feed_url(participant: Participant) -> str:
    return links.absolute(reverse("matchmaking_public:feed", args=[participant.token]))


def _reader(participant: Participant) -> published.ContactReader:
    mission = participant.session.mission
    return published.ContactReader(
        key=f"participant-{participant.pk}",
        token=participant.token,
        person=participant.person,
        mission=mission,
        release_id=participant.release_id,
        release_at=participant.release_at,
        page_url=page_url(participant),
        feed_url=feed_url(participant),
    )


# The calendar ---------------------------------------------------------------------------------


@csrf_exempt
@require_safe
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """A visitor's published meetings (where they are a partner contact) as a subscribable
    calendar; a delegation-side participant's link gives their delegate feed (which carries
    their B2B meetings with the rest of their agenda)."""
    participant = _participant(request, token)
    if participant is None:
        return _not_found(request)
    if participant.member_id is not None:
        return delegate_feed(request, participant.member.token)
    language = _language(request, participant.person.preferred_language)
    reader = _reader(participant)
    version = published.contact_feed_version(reader, language=language)
    return _calendar_response(
        request,
        version,
        lambda: published.contact_feed_bytes(reader, language=language),
        filename=f"{participant.session.mission.slug}-b2b.ics",
        private=True,
    )


# The page -------------------------------------------------------------------------------------


@dataclass
class Entry:
    """One participant of the other side, as the directory shows them to the reader."""

    participant: Participant
    sent: MeetingRequest | None = None  # the reader's request to them
    received: MeetingRequest | None = None  # theirs to the reader
    notes: list[str] = field(default_factory=list)  # messages about this entry
    failed: bool = False  # the reader's last action here was refused

    @property
    def anchor(self) -> str:
        return f"participant-{self.participant.pk}"

    @property
    def mutual(self) -> bool:
        return bool(
            self.sent
            and self.received
            and self.sent.status in LIVE
            and self.received.status in LIVE
        )

    @property
    def can_ask(self) -> bool:
        # A withdrawn request cannot be sent again (one request per pair and direction).
        return self.sent is None and not (self.received and self.received.status in LIVE)

    def matches(self, words: list[str]) -> bool:
        person = self.participant.person
        organisation = person.organisation
        text = " ".join(
            [
                person.full_name,
                person.position,
                organisation.name if organisation else "",
                organisation.short_name if organisation else "",
                organisation.sector if organisation else "",
                organisation.country if organisation else "",
                self.participant.offers,
                self.participant.looks_for,
            ]
        ).casefold()
        return all(word in text for word in words)


@dataclass
class PageData:
    directory: list[Entry]
    shown: list[Entry]
    received: list[MeetingRequest]
    sent: list[MeetingRequest]
    meeting_ids: set[int] = field(default_factory=set)

    @property
    def live_sent(self) -> int:
        return sum(1 for r in self.sent if r.status != Status.WITHDRAWN)

    @property
    def mutual_count(self) -> int:
        return sum(1 for entry in self.directory if entry.mutual)


def _page_data(participant: Participant, query: str) -> PageData:
    """The directory of the other side and the reader's requests: two queries."""
    other = (
        Participant.Side.VISITOR
        if participant.side == Participant.Side.DELEGATION
        else Participant.Side.DELEGATION
    )
    directory = {
        p.pk: Entry(p)
        for p in Participant.objects.filter(session=participant.session_id, side=other)
        .select_related("person__organisation")
        .order_by("person__organisation__name", "person__last_name", "person__first_name", "pk")
    }
    requests = list(
        MeetingRequest.objects.filter(Q(requester=participant) | Q(requested=participant))
        .select_related("requester__person__organisation", "requested__person__organisation")
        .order_by("-created", "-pk")
    )
    sent, received, meeting_ids = [], [], set()
    for item in requests:
        if item.meeting_id is not None:
            meeting_ids.add(item.meeting_id)
        if item.requester_id == participant.pk:
            sent.append(item)
            if item.requested_id in directory:
                directory[item.requested_id].sent = item
        else:
            received.append(item)
            if item.requester_id in directory:
                directory[item.requester_id].received = item
    for item in requests:
        other_pk = item.requested_id if item.requester_id == participant.pk else item.requester_id
        entry = directory.get(other_pk)
        item.mutual = bool(entry and entry.mutual)
    # Waiting for an answer first, then the rest, newest first within each.
    received.sort(key=lambda r: r.status != Status.PENDING)
    entries = list(directory.values())
    words = query.casefold().split()
    shown = [entry for entry in entries if entry.matches(words)] if words else entries
    return PageData(entries, shown, received, sent, meeting_ids)


def _my_meetings(participant: Participant, snapshot: dict | None, meeting_ids: set[int]):
    """The reader's meetings of the latest published version (none when never published)."""
    if snapshot is None:
        return []
    if participant.member_id is not None:
        # The delegation side: the B2B meetings of this session among the delegate's own.
        entries = [
            entry
            for entry in published.member_entries(snapshot, participant.member_id, feed=False)
            if entry["pk"] in meeting_ids
        ]
        return published.entries_page_items(snapshot, entries, participant.member_id)
    entries = [
        entry
        for entry in published.contact_entries(snapshot, participant.person_id)
        if not entry["deleted"]
    ]
    return published.entries_page_items(snapshot, entries)


def _int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


def _errors_of(error: ValidationError) -> list[str]:
    return [str(message) for message in error.messages]


def _ask(request: HttpRequest, participant: Participant) -> tuple[str, list[str]]:
    other_pk = _int(request.POST.get("participant"))
    other = (
        Participant.objects.filter(session=participant.session_id, pk=other_pk)
        .exclude(side=participant.side)
        .select_related("person__organisation", "session")
        .first()
        if other_pk
        else None
    )
    if other is None:
        return "directory", [_("Choose someone from the list of this session.")]
    anchor = f"participant-{other.pk}"
    priority = request.POST.get("priority", "")
    if priority not in MeetingRequest.Priority.values:
        return anchor, [_("Choose how much you want this meeting.")]
    message = request.POST.get("message", "").strip()
    limit = MeetingRequest._meta.get_field("message").max_length
    if len(message) > limit:
        return anchor, [
            _("The message is %(length)d characters long; at most %(limit)d.")
            % {"length": len(message), "limit": limit}
        ]
    try:
        made = services.request_create(
            requester=participant, requested=other, priority=priority, message=message
        )
    except ValidationError as error:
        return anchor, _errors_of(error)
    name = other.person.full_name
    if made.status == Status.ACCEPTED:
        text = _("%(name)s had asked to meet you too: it is a match.") % {"name": name}
    else:
        text = _("Request sent to %(name)s.") % {"name": name}
    messages.success(request, text, extra_tags=anchor)
    return anchor, []


def _answer(request: HttpRequest, participant: Participant, action: str):
    pk = _int(request.POST.get("request"))
    mine = Q(requested=participant) if action in ("accept", "decline") else Q(requester=participant)
    item = (
        MeetingRequest.objects.filter(mine, pk=pk)
        .select_related("requester__person", "requested__person", "session")
        .first()
        if pk
        else None
    )
    if item is None:
        return "requests", [_("This request is not one of yours.")]
    anchor = f"request-{item.pk}"
    if action in ("accept", "decline") and item.status != Status.PENDING:
        return anchor, [
            _("This request is no longer waiting for an answer (%(status)s).")
            % {"status": item.get_status_display()}
        ]
    if action == "withdraw":
        if item.status not in LIVE:
            return anchor, [
                _("This request cannot be withdrawn (%(status)s).")
                % {"status": item.get_status_display()}
            ]
        if item.meeting_id is not None:
            return anchor, [
                _("This meeting is already scheduled: ask the organisers to cancel it.")
            ]
    try:
        if action == "withdraw":
            services.request_withdraw(request=item)
        else:
            services.request_decide(
                request=item,
                accept=action == "accept",
                expected_version=_int(request.POST.get("version")),
            )
    except EditConflict:
        return anchor, [_("This request changed meanwhile: here is how it stands now.")]
    except ValidationError as error:
        return anchor, _errors_of(error)
    if action == "withdraw":
        name = item.requested.person.full_name
        text = _("Your request to %(name)s is withdrawn.") % {"name": name}
    else:
        name = item.requester.person.full_name
        text = (
            _("You accepted to meet %(name)s.")
            if action == "accept"
            else _("You declined to meet %(name)s.")
        ) % {"name": name}
    messages.success(request, text, extra_tags=anchor)
    return anchor, []


def _act(request: HttpRequest, participant: Participant) -> tuple[str, list[str]]:
    action = request.POST.get("action", "")
    if action == "ask":
        return _ask(request, participant)
    if action in ("accept", "decline", "withdraw"):
        return _answer(request, participant, action)
    return "top", [_("Nothing was done: choose an action on the page.")]


def _notes(request: HttpRequest) -> dict[str, list[str]]:
    """Messages kept over the redirect, by the anchor of what caused them."""
    found: dict[str, list[str]] = {}
    for message in messages.get_messages(request):
        anchor = message.extra_tags.split()[0] if message.extra_tags else "top"
        found.setdefault(anchor, []).append(str(message))
    return found


def _page_headers(response: HttpResponse) -> HttpResponse:
    _private(response)
    # Not no-referrer: the CSRF check needs the real Origin of our own forms (see above).
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _here(participant: Participant, request: HttpRequest) -> str:
    """The page again, in the language and with the search the form was sent from."""
    url = reverse("matchmaking_public:page", args=[participant.token])
    kept = {key: request.GET.get(key, "")[:MAX_QUERY] for key in ("lang", "q")}
    kept = {key: value for key, value in kept.items() if value}
    return f"{url}?{urlencode(kept)}" if kept else url


@require_http_methods(["GET", "HEAD", "POST"])
def page(request: HttpRequest, token: str) -> HttpResponse:
    participant = _participant(request, token, allow_preview=request.method != "POST")
    if participant is None:
        return _not_found(request)
    language = _language(request, participant.person.preferred_language)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        with translation.override(language):
            anchor, problems = _act(request, participant)
        if not problems:
            response = HttpResponseRedirect(f"{_here(participant, request)}#{anchor}")
            return _page_headers(response)
        errors[anchor] = problems
    return _render(request, participant, language, errors)


def _render(request, participant: Participant, language: str, errors: dict) -> HttpResponse:
    session = participant.session
    mission_live = session.mission
    snapshot = published.snapshot_of(participant.release_id)
    mission = published.mission_of(snapshot, mission_live)
    query = request.GET.get("q", "")[:MAX_QUERY].strip()
    data = _page_data(participant, query)
    agenda = agenda_by_day(mission, _my_meetings(participant, snapshot, data.meeting_ids))
    if participant.member_id is not None:
        member = participant.member
        subscribe_url = calendars.delegate_feed_url(member)
        delegate_page = reverse("public:delegate_page", args=[member.token])
    else:
        subscribe_url, delegate_page = feed_url(participant), ""
    webcal = calendars.webcal_url(subscribe_url)
    notes = _notes(request)
    for anchor, problems in errors.items():
        notes.setdefault(anchor, []).extend(problems)
    # Each message next to what caused it; one whose item is not shown (a search) on top.
    for entry in data.shown:
        entry.notes = notes.pop(entry.anchor, [])
        entry.failed = entry.anchor in errors
    for item in (*data.sent, *data.received):
        anchor = f"request-{item.pk}"
        item.notes = notes.pop(anchor, [])
        item.failed = anchor in errors
    directory_notes = notes.pop("directory", [])
    requests_notes = notes.pop("requests", [])
    top_notes = [text for texts in notes.values() for text in texts]
    context = {
        "participant": participant,
        "person": participant.person,
        "organisation": participant.person.organisation,
        "session": session,
        "mission": mission,
        "agenda": agenda,
        "not_published": snapshot is None,
        "data": data,
        "query": query,
        "limit_requests": session.max_requests,
        "limit_meetings": participant.meeting_limit(),
        "requests_open": session.requests_open,
        "top_notes": top_notes,
        "directory_notes": directory_notes,
        "requests_notes": requests_notes,
        "failed": bool(errors),
        "posted": request.POST if errors else {},
        "priorities": MeetingRequest.Priority.choices,
        "delegate_page": delegate_page,
        "feed_url": subscribe_url,
        "webcal_url": webcal,
        "google_url": "https://calendar.google.com/calendar/r?" + urlencode({"cid": webcal}),
        "outlook_url": "https://outlook.live.com/calendar/0/addfromweb?"
        + urlencode({"url": subscribe_url, "name": session.title}, quote_via=quote),
        "qr_svg": mark_safe(qr_svg(webcal)),  # noqa: S308 (built here from our own URL)
        "language": language,
        "languages": settings.LANGUAGES,
        "is_preview": mission_live.status == Mission.Status.DRAFT,
        "now": timezone.now(),
        # The base template's list of messages: ours are shown next to what caused them.
        "messages": [],
    }
    with translation.override(language):
        context["zone_name"] = zone_city(mission.timezone)
        response = render(request, "matchmaking/public/page.html", context)
        response.headers["Content-Language"] = language
    return _page_headers(response)
