"""The scheduler's bridge between the database and the pure solver (`matchmaking/solver.py`).

- `build_problem(session)`: the solver's Problem read from the database in a fixed number of
  queries, with what the run needs to write back (pairs of requests, tables, slots, the
  meetings it replaces) and a cheap fingerprint of everything the problem depends on.
- `schedule_run(...)`: solves outside any transaction, then in ONE transaction re-checks the
  fingerprint under the session's row lock and replaces the session's meetings that are
  neither published nor locked by the new ones, through `meetings.services` (all or none).
- During the event: `meeting_no_show` (through `outcomes.services.outcome_save`) and
  `reschedule_options` / `meeting_reschedule` (a free slot from `solver.free_slots`, the move
  through `meeting_save` with the version, so SEQUENCE rises and calendars follow).

Keys handed to the solver: participant = Participant.pk, table = Table.pk, slot = Slot.index,
request = the lowest pk of the accepted MeetingRequests between the same two people (a mutual
pair is ONE solver request). See docs/matchmaking.md, "Scheduling".
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from delegations.models import DelegationMember
from matchmaking import solver
from matchmaking.models import (
    MAX_SOLVER_SECONDS,
    Absence,
    MeetingRequest,
    Participant,
    ScheduleRun,
    Session,
    SessionBreak,
    SessionDay,
    Table,
)
from matchmaking.services import table_save
from matchmaking.slots import Slot, session_slots
from meetings.models import Meeting
from meetings.services import meeting_delete, meeting_save, meeting_schedule
from missions.concurrency import EditConflict
from missions.models import Venue
from missions.services import venue_save
from outcomes.models import Outcome
from outcomes.services import outcome_save
from releases.models import ProgrammeVersion

MUST_WEIGHT = 3
NICE_WEIGHT = 1
MUTUAL_BONUS = 2
TITLE_MAX = 200
# The history record's reason for a meeting moved into a free slot during the event.
RESCHEDULED = "rescheduled into a free slot"


def pair_weight(priorities: list[str], mutual: bool) -> int:
    """Must 3, would like 1, plus 2 for a mutual pair: a mutual pair with a "must" weighs 5."""
    base = MUST_WEIGHT if MeetingRequest.Priority.MUST in priorities else NICE_WEIGHT
    return base + (MUTUAL_BONUS if mutual else 0)


@dataclass
class Pair:
    """The accepted request(s) between two participants: one solver request."""

    key: int
    requests: list[MeetingRequest]
    a: Participant
    b: Participant
    weight: int
    mutual: bool
    locked: bool
    meeting: Meeting | None
    # (slot index, table pk) if its meeting is kept (published or locked) where the run
    # would put it; None otherwise.
    locked_at: tuple[int, int] | None = None

    @property
    def request_ids(self) -> list[int]:
        return [request.pk for request in self.requests]


@dataclass
class Built:
    """A session read for the solver, and what writing a solution back needs."""

    session: Session
    slots: list[Slot]
    tables: list[Table]
    participants: dict[int, Participant]
    pairs: dict[int, Pair]  # solver requests by key
    problem: solver.Problem
    fingerprint: str
    # Current placements of the pairs whose meeting sits on a slot at a table.
    placements: dict[int, solver.Placement] = field(default_factory=dict)
    # Meetings the run deletes: the session's, neither published nor locked (nor recorded).
    replaceable: list[Meeting] = field(default_factory=list)
    # Kept meetings that no longer sit on a slot at a table (moved by hand): not solver
    # requests; their time makes both people busy.
    moved_by_hand: list[Meeting] = field(default_factory=list)
    # Meetings at the session's tables whose requests are gone (a participant was removed):
    # they stay; the run page lists them.
    orphans: list[Meeting] = field(default_factory=list)
    published_uids: frozenset[str] = frozenset()
    meeting_pairs: dict[int, Pair] = field(default_factory=dict)  # by meeting pk

    def slot_at(self, start: datetime, end: datetime) -> Slot | None:
        for slot in self.slots:
            if slot.start == start and slot.end == end:
                return slot
        return None

    def table_by_venue(self, venue_id: int | None) -> Table | None:
        if venue_id is None:
            return None
        return next((t for t in self.tables if t.venue_id == venue_id), None)


# --- Reading ---------------------------------------------------------------------------------


def _published_uids(mission_id: int) -> frozenset[str]:
    """UIDs of the meetings in the latest published version (tombstones left out)."""
    row = (
        ProgrammeVersion.objects.filter(mission_id=mission_id)
        .order_by("-number")
        .values_list("snapshot__meetings", flat=True)
        .first()
    )
    if not row:
        return frozenset()
    return frozenset(uid for uid, data in row.items() if not data.get("deleted"))


def fingerprint(session_id: int) -> str:
    """A digest of everything a problem is built from: the session, its days and breaks,
    tables, participants, their stays and absences, requests, the mission's meetings and
    versions, the latest run. Aggregates only (a few small queries); equal digests: nothing
    changed."""
    session = Session.objects.filter(pk=session_id).values_list(
        "mission_id", "version", "updated", "slot_minutes", "max_meetings", "hall_id"
    )
    facts = list(session)
    mission_id = facts[0][0] if facts else None
    facts.append(
        list(
            SessionDay.objects.filter(session_id=session_id)
            .order_by("pk")
            .values_list("pk", "date", "start", "end")
        )
    )
    facts.append(
        list(
            SessionBreak.objects.filter(day__session_id=session_id)
            .order_by("pk")
            .values_list("pk", "start", "end")
        )
    )
    facts.append(
        list(Table.objects.filter(session_id=session_id).order_by("pk").values_list("pk", "venue"))
    )
    facts.append(
        Participant.objects.filter(session_id=session_id).aggregate(
            n=Count("pk"), last=Max("pk"), changed=Max("updated"), versions=Sum("version")
        )
    )
    # Delegation members' stays (arrival, departure) bound their availability.
    facts.append(
        DelegationMember.objects.filter(
            matchmaking_participations__session_id=session_id
        ).aggregate(changed=Max("updated"), versions=Sum("version"))
    )
    facts.append(
        Absence.objects.filter(participant__session_id=session_id).aggregate(
            n=Count("pk"), last=Max("pk")
        )
    )
    facts.append(
        MeetingRequest.objects.filter(session_id=session_id).aggregate(
            n=Count("pk"),
            last=Max("pk"),
            changed=Max("updated"),
            versions=Sum("version"),
            placed=Count("meeting"),
        )
    )
    facts.append(
        Meeting.objects.filter(mission_id=mission_id).aggregate(
            n=Count("pk"), last=Max("pk"), changed=Max("updated")
        )
    )
    facts.append(
        ProgrammeVersion.objects.filter(mission_id=mission_id).aggregate(number=Max("number"))
    )
    facts.append(ScheduleRun.objects.filter(session_id=session_id).aggregate(last=Max("pk")))
    return hashlib.blake2b(repr(facts).encode(), digest_size=16).hexdigest()


def _overlaps(slot: Slot, start: datetime, end: datetime) -> bool:
    return slot.start < end and start < slot.end


def build_problem(session: Session, *, keep_all: bool = False) -> Built:
    """The solver's Problem for `session`, in a fixed number of queries.

    A participant is available in a slot unless it overlaps one of their absences, lies
    outside a delegation member's arrival..departure, or overlaps another meeting of the
    mission they are in (as attendee or partner contact; cancelled meetings ignored) that
    this run does not replace. Requests: the accepted ones, a mutual pair merged into one.
    A pair whose meeting is published (in the latest version) or locked keeps its slot and
    table (`locked`) if the meeting still sits on one; moved by hand, it is no solver request
    and only its time is busy. `keep_all`: every meeting of the session is kept as it is
    (for moving one meeting during the event).
    """
    stamp = fingerprint(session.pk)
    session = (
        Session.objects.select_related("mission", "hall")
        .prefetch_related("days__breaks")
        .get(pk=session.pk)
    )
    mission = session.mission
    slots = session_slots(session)
    tables = list(Table.objects.filter(session=session).select_related("venue").order_by("pk"))
    participants = {
        p.pk: p
        for p in Participant.objects.filter(session=session)
        .with_people()
        .prefetch_related("absences")
        .order_by("pk")
    }
    for participant in participants.values():
        participant.session = session
    requests = list(
        MeetingRequest.objects.filter(session=session)
        .filter(Q(status=MeetingRequest.Status.ACCEPTED) | Q(meeting__isnull=False))
        .select_related("meeting", "meeting__result")
        .order_by("pk")
    )
    published = _published_uids(mission.pk)

    # The session's meetings: kept (published, locked, or with an outcome) or replaceable.
    meetings: dict[int, Meeting] = {}
    locked_meetings: set[int] = set()
    for request in requests:
        if request.meeting_id is None:
            continue
        meeting = meetings.setdefault(request.meeting_id, request.meeting)
        request.meeting = meeting
        if request.locked:
            locked_meetings.add(meeting.pk)

    def kept(meeting: Meeting) -> bool:
        return (
            keep_all
            or meeting.uid in published
            or meeting.pk in locked_meetings
            or _has_outcome(meeting)
        )

    replaceable = [m for m in meetings.values() if not kept(m)]

    by_pair: dict[frozenset[int], list[MeetingRequest]] = defaultdict(list)
    for request in requests:
        if request.status == MeetingRequest.Status.ACCEPTED:
            by_pair[frozenset((request.requester_id, request.requested_id))].append(request)

    slot_by_time = {(slot.start, slot.end): slot for slot in slots}
    table_by_venue = {t.venue_id: t for t in tables if t.venue_id is not None}
    pairs: dict[int, Pair] = {}
    meeting_pairs: dict[int, Pair] = {}
    moved_by_hand: list[Meeting] = []
    solver_meetings: set[int] = set()  # kept meetings the solver holds as locked requests
    placements: dict[int, solver.Placement] = {}
    for members in by_pair.values():
        members.sort(key=lambda r: r.pk)
        first = members[0]
        if first.requester_id not in participants or first.requested_id not in participants:
            continue
        meeting = next((r.meeting for r in members if r.meeting is not None), None)
        pair = Pair(
            key=first.pk,
            requests=members,
            a=participants[first.requester_id],
            b=participants[first.requested_id],
            weight=pair_weight([r.priority for r in members], len(members) > 1),
            mutual=len(members) > 1,
            locked=any(r.locked for r in members),
            meeting=meeting,
        )
        where = None
        if meeting is not None and meeting.status != Meeting.Status.CANCELLED:
            slot = slot_by_time.get((meeting.start, meeting.end))
            table = table_by_venue.get(meeting.venue_id)
            if slot is not None and table is not None:
                where = (slot.index, table.pk)
                placements[pair.key] = solver.Placement(*where)
            if kept(meeting):
                if where is None:
                    moved_by_hand.append(meeting)
                    meeting_pairs[meeting.pk] = pair
                    continue
                pair.locked_at = where
                solver_meetings.add(meeting.pk)
        if meeting is not None:
            meeting_pairs[meeting.pk] = pair
        pairs[pair.key] = pair

    # Busy: every other meeting of the mission the participant is in, except the ones this
    # run replaces and the kept ones the solver holds as locked requests (two queries).
    skip = {m.pk for m in replaceable} | solver_meetings
    member_of = {p.member_id: p.pk for p in participants.values() if p.member_id}
    person_of = {
        p.person_id: p.pk for p in participants.values() if p.side == Participant.Side.VISITOR
    }
    busy: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for through, column, participant_of in (
        (Meeting.attendees.through, "delegationmember_id", member_of),
        (Meeting.partner_contacts.through, "person_id", person_of),
    ):
        rows = through.objects.filter(
            meeting__mission=mission, **{f"{column}__in": list(participant_of)}
        ).exclude(meeting__status=Meeting.Status.CANCELLED)
        for key, meeting_id, start, end in rows.values_list(
            column, "meeting_id", "meeting__start", "meeting__end"
        ):
            if meeting_id not in skip:
                busy[participant_of[key]].append((start, end))

    solver_participants = []
    for participant in participants.values():
        blocked = [(a.start, a.end) for a in participant.absences.all()] + busy[participant.pk]
        member = participant.member
        available = frozenset(
            slot.index
            for slot in slots
            if not any(_overlaps(slot, start, end) for start, end in blocked)
            and not (member and member.arrival and slot.start < member.arrival)
            and not (member and member.departure and slot.end > member.departure)
        )
        solver_participants.append(
            solver.Participant(
                key=participant.pk,
                available=available,
                max_meetings=participant.meeting_limit(),
                booth=participant.booth_id,
            )
        )

    orphans = list(
        Meeting.objects.filter(
            mission=mission, venue__in=Table.objects.filter(session=session).values("venue")
        )
        .exclude(status=Meeting.Status.CANCELLED)
        .filter(matchmaking_requests__isnull=True)
        .select_related("venue")
        .order_by("start", "pk")
    )
    problem = solver.Problem(
        slot_days=tuple(slot.day for slot in slots),
        tables=tuple(t.pk for t in tables),
        participants=tuple(solver_participants),
        requests=tuple(
            solver.Request(key=p.key, a=p.a.pk, b=p.b.pk, weight=p.weight, locked=p.locked_at)
            for p in sorted(pairs.values(), key=lambda p: p.key)
        ),
    )
    return Built(
        session=session,
        slots=slots,
        tables=tables,
        participants=participants,
        pairs=pairs,
        problem=problem,
        fingerprint=stamp,
        placements=placements,
        replaceable=sorted(replaceable, key=lambda m: m.pk),
        moved_by_hand=moved_by_hand,
        orphans=orphans,
        published_uids=published,
        meeting_pairs=meeting_pairs,
    )


def _has_outcome(meeting: Meeting) -> bool:
    try:
        return meeting.result is not None
    except Outcome.DoesNotExist:
        return False


# --- Writing a solution back -----------------------------------------------------------------


def _label(participant: Participant) -> str:
    organisation = participant.person.organisation
    return str(organisation) if organisation else participant.person.full_name


def _ordered(pair: Pair) -> tuple[Participant, Participant]:
    """The delegation side first."""
    if pair.a.side != Participant.Side.DELEGATION and pair.b.side == Participant.Side.DELEGATION:
        return pair.b, pair.a
    return pair.a, pair.b


def meeting_title(pair: Pair) -> str:
    first, second = _ordered(pair)
    title = _("B2B: %(first)s – %(second)s") % {"first": _label(first), "second": _label(second)}
    return title if len(title) <= TITLE_MAX else title[: TITLE_MAX - 1] + "…"


def meeting_description(pair: Pair) -> str:
    lines = []
    for participant in _ordered(pair):
        who = participant.person.full_name
        if participant.person.organisation:
            who = f"{who}, {participant.person.organisation}"
        lines.append(who)
        if participant.offers:
            lines.append(_("Offers: %(text)s") % {"text": participant.offers})
        if participant.looks_for:
            lines.append(_("Looks for: %(text)s") % {"text": participant.looks_for})
    return "\n".join(lines)


def table_venue(table: Table, session: Session) -> Venue:
    """The table's venue, created on first use: "<table> · <hall>" at the hall's address."""
    if table.venue_id is not None:
        return table.venue
    hall = session.hall
    name = (f"{table.name} · {hall.name}" if hall else table.name)[:200]
    venue = Venue.objects.filter(mission=session.mission, name=name).first()
    if venue is not None and Table.objects.filter(venue=venue).exists():
        # Another session's table of the same name: this session's table is another one.
        name = f"{name} · {session.title}"[:200]
        venue = Venue.objects.filter(mission=session.mission, name=name).first()
    if venue is None:
        venue = venue_save(
            venue=Venue(
                mission=session.mission,
                name=name,
                address=hall.address if hall else "",
                city=hall.city if hall else "",
                country=hall.country if hall else "",
                latitude=hall.latitude if hall else None,
                longitude=hall.longitude if hall else None,
            )
        )
    table.venue = venue
    table_save(table=table)
    return venue


def _people(pair: Pair) -> dict:
    attendees, contacts, organisations = [], [], []
    for participant in _ordered(pair):
        if participant.side == Participant.Side.DELEGATION:
            attendees.append(participant.member)
        else:
            contacts.append(participant.person)
            if participant.person.organisation and participant.person.organisation not in (
                organisations
            ):
                organisations.append(participant.person.organisation)
    return {
        "attendees": attendees,
        "partner_contacts": contacts,
        "partner_organisations": organisations,
    }


def _unplaced_entries(built: Built, solution: solver.Solution) -> list[dict]:
    """One entry per accepted request left out, with names (the participants may be removed
    later; the run keeps what it said)."""
    counts: dict[int, int] = defaultdict(int)
    for key in solution.placements:
        pair = built.pairs[key]
        counts[pair.a.pk] += 1
        counts[pair.b.pk] += 1
    entries = []
    for key, reason in sorted(solution.unplaced.items()):
        pair = built.pairs[key]
        entry = {
            "request": key,
            "reason": str(reason),
            "weight": pair.weight,
            "a": pair.a.person.full_name,
            "b": pair.b.person.full_name,
        }
        if reason == solver.Reason.LIMIT_REACHED:
            for side in (pair.a, pair.b):
                limit = side.meeting_limit()
                if limit is not None and counts[side.pk] >= limit:
                    entry["limit_of"] = side.person.full_name
                    entry["limit"] = limit
                    break
        entries.append(entry)
    for note, meetings in (("moved_by_hand", built.moved_by_hand), ("orphan", built.orphans)):
        for meeting in meetings:
            entries.append({"meeting": meeting.pk, "note": note, "title": meeting.title})
    return entries


def _check_input(built: Built) -> None:
    session = built.session
    if not session.days.all():
        raise ValidationError(
            _("The session has no days yet: add its days and hours first."), code="no_days"
        )
    if not built.slots:
        raise ValidationError(
            _(
                "The session's days have no slot: each day must be longer than one slot "
                "(%(minutes)d minutes) outside its breaks."
            )
            % {"minutes": session.slot_minutes},
            code="no_slots",
        )
    if not built.tables:
        raise ValidationError(
            _("The session has no tables yet: add tables first."), code="no_tables"
        )
    if not built.pairs:
        raise ValidationError(
            _("No accepted requests to schedule yet: requests must be accepted first."),
            code="no_requests",
        )


def check_kept(built: Built) -> None:
    """Two kept meetings on the same table, or with the same person, in one slot (moved there
    by hand): a message naming both, before the solver refuses with keys."""
    zone = built.session.mission.tz
    slots = {s.index: s for s in built.slots}
    seen: dict[tuple, Pair] = {}
    for pair in sorted(built.pairs.values(), key=lambda p: p.key):
        if pair.locked_at is None:
            continue
        slot, table = pair.locked_at
        for what in (("table", table), ("person", pair.a.pk), ("person", pair.b.pk)):
            other = seen.setdefault((*what, slot), pair)
            if other is not pair:
                raise ValidationError(
                    _(
                        "“%(first)s” and “%(second)s” are both kept at %(time)s with the same "
                        "table or person: move one of them, or unlock it if it is not published."
                    )
                    % {
                        "first": other.meeting.title,
                        "second": pair.meeting.title,
                        "time": date_format(slots[slot].start.astimezone(zone), "D j M H:i"),
                    },
                    code="kept_clash",
                )


def _solve(built: Built, *, method: str, seed: int, time_limit: float) -> solver.Solution:
    try:
        if method == ScheduleRun.Method.GREEDY:
            return solver.greedy(built.problem)
        # The coordinator waits for the answer: two thirds of the limit to fill the schedule
        # (usually proven within seconds), a third at most to close idle gaps.
        return solver.solve(
            built.problem,
            time_limit=time_limit * 2 / 3,
            seed=seed,
            phase2_time_limit=time_limit / 3,
        )
    except ValueError as error:
        # The solver's messages are for coordinators (a clash between locked meetings...).
        raise ValidationError(
            _("The scheduler refused this session: %(error)s") % {"error": error},
            code="solver_refused",
        ) from error


def _idle(solution: solver.Solution, busy: set[int]) -> tuple[float, int]:
    gaps = [solution.idle_gaps.get(key, 0) for key in busy]
    if not gaps:
        return 0.0, 0
    return sum(gaps) / len(gaps), max(gaps)


def schedule_run(
    *,
    session: Session,
    user=None,
    method: str = ScheduleRun.Method.CP_SAT,
    seed: int = 0,
    time_limit: float | None = None,
) -> ScheduleRun:
    """Solve `session` and replace its meetings that are neither published nor locked by the
    new schedule: all of it or nothing. ValidationError (a message for coordinators) when
    there is nothing to schedule, the solver refuses the input, or the session changed while
    the solver ran (the second of two runs started at once gets that one)."""
    if method not in ScheduleRun.Method.values:
        raise ValidationError(_("Choose a scheduling method."), code="method")
    built = build_problem(session)
    _check_input(built)
    check_kept(built)
    limit = float(time_limit if time_limit is not None else built.session.solver_seconds)
    limit = max(1.0, min(limit, float(MAX_SOLVER_SECONDS)))
    solution = _solve(built, method=method, seed=seed, time_limit=limit)
    try:
        return _commit(built, solution, user=user, method=method, seed=seed, time_limit=limit)
    except (IntegrityError, EditConflict) as error:
        # Somebody wrote the same rows meanwhile (a venue, a meeting): nothing was saved.
        raise _changed() from error


def _changed() -> ValidationError:
    return ValidationError(
        _(
            "The session changed while scheduling (requests, participants, tables, days "
            "or meetings, or another run): run again."
        ),
        code="changed",
    )


def _unchanged(built: Built, solution: solver.Solution, replaceable: set[int]) -> set[int]:
    """Replaceable meetings the new schedule puts exactly where they are, with the same
    title and description: they stay as they are (no delete and create again, no history
    noise, the same UID), so running twice on the same input writes nothing but the run."""
    stays = set()
    for key, placement in solution.placements.items():
        pair = built.pairs[key]
        meeting = pair.meeting
        if (
            meeting is not None
            and meeting.pk in replaceable
            and built.placements.get(key) == placement
            and meeting.title == meeting_title(pair)
            and meeting.description == meeting_description(pair)
        ):
            stays.add(meeting.pk)
    return stays


@transaction.atomic
def _commit(
    built: Built,
    solution: solver.Solution,
    *,
    user,
    method: str,
    seed: int,
    time_limit: float,
) -> ScheduleRun:
    session = built.session
    # The session's row lock: a second run waits here, then finds the fingerprint changed.
    if Session.objects.select_for_update().filter(pk=session.pk).first() is None:
        raise ValidationError(_("This session no longer exists."), code="gone")
    if fingerprint(session.pk) != built.fingerprint:
        raise _changed()
    tables = {t.pk: t for t in built.tables}
    slots = {s.index: s for s in built.slots}
    replaceable = {m.pk for m in built.replaceable}
    stays = _unchanged(built, solution, replaceable)
    for meeting in built.replaceable:
        if meeting.pk not in stays:
            meeting_delete(meeting=meeting)
    now = timezone.now()
    for key, placement in sorted(solution.placements.items()):
        pair = built.pairs[key]
        if pair.locked_at is not None:
            continue  # kept where it is
        if pair.meeting is not None and pair.meeting.pk in stays:
            meeting = pair.meeting  # already there, as the run would make it
        else:
            slot = slots[placement.slot]
            meeting = meeting_schedule(
                mission=session.mission,
                title=meeting_title(pair),
                kind=Meeting.Kind.B2B,
                start=slot.start,
                end=slot.end,
                venue=table_venue(tables[placement.table], session),
                description=meeting_description(pair),
                **_people(pair),
            )
        if any(request.meeting_id != meeting.pk for request in pair.requests):
            MeetingRequest.objects.filter(pk__in=pair.request_ids).update(
                meeting=meeting, updated=now
            )
    busy = {
        p for key in solution.placements for p in (built.pairs[key].a.pk, built.pairs[key].b.pk)
    }
    idle_mean, idle_max = _idle(solution, busy)
    run = ScheduleRun(
        session=session,
        created_by=user if getattr(user, "is_authenticated", False) else None,
        method=method,
        status=solution.status,
        phase2_status=solution.phase2_status or "",
        objective=solution.objective,
        bound=max(solution.bound, solution.objective),
        gap=solution.gap,
        seconds=solution.seconds,
        time_limit=round(time_limit),
        seed=seed,
        accepted=len(built.pairs),
        placed=len(solution.placements),
        idle_mean=idle_mean,
        idle_max=idle_max,
        unplaced=_unplaced_entries(built, solution),
    )
    run.full_clean()
    run.save()
    return run


# --- During the event ------------------------------------------------------------------------


def session_meeting(session: Session, meeting_pk: int) -> Meeting | None:
    """A meeting placed for one of the session's requests, with its mission."""
    return (
        Meeting.objects.filter(pk=meeting_pk, matchmaking_requests__session=session)
        .select_related("mission", "venue")
        .distinct()
        .first()
    )


def meeting_no_show(*, meeting: Meeting, user=None, now: datetime | None = None) -> Outcome:
    """Mark a started meeting "not held: no-show" (outcome_save refuses one not started)."""
    return outcome_save(meeting=meeting, user=user, now=now, held=Outcome.Held.NO_SHOW)


@dataclass(frozen=True)
class Option:
    slot: Slot
    table: Table

    @property
    def value(self) -> str:
        return f"{self.slot.index}-{self.table.pk}"


def reschedule_options(
    *, session: Session, meeting: Meeting, now: datetime | None = None
) -> list[Option]:
    """Every free (slot, table) starting after `now` for the meeting's two people: both
    available and free, within their limits, the table free (their booth, or the pool)."""
    now = now or timezone.now()
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(
            _("This meeting is cancelled: make it confirmed again in the agenda first."),
            code="cancelled",
        )
    built = build_problem(session, keep_all=True)
    pair = built.meeting_pairs.get(meeting.pk)
    if pair is None:
        raise ValidationError(
            _("This meeting is not one of the session's accepted requests any more."),
            code="not_a_session_meeting",
        )
    check_kept(built)
    request = solver.Request(key=pair.key, a=pair.a.pk, b=pair.b.pk, weight=pair.weight)
    try:
        free = solver.free_slots(built.problem, dict(built.placements), request)
    except ValueError as error:
        raise ValidationError(
            _("The scheduler refused this session: %(error)s") % {"error": error},
            code="solver_refused",
        ) from error
    slots = {s.index: s for s in built.slots}
    tables = {t.pk: t for t in built.tables}
    return [
        Option(slots[p.slot], tables[p.table])
        for p in free
        if slots[p.slot].start >= now and (p.slot, p.table) != _where(built, pair)
    ]


def _where(built: Built, pair: Pair) -> tuple[int, int] | None:
    placement = built.placements.get(pair.key)
    return (placement.slot, placement.table) if placement else None


@transaction.atomic
def meeting_reschedule(
    *,
    session: Session,
    meeting: Meeting,
    choice: str | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Meeting:
    """Move the meeting to the chosen free slot and table (`"<slot>-<table>"`), or the first
    free one after `now`. Through meeting_save with the version: SEQUENCE rises, so calendars
    update once published. A no-show mark on it is dropped (it is to be held later)."""
    Session.objects.select_for_update().filter(pk=session.pk).first()
    options = reschedule_options(session=session, meeting=meeting, now=now)
    if not options:
        raise ValidationError(
            _(
                "No free slot left after now for both of them with a free table: "
                "cancel the meeting or move it by hand in the agenda."
            ),
            code="no_free_slot",
        )
    option = options[0] if not choice else next((o for o in options if o.value == choice), None)
    if option is None:
        raise ValidationError(
            {"choice": _("This slot is no longer free: choose another one.")}, code="taken"
        )
    meeting.start, meeting.end = option.slot.start, option.slot.end
    meeting.venue = table_venue(option.table, session)
    meeting = meeting_save(
        meeting=meeting,
        expected_version=expected_version,
        history_reason=RESCHEDULED,
    )
    Outcome.objects.filter(meeting=meeting, held=Outcome.Held.NO_SHOW).delete()
    return meeting


def describe_unplaced(entry: dict) -> str:
    """A left-out request's reason, in words."""
    reason = entry.get("reason")
    if reason == solver.Reason.NO_COMMON_SLOT:
        return _("no common free slot")
    if reason == solver.Reason.LIMIT_REACHED:
        if entry.get("limit_of"):
            return ngettext(
                "%(name)s's limit of %(limit)d meeting reached",
                "%(name)s's limit of %(limit)d meetings reached",
                entry["limit"],
            ) % {"name": entry["limit_of"], "limit": entry["limit"]}
        return _("a meeting limit reached")
    if reason == solver.Reason.SCHEDULE_FULL:
        return _("all common slots or tables taken")
    if reason == solver.Reason.TIME_LIMIT:
        return _("time limit reached before it could be placed")
    return str(reason)
