"""Selectors for the calendars: who is asking (by token), what version the data is at, and the
bytes. Shared by the feed views and `manage.py export_ics`, so both give the same bytes.

The version (ETag, Last-Modified) comes from one cheap query over the feed's meetings plus
figures annotated on the object already fetched; a client that already holds that version
gets its 304 without the calendar being built.
"""

import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import translation

from delegations.models import DelegationMember, Organisation, Person
from meetings import ical
from meetings.models import Meeting
from missions import links
from missions.models import Mission, Venue

# Bump when the renderer's output changes for the same data: every ETag changes with it.
FORMAT_VERSION = "1"
CACHE_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class FeedVersion:
    etag: str  # quoted, strong
    last_modified: datetime


def _latest(queryset) -> Subquery:
    return Subquery(queryset.order_by("-updated").values("updated")[:1])


def _with_directory_versions(queryset, mission_ref: str):
    """Annotate what feeds show but meetings' `updated` does not follow.

    People and organisations (names, positions in descriptions) anywhere, and the delegation
    of the mission (its latest change and its size, so a removal counts too).
    """
    members = DelegationMember.objects.filter(mission=OuterRef(mission_ref))
    return queryset.annotate(
        people_changed=_latest(Person.objects.all()),
        organisations_changed=_latest(Organisation.objects.all()),
        delegation_changed=_latest(members),
        delegation_size=Subquery(
            members.order_by().values("mission").annotate(n=Count("pk")).values("n")[:1]
        ),
    )


def member_by_token(token: str) -> DelegationMember | None:
    """The member whose secret this is, with mission and person (one query); the caller
    compares the secret again in constant time."""
    queryset = DelegationMember.objects.select_related("mission", "person")
    return _with_directory_versions(queryset, "mission").filter(token=token).first()


def member_by_email(mission: Mission, email: str) -> DelegationMember | None:
    queryset = DelegationMember.objects.select_related("mission", "person")
    return (
        _with_directory_versions(queryset, "mission")
        .filter(mission=mission, person__email__iexact=email)
        .first()
    )


def programme_candidates(key: str, *, token_shaped: bool) -> list[Mission]:
    """Published missions whose programme `key` may address, in one query: by its secret
    feed token (if `key` is shaped like one), or by its slug if a coordinator made the
    programme public. The caller compares the secret again in constant time."""
    match = Q(slug=key, programme_public=True)
    if token_shaped:
        match |= Q(feed_token=key)
    queryset = _with_directory_versions(Mission.objects.published(), "pk")
    return list(queryset.filter(match)[:2])


def mission_with_versions(slug: str) -> Mission | None:
    return _with_directory_versions(Mission.objects.all(), "pk").filter(slug=slug).first()


def _version(key: tuple, rows: list[tuple], owner, *stamps: datetime) -> FeedVersion:
    directory = (
        owner.people_changed,
        owner.organisations_changed,
        owner.delegation_changed,
        owner.delegation_size,
    )
    digest = hashlib.blake2b(digest_size=16)
    digest.update(repr((FORMAT_VERSION, settings.SITE_URL, key, directory, rows)).encode())
    moments = [
        moment
        for moment in (*stamps, *directory[:3], *(row[1] for row in rows))
        if isinstance(moment, datetime)
    ]
    return FeedVersion(etag=f'"{digest.hexdigest()}"', last_modified=max(moments))


_ROW = (
    "pk",
    "updated",
    "venue__name",
    "venue__address",
    "venue__city",
    "venue__country",
    "venue__latitude",
    "venue__longitude",
)


def member_feed_version(member: DelegationMember, *, language: str | None = None) -> FeedVersion:
    rows = list(Meeting.objects.filter(attendees=member).order_by("pk").values_list(*_ROW))
    key = ("member", member.pk, member.token, language or member.person.preferred_language)
    return _version(key, rows, member, member.updated, member.mission.updated)


def mission_feed_version(mission: Mission, *, language: str, public: bool = False) -> FeedVersion:
    rows = list(Meeting.objects.filter(mission=mission).order_by("pk").values_list(*_ROW))
    # The token is in the key: after a rotation the old ETag never matches again.
    variant = ("public", mission.slug) if public else ("complete", mission.feed_token)
    return _version(("mission", mission.pk, language, variant), rows, mission, mission.updated)


def cached(version: FeedVersion, build: Callable[[], bytes]) -> bytes:
    """Rendered feeds are kept in the shared cache (Redis) when there is one, keyed on the
    version: a new version is a new key, so nothing is ever invalidated by hand."""
    if not settings.REDIS_URL:
        return build()
    key = f"feed:{version.etag.strip(chr(34))}"
    body = cache.get(key)
    if body is None:
        body = build()
        cache.set(key, body, CACHE_SECONDS)
    return body


# URLs ---------------------------------------------------------------------------------------


absolute = links.absolute  # SITE_URL + path: the one rule for absolute links


def delegate_page_url(member: DelegationMember) -> str:
    return absolute(reverse("public:delegate_page", args=[member.token]))


def delegate_feed_url(member: DelegationMember) -> str:
    return absolute(reverse("public:delegate_feed", args=[member.token]))


webcal_url = links.webcal


def mission_feed_url(mission: Mission) -> str:
    """The secret address of the complete programme (rotatable)."""
    return absolute(reverse("public:mission_feed", args=[mission.feed_token]))


def public_programme_url(mission: Mission) -> str:
    """The guessable address of the public programme (organisations only; answers only
    while the mission is published and marked public)."""
    return absolute(reverse("public:mission_feed", args=[mission.slug]))


def _member_meeting_url(member: DelegationMember):
    page = delegate_page_url(member)
    return lambda entry: f"{page}#meeting-{entry.pk}"


# Events from rows ----------------------------------------------------------------------------


def feed_events(*, names: bool = True, **filters) -> list[ical.EventData]:
    """The calendar data of the meetings matching `filters`, in four queries of plain rows.

    Same result as `ical.EventData.of()` on prefetched Meetings (tests check both), without
    building some ten thousand model instances for a feed of a thousand meetings.
    `names=False` (the public programme): no delegates' or partner contacts' names, only the
    partner organisations and the contacts' organisations.
    """
    through = {f"meeting__{key}": value for key, value in filters.items()}
    rows = Meeting.objects.filter(**filters).values_list(
        "pk",
        "uid",
        "sequence",
        "created",
        "updated",
        "start",
        "end",
        "title",
        "kind",
        "status",
        "description",
        "venue__name",
        "venue__address",
        "venue__city",
        "venue__country",
        "venue__latitude",
        "venue__longitude",
    )
    attendees: dict[int, list[tuple]] = defaultdict(list)
    people: dict[int, Person] = {}
    for meeting_id, pk, first, last in Meeting.attendees.through.objects.filter(
        **through
    ).values_list(
        "meeting_id",
        "delegationmember_id",
        "delegationmember__person__first_name",
        "delegationmember__person__last_name",
    ):
        if pk not in people:
            people[pk] = Person(first_name=first, last_name=last)
        attendees[meeting_id].append((last, first, pk, people[pk]))
    organisations: dict[int, list[Organisation]] = defaultdict(list)
    known: dict[int, Organisation] = {}
    for meeting_id, pk, name, short_name in Meeting.partner_organisations.through.objects.filter(
        **through
    ).values_list(
        "meeting_id", "organisation_id", "organisation__name", "organisation__short_name"
    ):
        if pk not in known:
            known[pk] = Organisation(pk=pk, name=name, short_name=short_name)
        organisations[meeting_id].append(known[pk])
    contacts: dict[int, list[Person]] = defaultdict(list)
    for (
        meeting_id,
        pk,
        first,
        last,
        position,
        org_pk,
        org_name,
        org_short,
    ) in Meeting.partner_contacts.through.objects.filter(**through).values_list(
        "meeting_id",
        "person_id",
        "person__first_name",
        "person__last_name",
        "person__position",
        "person__organisation_id",
        "person__organisation__name",
        "person__organisation__short_name",
    ):
        person = Person(pk=pk, first_name=first, last_name=last, position=position)
        if org_pk is not None:
            person.organisation = known.get(org_pk) or Organisation(
                pk=org_pk, name=org_name, short_name=org_short
            )
        contacts[meeting_id].append(person)

    venues: dict[tuple, Venue] = {}
    events = []
    for pk, uid, sequence, created, updated, start, end, title, kind, status, text, *place in rows:
        venue = None
        if place[0] is not None:
            key = tuple(place)
            if key not in venues:
                name, address, city, country, latitude, longitude = place
                venues[key] = Venue(
                    name=name,
                    address=address,
                    city=city,
                    country=country,
                    latitude=latitude,
                    longitude=longitude,
                )
            venue = venues[key]
        events.append(
            ical.EventData(
                pk=pk,
                uid=uid,
                sequence=sequence,
                created=created,
                updated=updated,
                start=start,
                end=end,
                title=title,
                kind=kind,
                status=status,
                description=text,
                location=ical.venue_location(venue),
                geo=ical.venue_geo(venue),
                partners=tuple(
                    ical.partner_lines(organisations[pk], contacts[pk])
                    if names
                    else ical.organisation_lines(organisations[pk], contacts[pk])
                ),
                attendees=tuple(row[3].full_name for row in sorted(attendees[pk], key=_by_name))
                if names
                else (),
            )
        )
    return events


def _by_name(row: tuple) -> tuple:
    return row[:3]


# Bytes --------------------------------------------------------------------------------------


def member_feed_bytes(member: DelegationMember, *, language: str | None = None) -> bytes:
    meetings = feed_events(attendees=member)
    with translation.override(language or member.person.preferred_language):
        return ical.member_calendar(
            member,
            meetings,
            meeting_url=_member_meeting_url(member),
            source_url=delegate_feed_url(member),
        )


def mission_feed_bytes(mission: Mission, *, language: str, public: bool = False) -> bytes:
    """The complete programme (its secret link), or with `public` the public one."""
    meetings = feed_events(mission=mission, names=not public)
    source = public_programme_url if public else mission_feed_url
    with translation.override(language):
        return ical.mission_calendar(mission, meetings, source_url=source(mission))


def member_meeting(member: DelegationMember, pk: int) -> Meeting | None:
    """One of the member's own meetings, with everything the calendar shows."""
    return Meeting.objects.filter(attendees=member, pk=pk).with_details().first()


def meeting_bytes(
    member: DelegationMember,
    meeting: Meeting,
    *,
    language: str | None = None,
) -> bytes:
    with translation.override(language or member.person.preferred_language):
        return ical.meeting_calendar(meeting, meeting_url=_member_meeting_url(member))
