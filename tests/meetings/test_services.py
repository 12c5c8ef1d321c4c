import pytest
from django.core.exceptions import ValidationError

from meetings.models import Meeting
from meetings.services import meeting_cancel, meeting_save
from tests.builders import local, make_meeting, make_member, make_mission, make_venue

pytestmark = pytest.mark.django_db


def test_moving_a_meeting_bumps_sequence_and_keeps_uid():
    mission = make_mission()
    meeting = make_meeting(
        mission, local(mission, 2025, 4, 22, 14), local(mission, 2025, 4, 22, 15)
    )
    uid = meeting.uid
    meeting.start = local(mission, 2025, 4, 22, 15)
    meeting.end = local(mission, 2025, 4, 22, 16)
    meeting_save(meeting=meeting)
    meeting.refresh_from_db()
    assert (meeting.uid, meeting.sequence) == (uid, 1)


def test_editing_the_description_keeps_sequence():
    mission = make_mission()
    meeting = make_meeting(
        mission, local(mission, 2025, 4, 22, 14), local(mission, 2025, 4, 22, 15)
    )
    meeting.description = "New agenda"
    meeting_save(meeting=meeting)
    meeting.refresh_from_db()
    assert meeting.sequence == 0


def test_cancelled_meeting_stays_with_status_cancelled_and_sequence_up():
    mission = make_mission()
    meeting = make_meeting(
        mission, local(mission, 2025, 4, 22, 14), local(mission, 2025, 4, 22, 15)
    )
    meeting_cancel(meeting=meeting)
    meeting.refresh_from_db()
    assert (meeting.status, meeting.sequence) == (Meeting.Status.CANCELLED, 1)


def test_attendee_from_another_mission_is_rejected_and_nothing_saved():
    mission, other = make_mission(), make_mission()
    stranger = make_member(other)
    with pytest.raises(ValidationError) as error:
        make_meeting(
            mission,
            local(mission, 2025, 4, 22, 14),
            local(mission, 2025, 4, 22, 15),
            attendees=[stranger],
        )
    assert "attendees" in error.value.message_dict
    assert Meeting.objects.count() == 0


def test_end_before_start_is_rejected_by_the_model():
    mission = make_mission()
    with pytest.raises(ValidationError) as error:
        make_meeting(mission, local(mission, 2025, 4, 22, 15), local(mission, 2025, 4, 22, 14))
    assert error.value.message_dict["end"] == ["The meeting must end after it starts."]


def test_venue_of_another_mission_is_rejected():
    mission, other = make_mission(), make_mission()
    with pytest.raises(ValidationError) as error:
        make_meeting(
            mission,
            local(mission, 2025, 4, 22, 14),
            local(mission, 2025, 4, 22, 15),
            venue=make_venue(other),
        )
    assert "venue" in error.value.message_dict


def test_deleting_a_meeting_moves_the_mission_feed_last_modified_forward():
    from meetings.calendars import mission_feed_version, mission_with_versions
    from meetings.services import meeting_delete

    mission = make_mission()
    keep = make_meeting(mission, local(mission, 2025, 4, 22, 9), local(mission, 2025, 4, 22, 10))
    gone = make_meeting(mission, local(mission, 2025, 4, 22, 11), local(mission, 2025, 4, 22, 12))
    before = mission_feed_version(mission_with_versions(mission.slug), language="en")
    meeting_delete(meeting=gone)
    after = mission_feed_version(mission_with_versions(mission.slug), language="en")
    assert after.etag != before.etag
    assert after.last_modified > before.last_modified
    assert keep.pk
