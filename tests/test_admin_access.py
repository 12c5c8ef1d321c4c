"""Finding 2 of issue 7: the admin is for superusers only; a staff coordinator of mission B
gets the admin's login page, never a mission, meeting, member or secret link of mission A."""

import pytest
from django.urls import reverse

from tests.builders import (
    local,
    make_coordinator,
    make_meeting,
    make_member,
    make_mission,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def mission_a():
    mission = make_mission(title="Mission A")
    member = make_member(mission)
    make_meeting(
        mission,
        local(mission, 2025, 4, 22, 15),
        local(mission, 2025, 4, 22, 16),
        title="Secret talks",
        internal_notes="INTERNAL-NOTE-OF-A",
        attendees=[member],
    )
    return mission


@pytest.fixture
def staff_of_b(client):
    user = make_coordinator(make_mission(title="Mission B"), is_staff=True)
    client.force_login(user)
    return user


def admin_urls(mission):
    member = mission.members.get()
    meeting = mission.meetings.get()
    return [
        reverse("admin:index"),
        reverse("admin:missions_mission_changelist"),
        reverse("admin:missions_mission_change", args=[mission.pk]),
        reverse("admin:meetings_meeting_changelist"),
        reverse("admin:meetings_meeting_change", args=[meeting.pk]),
        reverse("admin:delegations_delegationmember_changelist"),
        reverse("admin:delegations_delegationmember_change", args=[member.pk]),
        reverse("admin:delegations_person_changelist"),
        reverse("admin:autocomplete") + "?app_label=meetings&model_name=meeting&field_name=venue",
    ]


def test_a_staff_coordinator_gets_the_login_page_never_data(client, staff_of_b, mission_a):
    token = mission_a.members.get().token
    for url in admin_urls(mission_a):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith(reverse("admin:login")), url
        page = client.get(url, follow=True).content.decode()
        assert "Secret talks" not in page
        assert "INTERNAL-NOTE-OF-A" not in page
        assert token not in page
        assert "not authorized to access this page" in page


def test_a_staff_coordinator_cannot_post_in_the_admin(client, staff_of_b, mission_a):
    meeting = mission_a.meetings.get()
    url = reverse("admin:meetings_meeting_changelist")
    response = client.post(
        url, {"action": "delete_selected", "_selected_action": [meeting.pk], "post": "yes"}
    )
    assert response.status_code == 302
    assert mission_a.meetings.filter(pk=meeting.pk).exists()


def test_a_staff_coordinator_cannot_log_into_the_admin(client, mission_a):
    make_user(username="staffer", password="right-password-1", is_staff=True)
    response = client.post(
        reverse("admin:login"), {"username": "staffer", "password": "right-password-1"}
    )
    assert response.status_code == 200
    assert "Please enter the correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_superuser_has_the_admin(client, mission_a):
    make_user(username="root", password="root-password-1", is_staff=True, is_superuser=True)
    response = client.post(
        reverse("admin:login"),
        {"username": "root", "password": "root-password-1", "next": reverse("admin:index")},
    )
    assert response.status_code == 302
    page = client.get(reverse("admin:meetings_meeting_changelist")).content.decode()
    assert "Secret talks" in page


def test_the_planner_links_the_admin_for_superusers_only(client, staff_of_b):
    page = client.get(reverse("missions:list")).content.decode()
    assert f'href="{reverse("admin:index")}"' not in page
    client.force_login(make_user(is_staff=True, is_superuser=True))
    page = client.get(reverse("missions:list")).content.decode()
    assert f'href="{reverse("admin:index")}"' in page
