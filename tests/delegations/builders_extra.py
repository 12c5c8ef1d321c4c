"""Users for the planner's view tests (tests/builders.py holds the domain objects)."""

from itertools import count

from django.contrib.auth import get_user_model

from missions.models import Mission

_serial = count(1)


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


def make_many_meetings(mission: Mission, n: int, *, attendees=(), organisations=(), contacts=()):
    """n one-hour meetings in bulk (the query-budget tests need hundreds quickly)."""
    from datetime import timedelta

    from meetings.models import Meeting

    first = mission.starts_at() + timedelta(hours=8)
    meetings = Meeting.objects.bulk_create(
        Meeting(
            mission=mission,
            title=f"Bulk meeting {i}",
            start=first + timedelta(minutes=10 * i),
            end=first + timedelta(minutes=10 * i + 60),
        )
        for i in range(n)
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
