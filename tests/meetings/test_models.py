from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, transaction

from meetings.models import Meeting
from tests.builders import local, make_meeting, make_mission

pytestmark = pytest.mark.django_db


def test_end_before_start_is_rejected_by_the_database():
    mission = make_mission()
    meeting = make_meeting(
        mission, local(mission, 2025, 4, 22, 14), local(mission, 2025, 4, 22, 15)
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(end=meeting.start)


def test_times_are_stored_in_utc_and_read_in_the_mission_zone():
    mission = make_mission(timezone="America/Detroit")
    meeting = make_meeting(
        mission, local(mission, 2025, 4, 22, 14), local(mission, 2025, 4, 22, 15)
    )
    meeting = Meeting.objects.select_related("mission").get(pk=meeting.pk)
    assert meeting.start == datetime(2025, 4, 22, 18, 0, tzinfo=UTC)
    assert meeting.local_start.strftime("%Y-%m-%d %H:%M %Z") == "2025-04-22 14:00 EDT"
    assert meeting.home_start.strftime("%H:%M %Z") == "20:00 CEST"


def test_uids_are_unique_and_stable():
    mission = make_mission()
    first = make_meeting(mission, local(mission, 2025, 4, 22, 9), local(mission, 2025, 4, 22, 10))
    second = make_meeting(mission, local(mission, 2025, 4, 22, 9), local(mission, 2025, 4, 22, 10))
    assert first.uid != second.uid
    uid = first.uid
    first.title = "Renamed"
    first.save()
    first.refresh_from_db()
    assert first.uid == uid
