"""Optimistic concurrency in the write services: a stale save is refused, nothing written."""

import pytest
from django.core.exceptions import ValidationError

from delegations.models import DelegationMember, Organisation, Person
from delegations.services import (
    delegation_member_rotate_token,
    delegation_member_save,
    delegation_remove_member,
    organisation_save,
    person_save,
)
from meetings.models import Meeting
from meetings.services import meeting_cancel, meeting_delete, meeting_save
from missions.concurrency import EditConflict
from missions.models import Mission
from missions.services import mission_save
from tests.builders import (
    local,
    make_meeting,
    make_member,
    make_mission,
    make_organisation,
    make_person,
    make_user,
)

pytestmark = pytest.mark.django_db


def stored_version(obj) -> int:
    return type(obj).objects.filter(pk=obj.pk).values_list("version", flat=True).get()


def test_a_new_object_starts_at_version_1_and_each_save_raises_it_by_one():
    mission = make_mission()
    assert stored_version(mission) == 1
    mission.title = "Renamed"
    mission_save(mission=mission)
    assert (mission.version, stored_version(mission)) == (2, 2)
    mission_save(mission=mission, expected_version=2)
    assert (mission.version, stored_version(mission)) == (3, 3)


def test_a_stale_mission_save_raises_and_writes_nothing():
    mission = make_mission(title="Original")
    first = Mission.objects.get(pk=mission.pk)
    first.city = "Detroit"
    mission_save(mission=first, expected_version=1)
    second = Mission.objects.get(pk=mission.pk)
    second.title = "Overwritten?"
    with pytest.raises(EditConflict) as caught:
        mission_save(mission=second, expected_version=1, coordinators=[make_user()])
    stored = Mission.objects.get(pk=mission.pk)
    assert (stored.title, stored.city, stored.version) == ("Original", "Detroit", 2)
    assert list(stored.coordinators.all()) == []
    assert caught.value.current.city == "Detroit"
    assert caught.value.current.version == 2
    # A ValidationError too: code that only knows those shows a message, never a 500.
    assert isinstance(caught.value, ValidationError)


@pytest.mark.parametrize(
    ("build", "save", "change"),
    [
        (
            make_organisation,
            lambda o, v: organisation_save(organisation=o, expected_version=v),
            ("city", "Turin"),
        ),
        (
            make_person,
            lambda p, v: person_save(person=p, expected_version=v),
            ("phone", "+39 011 0000"),
        ),
    ],
)
def test_directory_entries_refuse_a_stale_save(build, save, change):
    obj = build()
    model = type(obj)
    name, value = change
    winner = model.objects.get(pk=obj.pk)
    setattr(winner, name, value)
    save(winner, 1)
    loser = model.objects.get(pk=obj.pk)
    setattr(loser, name, "stale")
    with pytest.raises(EditConflict):
        save(loser, 1)
    assert getattr(model.objects.get(pk=obj.pk), name) == value
    assert stored_version(obj) == 2


def test_delegation_member_save_and_rotate_raise_the_version_and_refuse_stale():
    member = make_member(make_mission())
    token = member.token
    delegation_member_rotate_token(member=member)
    assert stored_version(member) == 2
    stale = DelegationMember.objects.get(pk=member.pk)
    stale.notes = "stale"
    with pytest.raises(EditConflict):
        delegation_member_save(member=stale, expected_version=1)
    with pytest.raises(EditConflict):
        delegation_member_rotate_token(member=stale, expected_version=1)
    stored = DelegationMember.objects.get(pk=member.pk)
    assert (stored.notes, stored.version) == ("", 2)
    assert stored.token != token
    with pytest.raises(EditConflict):
        delegation_remove_member(member=stored, expected_version=1)
    assert DelegationMember.objects.filter(pk=member.pk).exists()
    delegation_remove_member(member=stored, expected_version=2)
    assert not DelegationMember.objects.filter(pk=member.pk).exists()


@pytest.fixture
def mission():
    return make_mission()


@pytest.fixture
def meeting(mission):
    return make_meeting(mission, local(mission, 2025, 4, 22, 14), local(mission, 2025, 4, 22, 15))


def test_a_meeting_save_with_relations_raises_the_version_once(mission, meeting):
    members = [make_member(mission) for _ in range(3)]
    meeting_save(
        meeting=meeting,
        attendees=members,
        partner_organisations=[make_organisation()],
        partner_contacts=[make_person()],
        expected_version=1,
    )
    assert stored_version(meeting) == 2


def test_a_stale_meeting_save_cannot_put_back_removed_attendees(mission, meeting):
    members = [make_member(mission) for _ in range(7)]
    meeting_save(meeting=meeting, attendees=members)
    opened = stored_version(meeting)
    # Coordinator A removes every attendee.
    first = Meeting.objects.get(pk=meeting.pk)
    meeting_save(meeting=first, attendees=[], expected_version=opened)
    # Coordinator B, from the form opened before, changes the title (attendees still ticked).
    second = Meeting.objects.get(pk=meeting.pk)
    second.title = "B's title"
    with pytest.raises(EditConflict) as caught:
        meeting_save(meeting=second, attendees=members, expected_version=opened)
    stored = Meeting.objects.get(pk=meeting.pk)
    assert list(stored.attendees.all()) == []
    assert stored.title == meeting.title
    assert caught.value.current.version == opened + 1


def test_a_stale_meeting_save_does_not_move_sequence_or_touch_the_mission(mission, meeting):
    winner = Meeting.objects.get(pk=meeting.pk)
    winner.title = "Winner"
    meeting_save(meeting=winner, expected_version=1)
    before = Mission.objects.get(pk=mission.pk).updated
    loser = Meeting.objects.get(pk=meeting.pk)
    loser.start, loser.end = local(mission, 2025, 4, 23, 9), local(mission, 2025, 4, 23, 10)
    with pytest.raises(EditConflict):
        meeting_save(meeting=loser, expected_version=1)
    stored = Meeting.objects.get(pk=meeting.pk)
    assert (stored.sequence, stored.start) == (0, meeting.start)
    assert Mission.objects.get(pk=mission.pk).updated == before


def test_cancel_keeps_a_change_saved_after_the_meeting_was_read(mission, meeting):
    read_earlier = Meeting.objects.get(pk=meeting.pk)
    other = Meeting.objects.get(pk=meeting.pk)
    other.description = "Signed a letter of intent"
    meeting_save(meeting=other)
    meeting_cancel(meeting=read_earlier)
    stored = Meeting.objects.get(pk=meeting.pk)
    assert (stored.status, stored.description, stored.version) == (
        "cancelled",
        "Signed a letter of intent",
        3,
    )


def test_cancel_and_delete_refuse_a_stale_expected_version(mission, meeting):
    meeting_save(meeting=Meeting.objects.get(pk=meeting.pk))
    with pytest.raises(EditConflict):
        meeting_cancel(meeting=Meeting.objects.get(pk=meeting.pk), expected_version=1)
    with pytest.raises(EditConflict):
        meeting_delete(meeting=Meeting.objects.get(pk=meeting.pk), expected_version=1)
    assert Meeting.objects.get(pk=meeting.pk).status == "confirmed"
    meeting_delete(meeting=Meeting.objects.get(pk=meeting.pk), expected_version=2)
    assert not Meeting.objects.filter(pk=meeting.pk).exists()


def test_saving_a_meeting_deleted_meanwhile_does_not_bring_it_back(mission, meeting):
    stale = Meeting.objects.get(pk=meeting.pk)
    meeting_delete(meeting=meeting)
    with pytest.raises(EditConflict) as caught:
        meeting_save(meeting=stale)
    assert caught.value.current is None
    assert not Meeting.objects.filter(pk=meeting.pk).exists()


def test_an_invalid_save_does_not_raise_the_version(mission, meeting):
    meeting.end = meeting.start
    with pytest.raises(ValidationError):
        meeting_save(meeting=meeting, expected_version=1)
    assert stored_version(meeting) == 1
    assert Organisation.objects.count() == 0 and Person.objects.count() == 0
