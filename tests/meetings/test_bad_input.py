"""Finding 7: forged values are form errors next to the field, never a 500."""

import pytest
from django.urls import reverse

from meetings.models import Meeting
from tests.builders import make_coordinator, make_mission
from tests.meetings.test_planner import form_data
from tests.test_admin import meeting_post

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999999"


@pytest.mark.parametrize("field", ["attendees", "partner_organisations", "partner_contacts"])
@pytest.mark.parametrize("value", [HUGE, "-1", "²", "1\x00"])
def test_a_forged_id_in_a_pick_list_is_an_error_next_to_it(client, field, value):
    mission = make_mission()
    client.force_login(make_coordinator(mission))

    response = client.post(
        reverse("meetings:create", args=[mission.slug]), form_data(mission, **{field: [value]})
    )

    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert Meeting.objects.count() == 0


def test_a_forged_id_in_the_admin_meeting_form_is_an_error_next_to_it(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "r@example.org", "pw"))
    mission = make_mission()

    response = client.post(
        reverse("admin:meetings_meeting_add"), meeting_post(mission, attendees=[HUGE])
    )

    assert response.status_code == 200
    [error] = response.context["adminform"].form.errors["attendees"]
    assert HUGE in error
    assert Meeting.objects.count() == 0


def test_a_forged_coordinator_id_in_the_admin_mission_form_is_an_error(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "r@example.org", "pw"))
    mission = make_mission()
    data = {
        "title": "Renamed",
        "slug": mission.slug,
        "status": "draft",
        "city": "Pontiac",
        "country": "United States",
        "timezone": "America/Detroit",
        "home_timezone": "Europe/Rome",
        "start_date": "2025-04-22",
        "end_date": "2025-04-24",
        "clash_buffer_minutes": 30,
        "coordinators": [HUGE],
        "members-TOTAL_FORMS": 0,
        "members-INITIAL_FORMS": 0,
        "venues-TOTAL_FORMS": 0,
        "venues-INITIAL_FORMS": 0,
    }

    response = client.post(reverse("admin:missions_mission_change", args=[mission.pk]), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["coordinators"]
    mission.refresh_from_db()
    assert mission.title != "Renamed"


@pytest.mark.parametrize("value", ["abc", HUGE, "\x00", "1.5", "²"])
def test_the_admin_local_day_filter_ignores_a_forged_mission(client, django_user_model, value):
    client.force_login(django_user_model.objects.create_superuser("root", "r@example.org", "pw"))

    response = client.get(
        reverse("admin:meetings_meeting_changelist"),
        {"mission__id__exact": value, "day": "2025-04-22"},
    )

    # The admin redirects with ?e=1 for a filter it cannot apply; a NUL is a 400 (badinput).
    assert response.status_code in (200, 302, 400)


@pytest.mark.parametrize("venue", [" ", HUGE, "x"])
def test_a_forged_venue_in_the_admin_meeting_form_is_an_error_next_to_it(
    client, django_user_model, venue
):
    client.force_login(django_user_model.objects.create_superuser("root", "r@example.org", "pw"))
    mission = make_mission()

    response = client.post(
        reverse("admin:meetings_meeting_add"), meeting_post(mission, venue=venue)
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["venue"]
    assert Meeting.objects.count() == 0


def test_admin_meeting_times_without_a_valid_mission_ask_for_the_mission(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "r@example.org", "pw"))
    mission = make_mission()

    data = {**meeting_post(mission), "mission": "987654"}

    response = client.post(reverse("admin:meetings_meeting_add"), data)

    errors = response.context["adminform"].form.errors
    assert "mission" in errors
    assert errors["start"] == ["Choose the mission first: this time is read in its zone."]
    assert Meeting.objects.count() == 0


@pytest.mark.parametrize(
    "url",
    [
        "/admin/auth/user/?q=%00",
        "/admin/meetings/meeting/?status__exact=%00",
        "/admin/delegations/person/?q=a%00b",
        "/admin/missions/mission/?%00=1",
    ],
)
def test_a_nul_in_the_admin_search_or_filters_is_a_bad_request(client, django_user_model, url):
    client.force_login(django_user_model.objects.create_superuser("root", "r@example.org", "pw"))

    response = client.get(url)

    assert response.status_code == 400
    assert response.content.decode() == "Null characters are not allowed."
