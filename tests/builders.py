"""Small builders for tests: every object goes through the same services as the app."""

from datetime import date, datetime, timedelta
from itertools import count
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

from delegations.models import DelegationMember, Organisation, Person
from delegations.services import delegation_add_member, organisation_save, person_save
from meetings.models import Meeting
from meetings.services import meeting_schedule
from missions.models import Mission, Venue
from missions.services import mission_save, venue_save

_serial = count(1)


def make_mission(**fields) -> Mission:
    n = next(_serial)
    values = {
        "title": f"Test mission {n}",
        "slug": f"test-mission-{n}",
        "city": "Pontiac",
        "region": "Michigan",
        "country": "United States",
        "timezone": "America/Detroit",
        "start_date": date(2025, 4, 22),
        "end_date": date(2025, 4, 24),
        "status": Mission.Status.PUBLISHED,
    }
    coordinators = fields.pop("coordinators", None)
    values.update(fields)
    return mission_save(mission=Mission(**values), coordinators=coordinators)


def make_venue(mission: Mission, **fields) -> Venue:
    n = next(_serial)
    values = {"name": f"Venue {n}", "address": f"{n} Main St", "city": "Pontiac"}
    values.update(fields)
    return venue_save(venue=Venue(mission=mission, **values))


def make_organisation(**fields) -> Organisation:
    n = next(_serial)
    values = {"name": f"Organisation {n}", "kind": Organisation.Kind.OEM}
    values.update(fields)
    return organisation_save(organisation=Organisation(**values))


def make_person(**fields) -> Person:
    n = next(_serial)
    values = {"first_name": "Person", "last_name": f"Number{n}", "email": f"p{n}@example.org"}
    values.update(fields)
    return person_save(person=Person(**values))


def make_member(mission: Mission, person: Person | None = None, **fields) -> DelegationMember:
    return delegation_add_member(mission=mission, person=person or make_person(), **fields)


def local(mission_or_zone, *args) -> datetime:
    """local(mission, 2025, 4, 22, 14, 0): an aware datetime in the mission's zone."""
    zone = mission_or_zone if isinstance(mission_or_zone, str) else mission_or_zone.timezone
    return datetime(*args, tzinfo=ZoneInfo(zone))


def make_meeting(mission: Mission, start: datetime, end: datetime, **fields) -> Meeting:
    n = next(_serial)
    values = {"title": f"Meeting {n}"}
    values.update(fields)
    return meeting_schedule(mission=mission, start=start, end=end, **values)


def make_user(**fields):
    n = next(_serial)
    values = {"username": f"user{n}", "email": f"user{n}@example.org"}
    values.update(fields)
    password = values.pop("password", "a-long-test-password")
    return get_user_model().objects.create_user(password=password, **values)


def make_coordinator(*missions: Mission, **fields):
    """A user who coordinates these missions (and only these)."""
    user = make_user(**fields)
    for mission in missions:
        mission.coordinators.add(user)
    return user


def make_many_meetings(
    mission: Mission,
    count: int,
    *,
    attendees=(),
    organisations=(),
    contacts=(),
    venue: Venue | None = None,
) -> list[Meeting]:
    """`count` back-to-back 30-minute meetings from 08:00 local on the first day.

    Straight to the database in bulk (no services): only reads are under test.
    """
    start = mission.starts_at() + timedelta(hours=8)
    meetings = Meeting.objects.bulk_create(
        Meeting(
            mission=mission,
            title=f"Bulk meeting {n}",
            start=start + timedelta(minutes=30 * n),
            end=start + timedelta(minutes=30 * n + 30),
            venue=venue,
        )
        for n in range(count)
    )
    for relation, targets, column in (
        (Meeting.attendees, attendees, "delegationmember"),
        (Meeting.partner_organisations, organisations, "organisation"),
        (Meeting.partner_contacts, contacts, "person"),
    ):
        through = relation.through
        through.objects.bulk_create(
            through(meeting=meeting, **{column: target})
            for meeting in meetings
            for target in targets
        )
    return meetings


def publish(mission: Mission, *, note: str = "", user=None):
    """Publish the working programme as the next version (what delegates then see)."""
    from releases.services import programme_publish

    return programme_publish(mission=mission, user=user, note=note)
