"""The planner's reads and the one write that spans apps (cloning a mission).

Lives in meetings/ because it needs missions, delegations and meetings together
(imports point down: meetings may import both).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import prefetch_related_objects

from delegations.models import DelegationMember
from delegations.services import delegation_add_member
from meetings.clashes import (
    CANDIDATE,
    ClashWarning,
    MissionWindow,
    Slot,
    Stay,
    find_clashes,
    place_of,
    slot_from_meeting,
    stay_from_member,
)
from meetings.models import Meeting
from missions.localtime import aware_from_local
from missions.models import Mission, Phase, Venue
from missions.services import coordinator_name, mission_save, venue_save

# ---------------------------------------------------------------------------
# Missions list: counts and what needs attention, for many missions at once.


@dataclass
class MissionSummary:
    delegates: int = 0
    meetings: int = 0
    tentative: int = 0
    cancelled: int = 0
    clashing: int = 0

    @property
    def needs_attention(self) -> bool:
        return bool(self.clashing or self.tentative)


def mission_summaries(missions: list[Mission]) -> dict[int, MissionSummary]:
    """Three queries whatever the number of missions, meetings and delegates."""
    by_id = {mission.pk: mission for mission in missions}
    summaries = {pk: MissionSummary() for pk in by_id}
    if not by_id:
        return summaries
    meeting_rows = list(
        Meeting.objects.filter(mission_id__in=by_id).values(
            "id",
            "mission_id",
            "title",
            "start",
            "end",
            "venue_id",
            "venue__name",
            "status",
            "venue__address",
            "venue__city",
        )
    )
    attendee_rows = Meeting.attendees.through.objects.filter(
        meeting__mission_id__in=by_id
    ).values_list("meeting_id", "delegationmember_id")
    member_rows = DelegationMember.objects.filter(mission_id__in=by_id).values(
        "id", "mission_id", "arrival", "departure", "person__first_name", "person__last_name"
    )

    attendees: dict[int, set[int]] = defaultdict(set)
    for meeting_id, member_id in attendee_rows:
        attendees[meeting_id].add(member_id)
    stays: dict[int, list[Stay]] = defaultdict(list)
    for row in member_rows:
        summaries[row["mission_id"]].delegates += 1
        stays[row["mission_id"]].append(
            Stay(
                member_id=row["id"],
                name=f"{row['person__first_name']} {row['person__last_name']}",
                arrival=row["arrival"],
                departure=row["departure"],
            )
        )
    slots: dict[int, list[Slot]] = defaultdict(list)
    for row in meeting_rows:
        summary = summaries[row["mission_id"]]
        if row["status"] == Meeting.Status.CANCELLED:
            summary.cancelled += 1
        else:
            summary.meetings += 1
            if row["status"] == Meeting.Status.TENTATIVE:
                summary.tentative += 1
        slots[row["mission_id"]].append(
            Slot(
                key=row["id"],
                title=row["title"],
                start=row["start"],
                end=row["end"],
                venue_id=row["venue_id"],
                venue_name=row["venue__name"] or "",
                attendee_ids=frozenset(attendees.get(row["id"], ())),
                cancelled=row["status"] == Meeting.Status.CANCELLED,
                place=place_of(row["venue__address"], row["venue__city"]),
            )
        )
    for pk, mission in by_id.items():
        warnings = find_clashes(MissionWindow.of(mission), slots[pk], stays[pk])
        summaries[pk].clashing = len(warnings)
    return summaries


# Running first (the one ending soonest on top), then upcoming (soonest first), then past (the
# latest first): what a coordinator works on this week comes before the archive.
def _list_order(placed: tuple[Mission, Phase]) -> tuple:
    mission, phase = placed
    if phase == Phase.RUNNING:
        return (0, mission.end_date.toordinal(), mission.start_date.toordinal(), mission.title)
    if phase == Phase.UPCOMING:
        return (1, mission.start_date.toordinal(), 0, mission.title)
    return (2, -mission.start_date.toordinal(), -mission.end_date.toordinal(), mission.title)


def missions_by_phase(missions: list[Mission], now: datetime) -> list[tuple[Mission, Phase]]:
    """Each mission with its phase at `now` by the calendar of its own zone, in list order.

    Done here, not in SQL: the databases we run on cannot portably read each row's date in
    that row's zone, and the missions one user sees are few (an agency runs tens a year).
    """
    return sorted(((m, m.phase(now)) for m in missions), key=_list_order)


@dataclass
class MissionRow:
    """One mission on the list: its counts, where it stands today, who coordinates it."""

    mission: Mission
    phase: Phase
    today: date  # in the mission's zone
    summary: MissionSummary
    coordinators: list

    @property
    def day_number(self) -> int:
        return (self.today - self.mission.start_date).days + 1

    @property
    def day_count(self) -> int:
        return (self.mission.end_date - self.mission.start_date).days + 1

    @property
    def days_to_start(self) -> int:
        return (self.mission.start_date - self.today).days


def mission_rows(placed: list[tuple[Mission, Phase]], now: datetime) -> list[MissionRow]:
    """Rows for one page of the list: four queries (summaries, coordinators) for any number."""
    missions = [mission for mission, _ in placed]
    summaries = mission_summaries(missions)
    prefetch_related_objects(missions, "coordinators")
    return [
        MissionRow(
            mission=mission,
            phase=phase,
            today=mission.local_today(now),
            summary=summaries[mission.pk],
            coordinators=sorted(
                mission.coordinators.all(), key=lambda u: coordinator_name(u).lower()
            ),
        )
        for mission, phase in placed
    ]


# ---------------------------------------------------------------------------
# The agenda: one mission, day by day, with warnings.


@dataclass
class AgendaItem:
    meeting: Meeting
    warnings: list[ClashWarning]


@dataclass
class AgendaDay:
    day: date
    in_mission: bool
    items: list[AgendaItem] = field(default_factory=list)


@dataclass
class Agenda:
    mission: Mission
    meetings: list[Meeting]
    members: list[DelegationMember]
    warnings: dict[int, list[ClashWarning]]

    @property
    def clashing_count(self) -> int:
        return len(self.warnings)

    @property
    def tentative_count(self) -> int:
        return sum(1 for m in self.meetings if m.status == Meeting.Status.TENTATIVE)

    def partners(self) -> list:
        """Organisations met during the mission, from the prefetched meetings."""
        seen = {}
        for meeting in self.meetings:
            for organisation in meeting.partner_organisations.all():
                seen[organisation.pk] = organisation
        return sorted(seen.values(), key=lambda o: o.name.lower())

    def days(self, meetings: list[Meeting]) -> list[AgendaDay]:
        """Every mission day (empty ones too) plus any day a meeting strays to."""
        tz = self.mission.tz
        days = {day: AgendaDay(day, True) for day in self.mission.days()}
        for meeting in meetings:
            day = meeting.start.astimezone(tz).date()
            if day not in days:
                days[day] = AgendaDay(day, False)
            days[day].items.append(AgendaItem(meeting, self.warnings.get(meeting.pk, [])))
        return [days[day] for day in sorted(days)]


def mission_agenda(mission: Mission) -> Agenda:
    """Five queries: meetings (with venue), attendees, partner organisations, contacts, members."""
    # "result": the outcome (outcomes.Outcome, by its related name) for the agenda's badges,
    # joined here so that a row never asks for it alone.
    meetings = list(Meeting.objects.filter(mission=mission).with_details().select_related("result"))
    for meeting in meetings:
        # One Mission object for all, so per-meeting tz lookups stay cheap and consistent.
        meeting.mission = mission
    members = list(
        DelegationMember.objects.filter(mission=mission)
        .with_people()
        .order_by("person__last_name", "person__first_name")
    )
    warnings = find_clashes(
        MissionWindow.of(mission),
        [slot_from_meeting(meeting) for meeting in meetings],
        [stay_from_member(member) for member in members],
    )
    return Agenda(mission=mission, meetings=meetings, members=members, warnings=warnings)


def candidate_warnings(
    *,
    mission: Mission,
    title: str,
    start: datetime,
    end: datetime,
    venue: Venue | None,
    attendees: list[DelegationMember],
    cancelled: bool = False,
    meeting_pk: int | None = None,
) -> list[ClashWarning]:
    """Warnings a meeting would have if saved as typed (the meeting itself left out)."""
    others = (
        Meeting.objects.filter(mission=mission)
        .exclude(pk=meeting_pk)
        .select_related("venue")
        .prefetch_related("attendees")
    )
    members = DelegationMember.objects.filter(mission=mission).select_related("person")
    slots = [slot_from_meeting(meeting) for meeting in others]
    slots.append(
        Slot(
            key=CANDIDATE,
            title=title or "—",
            start=start,
            end=end,
            venue_id=venue.pk if venue else None,
            venue_name=venue.name if venue else "",
            attendee_ids=frozenset(member.pk for member in attendees),
            cancelled=cancelled,
            place=place_of(venue.address, venue.city) if venue else "",
        )
    )
    warnings = find_clashes(
        MissionWindow.of(mission), slots, [stay_from_member(m) for m in members]
    )
    return warnings.get(CANDIDATE, [])


# ---------------------------------------------------------------------------
# Cloning a past mission as a template.


def _shift(value: datetime | None, mission: Mission, days: int) -> datetime | None:
    """The same wall-clock time `days` later in the mission's zone."""
    if value is None:
        return None
    local = value.astimezone(mission.tz).replace(tzinfo=None) + timedelta(days=days)
    try:
        return aware_from_local(local, mission.tz)
    except ValidationError:
        # The wall-clock time falls in a DST gap or overlap: keep the elapsed time instead.
        return value + timedelta(days=days)


@transaction.atomic
def mission_clone(
    *,
    source: Mission,
    title: str,
    slug: str,
    start_date: date,
    end_date: date,
    user=None,
    copy_coordinators: bool = True,
) -> Mission:
    """A draft copy of `source`: its details, venues and delegation, but no meetings.

    Arrivals and departures move with the start date (and are left empty when they no longer
    fit the new dates); each member gets a new secret link. `user` coordinates the copy, with
    the source's other coordinators unless `copy_coordinators` is false.
    """
    mission = Mission(
        title=title,
        slug=slug,
        city=source.city,
        region=source.region,
        country=source.country,
        timezone=source.timezone,
        home_timezone=source.home_timezone,
        start_date=start_date,
        end_date=end_date,
        organiser=source.organiser,
        funding_programme=source.funding_programme,
        description=source.description,
        status=Mission.Status.DRAFT,
        clash_buffer_minutes=source.clash_buffer_minutes,
    )
    coordinators = list(source.coordinators.all()) if copy_coordinators or user is None else []
    if user is not None and user not in coordinators:
        coordinators.append(user)
    mission_save(mission=mission, coordinators=coordinators)
    for venue in source.venues.all():
        venue_save(
            venue=Venue(
                mission=mission,
                name=venue.name,
                address=venue.address,
                city=venue.city,
                country=venue.country,
                latitude=venue.latitude,
                longitude=venue.longitude,
                notes=venue.notes,
            )
        )
    offset = (start_date - source.start_date).days
    for member in source.members.select_related("person"):
        arrival = _shift(member.arrival, source, offset)
        departure = _shift(member.departure, source, offset)
        if mission.outside_window_error(arrival) or mission.outside_window_error(departure):
            # A shorter copy: a stay that no longer fits is left for the coordinator to type.
            arrival = departure = None
        delegation_add_member(
            mission=mission,
            person=member.person,
            role=member.role,
            arrival=arrival,
            departure=departure,
            notes=member.notes,
        )
    return mission
