"""Read models of the run pages: the hall plan (per day and slot, table -> who meets whom; per
participant, their tables) and the run page's summary in words. The working programme (the
meetings as they are now), in a fixed number of queries; nothing written."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from matchmaking.models import MeetingRequest, Participant, ScheduleRun, Session, Table
from matchmaking.scheduling import describe_unplaced
from matchmaking.slots import Slot, session_slots
from meetings.models import Meeting
from outcomes.models import Outcome


@dataclass
class Seat:
    """One meeting at a table: both sides, delegation first."""

    meeting: Meeting
    table: Table | None
    first: Participant
    second: Participant
    no_show: bool = False
    outcome: Outcome | None = None  # recorded after the meeting (held, no-show, cancelled)

    @property
    def started(self) -> bool:
        return getattr(self, "_started", False)


@dataclass
class SlotRow:
    slot: Slot
    cells: list[tuple[Table, Seat]]  # the tables in use, in table order
    free: list[Table]  # the others

    @property
    def busy(self) -> int:
        return len(self.cells)

    @property
    def free_names(self) -> str:
        return ", ".join(table.name for table in self.free)


@dataclass
class PlanDay:
    date: date
    rows: list[SlotRow] = field(default_factory=list)


@dataclass
class Agenda:
    """A participant's own list: when, which table, whom."""

    participant: Participant
    items: list[tuple[Meeting, str, Participant]] = field(default_factory=list)


@dataclass
class HallPlan:
    session: Session
    tables: list[Table]
    days: list[PlanDay]
    outside: list[Seat]  # meetings no longer on a slot at a table (moved by hand)
    agendas: list[Agenda]
    meetings: int


def _sides(request: MeetingRequest, participants: dict) -> tuple[Participant, Participant]:
    a, b = participants[request.requester_id], participants[request.requested_id]
    if a.side != Participant.Side.DELEGATION and b.side == Participant.Side.DELEGATION:
        return b, a
    return a, b


def hall_plan(session: Session, *, now: datetime) -> HallPlan:
    """Five queries: days, breaks, tables, participants, the requests with their meetings."""
    zone = session.mission.tz
    slots = session_slots(session)
    tables = list(Table.objects.filter(session=session).order_by("pk").select_related("venue"))
    participants = {
        p.pk: p
        for p in Participant.objects.filter(session=session).select_related(
            "person", "person__organisation"
        )
    }
    requests = (
        MeetingRequest.objects.filter(session=session, meeting__isnull=False)
        .exclude(meeting__status=Meeting.Status.CANCELLED)
        .select_related("meeting", "meeting__venue", "meeting__result")
        .order_by("meeting__start", "pk")
    )
    seats: dict[int, Seat] = {}
    by_venue = {t.venue_id: t for t in tables if t.venue_id}
    for request in requests:
        if request.meeting_id in seats:
            continue
        first, second = _sides(request, participants)
        meeting = request.meeting
        meeting.mission = session.mission
        result = getattr(meeting, "result", None) if _has_result(meeting) else None
        seat = Seat(
            meeting=meeting,
            table=by_venue.get(meeting.venue_id),
            first=first,
            second=second,
            no_show=bool(result and result.held == Outcome.Held.NO_SHOW),
            outcome=result,
        )
        seat._started = meeting.start <= now
        seats[meeting.pk] = seat

    at: dict[tuple[int, int], Seat] = {}
    by_time = {(slot.start, slot.end): slot for slot in slots}
    outside = []
    for seat in seats.values():
        slot = by_time.get((seat.meeting.start, seat.meeting.end))
        if slot is None or seat.table is None:
            outside.append(seat)
        else:
            at[(slot.index, seat.table.pk)] = seat
    days: dict[date, PlanDay] = {}
    for slot in slots:
        day = days.setdefault(slot.start.astimezone(zone).date(), PlanDay(slot.date))
        day.rows.append(
            SlotRow(
                slot,
                [(t, at[(slot.index, t.pk)]) for t in tables if (slot.index, t.pk) in at],
                [t for t in tables if (slot.index, t.pk) not in at],
            )
        )

    agendas = {pk: Agenda(p) for pk, p in participants.items()}
    for seat in sorted(seats.values(), key=lambda s: (s.meeting.start, s.meeting.pk)):
        place = seat.table.name if seat.table else (seat.meeting.venue or "—")
        agendas[seat.first.pk].items.append((seat.meeting, str(place), seat.second))
        agendas[seat.second.pk].items.append((seat.meeting, str(place), seat.first))
    ordered = sorted(
        agendas.values(),
        key=lambda a: (
            a.participant.side != Participant.Side.DELEGATION,
            a.participant.person.last_name.lower(),
            a.participant.person.first_name.lower(),
            a.participant.pk,
        ),
    )
    return HallPlan(
        session=session,
        tables=tables,
        days=list(days.values()),
        outside=outside,
        agendas=ordered,
        meetings=len(seats),
    )


def _has_result(meeting: Meeting) -> bool:
    try:
        return meeting.result is not None
    except Outcome.DoesNotExist:
        return False


# --- The run page's words --------------------------------------------------------------------


def total_weight(run: ScheduleRun) -> int:
    """What placing every accepted request would have weighed."""
    return run.objective + sum(e.get("weight", 0) for e in run.unplaced if "request" in e)


def run_summary(run: ScheduleRun) -> str:
    """“Placed 37 of 40 accepted requests (weighted 95 of 101)”."""
    return ngettext(
        "Placed %(placed)d of %(accepted)d accepted request (weighted %(objective)d of %(total)d)",
        "Placed %(placed)d of %(accepted)d accepted requests (weighted %(objective)d of %(total)d)",
        run.accepted,
    ) % {
        "placed": run.placed,
        "accepted": run.accepted,
        "objective": run.objective,
        "total": total_weight(run),
    }


def run_quality(run: ScheduleRun) -> str:
    """How good the schedule is known to be, in words."""
    seconds = f"{run.seconds:.1f}" if run.seconds >= 0.05 else "< 0.1"
    if run.method == ScheduleRun.Method.GREEDY:
        return _("quick first fit in %(seconds)s s (not proven to be the fullest)") % {
            "seconds": seconds
        }
    if run.status == "optimal":
        return _("optimal, proven in %(seconds)s s") % {"seconds": seconds}
    if run.status == "feasible":
        return _("best found, within %(gap)s %% of optimal (time limit reached)") % {
            "gap": f"{max(run.gap, 0) * 100:.0f}"
        }
    return _("no schedule found within the time limit (%(seconds)s s)") % {"seconds": seconds}


def idle_quality(run: ScheduleRun) -> str:
    """How far phase 2 (the idle gaps) got, in words; empty for a quick first fit."""
    if run.method == ScheduleRun.Method.GREEDY:
        return ""
    if run.phase2_status == "optimal":
        return _("the fewest possible")
    if run.phase2_status == "feasible":
        return _("the fewest found in the time left")
    return _("not reduced further")


def left_out(run: ScheduleRun) -> list[dict]:
    """The run's left-out requests with their reason in words."""
    return [
        {**entry, "why": describe_unplaced(entry)} for entry in run.unplaced if "request" in entry
    ]


def run_notes(run: ScheduleRun) -> list[dict]:
    """Meetings the run kept outside its slots (moved by hand) or for removed participants."""
    return [entry for entry in run.unplaced if "note" in entry]
