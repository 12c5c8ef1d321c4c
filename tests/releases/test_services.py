"""Publishing, SEQUENCE, tombstones, discard and the pending count (releases/services.py)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from meetings.models import Meeting
from meetings.services import meeting_delete, meeting_save
from missions.models import Mission
from releases.models import ProgrammeVersion
from releases.services import (
    NothingToPublish,
    PublishConflict,
    build_snapshot,
    latest_version,
    pending_changes,
    programme_discard,
    programme_publish,
)
from tests.builders import (
    local,
    make_coordinator,
    make_meeting,
    make_member,
    make_mission,
    make_organisation,
    make_venue,
    publish,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    mission = make_mission()
    venue = make_venue(mission, name="Rivian plant")
    other = make_venue(mission, name="Detroit office")
    anna, bruno = make_member(mission), make_member(mission)
    meeting = make_meeting(
        mission,
        local(mission, 2025, 4, 22, 10),
        local(mission, 2025, 4, 22, 11),
        title="Rivian visit",
        venue=venue,
        attendees=[anna, bruno],
        partner_organisations=[make_organisation(name="Rivian Automotive")],
    )
    return mission, meeting, venue, other, anna, bruno


def _move(meeting: Meeting, minutes: int) -> Meeting:
    meeting.refresh_from_db()
    meeting.start += timedelta(minutes=minutes)
    meeting.end += timedelta(minutes=minutes)
    return meeting_save(meeting=meeting)


def test_first_publication_is_version_1_and_publishes_a_draft_mission(programme):
    mission, meeting, *_ = programme
    mission.status = Mission.Status.DRAFT
    mission.save()
    user = make_coordinator(mission)
    version = programme_publish(mission=mission, user=user, note="Preliminary programme")
    mission.refresh_from_db()
    assert (version.number, version.note, version.published_by) == (
        1,
        "Preliminary programme",
        user,
    )
    assert mission.status == Mission.Status.PUBLISHED
    entry = version.snapshot["meetings"][meeting.uid]
    assert entry["title"] == "Rivian visit"
    assert entry["start"] == "2025-04-22T14:00:00Z"
    assert entry["venue"]["name"] == "Rivian plant"
    assert entry["partner_organisations"][0]["name"] == "Rivian Automotive"
    assert "internal_notes" not in entry and "outcome" not in entry
    assert version.meeting_count == 1


def test_nothing_to_publish_is_refused_with_a_message(programme):
    mission, *_ = programme
    publish(mission)
    with pytest.raises(NothingToPublish) as caught:
        publish(mission)
    assert "Nothing to publish" in caught.value.messages[0]
    assert ProgrammeVersion.objects.filter(mission=mission).count() == 1


def test_sequence_rises_once_per_published_change_never_for_drafts(programme):
    mission, meeting, *_ = programme
    first = publish(mission).snapshot["meetings"][meeting.uid]["sequence"]
    for minutes in (15, 15, 15):
        _move(meeting, minutes)
    second = publish(mission).snapshot["meetings"][meeting.uid]
    assert second["sequence"] == first + 1
    assert second["start"] == "2025-04-22T14:45:00Z"
    # A title change is not a move: no new SEQUENCE, but a new LAST-MODIFIED.
    meeting.refresh_from_db()
    meeting.title = "Rivian plant tour"
    meeting_save(meeting=meeting)
    third = publish(mission)
    entry = third.snapshot["meetings"][meeting.uid]
    assert entry["sequence"] == first + 1
    assert entry["last_modified"] == third.published_at.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_removed_attendee_and_deleted_meeting_become_tombstones(programme):
    mission, meeting, _venue, _other, anna, bruno = programme
    publish(mission)
    meeting_save(meeting=meeting, attendees=[anna])
    entry = publish(mission).snapshot["meetings"][meeting.uid]
    assert (entry["attendees"], entry["former_attendees"]) == ([anna.pk], [bruno.pk])
    meeting_save(meeting=Meeting.objects.get(pk=meeting.pk), attendees=[anna, bruno])
    entry = publish(mission).snapshot["meetings"][meeting.uid]
    assert (entry["attendees"], entry["former_attendees"]) == ([anna.pk, bruno.pk], [])
    sequence = entry["sequence"]
    meeting_delete(meeting=Meeting.objects.get(pk=meeting.pk))
    version = publish(mission)
    tombstone = version.snapshot["meetings"][meeting.uid]
    assert tombstone["deleted"] is True
    assert tombstone["status"] == "cancelled"
    assert tombstone["sequence"] == sequence + 1
    assert version.meeting_count == 0


def test_tombstones_are_kept_until_the_mission_is_over(programme):
    mission, meeting, *_ = programme
    publish(mission)
    meeting_delete(meeting=meeting)
    deleting = publish(mission)
    # Published after the mission (2025) already: the deleting version still says it once.
    assert deleting.snapshot["meetings"][meeting.uid]["deleted"] is True
    during = local(mission, 2025, 4, 23, 9)
    assert meeting.uid in build_snapshot(mission, deleting, now=during)["meetings"]
    after = local(mission, 2025, 4, 25, 9)
    assert build_snapshot(mission, deleting, now=after)["meetings"] == {}


def test_pending_changes_counts_meetings_not_edits(programme):
    mission, meeting, venue, other, anna, bruno = programme
    assert pending_changes(mission, None) == 1
    publish(mission)
    version = latest_version(mission)
    assert pending_changes(mission, version) == 0
    _move(meeting, 30)
    _move(meeting, 30)
    assert pending_changes(mission, version) == 1
    make_meeting(mission, local(mission, 2025, 4, 23, 9), local(mission, 2025, 4, 23, 10))
    assert pending_changes(mission, version) == 2


def test_pending_count_of_a_deletion_is_one_query(programme, django_assert_num_queries):
    mission, meeting, *_ = programme
    version = publish(mission)
    meeting_delete(meeting=meeting)
    with django_assert_num_queries(1):
        assert pending_changes(mission, version) == 1


def test_discard_restores_the_published_programme_exactly(programme):
    mission, meeting, venue, other, anna, bruno = programme
    extra = make_meeting(
        mission,
        local(mission, 2025, 4, 23, 9),
        local(mission, 2025, 4, 23, 10),
        title="Lunch",
        attendees=[bruno],
    )
    version = publish(mission)
    # Every kind of edit: time, title, venue, people, a deletion, a new meeting.
    meeting.refresh_from_db()
    meeting.start += timedelta(hours=1)
    meeting.end += timedelta(hours=1)
    meeting.title = "Changed"
    meeting.venue = other
    meeting.internal_notes = "kept"
    meeting_save(meeting=meeting, attendees=[anna], partner_organisations=[])
    meeting_delete(meeting=extra)
    make_meeting(mission, local(mission, 2025, 4, 24, 9), local(mission, 2025, 4, 24, 10))
    assert pending_changes(mission, latest_version(mission)) == 3

    touched = programme_discard(mission=mission, user=None)

    assert touched == 3
    again = build_snapshot(mission, version, now=version.published_at)
    assert again == version.snapshot
    assert Meeting.objects.get(uid=meeting.uid).internal_notes == "kept"
    assert pending_changes(mission, latest_version(mission)) == 0
    record = Meeting.history.filter(uid=extra.uid).order_by("-history_id").first()
    assert record.history_change_reason == "Unpublished changes discarded"
    with pytest.raises(NothingToPublish):
        publish(mission)


def test_nothing_to_discard_says_so(programme):
    mission, *_ = programme
    with pytest.raises(ValidationError, match="never been published"):
        programme_discard(mission=mission, user=None)
    publish(mission)
    with pytest.raises(ValidationError, match="Nothing to discard"):
        programme_discard(mission=mission, user=None)


def test_publishing_over_a_version_published_meanwhile_is_refused(programme):
    mission, meeting, *_ = programme
    publish(mission)
    _move(meeting, 30)
    publish(mission)  # the other coordinator
    _move(meeting, 30)
    with pytest.raises(PublishConflict, match="version 2 meanwhile"):
        programme_publish(mission=mission, user=None, expected_number=1)
    assert list(
        ProgrammeVersion.objects.filter(mission=mission).values_list("number", flat=True)
    ) == [2, 1]


def test_meeting_moved_across_the_detroit_spring_forward(django_assert_num_queries):
    mission = make_mission(
        start_date=local("UTC", 2025, 3, 7).date(), end_date=local("UTC", 2025, 3, 10).date()
    )
    meeting = make_meeting(mission, local(mission, 2025, 3, 8, 10), local(mission, 2025, 3, 8, 11))
    publish(mission)
    meeting.refresh_from_db()
    # Same wall-clock time a day later, after the clocks went forward: one hour less in UTC.
    meeting.start = local(mission, 2025, 3, 9, 10)
    meeting.end = local(mission, 2025, 3, 9, 11)
    meeting_save(meeting=meeting)
    entry = publish(mission).snapshot["meetings"][meeting.uid]
    assert (entry["start"], entry["end"]) == ("2025-03-09T14:00:00Z", "2025-03-09T15:00:00Z")
    assert entry["sequence"] == 1
