from datetime import date

import pytest
from django.urls import reverse

from delegations.models import DelegationMember
from meetings.models import Meeting
from missions.models import Mission, Venue
from tests.builders import (
    local,
    make_coordinator,
    make_many_meetings,
    make_meeting,
    make_member,
    make_mission,
    make_venue,
)

pytestmark = pytest.mark.django_db


def mission_data(**overrides):
    data = {
        "title": "VTM Torino 2026",
        "slug": "",
        "status": "draft",
        "city": "Torino",
        "region": "Piemonte",
        "country": "Italy",
        "start_date": "2026-03-24",
        "end_date": "2026-03-25",
        "timezone": "Europe/Rome",
        "home_timezone": "Europe/Rome",
        "clash_buffer_minutes": "30",
        "organiser": "Ceipiemonte",
        "funding_programme": "",
        "description": "",
    }
    data.update(overrides)
    return data


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(reverse("missions:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_list_shows_only_the_coordinators_own_missions_with_counts(client):
    mine = make_mission(title="VTM Michigan 2025")
    theirs = make_mission(title="Somebody else's fair")
    member = make_member(mine)
    make_meeting(
        mine, local(mine, 2025, 4, 22, 14), local(mine, 2025, 4, 22, 15), attendees=[member]
    )
    make_meeting(
        mine,
        local(mine, 2025, 4, 22, 14, 30),
        local(mine, 2025, 4, 22, 15, 30),
        attendees=[member],
        status=Meeting.Status.TENTATIVE,
    )
    client.force_login(make_coordinator(mine))
    page = client.get(reverse("missions:list")).content.decode()
    assert "VTM Michigan 2025" in page
    assert theirs.title not in page
    assert "2 meetings with clash warnings" in page
    assert "1 tentative meeting" in page


def test_list_shows_an_empty_state(client):
    client.force_login(make_coordinator())
    page = client.get(reverse("missions:list")).content.decode()
    assert "No missions yet" in page


def test_superuser_sees_every_mission(client, django_user_model):
    make_mission(title="Alpha fair")
    make_mission(title="Beta fair")
    client.force_login(django_user_model.objects.create_superuser("root", "r@example.org", "pw"))
    page = client.get(reverse("missions:list")).content.decode()
    assert "Alpha fair" in page and "Beta fair" in page


@pytest.mark.parametrize("meetings", [1, 300])
def test_list_query_count_does_not_grow_with_meetings(client, django_assert_num_queries, meetings):
    mission = make_mission()
    members = [make_member(mission), make_member(mission)]
    make_many_meetings(mission, meetings, attendees=members, venue=make_venue(mission))
    client.force_login(make_coordinator(mission))
    # 1 session, 2 user, 3 missions visible to the user, 4 their meetings,
    # 5 meeting attendees (through table), 6 delegation members with names,
    # 7 the missions' coordinators (shown on each card), 8 missions deleted recently (none),
    # 9 the user's open follow-ups (outcomes' start page card).
    with django_assert_num_queries(9):
        response = client.get(reverse("missions:list"))
    assert response.status_code == 200


def test_creating_a_mission_makes_the_user_its_coordinator(client):
    user = make_coordinator()
    client.force_login(user)
    response = client.post(reverse("missions:create"), mission_data())
    mission = Mission.objects.get()
    assert response["Location"] == reverse("meetings:agenda", args=["vtm-torino-2026"])
    assert (mission.slug, list(mission.coordinators.all())) == ("vtm-torino-2026", [user])


def test_unknown_time_zone_is_an_error_next_to_the_field_and_input_is_kept(client):
    client.force_login(make_coordinator())
    response = client.post(reverse("missions:create"), mission_data(timezone="Europe/Turin"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "“Europe/Turin” is not a known IANA time zone" in page
    assert 'id="error_1_id_timezone"' in page
    assert 'value="Europe/Turin"' in page
    assert 'value="VTM Torino 2026"' in page
    assert Mission.objects.count() == 0


def test_end_before_start_is_an_error_and_nothing_is_saved(client):
    client.force_login(make_coordinator())
    response = client.post(reverse("missions:create"), mission_data(end_date="2026-03-20"))
    assert "The mission cannot end before it starts." in response.content.decode()
    assert Mission.objects.count() == 0


def test_taken_slug_is_an_error_next_to_the_field(client):
    make_mission(slug="vtm-torino-2026")
    client.force_login(make_coordinator())
    response = client.post(reverse("missions:create"), mission_data(slug="vtm-torino-2026"))
    page = response.content.decode()
    assert 'id="error_1_id_slug"' in page
    assert Mission.objects.count() == 1


def test_empty_slug_is_made_unique_from_the_title(client):
    make_mission(slug="vtm-torino-2026")
    client.force_login(make_coordinator())
    client.post(reverse("missions:create"), mission_data())
    assert Mission.objects.filter(slug="vtm-torino-2026-2").exists()


def test_editing_a_mission_saves_it(client):
    mission = make_mission(title="Old title", timezone="America/Detroit")
    client.force_login(make_coordinator(mission))
    data = mission_data(title="New title", slug=mission.slug, timezone="America/Detroit")
    response = client.post(reverse("missions:edit", args=[mission.slug]), data)
    mission.refresh_from_db()
    assert response.status_code == 302
    assert mission.title == "New title"


def test_coordinator_of_another_mission_gets_404_on_every_mission_page(client):
    mission = make_mission()
    client.force_login(make_coordinator(make_mission()))
    for name in ("missions:edit", "missions:clone", "meetings:agenda", "meetings:agenda_print"):
        assert client.get(reverse(name, args=[mission.slug])).status_code == 404
    assert client.post(reverse("missions:edit", args=[mission.slug]), {}).status_code == 404


def test_cloning_copies_venues_and_delegation_but_not_meetings(client):
    source = make_mission(title="VTM Michigan 2025", start_date=date(2025, 4, 22))
    venue = make_venue(source, name="Piemonte stand")
    member = make_member(
        source,
        arrival=local(source, 2025, 4, 21, 18),
        departure=local(source, 2025, 4, 25, 9),
    )
    make_meeting(
        source,
        local(source, 2025, 4, 22, 14),
        local(source, 2025, 4, 22, 15),
        venue=venue,
        attendees=[member],
    )
    user = make_coordinator(source)
    client.force_login(user)
    response = client.post(
        reverse("missions:clone", args=[source.slug]),
        {
            "title": "VTM Michigan 2026",
            "slug": "",
            "start_date": "2026-04-21",
            "end_date": "2026-04-23",
        },
    )
    copy = Mission.objects.get(slug="vtm-michigan-2026")
    assert response["Location"] == reverse("meetings:agenda", args=[copy.slug])
    assert (copy.status, copy.timezone, copy.city) == ("draft", "America/Detroit", "Pontiac")
    assert list(Venue.objects.filter(mission=copy).values_list("name", flat=True)) == [
        "Piemonte stand"
    ]
    cloned = DelegationMember.objects.get(mission=copy)
    assert cloned.person == member.person
    assert cloned.token != member.token
    # Moved by 364 days, same wall-clock time in Detroit.
    assert cloned.arrival == local(copy, 2026, 4, 20, 18)
    assert cloned.departure == local(copy, 2026, 4, 24, 9)
    assert Meeting.objects.filter(mission=copy).count() == 0
    assert user in copy.coordinators.all()


def test_clone_page_says_what_is_copied(client):
    source = make_mission()
    make_venue(source)
    make_member(source)
    make_member(source)
    client.force_login(make_coordinator(source))
    page = client.get(reverse("missions:clone", args=[source.slug])).content.decode()
    assert "1 venue" in page and "2 delegates" in page
    assert "Meetings are not copied." in page


def test_clone_with_bad_dates_shows_errors_and_creates_nothing(client):
    source = make_mission()
    client.force_login(make_coordinator(source))
    response = client.post(
        reverse("missions:clone", args=[source.slug]),
        {"title": "Copy", "slug": "", "start_date": "2026-04-21", "end_date": "2026-04-01"},
    )
    assert 'id="error_1_id_end_date"' in response.content.decode()
    assert Mission.objects.count() == 1
