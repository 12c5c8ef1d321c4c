"""Builders for the scheduler's tests: a session in Turin (Europe/Rome) whose second day is
the night clocks spring forward (29 March 2026), through the app's services."""

from datetime import date, time

from matchmaking.models import MeetingRequest, Participant, Session, SessionDay
from matchmaking.services import (
    participant_add_member,
    participant_add_visitor,
    request_create,
    request_decide,
    session_day_save,
    session_save,
    tables_add,
)
from tests.builders import make_member, make_organisation, make_person, make_venue
from tests.matchmaking.setup_builders import torino

SATURDAY = date(2026, 3, 28)  # CET (UTC+1)
SUNDAY = date(2026, 3, 29)  # CEST (UTC+2) from 02:00


def make_turin(**fields):
    """The setup tests' Torino mission (setup_builders.torino), over the DST weekend."""
    return torino(**{"start_date": date(2026, 3, 27), "end_date": date(2026, 3, 30), **fields})


def make_session(
    mission=None,
    *,
    days=((SATURDAY, time(9), time(11)),),
    slot_minutes: int = 30,
    tables: int = 2,
    hall: bool = True,
    **fields,
) -> Session:
    mission = mission or make_turin()
    venue = mission.venues.filter(name="Lingotto Hall 1").first() or make_venue(
        mission, name="Lingotto Hall 1", address="Via Nizza 280", city="Torino"
    )
    session = session_save(
        session=Session(
            mission=mission,
            slot_minutes=slot_minutes,
            hall=venue if hall else None,
            **fields,
        )
    )
    for day, start, end in days:
        session_day_save(day=SessionDay(session=session, date=day, start=start, end=end))
    if tables:
        tables_add(session=session, count=tables)
    return session


def add_delegate(session: Session, name: str = "", org: str = "", **fields) -> Participant:
    organisation = make_organisation(name=org) if org else None
    first, _, last = (name or "Dele Gate").partition(" ")
    person = make_person(first_name=first, last_name=last or "X", organisation=organisation)
    member_fields = {k: fields.pop(k) for k in ("arrival", "departure") if k in fields}
    member = make_member(session.mission, person, **member_fields)
    return participant_add_member(session=session, member=member, **fields)


def add_visitor(session: Session, name: str = "", org: str = "", **fields) -> Participant:
    organisation = make_organisation(name=org) if org else None
    first, _, last = (name or "Visi Tor").partition(" ")
    person = make_person(first_name=first, last_name=last or "X", organisation=organisation)
    return participant_add_visitor(session=session, person=person, **fields)


def accept(
    requester: Participant, requested: Participant, priority: str = MeetingRequest.Priority.NICE
) -> MeetingRequest:
    request = request_create(
        requester=requester, requested=requested, priority=priority, by_coordinator=True
    )
    if request.status != MeetingRequest.Status.ACCEPTED:
        request = request_decide(request=request, accept=True, by_coordinator=True)
    return request
