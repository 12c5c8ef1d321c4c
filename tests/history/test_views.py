"""History on the planner's pages, deleted meetings and missions restored from the planner."""

import re
from html import unescape

import pytest
from django.urls import reverse

from delegations.models import DelegationMember
from delegations.services import person_save
from meetings.models import Meeting
from meetings.services import meeting_delete, meeting_save
from missions.models import Mission
from tests.builders import (
    local,
    make_coordinator,
    make_meeting,
    make_member,
    make_mission,
    make_organisation,
    make_person,
    make_venue,
    publish,
)
from tests.history.test_restore import events, feed

pytestmark = pytest.mark.django_db


def text(response) -> str:
    """The page as a reader sees it: tags dropped, spaces collapsed."""
    html = response.content.decode()
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


@pytest.fixture
def mission():
    return make_mission(title="VTM Michigan 2025", slug="vtm-michigan-2025")


@pytest.fixture
def anna(mission):
    return make_coordinator(mission, first_name="Anna", last_name="Verdi")


@pytest.fixture
def planner(client, anna):
    client.force_login(anna)
    return client


@pytest.fixture
def other_planner(client):
    client.force_login(make_coordinator(make_mission()))
    return client


@pytest.fixture
def meeting(mission):
    rossi = make_member(mission, make_person(first_name="Mario", last_name="Rossi"))
    return make_meeting(
        mission,
        local(mission, 2025, 4, 22, 9),
        local(mission, 2025, 4, 22, 10),
        title="Rivian",
        venue=make_venue(mission, name="Rivian plant"),
        attendees=[rossi],
        partner_organisations=[make_organisation(name="Rivian Automotive")],
    )


def edit_as(client, user, meeting, **changes) -> None:
    """A change through the planner, as `user` (history records who)."""
    client.force_login(user)
    mission = meeting.mission
    data = {
        "title": meeting.title,
        "kind": meeting.kind,
        "status": meeting.status,
        "start_0": "2025-04-22",
        "start_1": meeting.local_start.strftime("%H:%M"),
        "end_0": "2025-04-22",
        "end_1": meeting.local_end.strftime("%H:%M"),
        "venue": meeting.venue_id or "",
        "attendees": [m.pk for m in meeting.attendees.all()],
        "partner_organisations": [o.pk for o in meeting.partner_organisations.all()],
        "partner_contacts": [p.pk for p in meeting.partner_contacts.all()],
    }
    data.update(changes)
    response = client.post(reverse("meetings:edit", args=[mission.slug, meeting.pk]), data)
    assert response.status_code == 302, text(response)[:3000]


def test_meeting_page_tells_each_change_newest_first_with_who_when_and_what(
    planner, anna, mission, meeting
):
    bianchi = make_member(mission, make_person(first_name="Luca", last_name="Bianchi"))
    rossi = meeting.attendees.get()
    edit_as(planner, anna, meeting, start_1="11:00", end_1="12:00", attendees=[bianchi.pk])
    page = text(planner.get(reverse("meetings:edit", args=[mission.slug, meeting.pk])))
    history = page.split("History", 1)[1]
    changed = history.index("Anna Verdi")
    created = history.index("system")
    assert changed < created  # newest first
    # Times in the mission's zone, with home (Rome) time alongside.
    assert "Start : Tue 22 Apr 2025, 09:00 EDT → Tue 22 Apr 2025, 11:00 EDT" in history
    assert "End : Tue 22 Apr 2025, 10:00 EDT → Tue 22 Apr 2025, 12:00 EDT" in history
    assert "Rome" in history
    assert f"Delegation attendees : + {bianchi.person.full_name} ; − {rossi}" in history
    # Creation lists what it started with.
    assert "Venue : Rivian plant" in history
    assert "Partner organisations : + Rivian Automotive" in history


def test_meeting_history_names_a_delegate_removed_since(planner, anna, mission, meeting):
    rossi = meeting.attendees.get()
    edit_as(planner, anna, meeting, attendees=[])
    rossi.delete()
    page = text(planner.get(reverse("meetings:edit", args=[mission.slug, meeting.pk])))
    assert "Delegation attendees : − Mario Rossi" in page


@pytest.mark.parametrize("changes", [1, 30])
def test_meeting_page_queries_do_not_grow_with_history(
    planner, anna, mission, meeting, django_assert_num_queries, changes
):
    venue = meeting.venue
    others = [make_member(mission) for _ in range(3)]
    contact = make_person()
    for n in range(changes):
        meeting.title = f"Title {n}"
        meeting.venue = venue if n % 2 else None
        meeting_save(meeting=meeting, attendees=others[: n % 3 + 1], partner_contacts=[contact])
    meeting = Meeting.objects.get(pk=meeting.pk)
    url = reverse("meetings:edit", args=[mission.slug, meeting.pk])
    # 16 for the page without history (1 of them: the meetings "also at this time" beside the
    # clash check, issue 8), and 8 for the history whatever its length:
    # 1 records with who made them, 3 their attendees, partner organisations and contacts,
    # 4 names of venues, delegates, organisations and contacts; +1 the programme bar.
    planner.get(url)
    with django_assert_num_queries(16 + 8 + 1):
        response = planner.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('class="history-entry') == changes + 1


def test_mission_history_shows_a_delegates_email_change_to_its_coordinators_only(
    client, anna, mission, meeting
):
    rossi = meeting.attendees.get().person
    someone = make_coordinator(mission, first_name="Bruno", last_name="Neri")
    client.force_login(someone)
    rossi.email = "mario.rossi@example.org"
    old = rossi.history.earliest("history_id").email
    response = client.post(
        reverse("delegations:contact_edit", args=[rossi.pk]),
        {
            "first_name": "Mario",
            "last_name": "Rossi",
            "email": "not-mario@example.org",
            "preferred_language": "it",
        },
    )
    assert response.status_code == 302
    client.force_login(anna)
    page = text(client.get(reverse("missions:history", args=[mission.slug])))
    assert "Contact card of Mario Rossi changed" in page
    assert f"E-mail : {old} → not-mario@example.org" in page
    assert "Bruno Neri" in page
    client.force_login(make_coordinator(make_mission()))
    assert client.get(reverse("missions:history", args=[mission.slug])).status_code == 404
    client.logout()
    response = client.get(reverse("missions:history", args=[mission.slug]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_mission_history_tells_rotated_links_without_showing_them(planner, mission, meeting):
    member = meeting.attendees.get()
    old_token = member.token
    response = planner.post(
        reverse("delegations:member_rotate_token", args=[mission.slug, member.pk])
    )
    assert response.status_code == 302
    page = planner.get(reverse("missions:history", args=[mission.slug])).content.decode()
    assert "a new secret link" in page
    member.refresh_from_db()
    assert old_token not in page and member.token not in page


@pytest.mark.parametrize("changes", [0, 20])
def test_mission_history_queries_do_not_grow(
    planner, mission, meeting, django_assert_num_queries, changes
):
    member = meeting.attendees.get()
    for n in range(changes):
        meeting.title = f"Title {n}"
        meeting_save(meeting=meeting, attendees=[member] if n % 2 else [])
        member.person.phone = f"+39 {n}"
        person_save(person=member.person)
        make_venue(mission)
    url = reverse("missions:history", args=[mission.slug])
    planner.get(url)
    # 1 session, 2 user, 3 mission; 4 delegates' records, 5 mission records, 6 coordinators
    # in them, 7 users named, 8 venue records, 9 meeting records, 10-12 their attendees,
    # organisations, contacts, 13 venues named, 14 delegates named, 15 organisations named,
    # 16 contact card records, 17 people named, 18 the programme bar.
    with django_assert_num_queries(18):
        response = planner.get(url)
    assert response.status_code == 200


def test_deleted_meeting_restored_from_the_planner_is_back_in_the_delegates_feed(
    planner, mission, meeting
):
    member = meeting.attendees.get()
    before = events(planner, feed(member))
    planner.post(reverse("meetings:delete", args=[mission.slug, meeting.pk]))
    assert events(planner, feed(member)) == []
    page = planner.get(reverse("meetings:deleted", args=[mission.slug]))
    assert "Deleted meetings" in text(page)
    assert "Rivian" in text(page) and "by Anna Verdi" in text(page)
    record = Meeting.history.get(id=meeting.pk, history_type="-")
    url = reverse("meetings:restore", args=[mission.slug, record.history_id])
    response = planner.post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "meetings:edit", args=[mission.slug, meeting.pk]
    )
    assert "“Rivian” is back, in the agenda and in calendars." in text(response)
    assert "restored" in text(response).split("History", 1)[1]
    assert events(planner, feed(member)) == before
    # Nothing left to restore; a second POST is a 404, not a duplicate.
    assert "No meeting of this mission has been deleted." in text(
        planner.get(reverse("meetings:deleted", args=[mission.slug]))
    )
    assert planner.post(url).status_code == 404


def test_deleted_meetings_are_the_missions_coordinators_business_only(client, mission, meeting):
    pk = meeting.pk
    meeting_delete(meeting=meeting)
    record = Meeting.history.get(id=pk, history_type="-")
    client.force_login(make_coordinator(make_mission()))
    assert client.get(reverse("meetings:deleted", args=[mission.slug])).status_code == 404
    url = reverse("meetings:restore", args=[mission.slug, record.history_id])
    assert client.post(url).status_code == 404
    # Not through another mission of theirs either.
    own = make_mission()
    client.force_login(make_coordinator(own))
    assert (
        client.post(reverse("meetings:restore", args=[own.slug, record.history_id])).status_code
        == 404
    )
    assert not Meeting.objects.filter(pk=pk).exists()
    client.force_login(make_coordinator(mission))
    assert client.get(url).status_code == 405


def test_agenda_links_to_deleted_meetings(planner, mission):
    page = planner.get(reverse("meetings:agenda", args=[mission.slug])).content.decode()
    assert reverse("meetings:deleted", args=[mission.slug]) in page


def test_coordinator_deletes_a_mission_after_seeing_what_goes_then_restores_it(
    planner, anna, mission, meeting
):
    member = meeting.attendees.get()
    publish(mission)
    before = events(planner, feed(member))
    assert before
    url = reverse("missions:delete", args=[mission.slug])
    page = text(planner.get(url))
    assert "Delete “VTM Michigan 2025”?" in page
    assert "1 meeting: Rivian" in page
    assert "1 delegate, whose personal page and calendar feed stop working: Mario Rossi" in page
    assert "1 venue: Rivian plant" in page
    response = planner.post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("missions:list")
    page = text(response)
    assert "Recently deleted VTM Michigan 2025" in page
    assert planner.get(feed(member)).status_code == 404
    record = Mission.history.get(id=mission.pk, history_type="-")
    response = planner.post(reverse("missions:restore", args=[record.history_id]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("meetings:agenda", args=[mission.slug])
    assert "“VTM Michigan 2025” is back with its venues, delegation and meetings." in text(response)
    assert events(planner, feed(DelegationMember.objects.get(pk=member.pk))) == before
    assert "Recently deleted" not in text(planner.get(reverse("missions:list")))
    assert "“VTM Michigan 2025” deleted." not in text(planner.get(reverse("missions:list")))


def test_a_deleted_mission_is_offered_only_to_who_may_restore_it(client, mission, meeting):
    coordinator = make_coordinator(mission)
    other = make_coordinator(make_mission())
    client.force_login(coordinator)
    client.post(reverse("missions:delete", args=[mission.slug]))
    record = Mission.history.get(id=mission.pk, history_type="-")
    client.force_login(other)
    assert "Recently deleted VTM" not in text(client.get(reverse("missions:list")))
    client.force_login(coordinator)
    assert "Recently deleted VTM Michigan 2025" in text(client.get(reverse("missions:list")))
    client.force_login(other)
    assert client.post(reverse("missions:restore", args=[record.history_id])).status_code == 404
    assert client.get(reverse("missions:delete", args=[make_mission().slug])).status_code == 404
    assert not Mission.objects.filter(pk=mission.pk).exists()


@pytest.mark.parametrize("deleted", [1, 8])
def test_missions_list_queries_do_not_grow_with_deleted_missions(
    client, django_assert_num_queries, deleted
):
    user = make_coordinator()
    for _ in range(deleted):
        doomed = make_mission(coordinators=[user])
        make_member(doomed)
        doomed.delete()
    client.force_login(user)
    # 1 session, 2 user, 3 missions visible (none), 4 deleted missions' records with who
    # deleted them, 5 their earlier records, 6 coordinators in those, 7 the user's open
    # follow-ups (outcomes' start page card).
    with django_assert_num_queries(7):
        response = client.get(reverse("missions:list"))
    assert text(response).count("with everything in it") == deleted


def test_mission_history_tells_a_mission_edit_and_who_coordinates(planner, anna, mission):
    from tests.missions.test_views import mission_data

    url = reverse("missions:edit", args=[mission.slug])
    assert reverse("missions:history", args=[mission.slug]) in planner.get(url).content.decode()
    data = mission_data(
        title="VTM Michigan 2025 (revised)",
        slug=mission.slug,
        city=mission.city,
        region=mission.region,
        country=mission.country,
        timezone=mission.timezone,
        start_date="2025-04-22",
        end_date="2025-04-25",
        status=mission.status,
        organiser="",
    )
    response = planner.post(url, data)
    assert response.status_code == 302, text(response)[:2000]
    page = text(planner.get(reverse("missions:history", args=[mission.slug])))
    assert "Mission changed" in page
    assert "Title : VTM Michigan 2025 → VTM Michigan 2025 (revised)" in page
    assert "End date : Thu 24 Apr 2025 → Fri 25 Apr 2025" in page
    assert "Coordinators : + Anna Verdi" in page


def test_mission_history_tells_the_delete_and_the_restore(planner, mission, meeting):
    planner.post(reverse("missions:delete", args=[mission.slug]))
    record = Mission.history.get(id=mission.pk, history_type="-")
    planner.post(reverse("missions:restore", args=[record.history_id]))
    page = text(planner.get(reverse("missions:history", args=[mission.slug])))
    for subject in (
        "Mission",
        "Venue “Rivian plant”",
        "Delegate Mario Rossi",
        "Meeting “Rivian”",
    ):
        assert f"{subject} restored" in page, subject
        assert f"{subject} deleted" in page, subject
    assert page.index("Mission restored") < page.index("Mission deleted")


@pytest.mark.parametrize("count", [1, 12])
def test_deleted_meetings_page_queries_do_not_grow(
    planner, mission, django_assert_num_queries, count
):
    venue = make_venue(mission)
    for n in range(count):
        doomed = make_meeting(
            mission,
            local(mission, 2025, 4, 22, 8 + n % 10),
            local(mission, 2025, 4, 22, 9 + n % 10),
            venue=venue,
        )
        meeting_delete(meeting=doomed)
    url = reverse("meetings:deleted", args=[mission.slug])
    # 1 session, 2 user, 3 mission, 4 deleted meetings with who deleted them, 5 venues,
    # 6 the programme bar.
    with django_assert_num_queries(6):
        response = planner.get(url)
    assert response.content.decode().count('action="/missions/') == count


def test_meeting_page_shows_the_latest_changes_each_told_against_the_one_before(mission, meeting):
    from meetings.history import meeting_history

    for n in range(5):
        meeting.title = f"Title {n}"
        meeting_save(meeting=meeting)
    entries = meeting_history(meeting, limit=3)
    assert [entry.kind for entry in entries] == ["changed"] * 3
    assert [(c.label, c.old, c.new) for c in entries[-1].changes] == [
        ("Title", "Title 1", "Title 2")
    ]
