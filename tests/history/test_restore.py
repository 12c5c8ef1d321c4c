"""Deleted meetings and missions come back with their calendar identity (UID, SEQUENCE)."""

import icalendar
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from delegations.models import DelegationMember
from delegations.services import delegation_remove_member
from meetings.models import Meeting
from meetings.services import (
    deleted_meetings,
    deleted_missions,
    meeting_delete,
    meeting_restore,
    meeting_save,
    mission_restore,
)
from missions.models import Mission, Venue
from tests.builders import (
    local,
    make_coordinator,
    make_meeting,
    make_member,
    make_mission,
    make_organisation,
    make_person,
    make_user,
    make_venue,
    publish,
)

pytestmark = pytest.mark.django_db


def events(client, url) -> list[tuple]:
    response = client.get(url)
    assert response.status_code == 200
    calendar = icalendar.Calendar.from_ical(response.content)
    return sorted(
        (
            str(event["UID"]),
            int(event.get("SEQUENCE", 0)),
            event.decoded("DTSTART"),
            str(event.get("STATUS", "")),
            str(event["SUMMARY"]),
        )
        for event in calendar.walk("VEVENT")
    )


def feed(member) -> str:
    return reverse("public:delegate_feed", args=[member.token])


def programme(mission) -> str:
    return reverse("public:mission_feed", args=[mission.feed_token])


@pytest.fixture
def planned():
    mission = make_mission()
    venue = make_venue(mission)
    rossi, bianchi = make_member(mission), make_member(mission)
    partner = make_organisation()
    contact = make_person(organisation=partner)
    meeting = make_meeting(
        mission,
        local(mission, 2025, 4, 22, 9),
        local(mission, 2025, 4, 22, 10),
        venue=venue,
        attendees=[rossi, bianchi],
        partner_organisations=[partner],
        partner_contacts=[contact],
        internal_notes="Bring samples",
        description="Public text",
    )
    # Moved once: SEQUENCE 1, which calendars already hold.
    meeting.start = local(mission, 2025, 4, 22, 11)
    meeting.end = local(mission, 2025, 4, 22, 12)
    meeting = meeting_save(meeting=meeting)
    assert meeting.sequence == 1
    return mission, venue, rossi, bianchi, partner, contact, meeting


def _deleted(meeting) -> object:
    return Meeting.history.filter(id=meeting.pk, history_type="-").latest("history_id")


def test_restored_meeting_is_the_same_meeting(planned, client):
    mission, venue, rossi, bianchi, partner, contact, meeting = planned
    before = events(client, feed(rossi))
    pk, uid = meeting.pk, meeting.uid
    meeting_delete(meeting=Meeting.objects.get(pk=pk))
    assert events(client, feed(rossi)) == []
    [record] = deleted_meetings(mission)
    restored, lost = meeting_restore(mission=mission, deleted=record)
    assert lost == []
    restored = Meeting.objects.get(pk=pk)
    assert (restored.uid, restored.sequence) == (uid, 1)
    assert (restored.start, restored.end, restored.venue) == (meeting.start, meeting.end, venue)
    assert set(restored.attendees.all()) == {rossi, bianchi}
    assert list(restored.partner_organisations.all()) == [partner]
    assert list(restored.partner_contacts.all()) == [contact]
    assert (restored.internal_notes, restored.description) == (
        "Bring samples",
        "Public text",
    )
    assert restored.created == meeting.created
    assert events(client, feed(rossi)) == before
    assert events(client, feed(bianchi)) == before
    assert deleted_meetings(mission) == []


def test_restore_skips_what_is_gone_and_says_so(planned):
    mission, venue, rossi, bianchi, partner, contact, meeting = planned
    meeting_delete(meeting=meeting)
    venue.delete()
    delegation_remove_member(member=bianchi)
    restored, lost = meeting_restore(mission=mission, deleted=deleted_meetings(mission)[0])
    assert restored.venue is None
    assert list(restored.attendees.all()) == [rossi]
    assert lost == [
        "Its venue no longer exists: choose another one.",
        "1 attendee is no longer in the delegation.",
    ]


def test_a_meeting_cannot_come_back_twice_or_into_another_mission(planned):
    mission, *_, meeting = planned
    meeting_delete(meeting=meeting)
    record = deleted_meetings(mission)[0]
    with pytest.raises(ValidationError):
        meeting_restore(mission=make_mission(), deleted=record)
    meeting_restore(mission=mission, deleted=record)
    with pytest.raises(ValidationError, match="already back"):
        meeting_restore(mission=mission, deleted=record)


def test_deleted_meetings_lists_the_latest_deletion_once(planned):
    mission, *_, meeting = planned
    pk = meeting.pk
    meeting_delete(meeting=meeting)
    meeting_restore(mission=mission, deleted=deleted_meetings(mission)[0])
    meeting_delete(meeting=Meeting.objects.get(pk=pk))
    records = deleted_meetings(mission)
    assert [r.id for r in records] == [pk]
    assert records[0].history_id == _deleted(Meeting(pk=pk)).history_id


def delete_in_admin(client, user, mission) -> None:
    client.force_login(user)
    response = client.post(
        reverse("admin:missions_mission_delete", args=[mission.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Mission.objects.filter(pk=mission.pk).exists()
    client.logout()


def test_mission_deleted_in_the_admin_comes_back_with_every_feed_as_before(
    planned, client, django_user_model
):
    mission, venue, rossi, bianchi, partner, contact, meeting = planned
    other_day = make_meeting(
        mission,
        local(mission, 2025, 4, 23, 9),
        local(mission, 2025, 4, 23, 10),
        attendees=[bianchi],
    )
    gone_before = make_meeting(
        mission, local(mission, 2025, 4, 24, 9), local(mission, 2025, 4, 24, 10)
    )
    gone_before_pk = gone_before.pk
    meeting_delete(meeting=gone_before)
    publish(mission)
    coordinator = make_coordinator(mission)
    feeds = {
        rossi.token: feed(rossi),
        bianchi.token: feed(bianchi),
        "programme": programme(mission),
    }
    before = {key: events(client, url) for key, url in feeds.items()}
    assert len(before["programme"]) == 2
    root = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    delete_in_admin(client, root, mission)
    for url in feeds.values():
        assert client.get(url).status_code == 404

    [record] = deleted_missions(coordinator)
    restored, lost = mission_restore(deleted=record)
    assert lost == []
    assert {key: events(client, url) for key, url in feeds.items()} == before
    assert (restored.pk, restored.slug, restored.feed_token) == (
        mission.pk,
        mission.slug,
        mission.feed_token,
    )
    assert list(restored.coordinators.all()) == [coordinator]
    assert list(Venue.objects.filter(mission=restored)) == [venue]
    assert set(DelegationMember.objects.filter(mission=restored)) == {rossi, bianchi}
    assert set(Meeting.objects.filter(mission=restored)) == {meeting, other_day}
    # What was deleted on its own before stays deleted, ready to restore on its own.
    assert [r.id for r in deleted_meetings(restored)] == [gone_before_pk]
    assert deleted_missions(coordinator) == []


def test_only_superusers_and_its_coordinators_at_deletion_may_restore_a_mission(
    planned, client, django_user_model
):
    mission, *_ = planned
    coordinator = make_coordinator(mission)
    former = make_coordinator(mission)
    mission.coordinators.remove(former)
    stranger = make_user()
    root = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    delete_in_admin(client, root, mission)
    assert [r.id for r in deleted_missions(coordinator)] == [mission.pk]
    assert [r.id for r in deleted_missions(root)] == [mission.pk]
    assert deleted_missions(former) == []
    assert deleted_missions(stranger) == []


def test_mission_whose_address_was_taken_meanwhile_is_refused_with_a_reason(
    planned, client, django_user_model
):
    mission, *_ = planned
    root = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    delete_in_admin(client, root, mission)
    make_mission(slug=mission.slug)
    with pytest.raises(ValidationError, match="Another mission now uses the address"):
        mission_restore(deleted=deleted_missions(root)[0])
    assert not Mission.objects.filter(pk=mission.pk).exists()
