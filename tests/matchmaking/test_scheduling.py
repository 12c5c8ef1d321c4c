"""build_problem and schedule_run: the session read for the solver, and its answer written
back as ordinary meetings (all or none)."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from delegations.services import delegation_member_save
from matchmaking import scheduling, solver
from matchmaking.models import MeetingRequest, ScheduleRun, Table
from matchmaking.scheduling import build_problem, schedule_run
from matchmaking.services import participant_remove, participant_set_absences, session_save
from meetings.models import Meeting
from meetings.services import meeting_save
from missions.models import Venue
from tests.builders import local, make_meeting, publish
from tests.matchmaking.run_builders import (
    SATURDAY,
    SUNDAY,
    accept,
    add_delegate,
    add_visitor,
    make_session,
)

pytestmark = pytest.mark.django_db

ROME = "Europe/Rome"


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def _participant(built, participant) -> solver.Participant:
    return next(p for p in built.problem.participants if p.key == participant.pk)


# --- build_problem ---------------------------------------------------------------------------


def test_slots_follow_the_local_clock_across_the_spring_forward_night():
    session = make_session(
        days=((SATURDAY, time(9), time(10)), (SUNDAY, time(9), time(10))), tables=1
    )
    built = build_problem(session)
    # 09:00 in Turin is 08:00 UTC on Saturday (CET) and 07:00 UTC on Sunday (CEST).
    assert [(s.index, s.day, s.start) for s in built.slots] == [
        (0, 0, utc(2026, 3, 28, 8, 0)),
        (1, 0, utc(2026, 3, 28, 8, 30)),
        (2, 1, utc(2026, 3, 29, 7, 0)),
        (3, 1, utc(2026, 3, 29, 7, 30)),
    ]
    assert built.problem.slot_days == (0, 0, 1, 1)
    assert built.problem.tables == tuple(t.pk for t in session.tables.all())


def test_availability_leaves_out_absences_stays_and_other_meetings():
    session = make_session(days=((SATURDAY, time(9), time(11)), (SUNDAY, time(9), time(10))))
    mission = session.mission
    # Slots: 0 09:00, 1 09:30, 2 10:00, 3 10:30 Saturday; 4 09:00, 5 09:30 Sunday.
    absent = add_visitor(session, "Ann Absent")
    participant_set_absences(
        participant=absent,
        periods=[(local(ROME, 2026, 3, 28, 9, 15), local(ROME, 2026, 3, 28, 10, 0))],
    )
    late = add_delegate(
        session,
        "Leo Late",
        arrival=local(ROME, 2026, 3, 28, 10, 0),
        departure=local(ROME, 2026, 3, 29, 9, 30),
    )
    dinner_guest = add_delegate(session, "Dina Dinner")
    make_meeting(
        mission,
        local(ROME, 2026, 3, 28, 10, 45),
        local(ROME, 2026, 3, 28, 12, 0),
        kind=Meeting.Kind.INSTITUTIONAL,
        attendees=[dinner_guest.member],
    )
    cancelled = make_meeting(
        mission,
        local(ROME, 2026, 3, 29, 9, 0),
        local(ROME, 2026, 3, 29, 10, 0),
        attendees=[dinner_guest.member],
    )
    cancelled.status = Meeting.Status.CANCELLED
    meeting_save(meeting=cancelled)
    partner = add_visitor(session, "Pia Partner")
    make_meeting(
        mission,
        local(ROME, 2026, 3, 29, 9, 30),
        local(ROME, 2026, 3, 29, 10, 0),
        partner_contacts=[partner.person],
    )
    free = add_visitor(session, "Fred Free")

    built = build_problem(session)

    # 09:15-10:00 overlaps the 09:00 and 09:30 slots.
    assert _participant(built, absent).available == {2, 3, 4, 5}
    assert _participant(built, late).available == {2, 3, 4}
    # The institutional meeting from 10:45 overlaps the 10:30 slot; the cancelled one counts not.
    assert _participant(built, dinner_guest).available == {0, 1, 2, 4, 5}
    # A visitor is busy where they are a partner contact.
    assert _participant(built, partner).available == {0, 1, 2, 3, 4}
    assert _participant(built, free).available == {0, 1, 2, 3, 4, 5}


def test_limits_and_booths_come_from_participant_or_session():
    session = make_session(max_meetings=6)
    booth = session.tables.first()
    own = add_delegate(session, "Own Limit", max_meetings=2, booth=booth)
    default = add_visitor(session, "Session Limit")
    built = build_problem(session)
    assert _participant(built, own).max_meetings == 2
    assert _participant(built, own).booth == booth.pk
    assert _participant(built, default).max_meetings == 6
    assert _participant(built, default).booth is None


def test_a_mutual_pair_is_one_request_keyed_by_its_lowest_pk_with_summed_weight():
    session = make_session()
    a, b, c, d = (
        add_delegate(session),
        add_visitor(session),
        add_visitor(session),
        add_visitor(session),
    )
    first = accept(a, b, MeetingRequest.Priority.MUST)
    accept(b, a)  # mutual: B asked A back
    nice = accept(a, c)
    must = accept(d, a, MeetingRequest.Priority.MUST)
    pending = MeetingRequest.objects.create(session=session, requester=c, requested=d)
    built = build_problem(session)
    assert {(r.key, r.a, r.b, r.weight, r.locked) for r in built.problem.requests} == {
        (first.pk, a.pk, b.pk, 5, None),
        (nice.pk, a.pk, c.pk, 1, None),
        (must.pk, d.pk, a.pk, 3, None),
    }
    assert pending.pk not in built.pairs
    assert built.pairs[first.pk].mutual


def test_build_problem_takes_a_fixed_number_of_queries(django_assert_num_queries):
    session = make_session()
    accept(add_delegate(session), add_visitor(session))
    with django_assert_num_queries(QUERIES_BUILD):
        build_problem(session)
    for _ in range(6):
        delegate, visitor = add_delegate(session), add_visitor(session)
        accept(delegate, visitor)
        participant_set_absences(
            participant=visitor,
            periods=[(local(ROME, 2026, 3, 28, 9, 0), local(ROME, 2026, 3, 28, 9, 30))],
        )
    schedule_run(session=session, method=ScheduleRun.Method.GREEDY)
    publish(session.mission)
    with django_assert_num_queries(QUERIES_BUILD):
        build_problem(session)


# fingerprint (11: session, days, breaks, tables, participants, stays, absences, requests,
# meetings, versions, runs) + session with mission and hall, days, breaks, tables, participants,
# absences, requests, published snapshot, attendees, contacts, orphans.
QUERIES_BUILD = 22


# --- schedule_run ----------------------------------------------------------------------------


@pytest.fixture
def fair():
    """Two delegates and three visitors, two tables, four slots on Saturday morning."""
    session = make_session(days=((SATURDAY, time(9), time(11)),), tables=2)
    anna = add_delegate(session, "Anna Rossi", "Regione Piemonte", offers="Funding")
    bruno = add_delegate(session, "Bruno Bianchi", "Brembo")
    carla = add_visitor(session, "Carla Conti", "Rivian", looks_for="Suppliers")
    dan = add_visitor(session, "Dan Doe", "Lucid")
    eve = add_visitor(session, "Eve Nobody")
    requests = [
        accept(anna, carla, MeetingRequest.Priority.MUST),
        accept(carla, anna),
        accept(anna, dan),
        accept(bruno, carla),
        accept(eve, bruno),
    ]
    return session, (anna, bruno, carla, dan, eve), requests


def test_schedule_run_creates_the_meetings_and_nothing_else(fair):
    session, (anna, bruno, carla, dan, eve), requests = fair
    meetings_before = Meeting.objects.count()
    run = schedule_run(session=session, method=ScheduleRun.Method.CP_SAT, time_limit=10)

    assert (run.status, run.accepted, run.placed, run.unplaced) == ("optimal", 4, 4, [])
    assert run.objective == 5 + 1 + 1 + 1
    assert Meeting.objects.count() == meetings_before + 4
    mutual = MeetingRequest.objects.get(pk=requests[0].pk).meeting
    assert MeetingRequest.objects.get(pk=requests[1].pk).meeting == mutual
    assert mutual.kind == Meeting.Kind.B2B
    assert mutual.title == "B2B: Regione Piemonte – Rivian"
    assert list(mutual.attendees.all()) == [anna.member]
    assert list(mutual.partner_contacts.all()) == [carla.person]
    assert list(mutual.partner_organisations.all()) == [carla.person.organisation]
    assert "Funding" in mutual.description and "Suppliers" in mutual.description
    assert mutual.venue.name.startswith("Table ") and mutual.venue.name.endswith(
        " · Lingotto Hall 1"
    )
    assert mutual.venue.address == "Via Nizza 280"
    assert Table.objects.get(venue=mutual.venue).session == session
    nobody = MeetingRequest.objects.get(pk=requests[4].pk).meeting
    assert nobody.title == "B2B: Brembo – Eve Nobody"
    assert list(nobody.partner_organisations.all()) == []
    for meeting in Meeting.objects.filter(kind=Meeting.Kind.B2B):
        start = meeting.start.astimezone(session.mission.tz)
        assert start.date() == SATURDAY and start.time() in {
            time(9),
            time(9, 30),
            time(10),
            time(10, 30),
        }
        assert meeting.end - meeting.start == timedelta(minutes=30)
    # Nobody is in two meetings at once, no table hosts two.
    seen = set()
    for meeting in Meeting.objects.filter(kind=Meeting.Kind.B2B).prefetch_related(
        "attendees", "partner_contacts"
    ):
        for who in [*meeting.attendees.all(), *meeting.partner_contacts.all(), meeting.venue]:
            assert (who, meeting.start) not in seen
            seen.add((who, meeting.start))
    assert Venue.objects.filter(mission=session.mission).count() == 1 + len(
        {m.venue_id for m in Meeting.objects.filter(kind=Meeting.Kind.B2B)}
    )


def test_a_table_without_a_hall_is_a_venue_of_its_name():
    session = make_session(hall=False, tables=1)
    accept(add_delegate(session), add_visitor(session))
    schedule_run(session=session)
    assert Meeting.objects.get().venue.name == "Table 1"


def test_two_sessions_in_one_hall_have_their_own_table_venues(fair):
    session, people, requests = fair
    schedule_run(session=session, time_limit=10)
    other = make_session(session.mission, title="Second round", tables=1)
    accept(add_delegate(other), add_visitor(other))
    schedule_run(session=other)
    venue = Table.objects.get(session=other).venue
    assert venue.name == "Table 1 · Lingotto Hall 1 · Second round"
    assert Table.objects.get(session=session, name="Table 1").venue.name == (
        "Table 1 · Lingotto Hall 1"
    )


def test_a_second_run_keeps_published_and_locked_meetings_and_replaces_the_others(fair):
    session, (anna, bruno, carla, dan, eve), requests = fair
    schedule_run(session=session, time_limit=10)
    mutual = MeetingRequest.objects.get(pk=requests[0].pk).meeting
    publish(session.mission)
    locked = MeetingRequest.objects.get(pk=requests[2].pk)
    locked.locked = True
    locked.save()
    kept = {mutual.pk: (mutual.start, mutual.venue_id)}
    kept[locked.meeting_id] = (locked.meeting.start, locked.meeting.venue_id)
    # Published: this one stays; the other two were published too: unpublish them by
    # adding a meeting and making a new version is not needed: create a new request instead.
    extra = add_visitor(session, "Zoe New")
    accept(extra, bruno)
    before = set(Meeting.objects.values_list("pk", flat=True))

    run = schedule_run(session=session, time_limit=10)

    assert run.placed == 5
    after = {m.pk: (m.start, m.venue_id) for m in Meeting.objects.all()}
    for pk, where in kept.items():
        assert after[pk] == where
    # Everything published stays (same rows); one new meeting for the new request.
    assert before <= set(after)
    assert len(after) == len(before) + 1


def test_unpublished_unlocked_meetings_are_replaced_where_the_schedule_changes(fair):
    session, (anna, bruno, carla, dan, eve), requests = fair
    schedule_run(session=session, time_limit=10)
    locked = MeetingRequest.objects.get(pk=requests[3].pk)  # Bruno meets Carla
    locked.locked = True
    locked.save()
    where_locked = (locked.meeting.start, locked.meeting.venue_id)
    # Carla cannot make her meeting with Anna any more: it must move.
    moved = MeetingRequest.objects.get(pk=requests[0].pk).meeting
    participant_set_absences(participant=carla, periods=[(moved.start, moved.end)])
    schedule_run(session=session, time_limit=10)
    locked.refresh_from_db()
    assert (locked.meeting.start, locked.meeting.venue_id) == where_locked
    assert not Meeting.objects.filter(pk=moved.pk).exists()
    again = MeetingRequest.objects.get(pk=requests[0].pk).meeting
    assert again.start != moved.start
    assert MeetingRequest.objects.get(pk=requests[1].pk).meeting == again
    assert Meeting.objects.count() == 4


def test_running_twice_on_the_same_input_writes_nothing_but_the_run(fair):
    session, people, requests = fair
    schedule_run(session=session, time_limit=10)
    meetings = sorted(Meeting.objects.values_list("pk", "uid", "start", "venue", "version"))
    history = Meeting.history.count()
    schedule_run(session=session, time_limit=10)
    assert sorted(Meeting.objects.values_list("pk", "uid", "start", "venue", "version")) == (
        meetings
    )
    assert Meeting.history.count() == history
    assert ScheduleRun.objects.count() == 2


def test_published_or_locked_meetings_are_locked_requests_at_their_slot_and_table(fair):
    session, (anna, bruno, carla, dan, eve), requests = fair
    schedule_run(session=session, time_limit=10)
    built = build_problem(session)
    assert all(r.locked is None for r in built.problem.requests)
    assert {m.pk for m in built.replaceable} == set(Meeting.objects.values_list("pk", flat=True))
    lock = MeetingRequest.objects.get(pk=requests[2].pk)
    lock.locked = True
    lock.save()
    built = build_problem(session)
    where = built.placements[lock.pk]
    assert [(r.key, r.locked) for r in built.problem.requests if r.locked] == [
        (lock.pk, (where.slot, where.table))
    ]
    assert built.slots[where.slot].start == lock.meeting.start
    assert Table.objects.get(pk=where.table).venue == lock.meeting.venue
    publish(session.mission)
    built = build_problem(session)
    assert all(r.locked is not None for r in built.problem.requests)
    assert built.replaceable == []


def test_a_meeting_moved_by_hand_is_kept_and_makes_both_people_busy(fair):
    session, (anna, bruno, carla, dan, eve), requests = fair
    schedule_run(session=session, time_limit=10)
    publish(session.mission)
    meeting = MeetingRequest.objects.get(pk=requests[0].pk).meeting
    meeting.start = local(ROME, 2026, 3, 28, 9, 15)
    meeting.end = local(ROME, 2026, 3, 28, 9, 45)
    meeting_save(meeting=meeting)
    built = build_problem(session)
    assert requests[0].pk not in built.pairs
    assert built.moved_by_hand == [meeting]
    assert _participant(built, anna).available == {2, 3}
    assert _participant(built, carla).available == {2, 3}
    run = schedule_run(session=session, time_limit=10)
    assert {"meeting": meeting.pk, "note": "moved_by_hand", "title": meeting.title} in run.unplaced
    meeting.refresh_from_db()
    assert meeting.start == local(ROME, 2026, 3, 28, 9, 15)


def test_a_meeting_of_a_removed_participant_stays_and_is_reported(fair):
    session, (anna, bruno, carla, dan, eve), requests = fair
    schedule_run(session=session, time_limit=10)
    meeting = MeetingRequest.objects.get(pk=requests[4].pk).meeting
    participant_remove(participant=eve)
    run = schedule_run(session=session, time_limit=10)
    assert Meeting.objects.filter(pk=meeting.pk).exists()
    assert {"meeting": meeting.pk, "note": "orphan", "title": meeting.title} in run.unplaced
    assert run.accepted == 3


def test_left_out_requests_have_their_reason():
    session = make_session(days=((SATURDAY, time(9), time(10)),), tables=1)
    anna = add_delegate(session, "Anna Rossi", max_meetings=1)
    carla, dan = add_visitor(session, "Carla Conti"), add_visitor(session, "Dan Doe")
    away = add_visitor(session, "Al Away")
    participant_set_absences(
        participant=away,
        periods=[(local(ROME, 2026, 3, 28, 8, 0), local(ROME, 2026, 3, 28, 12, 0))],
    )
    must = accept(anna, carla, MeetingRequest.Priority.MUST)
    nice = accept(anna, dan)
    never = accept(away, anna)
    run = schedule_run(session=session, time_limit=10)
    assert run.placed == 1 and run.objective == 3
    reasons = {e["request"]: e for e in run.unplaced if "request" in e}
    assert reasons[never.pk]["reason"] == "no_common_slot"
    assert reasons[nice.pk]["reason"] == "limit_reached"
    assert scheduling.describe_unplaced(reasons[nice.pk]) == (
        "Anna Rossi's limit of 1 meeting reached"
    )
    assert MeetingRequest.objects.get(pk=must.pk).meeting is not None


def test_the_schedule_is_all_or_none(fair, monkeypatch):
    session, people, requests = fair
    schedule_run(session=session, time_limit=10)
    # Retitled by hand: the next run replaces every one of them (deletes, then creates).
    for meeting in Meeting.objects.all():
        meeting.title = "Old"
        meeting_save(meeting=meeting)
    before = (
        sorted(Meeting.objects.values_list("pk", "start", "venue")),
        list(MeetingRequest.objects.order_by("pk").values_list("meeting", flat=True)),
        Venue.objects.count(),
        ScheduleRun.objects.count(),
    )
    calls = []
    real = scheduling.meeting_schedule

    def failing(**kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(scheduling, "meeting_schedule", failing)
    with pytest.raises(RuntimeError):
        schedule_run(session=session, time_limit=10)
    assert len(calls) == 3
    after = (
        sorted(Meeting.objects.values_list("pk", "start", "venue")),
        list(MeetingRequest.objects.order_by("pk").values_list("meeting", flat=True)),
        Venue.objects.count(),
        ScheduleRun.objects.count(),
    )
    assert after == before


def test_a_change_while_the_solver_runs_stops_the_run(fair, monkeypatch):
    session, (anna, bruno, carla, dan, eve), requests = fair
    real = scheduling._solve

    def solve_while_someone_accepts(built, **kwargs):
        solution = real(built, **kwargs)
        accept(dan, bruno)
        return solution

    monkeypatch.setattr(scheduling, "_solve", solve_while_someone_accepts)
    with pytest.raises(ValidationError) as error:
        schedule_run(session=session)
    assert "changed while scheduling" in error.value.messages[0]
    assert not Meeting.objects.exists()
    assert not ScheduleRun.objects.exists()


def test_a_row_written_by_somebody_else_meanwhile_is_the_same_message(fair, monkeypatch):
    session, people, requests = fair

    def clash(**kwargs):
        raise IntegrityError("UNIQUE constraint failed: missions_venue.mission_id, name")

    monkeypatch.setattr(scheduling, "venue_save", clash)
    with pytest.raises(ValidationError) as error:
        schedule_run(session=session)
    assert "changed while scheduling" in error.value.messages[0]
    assert not Meeting.objects.exists()


def test_each_table_change_or_run_changes_the_fingerprint(fair):
    session, people, requests = fair
    first = scheduling.fingerprint(session.pk)
    assert scheduling.fingerprint(session.pk) == first
    table = session.tables.first()
    table.name = "Table A"
    table.save()
    # A renamed table is the same table: the problem is the same.
    assert scheduling.fingerprint(session.pk) == first
    session.tables.last().delete()
    second = scheduling.fingerprint(session.pk)
    assert second != first
    session.slot_minutes = 20
    session_save(session=session)
    third = scheduling.fingerprint(session.pk)
    assert third != second
    # A delegate leaving earlier changes their availability.
    member = people[0].member
    member.departure = local(ROME, 2026, 3, 28, 10, 0)
    delegation_member_save(member=member)
    assert scheduling.fingerprint(session.pk) != third


@pytest.mark.parametrize(
    "setup, message",
    [
        ("no_days", "The session has no days yet"),
        ("no_slots", "The session's days have no slot"),
        ("no_tables", "The session has no tables yet"),
        ("no_requests", "No accepted requests to schedule yet"),
    ],
)
def test_nothing_to_schedule_is_a_clear_message(setup, message):
    days = {
        "no_days": (),
        "no_slots": ((SATURDAY, time(9), time(9, 20)),),
    }.get(setup, ((SATURDAY, time(9), time(10)),))
    session = make_session(days=days, tables=0 if setup == "no_tables" else 1)
    if setup != "no_requests":
        accept(add_delegate(session), add_visitor(session))
    with pytest.raises(ValidationError) as error:
        schedule_run(session=session)
    assert error.value.messages[0].startswith(message)
    assert not ScheduleRun.objects.exists()


def test_two_kept_meetings_moved_onto_one_table_are_named(fair):
    session, people, requests = fair
    schedule_run(session=session, time_limit=10)
    publish(session.mission)
    first = MeetingRequest.objects.get(pk=requests[0].pk).meeting
    second = MeetingRequest.objects.get(pk=requests[4].pk).meeting
    second.start, second.end, second.venue = first.start, first.end, first.venue
    meeting_save(meeting=second)
    publish(session.mission)
    with pytest.raises(ValidationError) as error:
        schedule_run(session=session)
    assert error.value.messages == [
        f"“{first.title}” and “{second.title}” are both kept at Sat 28 Mar "
        f"{first.start.astimezone(session.mission.tz):%H:%M} with the same table or person: "
        "move one of them, or unlock it if it is not published."
    ]


def test_a_solver_refusal_is_a_message(fair, monkeypatch):
    session, people, requests = fair

    def refuse(problem, **kwargs):
        raise ValueError("Locked requests 1 and 2 both need table 3 in slot 0: unlock one.")

    monkeypatch.setattr(solver, "solve", refuse)
    with pytest.raises(ValidationError) as error:
        schedule_run(session=session)
    assert error.value.messages == [
        "The scheduler refused this session: Locked requests 1 and 2 both need table 3 in "
        "slot 0: unlock one."
    ]


def test_greedy_and_cp_sat_are_recorded_with_their_figures(fair):
    session, people, requests = fair
    run = schedule_run(session=session, method=ScheduleRun.Method.GREEDY, seed=7)
    assert (run.method, run.seed, run.placed, run.accepted) == ("greedy", 7, 4, 4)
    assert run.time_limit == session.solver_seconds
    assert run.idle_max >= 0 and run.idle_mean >= 0
