"""Calendars as bytes: pure functions from already-fetched domain objects (no ORM, no request).

Three kinds share one event builder:
- `mission_calendar`: the programme of a mission (a subscribable feed);
- `member_calendar`: one delegate's meetings (a subscribable feed);
- `meeting_calendar`: one meeting to download or attach (METHOD:PUBLISH, no calendar name,
  so Outlook adds the event to the default calendar instead of opening a new one).

Everything written comes from the data, never from the clock, so unchanged data renders to
byte-identical output (feeds' ETags depend on it). Text labels use the active language: the
caller wraps the call in `translation.override(...)`.
"""

import calendar as _calendar
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from icalendar import (
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vDDDTypes,
    vDuration,
    vGeo,
    vInt,
    vText,
    vUri,
)
from icalendar.caselessdict import canonsort_keys
from icalendar.parser.string import (  # icalendar's own (the public names: deprecated)
    _escape_char,
    _foldline,
)
from icalendar.parser_tools import to_unicode

from delegations.models import DelegationMember
from meetings.models import Meeting
from missions.models import Mission

PRODID = "-//Ceipiemonte//Trade Mission Planner//EN"
UID_DOMAIN = "trade-mission-planner"
# How often subscribed clients should poll (RFC 7986 REFRESH-INTERVAL, and Outlook's X- twin).
REFRESH = timedelta(hours=1)

STATUS = {
    Meeting.Status.TENTATIVE: "TENTATIVE",
    Meeting.Status.CONFIRMED: "CONFIRMED",
    Meeting.Status.CANCELLED: "CANCELLED",
}
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

# A meeting (its pk) -> the URL of that meeting on the reader's page (None: no URL property).
MeetingUrl = Callable[["EventData"], str | None]


# --------------------------------------------------------------------------------------------
# Calendars
# --------------------------------------------------------------------------------------------


def mission_calendar(
    mission: Mission,
    meetings: Iterable["Meeting | EventData"],
    *,
    meeting_url: MeetingUrl | None = None,
    source_url: str | None = None,
) -> bytes:
    """The whole programme of a mission, cancelled meetings included (as cancelled)."""
    return mission_calendar_component(
        mission, meetings, meeting_url=meeting_url, source_url=source_url
    ).to_ical()


def mission_calendar_component(
    mission: Mission,
    meetings: Iterable["Meeting | EventData"],
    *,
    meeting_url: MeetingUrl | None = None,
    source_url: str | None = None,
) -> Calendar:
    """`mission_calendar` before serialisation (the benchmark's floor starts from here)."""
    return _build(_mission_feed(mission, source_url), mission, meetings, meeting_url)


def member_calendar(
    member: DelegationMember,
    meetings: Iterable["Meeting | EventData"],
    *,
    meeting_url: MeetingUrl | None = None,
    source_url: str | None = None,
) -> bytes:
    """One delegate's own meetings; `member.mission` and `member.person` must be loaded."""
    cal = _member_feed(member, source_url)
    return _build(cal, member.mission, meetings, meeting_url).to_ical()


def contact_calendar(
    mission: Mission,
    person,
    meetings: Iterable["Meeting | EventData"],
    *,
    key: str,
    meeting_url: MeetingUrl | None = None,
    source_url: str | None = None,
) -> bytes:
    """A partner contact's meetings (a B2B visitor): a delegate's feed under their own UID
    (`key`, e.g. "participant-12")."""
    cal = _contact_feed(mission, person, key, source_url)
    return _build(cal, mission, meetings, meeting_url).to_ical()


def meeting_calendar(
    meeting: "Meeting | EventData",
    *,
    meeting_url: MeetingUrl | None = None,
    mission: Mission | None = None,
) -> bytes:
    """A single meeting to import ("add to my calendar") or attach to an e-mail; an
    EventData (a published version's meeting) comes with its `mission`."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    return _build(cal, mission or meeting.mission, [meeting], meeting_url).to_ical()


def _mission_feed(mission: Mission, source_url: str | None) -> Calendar:
    """The programme feed's calendar properties (no components yet)."""
    return _feed(
        uid=f"mission-{mission.pk}@{UID_DOMAIN}",
        name=_("%(mission)s: programme") % {"mission": mission.title},
        description=_mission_description(mission),
        source_url=source_url,
    )


def _member_feed(member: DelegationMember, source_url: str | None) -> Calendar:
    """A delegate's feed's calendar properties (no components yet)."""
    mission = member.mission
    return _feed(
        uid=f"member-{member.pk}@{UID_DOMAIN}",
        name=_("%(mission)s: %(person)s")
        % {"mission": mission.title, "person": member.person.full_name},
        description=_mission_description(mission),
        source_url=source_url,
    )


def _contact_feed(mission: Mission, person, key: str, source_url: str | None) -> Calendar:
    return _feed(
        uid=f"{key}@{UID_DOMAIN}",
        name=_("%(mission)s: %(person)s") % {"mission": mission.title, "person": person.full_name},
        description=_mission_description(mission),
        source_url=source_url,
    )


def _feed(*, uid: str, name: str, description: str, source_url: str | None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("uid", vText(uid))
    # NAME is RFC 7986; Apple, Google and Outlook still read the older X-WR- names.
    cal.add("name", vText(name))
    cal.add("x-wr-calname", vText(name))
    cal.add("x-wr-caldesc", vText(description))
    # icalendar writes REFRESH-INTERVAL without the VALUE=DURATION that RFC 7986 requires,
    # and an unknown X- property from a timedelta as str(timedelta) ("1:00:00"): say both.
    cal.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(REFRESH))
    if source_url:
        cal.add("source", source_url, parameters={"VALUE": "URI"})
    return cal


def _mission_description(mission: Mission) -> str:
    dates = f"{mission.start_date:%d/%m/%Y}–{mission.end_date:%d/%m/%Y}"
    place = ", ".join(part for part in (mission.city, mission.region, mission.country) if part)
    return _("%(place)s, %(dates)s. Times in %(zone)s.") % {
        "place": place,
        "dates": dates,
        "zone": mission.timezone,
    }


def _build(
    cal: Calendar,
    mission: Mission,
    meetings: Iterable["Meeting | EventData"],
    meeting_url: MeetingUrl | None,
) -> Calendar:
    zone = mission.tz
    entries = [m if isinstance(m, EventData) else EventData.of(m) for m in meetings]
    entries.sort(key=lambda e: (e.start, e.end, e.title, e.pk))
    # Translated once per calendar, not once per event (a feed may hold a thousand).
    kinds = {value: str(label) for value, label in Meeting.Kind.choices}
    labels = DescriptionLabels.current()
    events = []
    years: set[int] = set()
    for entry in entries:
        start = entry.start.astimezone(zone)
        end = entry.end.astimezone(zone)
        years.update((start.year, end.year))
        url = meeting_url(entry) if meeting_url is not None else None
        kind = kinds.get(entry.kind, entry.kind)
        events.append(_event(entry, start, end, kind, url, labels))
    if not years:
        # An empty feed is still a valid calendar: RFC 5545 wants at least one component.
        years = {mission.start_date.year, mission.end_date.year}
    cal.add_component(vtimezone(mission.timezone, min(years), max(years)))
    for event in events:
        cal.add_component(event)
    return cal


# --------------------------------------------------------------------------------------------
# Events
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventData:
    """What a calendar shows of one meeting, already flattened.

    `EventData.of(meeting)` reads a prefetched Meeting; feeds of many meetings build it from
    plain rows instead (meetings.calendars), which is several times faster than model
    instances for a thousand meetings. Nothing internal (notes, outcomes) is ever in here.
    """

    pk: int
    uid: str
    sequence: int
    created: datetime
    updated: datetime
    start: datetime
    end: datetime
    title: str
    kind: str
    status: str
    description: str
    location: str  # "" when there is no venue
    geo: tuple[float, float] | None
    partners: tuple[str, ...]  # partner_lines()
    attendees: tuple[str, ...]  # delegation members' names, by last name
    # DTSTAMP: a published version's instant; None: the meeting's last change (`updated`).
    stamp: datetime | None = None

    @classmethod
    def of(cls, meeting: Meeting) -> "EventData":
        attendees = sorted(
            meeting.attendees.all(),
            key=lambda m: (m.person.last_name, m.person.first_name, m.pk),
        )
        return cls(
            pk=meeting.pk,
            uid=meeting.uid,
            sequence=meeting.sequence,
            created=meeting.created,
            updated=meeting.updated,
            start=meeting.start,
            end=meeting.end,
            title=meeting.title,
            kind=meeting.kind,
            status=meeting.status,
            description=meeting.description,
            location=venue_location(meeting.venue),
            geo=venue_geo(meeting.venue),
            partners=tuple(
                partner_lines(meeting.partner_organisations.all(), meeting.partner_contacts.all())
            ),
            attendees=tuple(member.person.full_name for member in attendees),
        )

    @property
    def is_cancelled(self) -> bool:
        return self.status == Meeting.Status.CANCELLED


def venue_location(venue) -> str:
    if venue is None:
        return ""
    return ", ".join(part for part in (venue.name, venue.full_address) if part)


def venue_geo(venue) -> tuple[float, float] | None:
    if venue is None or not venue.has_geo:
        return None
    return float(venue.latitude), float(venue.longitude)


def is_repeated_wall_time(moment: datetime) -> bool:
    """True when this aware local time's wall clock reading happens twice in its zone.

    `DTSTART;TZID=America/Detroit:20261101T013000` is read as the first 01:30 by icalendar,
    vobject and Home Assistant and as the second by ical.js and libical: an hour apart.
    """
    return moment.replace(fold=1 - moment.fold).utcoffset() != moment.utcoffset()


def _utc(moment: datetime) -> vDDDTypes:
    return vDDDTypes(moment.astimezone(UTC))


def _event(
    entry: EventData,
    start: datetime,
    end: datetime,
    kind: str,
    url: str | None,
    labels: "DescriptionLabels",
) -> Event:
    event = Event()
    for name, value in _event_properties(entry, start, end, kind, url, labels):
        event[name] = value
    return event


def _event_properties(
    entry: EventData,
    start: datetime,
    end: datetime,
    kind: str,
    url: str | None,
    labels: "DescriptionLabels",
) -> list[tuple[str, object]]:
    # Typed values set directly: Component.add() would guess each type again, for every event.
    props: list[tuple[str, object]] = [("UID", vText(entry.uid))]
    # From the meeting's last change, never "now": same data, same bytes, same ETag.
    changed = _utc(entry.updated)
    props.append(("DTSTAMP", changed if entry.stamp is None else _utc(entry.stamp)))
    props.append(("CREATED", _utc(entry.created)))
    props.append(("LAST-MODIFIED", changed))
    props.append(("SEQUENCE", vInt(entry.sequence)))
    # TZID=<mission zone>, with its VTIMEZONE; a wall-clock time that happens twice (the
    # fall-back night) in UTC instead, since parsers disagree on which of the two it means.
    props.append(
        ("DTSTART", vDDDTypes(start.astimezone(UTC) if is_repeated_wall_time(start) else start))
    )
    props.append(("DTEND", vDDDTypes(end.astimezone(UTC) if is_repeated_wall_time(end) else end)))
    props.append(("SUMMARY", vText(entry.title)))
    if entry.location:
        props.append(("LOCATION", vText(entry.location)))
    if entry.geo is not None:
        props.append(("GEO", vGeo(entry.geo)))
    description = event_description(entry, labels)
    if description:
        props.append(("DESCRIPTION", vText(description)))
    # One category: as text it serialises to the same bytes as vCategory, at a third the cost.
    props.append(("CATEGORIES", vText(kind)))
    props.append(("STATUS", vText(STATUS[entry.status])))
    if entry.is_cancelled:
        # Still listed, but no longer blocking the delegate's time.
        props.append(("TRANSP", vText("TRANSPARENT")))
    if url:
        props.append(("URL", vUri(url, params={"VALUE": "URI"})))
    return props


def _write_event(props: list[tuple[str, object]]) -> bytes:
    """The bytes `Event.to_ical()` writes for these properties, without its component tree:
    the same order (icalendar's canonical order, then by name), icalendar's own value and
    parameter serialisation and its folding, only for lines that need it (75 octets or more;
    a shorter line is never folded). Tests compare it with Event.to_ical() for every kind."""
    values = dict(props)
    lines = ["BEGIN:VEVENT"]
    for name in canonsort_keys(values, Event.canonical_order):
        value = values[name]
        params = to_unicode(value.params.to_ical(sorted=True)) if value.params else ""
        text = to_unicode(value.to_ical())
        line = f"{name};{params}:{text}" if params else f"{name}:{text}"
        lines.append(line if len(line.encode()) < 75 else _foldline(line))
    lines.append("END:VEVENT")
    return ("\r\n".join(lines) + "\r\n").encode()


@dataclass(frozen=True)
class DescriptionLabels:
    meeting_with: str
    delegation: str

    @classmethod
    def current(cls) -> "DescriptionLabels":
        """In the active language."""
        return cls(meeting_with=_("Meeting with:"), delegation=_("Delegation:"))


def event_description(entry: EventData, labels: DescriptionLabels | None = None) -> str:
    """The public text of a meeting: description, whom the delegation meets, who goes.

    Never the internal notes or the outcome: those are for coordinators only.
    """
    labels = labels or DescriptionLabels.current()
    parts = []
    if entry.description.strip():
        parts.append(entry.description.strip())
    if entry.partners:
        parts.append(labels.meeting_with + "\n" + "\n".join(f"- {line}" for line in entry.partners))
    if entry.attendees:
        parts.append(labels.delegation + " " + ", ".join(entry.attendees))
    return "\n\n".join(parts)


def partner_lines(organisations: Iterable, contacts: Iterable) -> list[str]:
    """“Rivian Automotive: Jane Doe (VP Manufacturing, Rivian)”, one line per partner."""
    contacts = sorted(contacts, key=lambda p: (p.last_name, p.first_name, p.pk))
    organisations = sorted(organisations, key=lambda o: (o.name, o.pk))
    lines = []
    placed = set()
    for organisation in organisations:
        people = [p for p in contacts if p.organisation_id == organisation.pk]
        placed.update(p.pk for p in people)
        names = ", ".join(_person_line(p) for p in people)
        lines.append(
            f"{organisation.display_name}: {names}" if names else organisation.display_name
        )
    lines.extend(_person_line(p) for p in contacts if p.pk not in placed)
    return lines


def organisation_lines(organisations: Iterable, contacts: Iterable) -> list[str]:
    """The public programme's partners: organisations only, the contacts' ones included,
    never a person's name."""
    known = {o.pk: o for o in organisations}
    for person in contacts:
        if person.organisation_id is not None:
            known.setdefault(person.organisation_id, person.organisation)
    return [o.display_name for o in sorted(known.values(), key=lambda o: (o.name, o.pk))]


def _person_line(person) -> str:
    return f"{person.full_name} ({person.title_line})" if person.title_line else person.full_name


# --------------------------------------------------------------------------------------------
# VTIMEZONE: one STANDARD and one DAYLIGHT block with a yearly RRULE, as Google and Outlook
# write them. icalendar's add_missing_timezones() writes comma-separated RDATE lists instead,
# which ical.js (Thunderbird) and vobject misread by an hour, and Outlook reads only the last
# STANDARD block. The rules are derived from zoneinfo's own transitions for the years used.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Transition:
    at: datetime  # the instant, UTC
    offset_from: timedelta
    offset_to: timedelta
    is_dst: bool
    name: str

    @property
    def wall(self) -> datetime:
        """The onset as a naive wall-clock time of the observance it ends (RFC 5545 3.6.5)."""
        return (self.at + self.offset_from).replace(tzinfo=None)


@dataclass(frozen=True)
class _Rule:
    """A yearly transition: month, weekday, which one(s) of the month, wall-clock time."""

    month: int
    weekday: int
    ordinals: frozenset[int]  # e.g. {2} for “second Sunday”, {4, -1} for the 25th-28th
    time: tuple[int, int, int]
    offset_from: timedelta
    offset_to: timedelta
    name: str

    @classmethod
    def of(cls, transition: _Transition) -> "_Rule":
        wall = transition.wall
        ordinals = {(wall.day - 1) // 7 + 1}
        if wall.day + 7 > _calendar.monthrange(wall.year, wall.month)[1]:
            ordinals.add(-1)
        return cls(
            month=wall.month,
            weekday=wall.weekday(),
            ordinals=frozenset(ordinals),
            time=(wall.hour, wall.minute, wall.second),
            offset_from=transition.offset_from,
            offset_to=transition.offset_to,
            name=transition.name,
        )

    def merge(self, other: "_Rule") -> "_Rule | None":
        """The rule that describes both years, if one does."""
        common = self.ordinals & other.ordinals
        same = (self.month, self.weekday, self.time, self.offset_from, self.offset_to, self.name)
        if not common or same != (
            other.month,
            other.weekday,
            other.time,
            other.offset_from,
            other.offset_to,
            other.name,
        ):
            return None
        return _Rule(
            self.month,
            self.weekday,
            frozenset(common),
            self.time,
            self.offset_from,
            self.offset_to,
            self.name,
        )

    @property
    def byday(self) -> str:
        # “Last Sunday” is what the EU rule says; prefer it, so later years stay right too.
        ordinal = -1 if -1 in self.ordinals else min(self.ordinals)
        return f"{ordinal}{WEEKDAYS[self.weekday]}"


@dataclass
class _Group:
    """Consecutive years described the same way."""

    kind: str  # "rules" (DST each year), "fixed" (no transition) or "explicit" (anything else)
    first_year: int
    last_year: int
    transitions: list[_Transition]  # of the first year ("rules") or of every year ("explicit")
    last_transitions: list[_Transition]
    daylight: _Rule | None = None
    standard: _Rule | None = None
    offset: timedelta | None = None
    is_dst: bool = False
    name: str = ""


def _state(zone: ZoneInfo, instant: datetime) -> tuple[timedelta, bool, str]:
    local = instant.astimezone(zone)
    return local.utcoffset(), bool(local.dst()), local.tzname() or ""


def _year_transitions(zone: ZoneInfo, year: int) -> list[_Transition]:
    """Offset changes during a (UTC) year, to the second, found by day steps and bisection."""
    found = []
    day = timedelta(days=1)
    moment = datetime(year, 1, 1, tzinfo=UTC)
    end = datetime(year + 1, 1, 1, tzinfo=UTC)
    state = _state(zone, moment)
    while moment < end:
        following = moment + day
        next_state = _state(zone, following)
        if next_state[:2] != state[:2]:
            low, high = moment, following  # state at low, a different one at high
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                middle = middle.replace(microsecond=0)
                if _state(zone, middle)[:2] == state[:2]:
                    low = middle
                else:
                    high = middle
            after = _state(zone, high)
            found.append(_Transition(high, state[0], after[0], after[1], after[2]))
            state = after
            moment = high
            continue
        state = next_state
        moment = following
    return found


def _year_group(zone: ZoneInfo, year: int) -> _Group:
    transitions = _year_transitions(zone, year)
    if not transitions:
        offset, is_dst, name = _state(zone, datetime(year, 7, 1, tzinfo=UTC))
        return _Group("fixed", year, year, [], [], offset=offset, is_dst=is_dst, name=name)
    kinds = sorted(t.is_dst for t in transitions)
    if kinds == [False, True]:
        daylight = next(t for t in transitions if t.is_dst)
        standard = next(t for t in transitions if not t.is_dst)
        return _Group(
            "rules",
            year,
            year,
            transitions,
            transitions,
            daylight=_Rule.of(daylight),
            standard=_Rule.of(standard),
        )
    return _Group("explicit", year, year, transitions, transitions)


def _merged(groups: list[_Group]) -> list[_Group]:
    merged: list[_Group] = []
    for group in groups:
        previous = merged[-1] if merged else None
        if previous is not None and previous.kind == group.kind == "rules":
            daylight = previous.daylight.merge(group.daylight)
            standard = previous.standard.merge(group.standard)
            if daylight and standard:
                previous.daylight, previous.standard = daylight, standard
                previous.last_year = group.last_year
                previous.last_transitions = group.last_transitions
                continue
        if (
            previous is not None
            and previous.kind == group.kind == "fixed"
            and (previous.offset, previous.is_dst, previous.name)
            == (group.offset, group.is_dst, group.name)
        ):
            previous.last_year = group.last_year
            continue
        merged.append(group)
    return merged


def _observance(is_dst: bool, *, start: datetime, offset_from, offset_to, name: str):
    block = TimezoneDaylight() if is_dst else TimezoneStandard()
    block.add("dtstart", start)
    block.add("tzoffsetfrom", offset_from)
    block.add("tzoffsetto", offset_to)
    if name:
        block.add("tzname", vText(name))
    return block


@lru_cache(maxsize=256)
def _vtimezone_bytes(key: str, first_year: int, last_year: int) -> bytes:
    zone = ZoneInfo(key)
    # From the year before the first event: clients then never have to guess the offset.
    groups = _merged([_year_group(zone, year) for year in range(first_year - 1, last_year + 1)])
    tz = Timezone()
    tz.add("tzid", key)
    for index, group in enumerate(groups):
        is_last = index == len(groups) - 1
        if group.kind == "fixed":
            start = datetime(group.first_year, 1, 1)
            tz.add_component(
                _observance(
                    group.is_dst,
                    start=start,
                    offset_from=group.offset,
                    offset_to=group.offset,
                    name=group.name,
                )
            )
        elif group.kind == "explicit":
            for transition in group.transitions:
                tz.add_component(
                    _observance(
                        transition.is_dst,
                        start=transition.wall,
                        offset_from=transition.offset_from,
                        offset_to=transition.offset_to,
                        name=transition.name,
                    )
                )
        else:
            for rule in (group.standard, group.daylight):
                is_dst = rule is group.daylight
                first = next(t for t in group.transitions if t.is_dst == is_dst)
                last = next(t for t in group.last_transitions if t.is_dst == is_dst)
                block = _observance(
                    is_dst,
                    start=first.wall,
                    offset_from=rule.offset_from,
                    offset_to=rule.offset_to,
                    name=rule.name,
                )
                recur = {"freq": "yearly", "bymonth": rule.month, "byday": rule.byday}
                if not is_last:
                    recur["until"] = last.at
                block.add("rrule", recur)
                tz.add_component(block)
    return tz.to_ical()


def vtimezone(key: str, first_year: int, last_year: int) -> Timezone:
    """The VTIMEZONE of an IANA zone for events between two years (inclusive)."""
    return Timezone.from_ical(_vtimezone_bytes(key, first_year, last_year))


# --------------------------------------------------------------------------------------------
# Pieces of a feed, for the incremental build (releases/feed_build.py): the calendar's head,
# its VTIMEZONE and each event's bytes, joined, are byte-identical to `to_ical()` of the whole
# calendar (icalendar writes a component as BEGIN, its properties, its subcomponents, END,
# each line ending in CRLF). Tests compare both for every feed kind.
# --------------------------------------------------------------------------------------------

CALENDAR_END = b"END:VCALENDAR\r\n"
# DTSTAMP is the version's instant (every publication changes it in every event): events are
# kept with this placeholder stamp and the real one is put in when a feed is joined. The line
# is short (24 octets) and never folded, so the splice cannot change any other byte.
PLACEHOLDER_STAMP = datetime(1900, 1, 1, tzinfo=UTC)


def stamp_line(moment: datetime) -> bytes:
    return b"\r\nDTSTAMP:" + _utc(moment).to_ical() + b"\r\n"


PLACEHOLDER_LINE = stamp_line(PLACEHOLDER_STAMP)


def mission_feed_head(mission: Mission, *, source_url: str | None = None) -> bytes:
    """`mission_calendar`'s properties, without its components and END line."""
    return _mission_feed(mission, source_url).to_ical().removesuffix(CALENDAR_END)


def member_feed_head(member: DelegationMember, *, source_url: str | None = None) -> bytes:
    return _member_feed(member, source_url).to_ical().removesuffix(CALENDAR_END)


def contact_feed_head(
    mission: Mission, person, *, key: str, source_url: str | None = None
) -> bytes:
    return _contact_feed(mission, person, key, source_url).to_ical().removesuffix(CALENDAR_END)


def event_bytes(entry: EventData, zone: ZoneInfo, url: str | None, labels, kinds) -> bytes:
    """One VEVENT as `_build` writes it (with the entry's own stamp)."""
    start = entry.start.astimezone(zone)
    end = entry.end.astimezone(zone)
    kind = kinds.get(entry.kind, entry.kind)
    return _write_event_lines(entry, start, end, kind, url, labels, _zone_form(zone))


# The direct writer of the incremental build. Where the profile of a cold 1,000-meeting feed
# went, beyond icalendar's own serialisation: a value object per property, each date-time's
# TZID worked out again from its tzinfo (five per event), and folding one character at a time.
# Here: the same properties as `_event_properties` (keep both in step), text escaped by
# icalendar's `_escape_char`, the TZID parameter and the UTC suffix asked of icalendar once per
# zone (they depend on the zone only), date-times written as vDatetime.to_ical writes them, and
# `_fold`, which folds where `_foldline` folds. tests/meetings/test_ical_writer.py compares the
# bytes with Event.to_ical() for any text, zone, instant (repeated wall times too), geo and URL.


@lru_cache(maxsize=64)
def _zone_form(zone) -> tuple[str, str]:
    """(";TZID=..." or "", "Z" or ""): what icalendar writes around a wall-clock time of
    `zone` (a zone icalendar knows as UTC gets no TZID and a Z)."""
    probe = vDDDTypes(datetime(2001, 1, 1, 12, tzinfo=zone))
    params = to_unicode(probe.params.to_ical(sorted=True)) if probe.params else ""
    return (f";{params}" if params else ""), ("Z" if probe.to_ical().endswith(b"Z") else "")


def _wall(moment: datetime) -> str:
    """vDatetime.to_ical's digits (seconds precision), without the UTC suffix."""
    return (
        f"{moment.year:04}{moment.month:02}{moment.day:02}"
        f"T{moment.hour:02}{moment.minute:02}{moment.second:02}"
    )


def _utc_text(moment: datetime) -> str:
    return _wall(moment.astimezone(UTC)) + "Z"


def _local_line(name: str, moment: datetime, form: tuple[str, str]) -> str:
    if is_repeated_wall_time(moment):
        return f"{name}:{_utc_text(moment)}"
    return f"{name}{form[0]}:{_wall(moment)}{form[1]}"


@lru_cache(maxsize=64)
def _event_order(names: frozenset) -> tuple[str, ...]:
    return tuple(canonsort_keys(names, Event.canonical_order))


_URL_PARAMS = to_unicode(vUri("x", params={"VALUE": "URI"}).params.to_ical(sorted=True))


def _write_event_lines(
    entry: EventData,
    start: datetime,
    end: datetime,
    kind: str,
    url: str | None,
    labels: "DescriptionLabels",
    form: tuple[str, str],
) -> bytes:
    """`_write_event(_event_properties(...))`, without a value object per property."""
    changed = _utc_text(entry.updated)
    lines = {
        "UID": "UID:" + _escape_char(entry.uid),
        "DTSTAMP": "DTSTAMP:" + (changed if entry.stamp is None else _utc_text(entry.stamp)),
        "CREATED": "CREATED:" + _utc_text(entry.created),
        "LAST-MODIFIED": "LAST-MODIFIED:" + changed,
        "SEQUENCE": f"SEQUENCE:{int(entry.sequence)}",
        "DTSTART": _local_line("DTSTART", start, form),
        "DTEND": _local_line("DTEND", end, form),
        "SUMMARY": "SUMMARY:" + _escape_char(entry.title),
    }
    if entry.location:
        lines["LOCATION"] = "LOCATION:" + _escape_char(entry.location)
    if entry.geo is not None:
        lines["GEO"] = "GEO:" + vGeo(entry.geo).to_ical()
    description = event_description(entry, labels)
    if description:
        lines["DESCRIPTION"] = "DESCRIPTION:" + _escape_char(description)
    lines["CATEGORIES"] = "CATEGORIES:" + _escape_char(kind)
    lines["STATUS"] = "STATUS:" + _escape_char(STATUS[entry.status])
    if entry.is_cancelled:
        lines["TRANSP"] = "TRANSP:TRANSPARENT"
    if url:
        lines["URL"] = f"URL;{_URL_PARAMS}:" + to_unicode(vUri(url).to_ical())
    body = "\r\n".join(_fold(lines[name]) for name in _event_order(frozenset(lines)))
    return f"BEGIN:VEVENT\r\n{body}\r\nEND:VEVENT\r\n".encode()


def _fold(line: str) -> str:
    """What icalendar's `_foldline` makes of a line (75-octet limit; a backslash or caret is
    never left at a line's end), a slice at a time instead of a step per character."""
    if line.isascii():
        if len(line) < 75:
            return line
        chunks, start, size = [], 0, len(line)
        while size - start > 74:
            stop = start + 74
            if line[stop - 1] in "\\^":
                stop -= 1
            chunks.append(line[start:stop])
            start = stop
        chunks.append(line[start:])
        return "\r\n ".join(chunks)
    try:
        if len(line.encode()) < 75:
            return line
    except UnicodeEncodeError:  # a lone surrogate: icalendar's own answer (an error)
        return _foldline(line)
    chunks, start, size = [], 0, len(line)
    while True:
        # The longest run from `start` of at most 74 octets, in whole characters.
        piece = line[start : start + 74]
        encoded = piece.encode()
        if len(encoded) > 74:
            piece = encoded[:74].decode("utf-8", "ignore")
        stop = start + len(piece)
        if stop >= size:
            chunks.append(line[start:])
            return "\r\n ".join(chunks)
        if len(piece) > 1 and piece[-1] in "\\^":
            stop -= 1
        chunks.append(line[start:stop])
        start = stop


def kind_labels() -> dict[str, str]:
    """Meeting kinds in the active language."""
    return {value: str(label) for value, label in Meeting.Kind.choices}


def join_feed(
    head: bytes, mission: Mission, spans: list[tuple[datetime, datetime]], events: list[bytes]
) -> bytes:
    """A feed from its head, the events' (start, end) instants and bytes, in order."""
    zone = mission.tz
    years = {moment.astimezone(zone).year for span in spans for moment in span}
    if not years:
        years = {mission.start_date.year, mission.end_date.year}
    timezone_bytes = _vtimezone_feed_bytes(mission.timezone, min(years), max(years))
    return b"".join((head, timezone_bytes, *events, CALENDAR_END))


@lru_cache(maxsize=256)
def _vtimezone_feed_bytes(key: str, first_year: int, last_year: int) -> bytes:
    # As `_build` writes it: parsed back and serialised again.
    return vtimezone(key, first_year, last_year).to_ical()
