"""What django-simple-history records through our services, the planner and the admin.

One record per service call (a meeting and its people saved together make one row, not one
per relation changed), who made it, and what a delete leaves behind to restore from.
"""

import pytest
from django.urls import reverse

from delegations.models import DelegationMember, Person
from delegations.services import delegation_remove_member
from meetings.models import Meeting
from meetings.services import meeting_delete, meeting_save
from missions.history import WITH_MISSION, m2m_ids, state_before
from missions.models import Mission, Venue
from tests.builders import (
    local,
    make_coordinator,
    make_meeting,
    make_member,
    make_mission,
    make_organisation,
    make_person,
    make_venue,
)

pytestmark = pytest.mark.django_db


def types(history) -> list[str]:
    return list(history.order_by("history_id").values_list("history_type", flat=True))


@pytest.fixture
def planned():
    mission = make_mission()
    venue = make_venue(mission)
    rossi, bianchi = make_member(mission), make_member(mission)
    partner = make_organisation()
    meeting = make_meeting(
        mission,
        local(mission, 2025, 4, 22, 9),
        local(mission, 2025, 4, 22, 10),
        venue=venue,
        attendees=[rossi],
        partner_organisations=[partner],
    )
    return mission, venue, rossi, bianchi, partner, meeting


def test_a_meeting_scheduled_with_its_people_is_one_record_holding_them(planned):
    _, _, rossi, _, partner, meeting = planned
    assert types(meeting.history) == ["+"]
    record = meeting.history.get()
    assert m2m_ids(record, "attendees") == [rossi.pk]
    assert m2m_ids(record, "partner_organisations") == [partner.pk]
    assert m2m_ids(record, "partner_contacts") == []


def test_changing_fields_and_people_in_one_save_is_one_record(planned):
    _, _, rossi, bianchi, partner, meeting = planned
    meeting.title = "Renamed"
    meeting_save(
        meeting=meeting, attendees=[bianchi], partner_organisations=[], partner_contacts=[]
    )
    assert types(meeting.history) == ["+", "~"]
    latest = meeting.history.order_by("history_id").last()
    assert latest.title == "Renamed"
    assert m2m_ids(latest, "attendees") == [bianchi.pk]
    assert m2m_ids(latest, "partner_organisations") == []


def test_planner_edit_records_the_coordinator(client, planned):
    mission, venue, rossi, _, partner, meeting = planned
    user = make_coordinator(mission, first_name="Anna", last_name="Verdi")
    client.force_login(user)
    response = client.post(
        reverse("meetings:edit", args=[mission.slug, meeting.pk]),
        {
            "title": "Moved",
            "kind": meeting.kind,
            "status": meeting.status,
            "start_0": "2025-04-22",
            "start_1": "11:00",
            "end_0": "2025-04-22",
            "end_1": "12:00",
            "venue": venue.pk,
            "attendees": [rossi.pk],
            "partner_organisations": [partner.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    latest = meeting.history.order_by("history_id").last()
    assert (latest.history_type, latest.history_user, latest.title) == ("~", user, "Moved")
    assert types(meeting.history) == ["+", "~"]


def test_a_save_through_the_service_outside_a_request_has_no_user(planned):
    *_, meeting = planned
    assert meeting.history.get().history_user is None


def test_touching_the_mission_for_feeds_writes_no_record(planned):
    mission, *_, meeting = planned
    before = Mission.history.filter(id=mission.pk).count()
    meeting.title = "Again"
    meeting_save(meeting=meeting)
    assert Mission.history.filter(id=mission.pk).count() == before


def test_deleted_meeting_keeps_its_people_in_the_record_before_the_delete(planned):
    _, _, rossi, _, partner, meeting = planned
    pk, uid, sequence, venue_id = meeting.pk, meeting.uid, meeting.sequence, meeting.venue_id
    meeting_delete(meeting=meeting)
    assert types(Meeting.history.filter(id=pk)) == ["+", "-"]
    deleted = Meeting.history.get(id=pk, history_type="-")
    # Django deletes the link rows before the meeting: the "-" record has none...
    assert m2m_ids(deleted, "attendees") == []
    # ...the record before it has them all.
    before = state_before(deleted)
    assert m2m_ids(before, "attendees") == [rossi.pk]
    assert m2m_ids(before, "partner_organisations") == [partner.pk]
    assert (deleted.uid, deleted.sequence, deleted.venue_id) == (uid, sequence, venue_id)


def test_removing_a_delegate_records_the_member_but_not_each_meeting(planned):
    _, _, rossi, _, _, meeting = planned
    pk = rossi.pk
    delegation_remove_member(member=rossi)
    assert types(DelegationMember.history.filter(id=pk)) == ["+", "-"]
    # The link rows go by cascade, without signals: the meeting's last record still
    # names them (restoring a meeting skips attendees no longer in the delegation).
    assert types(meeting.history) == ["+"]


def test_mission_deleted_in_the_admin_leaves_a_tagged_record_for_everything_under_it(
    client, django_user_model, planned
):
    mission, venue, rossi, bianchi, partner, meeting = planned
    root = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(root)
    person_pk = rossi.person_id
    url = reverse("admin:missions_mission_delete", args=[mission.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Mission.objects.filter(pk=mission.pk).exists()
    mission_record = Mission.history.get(id=mission.pk, history_type="-")
    assert mission_record.history_user == root
    for model, pks in (
        (Venue, [venue.pk]),
        (DelegationMember, [rossi.pk, bianchi.pk]),
        (Meeting, [meeting.pk]),
    ):
        records = model.history.filter(id__in=pks, history_type="-")
        assert sorted(r.id for r in records) == sorted(pks)
        assert {(r.history_user, r.history_change_reason) for r in records} == {
            (root, WITH_MISSION)
        }
    # People and organisations are the agency's directory: they stay.
    assert Person.objects.filter(pk=person_pk).exists()


def test_a_meeting_deleted_on_its_own_is_not_tagged_as_gone_with_the_mission(planned):
    *_, meeting = planned
    pk = meeting.pk
    meeting_delete(meeting=meeting)
    assert Meeting.history.get(id=pk, history_type="-").history_change_reason is None


def test_a_venue_with_meetings_cannot_be_deleted_on_its_own(planned):
    from django.db.models import RestrictedError

    _, venue, *_ = planned
    with pytest.raises(RestrictedError):
        venue.delete()


def test_admin_change_of_a_meeting_is_one_record_by_the_administrator(
    client, django_user_model, planned
):
    mission, venue, rossi, bianchi, partner, meeting = planned
    root = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(root)
    url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    response = client.post(
        url,
        {
            "mission": mission.pk,
            "title": "Admin title",
            "kind": meeting.kind,
            "status": meeting.status,
            "start_0": "2025-04-22",
            "start_1": "09:00",
            "end_0": "2025-04-22",
            "end_1": "10:00",
            "venue": venue.pk,
            "attendees": [rossi.pk, bianchi.pk],
            "partner_organisations": [partner.pk],
            "description": "",
            "internal_notes": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert types(meeting.history) == ["+", "~"]
    latest = meeting.history.order_by("history_id").last()
    assert latest.history_user == root
    assert latest.title == "Admin title"
    assert m2m_ids(latest, "attendees") == sorted([rossi.pk, bianchi.pk])


def test_a_delegates_email_change_in_the_directory_is_recorded_with_who(client, planned):
    mission, _, rossi, *_ = planned
    user = make_coordinator(mission)
    client.force_login(user)
    person = rossi.person
    old = person.email
    response = client.post(
        reverse("delegations:contact_edit", args=[person.pk]),
        {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": "new-address@example.org",
            "preferred_language": person.preferred_language,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    emails = list(person.history.order_by("history_id").values_list("email", "history_user"))
    assert emails == [(old, None), ("new-address@example.org", user.pk)]


def test_mission_coordinators_are_in_its_records(planned):
    mission, *_ = planned
    user = make_coordinator(mission)
    latest = mission.history.order_by("history_id").last()
    assert m2m_ids(latest, "coordinators") == [user.pk]
    assert make_person().history.count() == 1
