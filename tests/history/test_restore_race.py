"""Two coordinators press "Restore" on the same deleted meeting at once (PostgreSQL)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from meetings.models import Meeting
from meetings.services import deleted_meetings, meeting_delete, meeting_restore
from tests.builders import local, make_meeting, make_member, make_mission

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs row locks between two connections"
    ),
]


def test_restoring_twice_at_once_brings_back_one_meeting():
    mission = make_mission()
    meeting = make_meeting(
        mission,
        local(mission, 2025, 4, 22, 9),
        local(mission, 2025, 4, 22, 10),
        attendees=[make_member(mission)],
    )
    uid = meeting.uid
    meeting_delete(meeting=meeting)
    record = deleted_meetings(mission)[0]
    barrier = threading.Barrier(2)
    outcomes = []

    def restore():
        try:
            barrier.wait()
            meeting_restore(mission=mission, deleted=record)
            outcomes.append("restored")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=restore) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == sorted(["restored", f"“{record.title}” is already back."])
    assert Meeting.objects.filter(uid=uid).count() == 1
    assert Meeting.objects.get(uid=uid).attendees.count() == 1
