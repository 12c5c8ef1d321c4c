"""The mission report for the funders: what was held, who was met, what came out of it.

One selector, `mission_report(mission)`, reads everything in a fixed number of queries (the
meetings with their outcome, partners and attendees: three; the follow-ups, the size
of the delegation and the B2B matchmaking sessions' figures: one each) and counts in
Python, so the page, the PDF and the spreadsheets show the same figures from the same object.

Definitions (the page states them too):

- A meeting is *held* when its outcome says so, *not held* when its outcome says no-show or
  cancelled, *not recorded* when it has no outcome yet. Meetings cancelled in the planner are
  counted apart and nowhere else.
- An organisation is *met* when it is a partner of a meeting that is held or not recorded
  (nobody has said it did not take place): a report written before every outcome is typed in
  still shows the programme as it went.
- A delegate is *involved* when they attended at least one such meeting.
- B2B matchmaking, per session: requests *made* (withdrawn ones left out), *accepted*,
  *declined*, *waiting*; meetings *scheduled* (placed by the scheduler, not cancelled; a
  mutual pair is one meeting), *held* and *no-show* as their outcome says. Read through the
  reverse relations by lookup strings: outcomes does not import matchmaking (it sits above).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from delegations.models import DelegationMember, Organisation
from meetings.models import Meeting
from missions.models import Mission
from outcomes.models import FollowUp, Interest, Outcome

HELD, NOT_HELD, NOT_RECORDED, CANCELLED = "held", "not_held", "not_recorded", "cancelled"
STATE_LABELS = {
    HELD: _("Held"),
    NOT_HELD: _("Not held"),
    NOT_RECORDED: _("Not recorded"),
    CANCELLED: _("Cancelled in the planner"),
}
NOT_STATED = _("Not stated")


@dataclass
class Tally:
    held: int = 0
    not_held: int = 0
    not_recorded: int = 0
    cancelled: int = 0

    def add(self, state: str) -> None:
        setattr(self, state, getattr(self, state) + 1)

    @property
    def planned(self) -> int:
        """Every meeting not cancelled in the planner."""
        return self.held + self.not_held + self.not_recorded

    @property
    def met(self) -> int:
        return self.held + self.not_recorded


@dataclass
class MeetingRow:
    meeting: Meeting
    state: str
    outcome: Outcome | None
    organisations: list[Organisation]
    delegates: list[DelegationMember]

    @property
    def local_start(self) -> datetime:
        return self.meeting.local_start

    @property
    def local_end(self) -> datetime:
        return self.meeting.local_end

    @property
    def state_label(self) -> str:
        if self.outcome is not None and self.state == NOT_HELD:
            return self.outcome.get_held_display()
        return STATE_LABELS[self.state]

    @property
    def interest_label(self) -> str:
        return self.outcome.get_interest_display() if self.outcome else ""

    @property
    def counts_as_met(self) -> bool:
        return self.state in (HELD, NOT_RECORDED)


@dataclass
class DayRow:
    day: date
    tally: Tally
    organisations: list[Organisation]


@dataclass
class OrganisationRow:
    organisation: Organisation
    meetings: int
    days: list[date]


@dataclass
class DelegateRow:
    member: DelegationMember
    meetings: int


@dataclass
class B2BSession:
    """A matchmaking session's figures (see the module's definitions)."""

    title: str
    visitors: int
    delegation: int
    requested: int
    waiting: int
    accepted: int
    declined: int
    scheduled: int
    held: int
    no_show: int


B2B_FIGURES = {
    "visitors": Count("participants", filter=Q(participants__side="visitor"), distinct=True),
    "delegation": Count("participants", filter=Q(participants__side="delegation"), distinct=True),
    "requested": Count("requests", filter=~Q(requests__status="withdrawn"), distinct=True),
    "waiting": Count("requests", filter=Q(requests__status="pending"), distinct=True),
    "accepted": Count("requests", filter=Q(requests__status="accepted"), distinct=True),
    "declined": Count("requests", filter=Q(requests__status="declined"), distinct=True),
    "scheduled": Count(
        "requests__meeting",
        filter=~Q(requests__meeting__status=Meeting.Status.CANCELLED),
        distinct=True,
    ),
    "held": Count(
        "requests__meeting",
        filter=Q(requests__meeting__result__held=Outcome.Held.HELD),
        distinct=True,
    ),
    "no_show": Count(
        "requests__meeting",
        filter=Q(requests__meeting__result__held=Outcome.Held.NO_SHOW),
        distinct=True,
    ),
}


def report_b2b(mission: Mission) -> list[B2BSession]:
    """The mission's B2B matchmaking sessions with their figures: one query, through the
    reverse relation `matchmaking_sessions` (no import of matchmaking)."""
    rows = (
        mission.matchmaking_sessions.order_by("title", "pk")
        .annotate(**B2B_FIGURES)
        .values("title", *B2B_FIGURES)
    )
    return [B2BSession(**row) for row in rows]


@dataclass
class MissionReport:
    mission: Mission
    today: date
    meetings: list[MeetingRow]
    tally: Tally
    by_day: list[DayRow]
    by_kind: list[tuple[str, Tally]]
    organisations: list[OrganisationRow]
    organisations_by_kind: list[tuple[str, int]]
    organisations_by_sector: list[tuple[str, int]]
    organisations_by_country: list[tuple[str, int]]
    delegates: list[DelegateRow]
    delegation_size: int
    interest: list[tuple[str, int]]
    follow_ups: list[FollowUp]
    follow_up_counts: dict[str, int] = field(default_factory=dict)
    overdue: list[FollowUp] = field(default_factory=list)
    b2b: list[B2BSession] = field(default_factory=list)

    @property
    def notable(self) -> list[MeetingRow]:
        return [row for row in self.meetings if row.outcome is not None and row.outcome.notable]

    @property
    def countries(self) -> int:
        not_stated = str(NOT_STATED)
        return len([label for label, _n in self.organisations_by_country if label != not_stated])

    @property
    def follow_ups_open(self) -> int:
        return self.follow_up_counts.get(FollowUp.Status.OPEN, 0)

    @property
    def outcomes_recorded(self) -> int:
        return self.tally.held + self.tally.not_held


def _state(meeting: Meeting) -> tuple[str, Outcome | None]:
    if meeting.status == Meeting.Status.CANCELLED:
        return CANCELLED, None
    try:
        outcome = meeting.result
    except Outcome.DoesNotExist:
        return NOT_RECORDED, None
    return (HELD if outcome.held == Outcome.Held.HELD else NOT_HELD), outcome


def _counted(counter: Counter) -> list[tuple[str, int]]:
    """Largest first, then by name; "Not stated" last whatever its count."""
    not_stated = str(NOT_STATED)
    rows = sorted(
        counter.items(), key=lambda item: (str(item[0]) == not_stated, -item[1], str(item[0]))
    )
    return [(str(label), count) for label, count in rows]


def report_meetings(mission: Mission):
    """The mission's meetings with everything the report shows: three queries."""
    return (
        Meeting.objects.for_mission(mission)
        .select_related("result")
        .prefetch_related(
            Prefetch("partner_organisations", queryset=Organisation.objects.order_by("name")),
            Prefetch(
                "attendees",
                queryset=DelegationMember.objects.select_related(
                    "person", "person__organisation"
                ).order_by("person__last_name", "person__first_name"),
            ),
        )
        .order_by("start", "end", "title")
    )


def report_follow_ups(mission: Mission):
    """The mission's follow-ups with their owner, organisation and meeting: one query."""
    return (
        FollowUp.objects.filter(mission=mission)
        .select_related("organisation", "meeting", "owner_user", "owner_member__person")
        .order_by("due_date", "pk")
    )


def mission_report(mission: Mission, *, today: date | None = None) -> MissionReport:
    """Everything the report shows, in six queries whatever the size of the mission."""
    if today is None:
        # Overdue in the agency's calendar: the follow-ups are done at home.
        today = timezone.localdate(timezone=mission.home_tz)
    tz = mission.tz
    kind_labels = dict(Meeting.Kind.choices)
    org_kind_labels = dict(Organisation.Kind.choices)

    rows: list[MeetingRow] = []
    tally = Tally()
    days: dict[date, Tally] = {}
    day_orgs: dict[date, dict[int, Organisation]] = defaultdict(dict)
    kinds: dict[str, Tally] = {}
    met: dict[int, Organisation] = {}
    met_meetings: Counter = Counter()
    met_days: dict[int, set[date]] = defaultdict(set)
    involved: dict[int, DelegationMember] = {}
    involved_meetings: Counter = Counter()
    interest: Counter = Counter()

    for meeting in report_meetings(mission):
        meeting.mission = mission  # local_start/local_end read the zone: no query per meeting
        state, outcome = _state(meeting)
        organisations = list(meeting.partner_organisations.all())
        delegates = list(meeting.attendees.all())
        row = MeetingRow(meeting, state, outcome, organisations, delegates)
        rows.append(row)
        day = meeting.start.astimezone(tz).date()
        tally.add(state)
        days.setdefault(day, Tally()).add(state)
        kinds.setdefault(meeting.kind, Tally()).add(state)
        if state == HELD:
            interest[outcome.interest or ""] += 1
        if not row.counts_as_met:
            continue
        for organisation in organisations:
            met[organisation.pk] = organisation
            met_meetings[organisation.pk] += 1
            met_days[organisation.pk].add(day)
            day_orgs[day][organisation.pk] = organisation
        for member in delegates:
            involved[member.pk] = member
            involved_meetings[member.pk] += 1

    # Every day of the mission has a row, also a day without meetings; a meeting outside
    # the mission's dates (allowed within the planning window) gets its own row.
    for day in mission.days():
        days.setdefault(day, Tally())
    by_day = [
        DayRow(
            day,
            days[day],
            sorted(day_orgs[day].values(), key=lambda o: o.name.casefold()),
        )
        for day in sorted(days)
    ]
    by_kind = sorted(
        ((kind_labels.get(kind, kind), t) for kind, t in kinds.items()),
        key=lambda item: (-item[1].planned, str(item[0])),
    )
    organisations = sorted(
        (OrganisationRow(org, met_meetings[pk], sorted(met_days[pk])) for pk, org in met.items()),
        key=lambda r: r.organisation.name.casefold(),
    )
    delegates = sorted(
        (DelegateRow(m, involved_meetings[pk]) for pk, m in involved.items()),
        key=lambda r: (-r.meetings, r.member.person.last_name, r.member.person.first_name),
    )
    interest_rows = [
        (label, interest[value]) for value, label in [*reversed(Interest.choices), ("", NOT_STATED)]
    ]
    # Open first (what is left to do), then done, then dropped; by due date within each.
    rank = {status: n for n, status in enumerate(FollowUp.Status.values)}
    follow_ups = sorted(report_follow_ups(mission), key=lambda item: rank[item.status])
    follow_up_counts = {status: 0 for status in FollowUp.Status.values}
    for item in follow_ups:
        follow_up_counts[item.status] += 1
    overdue = [
        item
        for item in follow_ups
        if item.status == FollowUp.Status.OPEN and item.due_date and item.due_date < today
    ]
    return MissionReport(
        mission=mission,
        today=today,
        meetings=rows,
        tally=tally,
        by_day=by_day,
        by_kind=by_kind,
        organisations=organisations,
        organisations_by_kind=_counted(
            Counter(org_kind_labels.get(o.kind, o.kind) for o in met.values())
        ),
        organisations_by_sector=_counted(
            Counter(o.sector.strip() or NOT_STATED for o in met.values())
        ),
        organisations_by_country=_counted(
            Counter(o.country.strip() or NOT_STATED for o in met.values())
        ),
        delegates=delegates,
        delegation_size=mission.members.count(),
        interest=interest_rows,
        follow_ups=follow_ups,
        follow_up_counts=follow_up_counts,
        overdue=overdue,
        b2b=report_b2b(mission),
    )
