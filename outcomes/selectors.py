"""Reads of outcomes and follow-ups, each in a fixed number of queries whatever the data.

"Overdue" is judged by the calendar in the agency's zone (Europe/Rome, where the owners work
after the mission), not the mission's: a follow-up is done at home, and one board mixes
missions in many zones.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, IntegerField, Prefetch, Q, Value, When, Window
from django.utils import timezone

from delegations.models import DelegationMember, Organisation, Person
from meetings.models import Meeting
from missions.concurrency import HOME_ZONE
from missions.forms import possible_pk
from missions.models import Mission
from outcomes.models import FollowUp

FOLLOW_UP_RELATED = ("mission", "meeting", "organisation", "owner_user", "owner_member__person")
START_PAGE_LIMIT = 5
BOARD_LIMIT = 500


def agency_today(now: datetime | None = None) -> date:
    return (now or timezone.now()).astimezone(HOME_ZONE).date()


def _overdue_first(today: date):
    return Case(
        When(status=FollowUp.Status.OPEN, due_date__lt=today, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )


def my_open_follow_ups(user, today: date) -> tuple[list[FollowUp], int]:
    """The user's own open follow-ups (owner_user), overdue first then by due date: at most
    START_PAGE_LIMIT of them and how many there are, in one query (a window count)."""
    rows = list(
        FollowUp.objects.visible_to(user)
        .open()
        .filter(owner_user=user)
        .select_related("mission", "meeting", "organisation")
        .annotate(overdue_rank=_overdue_first(today), total=Window(Count("pk")))
        .order_by("overdue_rank", "due_date", "pk")[:START_PAGE_LIMIT]
    )
    return rows, (rows[0].total if rows else 0)


@dataclass
class Board:
    rows: list[FollowUp]
    today: date
    missions: list[Mission]
    organisations: list[Organisation]
    owners: list[tuple[str, list[tuple[str, str]]]]
    truncated: bool = False

    @property
    def overdue_count(self) -> int:
        return sum(1 for row in self.rows if row.is_overdue(self.today))


def board(user, filters: dict, today: date) -> Board:
    """The follow-ups of every mission the user may see, filtered, by due date (none last).

    Five queries: the rows (with mission, meeting, organisation and owner), and for the
    filters the missions, the organisations concerned, the coordinators and the delegates
    who own any of them.
    """
    visible = FollowUp.objects.visible_to(user)
    rows = visible.select_related(*FOLLOW_UP_RELATED)
    status = filters.get("status") or FollowUp.Status.OPEN
    if status != "all":
        rows = rows.filter(status=status)
    owner = filters.get("owner") or ""
    kind, _dash, pk = owner.partition("-")
    if owner == "me":
        rows = rows.filter(owner_user=user)
    elif kind == "user" and possible_pk(pk):
        rows = rows.filter(owner_user_id=int(pk))
    elif kind == "member" and possible_pk(pk):
        rows = rows.filter(owner_member_id=int(pk))
    if filters.get("organisation"):
        rows = rows.filter(organisation_id=filters["organisation"])
    if filters.get("mission"):
        rows = rows.filter(mission_id=filters["mission"])
    if filters.get("overdue"):
        rows = rows.filter(status=FollowUp.Status.OPEN, due_date__lt=today)
    rows = list(
        rows.order_by(
            Case(When(due_date__isnull=True, then=Value(1)), default=Value(0)),
            "due_date",
            "mission__start_date",
            "pk",
        )[: BOARD_LIMIT + 1]
    )
    truncated = len(rows) > BOARD_LIMIT
    missions = list(Mission.objects.visible_to(user).order_by("-start_date", "title"))
    organisations = list(
        Organisation.objects.filter(pk__in=visible.values("organisation")).order_by("name")
    )
    users = get_user_model().objects.filter(pk__in=visible.values("owner_user"))
    members = DelegationMember.objects.filter(pk__in=visible.values("owner_member"))
    owners = [
        (
            "coordinators",
            [
                (f"user-{u.pk}", u.get_full_name() or u.get_username())
                for u in users.order_by("first_name", "last_name", "username")
            ],
        ),
        (
            "delegation",
            [
                (f"member-{m.pk}", f"{m.person.full_name} ({m.mission.title})")
                for m in members.select_related("person", "mission").order_by(
                    "person__last_name", "person__first_name", "mission__start_date"
                )
            ],
        ),
    ]
    return Board(
        rows=rows[:BOARD_LIMIT],
        today=today,
        missions=missions,
        organisations=organisations,
        owners=owners,
        truncated=truncated,
    )


# --- An organisation's timeline ----------------------------------------------------------------


@dataclass
class TimelineMission:
    mission: Mission
    travellers: list[DelegationMember] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    # Follow-ups about the organisation with no meeting of it (e.g. "invite them to Turin").
    loose_follow_ups: list[FollowUp] = field(default_factory=list)


def organisation_timeline(organisation: Organisation, user) -> list[TimelineMission]:
    """Every mission the user may see where `organisation` was met (as a partner, or through
    a contact working there), travelled (a delegate working there) or is the subject of a
    follow-up; newest first, each with its meetings (newest first), their outcomes and
    follow-ups. Six queries: missions, meetings (with outcome and venue), their attendees,
    their partner contacts, the follow-ups, the travellers."""
    visible = Mission.objects.visible_to(user).values("pk")
    met = Q(partner_organisations=organisation) | Q(partner_contacts__organisation=organisation)
    meeting_ids = Meeting.objects.filter(met, mission__in=visible).values("pk")
    mission_ids = (
        Q(pk__in=Meeting.objects.filter(pk__in=meeting_ids).values("mission"))
        | Q(
            pk__in=DelegationMember.objects.filter(person__organisation=organisation).values(
                "mission"
            )
        )
        | Q(pk__in=FollowUp.objects.filter(organisation=organisation).values("mission"))
    )
    missions = list(
        Mission.objects.visible_to(user).filter(mission_ids).order_by("-start_date", "-pk")
    )
    if not missions:
        return []
    entries = {mission.pk: TimelineMission(mission=mission) for mission in missions}
    meetings = list(
        Meeting.objects.filter(pk__in=meeting_ids, mission__in=list(entries))
        .select_related("venue", "result")
        .prefetch_related(
            Prefetch(
                "attendees",
                queryset=DelegationMember.objects.select_related("person").order_by(
                    "person__last_name", "person__first_name"
                ),
            ),
            Prefetch(
                "partner_contacts",
                queryset=Person.objects.order_by("last_name", "first_name"),
            ),
        )
        .order_by("-start", "-pk")
    )
    by_meeting = {}
    for meeting in meetings:
        meeting.mission = entries[meeting.mission_id].mission
        meeting.timeline_follow_ups = []
        by_meeting[meeting.pk] = meeting
        entries[meeting.mission_id].meetings.append(meeting)
    follow_ups = (
        FollowUp.objects.filter(mission__in=list(entries))
        .filter(Q(organisation=organisation) | Q(meeting__in=list(by_meeting)))
        .select_related("owner_user", "owner_member__person")
        .order_by("due_date", "pk")
    )
    for follow_up in follow_ups:
        if follow_up.meeting_id in by_meeting:
            by_meeting[follow_up.meeting_id].timeline_follow_ups.append(follow_up)
        else:
            entries[follow_up.mission_id].loose_follow_ups.append(follow_up)
    travellers = (
        DelegationMember.objects.filter(
            mission__in=list(entries), person__organisation=organisation
        )
        .select_related("person")
        .order_by("person__last_name", "person__first_name")
    )
    for member in travellers:
        entries[member.mission_id].travellers.append(member)
    return list(entries.values())
