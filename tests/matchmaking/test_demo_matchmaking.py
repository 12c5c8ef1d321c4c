"""The demo's B2B session (VTM Torino 2026): about forty participants and a hundred requests
from the data file, scheduled out of the box and published, so that a visitor's page and
calendar show their meetings. The scheduling step is matchmaking/scheduling.py's (mmrun's
`schedule_run`); where it is not in the build yet, a first-fit stand-in below takes its place
in these tests only, so the publishing and the feeds are checked either way."""

import importlib.util
import sys
import types
from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse

from matchmaking.models import Absence, MeetingRequest, Participant, ScheduleRun, Session
from matchmaking.slots import session_slots
from meetings.models import Meeting
from meetings.services import meeting_schedule
from missions.models import Mission, Venue
from missions.services import venue_save
from releases.models import ProgrammeVersion
from tests.icsparsers import read_all

pytestmark = pytest.mark.django_db

HAS_SCHEDULER = importlib.util.find_spec("matchmaking.scheduling") is not None


def _first_fit(*, session, user=None, method="cp-sat", seed=0, time_limit=None):
    """A stand-in for schedule_run: each accepted pair at the first common free slot and
    table, made through meeting_schedule as the real one does."""
    slots = session_slots(Session.objects.prefetch_related("days__breaks").get(pk=session.pk))
    tables = list(session.tables.all())
    busy: dict[int, set] = {}
    used: Counter = Counter()
    placed = 0
    pairs = {}
    for request in session.requests.accepted().select_related(
        "requester__person__organisation",
        "requested__person__organisation",
        "requester__member",
        "requested__member",
    ):
        pairs.setdefault(frozenset((request.requester_id, request.requested_id)), request)
    away: dict[int, list] = {}
    for absence in Absence.objects.filter(participant__session=session):
        away.setdefault(absence.participant_id, []).append(absence)
    for request in pairs.values():
        home, guest = sorted(
            (request.requester, request.requested), key=lambda p: p.side != "delegation"
        )
        for slot in slots:
            if slot.index in busy.get(home.pk, set()) | busy.get(guest.pk, set()):
                continue
            if used[slot.index] >= len(tables):
                continue
            if any(
                a.overlaps(slot.start, slot.end) for p in (home, guest) for a in away.get(p.pk, [])
            ):
                continue
            table = tables[used[slot.index]]
            if table.venue is None:
                table.venue = venue_save(venue=Venue(mission=session.mission, name=table.name))
                table.save()
            meeting = meeting_schedule(
                mission=session.mission,
                start=slot.start,
                end=slot.end,
                title=f"B2B: {guest.person.organisation} · {home.person.organisation}",
                kind=Meeting.Kind.B2B,
                venue=table.venue,
                attendees=[home.member],
                partner_organisations=[guest.person.organisation],
                partner_contacts=[guest.person],
            )
            MeetingRequest.objects.filter(
                requester__in=[home, guest], requested__in=[home, guest]
            ).update(meeting=meeting)
            used[slot.index] += 1
            busy.setdefault(home.pk, set()).add(slot.index)
            busy.setdefault(guest.pk, set()).add(slot.index)
            placed += 1
            break
    return ScheduleRun.objects.create(
        session=session, method=method, status="feasible", placed=placed, seed=seed
    )


@pytest.fixture
def scheduler(monkeypatch):
    if not HAS_SCHEDULER:
        fake = types.ModuleType("matchmaking.scheduling")
        fake.schedule_run = _first_fit
        monkeypatch.setitem(sys.modules, "matchmaking.scheduling", fake)


@pytest.fixture
def demo(scheduler):
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


def test_scheduled_published_and_in_a_visitors_calendar(demo, client):
    mission = Mission.objects.get(pk=demo.mission_id)
    assert mission.status == Mission.Status.PUBLISHED
    placed = Meeting.objects.filter(matchmaking_requests__session=demo).distinct()
    assert placed.count() >= 40
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


def test_without_a_scheduler_the_session_waits_and_the_programme_is_published(monkeypatch, client):
    monkeypatch.setitem(sys.modules, "matchmaking.scheduling", None)  # import fails
    call_command("load_demo", verbosity=0)
    session = Session.objects.get(mission__slug="vtm-torino-2026")
    assert not session.runs.exists()
    assert session.mission.status == Mission.Status.PUBLISHED
    materazzo = session.participants.get(person__last_name="Materazzo")
    page = client.get(reverse("matchmaking_public:page", args=[materazzo.token])).content.decode()
    # His one meeting in Torino is the Rivian visit of the programme, no B2B meeting yet.
    assert page.count('id="meeting-') == 1
    assert "Rivian delegation meets the Piedmont supply chain" in page


def test_a_scheduler_that_refuses_leaves_the_demo_loadable(monkeypatch):
    from django.core.exceptions import ValidationError

    def refuse(**kwargs):
        raise ValidationError("Nothing to schedule.")

    fake = types.ModuleType("matchmaking.scheduling")
    fake.schedule_run = refuse
    monkeypatch.setitem(sys.modules, "matchmaking.scheduling", fake)
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "B2B session not scheduled: Nothing to schedule." in out.getvalue()
    assert Session.objects.filter(mission__slug="vtm-torino-2026").exists()
