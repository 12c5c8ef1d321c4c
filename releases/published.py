"""Reading the latest published version: who asks (by token) with the version's id in the
same query, the version's ETag, and its snapshot turned into what the renderer
(`meetings/ical.py`) and the delegate page take.

Nothing here reads the working programme: a public output shows what was published, and
the same version renders the same bytes (the ETag is made of the version's id, the reader's
secret and the language only).
"""

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import OuterRef, Q, Subquery
from django.utils import translation

from delegations.models import DelegationMember, Organisation, Person
from meetings import calendars, ical
from meetings.calendars import FORMAT_VERSION, FeedVersion
from meetings.models import Meeting
from missions.models import Mission, Venue
from releases import feed_build
from releases.models import ProgrammeVersion
from releases.services import parse_iso


def with_release(queryset, mission_ref: str):
    """Annotate the latest version of the mission (id and instant): no second query."""
    latest = ProgrammeVersion.objects.filter(mission=OuterRef(mission_ref)).order_by("-number")
    return queryset.annotate(
        release_id=Subquery(latest.values("pk")[:1]),
        release_at=Subquery(latest.values("published_at")[:1]),
    )


_with_release = with_release


def member_by_token(token: str) -> DelegationMember | None:
    """The member whose secret this is, with mission, person and latest version (one
    query); the caller compares the secret again in constant time."""
    queryset = DelegationMember.objects.select_related("mission", "person")
    return _with_release(queryset, "mission").filter(token=token).first()


def programme_candidates(key: str, *, token_shaped: bool) -> list[Mission]:
    """Published missions `key` may address (see meetings.feeds._programme), in one query."""
    match = Q(slug=key, programme_public=True)
    if token_shaped:
        match |= Q(feed_token=key)
    return list(_with_release(Mission.objects.published(), "pk").filter(match)[:2])


def snapshot_of(release_id: int | None) -> dict | None:
    if release_id is None:
        return None
    return ProgrammeVersion.objects.filter(pk=release_id).values_list("snapshot", flat=True)[0]


def release_of(release_id: int | None) -> tuple[dict | None, dict[str, str]]:
    """The version's snapshot and its events' digests (one query)."""
    if release_id is None:
        return None, {}
    rows = ProgrammeVersion.objects.filter(pk=release_id).values_list("snapshot", "event_digests")
    snapshot, digests = rows[0]
    return snapshot, digests or {}


def feed_version(owner, key: tuple) -> FeedVersion:
    """ETag and Last-Modified of a public output of the latest version (`owner` is a member,
    a partner contact's reader or a mission annotated by `with_release`)."""
    digest = hashlib.blake2b(digest_size=16)
    release = owner.release_id
    mission = owner if isinstance(owner, Mission) else owner.mission
    # Live data a feed reads outside a version: the mission's header while never published,
    # the delegate's name while not in the version yet (all on the rows already fetched).
    live = () if release is not None else _live_header(mission)
    if not isinstance(owner, Mission):
        # The calendar's name carries the reader's name (a contact is never in a version).
        live += (owner.person.first_name, owner.person.last_name)
    digest.update(repr((FORMAT_VERSION, settings.SITE_URL, key, release, live)).encode())
    # Never published: an empty calendar, as old as the mission.
    moment = owner.release_at or mission.created
    return FeedVersion(etag=f'"{digest.hexdigest()}"', last_modified=moment)


def _live_header(mission: Mission) -> tuple:
    return (
        mission.title,
        mission.city,
        mission.region,
        mission.country,
        mission.timezone,
        mission.start_date,
        mission.end_date,
    )


def member_feed_version(member: DelegationMember, *, language: str) -> FeedVersion:
    return feed_version(member, ("member", member.pk, member.token, language))


def mission_feed_version(mission: Mission, *, language: str, public: bool) -> FeedVersion:
    # The token is in the key: after a rotation the old ETag never matches again.
    variant = ("public", mission.slug) if public else ("complete", mission.feed_token)
    return feed_version(mission, ("mission", mission.pk, language, variant))


# From the snapshot -------------------------------------------------------------------------


def mission_of(snapshot: dict | None, live: Mission) -> Mission:
    """The mission as published (unsaved, for rendering); the live one if never published."""
    if snapshot is None:
        return live
    data = snapshot["mission"]
    return Mission(
        pk=live.pk,
        slug=live.slug,
        title=data["title"],
        city=data["city"],
        region=data["region"],
        country=data["country"],
        timezone=data["timezone"],
        home_timezone=data["home_timezone"],
        start_date=date.fromisoformat(data["start_date"]),
        end_date=date.fromisoformat(data["end_date"]),
        description=data["description"],
        organiser=data["organiser"],
        status=live.status,
    )


def venue_of(data: dict | None) -> Venue | None:
    if data is None:
        return None
    return Venue(
        pk=data["id"],
        name=data["name"],
        address=data["address"],
        city=data["city"],
        country=data["country"],
        latitude=None if data["latitude"] is None else Decimal(data["latitude"]),
        longitude=None if data["longitude"] is None else Decimal(data["longitude"]),
    )


def partners_of(entry: dict) -> tuple[list[Organisation], list[Person]]:
    organisations = [
        Organisation(pk=o["id"], name=o["name"], short_name=o.get("short_name", ""))
        for o in entry["partner_organisations"]
    ]
    contacts = []
    for c in entry["partner_contacts"]:
        person = Person(
            pk=c["id"],
            first_name=c.get("first_name", c["name"]),
            last_name=c.get("last_name", ""),
            position=c["position"],
        )
        if c.get("organisation_id") is not None:
            person.organisation = Organisation(
                pk=c["organisation_id"],
                name=c.get("organisation_name", c["organisation"]),
                short_name=c.get("organisation_short_name", ""),
            )
        contacts.append(person)
    return organisations, contacts


def _people(snapshot: dict, pks) -> list[Person]:
    members = snapshot["members"]
    people = [
        (
            members[str(pk)]["last_name"],
            members[str(pk)]["first_name"],
            pk,
        )
        for pk in pks
        if str(pk) in members
    ]
    return [Person(pk=pk, first_name=first, last_name=last) for last, first, pk in sorted(people)]


def is_cancelled_for(entry: dict, reader: int | None) -> bool:
    """Deleted, cancelled, or (for a delegate's feed) no longer theirs."""
    return (
        entry["deleted"]
        or entry["status"] == Meeting.Status.CANCELLED
        or (reader is not None and reader in entry["former_attendees"])
    )


# What an event reads of a venue, an organisation and a person, without model instances: a
# feed of a thousand meetings made five thousand, 18% of a profiled cold build. The
# properties are the models' own (one definition of a name or an address).


class _Organisation:
    __slots__ = ("pk", "name", "short_name")
    display_name = Organisation.display_name
    __str__ = Organisation.__str__

    def __init__(self, pk, name, short_name):
        self.pk, self.name, self.short_name = pk, name, short_name


class _Person:
    __slots__ = ("pk", "first_name", "last_name", "position", "organisation_id", "organisation")
    full_name = Person.full_name
    title_line = Person.title_line

    def __init__(self, pk, first_name, last_name, position="", organisation=None):
        self.pk, self.first_name, self.last_name = pk, first_name, last_name
        self.position, self.organisation = position, organisation
        self.organisation_id = None if organisation is None else organisation.pk


class _Venue:
    __slots__ = ("name", "address", "city", "country", "latitude", "longitude")
    full_address = Venue.full_address
    has_geo = Venue.has_geo

    def __init__(self, data: dict):
        self.name, self.address = data["name"], data["address"]
        self.city, self.country = data["city"], data["country"]
        self.latitude = None if data["latitude"] is None else Decimal(data["latitude"])
        self.longitude = None if data["longitude"] is None else Decimal(data["longitude"])


def _event_partners(entry: dict) -> tuple[list[_Organisation], list[_Person]]:
    """As `partners_of`, light."""
    organisations = [
        _Organisation(o["id"], o["name"], o.get("short_name", ""))
        for o in entry["partner_organisations"]
    ]
    contacts = [
        _Person(
            c["id"],
            c.get("first_name", c["name"]),
            c.get("last_name", ""),
            c["position"],
            None
            if c.get("organisation_id") is None
            else _Organisation(
                c["organisation_id"],
                c.get("organisation_name", c["organisation"]),
                c.get("organisation_short_name", ""),
            ),
        )
        for c in entry["partner_contacts"]
    ]
    return organisations, contacts


def _attendee_names(snapshot: dict, pks) -> tuple[str, ...]:
    """As `_people`, names only."""
    members = snapshot["members"]
    people = sorted(
        (member["last_name"], member["first_name"], pk)
        for pk in pks
        if (member := members.get(str(pk))) is not None
    )
    return tuple(_Person(pk, first, last).full_name for last, first, pk in people)


def event_of(
    entry: dict, snapshot: dict, *, stamp: datetime, reader: int | None = None, names=True
) -> ical.EventData:
    organisations, contacts = _event_partners(entry)
    venue = None if entry["venue"] is None else _Venue(entry["venue"])
    cancelled = is_cancelled_for(entry, reader)
    return ical.EventData(
        pk=entry["pk"],
        uid=entry["uid"],
        sequence=entry["sequence"],
        created=parse_iso(entry["created"]),
        updated=parse_iso(entry["last_modified"]),
        start=parse_iso(entry["start"]),
        end=parse_iso(entry["end"]),
        title=entry["title"],
        kind=entry["kind"],
        status=Meeting.Status.CANCELLED if cancelled else entry["status"],
        description=entry["description"],
        location=ical.venue_location(venue),
        geo=ical.venue_geo(venue),
        partners=tuple(
            ical.partner_lines(organisations, contacts)
            if names
            else ical.organisation_lines(organisations, contacts)
        ),
        attendees=_attendee_names(snapshot, entry["attendees"]) if names else (),
        stamp=stamp,
    )


def member_entries(snapshot: dict | None, member_pk: int, *, feed: bool) -> list[dict]:
    """The member's meetings in a version; with `feed`, also those they lost (cancelled)."""
    if snapshot is None:
        return []
    entries = []
    for entry in snapshot["meetings"].values():
        theirs = member_pk in entry["attendees"]
        if feed:
            wanted = theirs or member_pk in entry["former_attendees"]
        else:
            wanted = theirs and not entry["deleted"]
        if wanted:
            entries.append(entry)
    return entries


def _published_at(owner) -> datetime:
    return owner.release_at or datetime(2000, 1, 1, tzinfo=UTC)


def member_feed_bytes_cold(member: DelegationMember, *, language: str) -> bytes:
    snapshot = snapshot_of(member.release_id)
    mission = mission_of(snapshot, member.mission)
    stamp = _published_at(member)
    events = [
        event_of(entry, snapshot, stamp=stamp, reader=member.pk)
        for entry in member_entries(snapshot, member.pk, feed=True)
    ]
    reader = DelegationMember(pk=member.pk, token=member.token, mission=mission)
    published = (snapshot or {}).get("members", {}).get(str(member.pk))
    reader.person = (
        Person(first_name=published["first_name"], last_name=published["last_name"])
        if published
        else member.person
    )
    page = calendars.delegate_page_url(member)
    with translation.override(language):
        return ical.member_calendar(
            reader,
            events,
            meeting_url=lambda entry: f"{page}#meeting-{entry.pk}",
            source_url=calendars.delegate_feed_url(member),
        )


def mission_feed_bytes_cold(mission: Mission, *, language: str, public: bool) -> bytes:
    snapshot = snapshot_of(mission.release_id)
    published = mission_of(snapshot, mission)
    stamp = _published_at(mission)
    meetings = (snapshot or {}).get("meetings", {}).values()
    events = [event_of(entry, snapshot, stamp=stamp, names=not public) for entry in meetings]
    source = calendars.public_programme_url if public else calendars.mission_feed_url
    with translation.override(language):
        return ical.mission_calendar(published, events, source_url=source(mission))


def _published_reader(member: DelegationMember, snapshot: dict | None, mission: Mission):
    reader = DelegationMember(pk=member.pk, token=member.token, mission=mission)
    published = (snapshot or {}).get("members", {}).get(str(member.pk))
    reader.person = (
        Person(first_name=published["first_name"], last_name=published["last_name"])
        if published
        else member.person
    )
    return reader


def member_feed_bytes(member: DelegationMember, *, language: str) -> bytes:
    """As `member_feed_bytes_cold`, from kept events (releases/feed_build.py)."""
    snapshot, digests = release_of(member.release_id)
    mission = mission_of(snapshot, member.mission)
    page = calendars.delegate_page_url(member)
    reader = _published_reader(member, snapshot, mission)
    source = calendars.delegate_feed_url(member)
    return feed_build.build(
        head=lambda: ical.member_feed_head(reader, source_url=source),
        mission=mission,
        entries=member_entries(snapshot, member.pk, feed=True),
        snapshot=snapshot,
        digests=digests,
        stamp=_published_at(member),
        language=language,
        # The link names the delegate's page (their token); a lost meeting is cancelled.
        variant=lambda entry: ("member", page, is_cancelled_for(entry, member.pk)),
        make_event=lambda entry: event_of(
            entry, snapshot, stamp=ical.PLACEHOLDER_STAMP, reader=member.pk
        ),
        url=lambda entry: f"{page}#meeting-{entry['pk']}",
    )


def mission_feed_bytes(mission: Mission, *, language: str, public: bool) -> bytes:
    """As `mission_feed_bytes_cold`, from kept events (releases/feed_build.py)."""
    snapshot, digests = release_of(mission.release_id)
    published = mission_of(snapshot, mission)
    source = (calendars.public_programme_url if public else calendars.mission_feed_url)(mission)
    return feed_build.build(
        head=lambda: ical.mission_feed_head(published, source_url=source),
        mission=published,
        entries=list((snapshot or {}).get("meetings", {}).values()),
        snapshot=snapshot,
        digests=digests,
        stamp=_published_at(mission),
        language=language,
        variant=lambda entry: ("public",) if public else ("complete",),
        make_event=lambda entry: event_of(
            entry, snapshot, stamp=ical.PLACEHOLDER_STAMP, names=not public
        ),
        url=lambda entry: None,
    )


# A partner contact's feed (a B2B visitor) -----------------------------------------------------


@dataclass(frozen=True)
class ContactReader:
    """Who reads a partner contact's feed: a person met in the programme who is not in the
    delegation (a B2B session's visitor). Built by the app that owns the secret link
    (matchmaking), with the latest version annotated (`with_release`); releases never
    imports it."""

    key: str  # the calendar's UID part, e.g. "participant-12"
    token: str  # in the ETag's key: a rotated link never matches an old ETag
    person: Person
    mission: Mission
    release_id: int | None
    release_at: datetime | None
    page_url: str  # the reader's page: each event links to its meeting there
    feed_url: str


def contact_entries(snapshot: dict | None, person_pk: int) -> list[dict]:
    """The version's meetings where the person is a partner contact, cancelled and deleted
    ones included (their calendar shows them CANCELLED)."""
    if snapshot is None:
        return []
    return [
        entry
        for entry in snapshot["meetings"].values()
        if any(contact["id"] == person_pk for contact in entry["partner_contacts"])
    ]


def contact_feed_version(reader: ContactReader, *, language: str) -> FeedVersion:
    return feed_version(reader, ("contact", reader.key, reader.token, language))


def contact_feed_bytes(reader: ContactReader, *, language: str) -> bytes:
    """As `member_feed_bytes`, for a partner contact: the same events, kept the same way."""
    snapshot, digests = release_of(reader.release_id)
    mission = mission_of(snapshot, reader.mission)
    page = reader.page_url
    return feed_build.build(
        head=lambda: ical.contact_feed_head(
            mission, reader.person, key=reader.key, source_url=reader.feed_url
        ),
        mission=mission,
        entries=contact_entries(snapshot, reader.person.pk),
        snapshot=snapshot,
        digests=digests,
        stamp=_published_at(reader),
        language=language,
        variant=lambda entry: ("contact", page, is_cancelled_for(entry, None)),
        make_event=lambda entry: event_of(entry, snapshot, stamp=ical.PLACEHOLDER_STAMP),
        url=lambda entry: f"{page}#meeting-{entry['pk']}",
    )


def contact_feed_bytes_cold(reader: ContactReader, *, language: str) -> bytes:
    """The whole calendar at once (the reference the incremental build is compared with)."""
    snapshot = snapshot_of(reader.release_id)
    mission = mission_of(snapshot, reader.mission)
    stamp = _published_at(reader)
    events = [
        event_of(entry, snapshot, stamp=stamp)
        for entry in contact_entries(snapshot, reader.person.pk)
    ]
    page = reader.page_url
    with translation.override(language):
        return ical.contact_calendar(
            mission,
            reader.person,
            events,
            key=reader.key,
            meeting_url=lambda entry: f"{page}#meeting-{entry.pk}",
            source_url=reader.feed_url,
        )


def member_meeting(member: DelegationMember, pk: int, *, language: str) -> tuple[str, bytes] | None:
    """One of the member's meetings of the latest version: (title, file), or None."""
    snapshot = snapshot_of(member.release_id)
    entries = member_entries(snapshot, member.pk, feed=False)
    entry = next((e for e in entries if e["pk"] == pk), None)
    if entry is None:
        return None
    mission = mission_of(snapshot, member.mission)
    event = event_of(entry, snapshot, stamp=_published_at(member), reader=member.pk)
    page = calendars.delegate_page_url(member)
    with translation.override(language):
        body = ical.meeting_calendar(
            event, mission=mission, meeting_url=lambda e: f"{page}#meeting-{e.pk}"
        )
    return entry["title"], body


# The delegate's page -----------------------------------------------------------------------


@dataclass(frozen=True)
class PublishedMeeting:
    """What the page's meeting include reads of a meeting, from a version."""

    pk: int
    title: str
    kind: str
    status: str
    description: str
    venue: Venue | None
    start: datetime
    end: datetime

    @property
    def is_cancelled(self) -> bool:
        return self.status == Meeting.Status.CANCELLED

    def get_kind_display(self) -> str:
        return str(dict(Meeting.Kind.choices).get(self.kind, self.kind))


def page_items(snapshot: dict | None, member_pk: int) -> list[dict]:
    """The member's meetings of the version: the meeting, partner lines, colleagues."""
    return entries_page_items(snapshot, member_entries(snapshot, member_pk, feed=False), member_pk)


def entries_page_items(
    snapshot: dict | None, entries: list[dict], member_pk: int | None = None
) -> list[dict]:
    """What a personal page shows of these entries of the version: the meeting, partner
    lines, and the delegation members on it (but the reader)."""
    items = []
    for entry in entries:
        organisations, contacts = partners_of(entry)
        items.append(
            {
                "meeting": PublishedMeeting(
                    pk=entry["pk"],
                    title=entry["title"],
                    kind=entry["kind"],
                    status=entry["status"],
                    description=entry["description"],
                    venue=venue_of(entry["venue"]),
                    start=parse_iso(entry["start"]),
                    end=parse_iso(entry["end"]),
                ),
                "partners": ical.partner_lines(organisations, contacts),
                "colleagues": _people(
                    snapshot, [pk for pk in entry["attendees"] if pk != member_pk]
                ),
            }
        )
    return items
