"""Builders for the matchmaking setup tests: a VTM Torino 2026-like mission with a session,
through the same services as the pages."""

from datetime import date, time

from django.urls import reverse

from matchmaking import services
from matchmaking.models import Session, SessionBreak, SessionDay
from tests.builders import (
    make_coordinator,
    make_member,
    make_mission,
    make_organisation,
    make_person,
)


def torino(**fields):
    values = {
        "title": "VTM Torino 2026",
        "city": "Torino",
        "region": "Piemonte",
        "country": "Italy",
        "timezone": "Europe/Rome",
        "start_date": date(2026, 3, 24),
        "end_date": date(2026, 3, 25),
    }
    values.update(fields)
    return make_mission(**values)


def make_session(mission, **fields) -> Session:
    return services.session_save(session=Session(mission=mission, **fields))


def add_day(session, day: date, start=time(9), end=time(13), breaks=()) -> SessionDay:
    return services.session_day_save(
        day=SessionDay(session=session, date=day, start=start, end=end),
        breaks=[SessionBreak(start=s, end=e, label=label) for s, e, label in breaks],
    )


def member_participant(session, **person_fields):
    organisation = person_fields.pop("organisation", None) or make_organisation(
        sector="Automotive components"
    )
    member = make_member(session.mission, make_person(organisation=organisation, **person_fields))
    return services.participant_add_member(session=session, member=member)


def visitor_participant(session, **person_fields):
    organisation = person_fields.pop("organisation", None) or make_organisation(sector="OEM")
    return services.participant_add_visitor(
        session=session, person=make_person(organisation=organisation, **person_fields)
    )


def coordinator_of(mission):
    return make_coordinator(mission)


def session_url(name, session, **kwargs) -> str:
    """The URL of the coordinators' page `matchmaking:<name>` of `session`."""
    return reverse(
        f"matchmaking:{name}",
        kwargs={"slug": session.mission.slug, "session": session.pk, **kwargs},
    )
