"""Builders for the planner's tests: coordinators, and many meetings quickly."""

from datetime import timedelta

from django.contrib.auth import get_user_model

from meetings.models import Meeting
from missions.models import Mission


def make_coordinator(*missions: Mission, username: str = "coordinator", **fields):
    user = get_user_model().objects.create_user(
        username=username, password="a-long-test-password", **fields
    )
    for mission in missions:
        mission.coordinators.add(user)
    return user


def bulk_meetings(mission: Mission, count: int, *, attendees=(), venue=None, partners=()):
    """`count` back-to-back 30-minute meetings from 08:00 on the first day, in bulk.

    Straight to the database (no services) because only reads are under test.
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
    through = Meeting.attendees.through
    through.objects.bulk_create(
        through(meeting_id=meeting.pk, delegationmember_id=member.pk)
        for meeting in meetings
        for member in attendees
    )
    orgs = Meeting.partner_organisations.through
    orgs.objects.bulk_create(
        orgs(meeting_id=meeting.pk, organisation_id=org.pk)
        for meeting in meetings
        for org in partners
    )
    return meetings
