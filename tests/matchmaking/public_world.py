"""A small B2B session for the participants' side: a Torino mission, two delegation
participants, three visitors, their requests; helpers to place a meeting (with the
scheduler's own parts) and to publish."""

from dataclasses import dataclass
from datetime import date, time, timedelta

from django.urls import reverse

from matchmaking import scheduling, services
from matchmaking.models import MeetingRequest, Participant, Session, SessionBreak, SessionDay
from meetings.models import Meeting
from meetings.services import meeting_schedule
from missions.models import Mission
from tests.builders import local, make_member, make_mission, make_organisation, make_person

ROME = "Europe/Rome"


@dataclass
class World:
    mission: Mission
    session: Session
    anna: Participant  # delegation side, Piemonte supplier
    bruno: Participant  # delegation side
    vera: Participant  # visitor, Rivian
    otto: Participant  # visitor, another OEM
    lena: Participant  # visitor, Otto's colleague


def torino(**fields) -> Mission:
    values = {
        "title": "VTM Torino 2026",
        "city": "Torino",
        "region": "Piemonte",
        "country": "Italy",
        "timezone": ROME,
        "start_date": date(2026, 3, 24),
        "end_date": date(2026, 3, 25),
    }
    values.update(fields)
    return make_mission(**values)


def make_session(mission: Mission, **fields) -> Session:
    session = services.session_save(session=Session(mission=mission, **fields))
    services.session_day_save(
        day=SessionDay(
            session=session, date=mission.start_date, start=time(9, 30), end=time(17, 30)
        ),
        breaks=[SessionBreak(start=time(13), end=time(14), label="Lunch")],
    )
    services.tables_add(session=session, count=3)
    return session


def delegation_participant(session: Session, first: str, last: str, org: str, **fields):
    person = make_person(
        first_name=first,
        last_name=last,
        organisation=make_organisation(name=org, sector="Automotive", country="Italy"),
        phone="+39 011 555 0101",
        preferred_language="en",  # the tests read English; one test switches to Italian
    )
    member = make_member(session.mission, person, notes="SECRET-NOTE-" + last)
    return services.participant_add_member(session=session, member=member, **fields)


def visitor(session: Session, first: str, last: str, organisation, **fields):
    person = make_person(
        first_name=first,
        last_name=last,
        organisation=organisation,
        position="Purchasing",
        preferred_language="en",
    )
    return services.participant_add_visitor(session=session, person=person, **fields)


def make_world(**session_fields) -> World:
    mission = torino()
    session = make_session(mission, title="VTM Torino 2026 B2B", **session_fields)
    anna = delegation_participant(
        session, "Anna", "Rossi", "Stampi Canavese", offers="Aluminium die casting"
    )
    bruno = delegation_participant(session, "Bruno", "Bianchi", "Cablaggi Pinerolo")
    rivian = make_organisation(name="Rivian", sector="Electric vehicles", country="United States")
    vera = visitor(session, "Vera", "Lind", rivian, looks_for="Castings for battery housings")
    oem = make_organisation(name="Nordwagen", sector="Commercial vehicles", country="Germany")
    otto = visitor(session, "Otto", "Kramer", oem)
    lena = visitor(session, "Lena", "Kramer", oem)
    return World(mission, session, anna, bruno, vera, otto, lena)


def page(participant: Participant) -> str:
    return reverse("matchmaking_public:page", args=[participant.token])


def feed(participant: Participant) -> str:
    return reverse("matchmaking_public:feed", args=[participant.token])


def place(
    request: MeetingRequest, start, *, minutes: int = 20, table: int = 0, **fields
) -> Meeting:
    """A meeting for an accepted request at a chosen time and table, made by the scheduler's
    own parts (matchmaking/scheduling.py: its title, description, table venue and people)."""
    session = request.session
    built = scheduling.build_problem(session)
    pair = next(p for p in built.pairs.values() if request.pk in p.request_ids)
    meeting = meeting_schedule(
        mission=session.mission,
        start=start,
        end=start + timedelta(minutes=minutes),
        title=scheduling.meeting_title(pair),
        kind=Meeting.Kind.B2B,
        venue=scheduling.table_venue(built.tables[table], built.session),
        description=scheduling.meeting_description(pair),
        **scheduling._people(pair),
        **fields,
    )
    MeetingRequest.objects.filter(pk__in=pair.request_ids).update(meeting=meeting)
    return meeting


def at(mission: Mission, day: date, hour: int, minute: int = 0):
    return local(mission, day.year, day.month, day.day, hour, minute)
