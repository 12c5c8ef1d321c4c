"""The demo's B2B session (VTM Torino 2026): about forty participants and a hundred requests
from the data file, scheduled out of the box by the real scheduler (matchmaking/scheduling.py's
`schedule_run`, CP-SAT) and published, so that a visitor's page and calendar show their
meetings."""

from collections import Counter, defaultdict
from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse

from matchmaking import demo as matchmaking_demo
from matchmaking.models import Absence, MeetingRequest, Participant, ScheduleRun, Session
from matchmaking.slots import session_slots
from meetings.models import Meeting
from missions.models import Mission
from releases.models import ProgrammeVersion
from tests.icsparsers import read_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("load_demo", verbosity=0)
    return Session.objects.get(mission__slug="vtm-torino-2026")


def test_the_session_as_the_data_file_says(demo):
    mission = demo.mission
    assert demo.title == "VTM Torino 2026 B2B"
    assert (demo.slot_minutes, demo.tables.count()) == (20, 14)
    days = [(d.date.isoformat(), f"{d.start:%H:%M}", f"{d.end:%H:%M}") for d in demo.days.all()]
    assert days == [("2026-03-24", "09:30", "17:30"), ("2026-03-25", "09:30", "17:30")]
    assert len(session_slots(demo)) == 40  # 10 before lunch and 10 after, each day
    sides = Counter(demo.participants.values_list("side", flat=True))
    assert sides == {"delegation": 20, "visitor": 20}
    # The suppliers are members of the mission's delegation; Carlo Materazzo of Rivian, met
    # in Pontiac, is a visitor.
    suppliers = demo.participants.filter(side="delegation")
    assert all(p.member.mission_id == mission.pk for p in suppliers)
    materazzo = demo.participants.get(person__last_name="Materazzo")
    assert (materazzo.side, str(materazzo.person.organisation)) == ("visitor", "Rivian")
    statuses = Counter(demo.requests.values_list("status", flat=True))
    assert 80 <= sum(statuses.values()) <= 120
    assert statuses["accepted"] > statuses["pending"] > statuses["declined"] > 0
    priorities = Counter(demo.requests.values_list("priority", flat=True))
    assert priorities["must"] > 10 and priorities["nice"] > 10
    # Ten pairs asked each other: twenty requests, all accepted.
    mutual = demo.requests.filter(requested__requests_made__requested=F("requester"))
    assert mutual.count() == 20
    assert set(mutual.values_list("status", flat=True)) == {"accepted"}
    assert demo.participants.filter(absences__isnull=False).distinct().count() == 6


def _b2b_meetings(session):
    return Meeting.objects.filter(matchmaking_requests__session=session).distinct()


def test_every_accepted_pair_with_a_common_free_slot_is_placed(demo):
    run = demo.runs.get()
    assert (run.method, run.status, run.seed) == ("cp-sat", "optimal", 0)
    accepted = demo.requests.filter(status=MeetingRequest.Status.ACCEPTED)
    pairs = {frozenset((r.requester_id, r.requested_id)) for r in accepted}
    assert run.accepted == len(pairs) == accepted.count() - 10  # ten mutual pairs, once each
    left_out = [entry for entry in run.unplaced if "request" in entry]
    # Proven optimal, so the only reason to leave a pair out is that the two have no slot in
    # common (a limit or a full hall would be the solver's choice, not a fact of the data).
    assert {entry["reason"] for entry in left_out} <= {"no_common_slot"}
    assert run.placed == len(pairs) - len(left_out)
    assert run.objective == run.bound
    left_pairs = {
        frozenset((r.requester_id, r.requested_id))
        for r in MeetingRequest.objects.filter(pk__in=[e["request"] for e in left_out])
    }
    for request in accepted:
        pair = frozenset((request.requester_id, request.requested_id))
        assert (request.meeting_id is None) == (pair in left_pairs), request
    meetings = _b2b_meetings(demo)
    assert meetings.count() == run.placed
    # Both requests of a mutual pair point at the one meeting.
    by_pair = defaultdict(set)
    for request in accepted.filter(meeting__isnull=False):
        by_pair[frozenset((request.requester_id, request.requested_id))].add(request.meeting_id)
    assert all(len(ids) == 1 for ids in by_pair.values())


def test_the_schedule_keeps_the_rules(demo):
    mission = demo.mission
    slots = {(slot.start, slot.end) for slot in session_slots(demo)}
    meetings = list(_b2b_meetings(demo).select_related("venue"))
    assert meetings
    # Every meeting is one of the session's slots, at one of its tables, and no table is
    # used twice in a slot.
    tables = set(demo.tables.values_list("venue_id", flat=True))
    assert all((m.start, m.end) in slots and m.venue_id in tables for m in meetings)
    used = Counter((m.venue_id, m.start) for m in meetings)
    assert max(used.values()) == 1
    assert max(Counter(m.start for m in meetings).values()) <= demo.tables.count()
    # Who is in each meeting: the two participants of its request(s).
    people = defaultdict(set)
    for request in demo.requests.filter(meeting__isnull=False):
        people[request.meeting_id] |= {request.requester_id, request.requested_id}
    assert all(len(pair) == 2 for pair in people.values())
    # No person in two meetings at once, counting the rest of the mission's programme.
    b2b = {m.pk for m in meetings}
    busy = defaultdict(list)
    for meeting in (
        Meeting.objects.filter(mission=mission)
        .exclude(status=Meeting.Status.CANCELLED)
        .prefetch_related("attendees", "partner_contacts")
    ):
        persons = {a.person_id for a in meeting.attendees.all()}
        persons |= {c.pk for c in meeting.partner_contacts.all()}
        for person in persons:
            busy[person].append(meeting)
    for participant in demo.participants.all():
        theirs = sorted(busy[participant.person_id], key=lambda m: m.start)
        assert sum(m.pk in b2b for m in theirs) == sum(
            participant.pk in pair for pair in people.values()
        )
        for earlier, later in zip(theirs, theirs[1:], strict=False):
            if earlier.pk in b2b or later.pk in b2b:
                assert earlier.end <= later.start, (participant, earlier, later)
    # Absences respected (six participants have some).
    absences = list(Absence.objects.filter(participant__session=demo))
    assert len({a.participant_id for a in absences}) == 6
    for absence in absences:
        for meeting in meetings:
            if absence.participant_id in people[meeting.pk]:
                assert not absence.overlaps(meeting.start, meeting.end), (absence, meeting)


def test_scheduled_published_and_in_a_visitors_calendar(demo, client):
    mission = Mission.objects.get(pk=demo.mission_id)
    assert mission.status == Mission.Status.PUBLISHED
    placed = _b2b_meetings(demo)
    assert placed.count() == demo.runs.get().placed >= 40
    version = ProgrammeVersion.objects.filter(mission=mission).latest("number")
    published = {entry["pk"] for entry in version.snapshot["meetings"].values()}
    assert set(placed.values_list("pk", flat=True)) <= published
    visitor = (
        Participant.objects.filter(
            session=demo, side="visitor", requests_made__meeting__isnull=False
        )
        .distinct()
        .first()
    )
    theirs = set(
        Meeting.objects.filter(
            partner_contacts=visitor.person, matchmaking_requests__session=demo
        ).values_list("uid", flat=True)
    )
    assert theirs
    body = client.get(reverse("matchmaking_public:feed", args=[visitor.token])).content
    for parser, events in read_all(body).items():
        assert theirs <= {event.uid for event in events}, parser
    page = client.get(reverse("matchmaking_public:page", args=[visitor.token]))
    assert page.status_code == 200
    assert page.content.decode().count('id="meeting-') >= len(theirs)
    # Meetings sit inside the session's days, in Rome time.
    for meeting in placed:
        local = meeting.start.astimezone(mission.tz)
        assert local.date().isoformat() in ("2026-03-24", "2026-03-25")
        assert meeting.end - meeting.start == timedelta(minutes=20)


def test_a_second_load_changes_nothing(demo):
    before = (
        Participant.objects.count(),
        MeetingRequest.objects.count(),
        Meeting.objects.count(),
        ProgrammeVersion.objects.count(),
        ScheduleRun.objects.count(),
    )
    call_command("load_demo", verbosity=0)
    assert (
        Participant.objects.count(),
        MeetingRequest.objects.count(),
        Meeting.objects.count(),
        ProgrammeVersion.objects.count(),
        ScheduleRun.objects.count(),
    ) == before


def test_a_scheduler_that_refuses_leaves_the_session_waiting_and_publishes(monkeypatch, client):
    def refuse(**kwargs):
        raise ValidationError("Nothing to schedule.")

    monkeypatch.setattr(matchmaking_demo, "schedule_run", refuse)
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "B2B session not scheduled: Nothing to schedule." in out.getvalue()
    session = Session.objects.get(mission__slug="vtm-torino-2026")
    assert not session.runs.exists()
    assert not _b2b_meetings(session).exists()
    assert session.mission.status == Mission.Status.PUBLISHED
    materazzo = session.participants.get(person__last_name="Materazzo")
    page = client.get(reverse("matchmaking_public:page", args=[materazzo.token])).content.decode()
    # His one meeting in Torino is the Rivian visit of the programme, no B2B meeting yet.
    assert page.count('id="meeting-') == 1
    assert "Rivian delegation meets the Piedmont supply chain" in page
