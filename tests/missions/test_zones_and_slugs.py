"""Issue 8, findings 7 and 13: only places' time zones; web addresses without markup, and
the duplicate error in the words of the form."""

import pytest
from django.urls import reverse

from missions.models import Mission
from tests.builders import make_coordinator, make_mission, make_user
from tests.missions.test_views import mission_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("zone", ["localtime", "Factory", "US/Eastern", "Japan", "EST5EDT"])
@pytest.mark.parametrize("field", ["timezone", "home_timezone"])
def test_a_zone_that_is_no_place_is_refused_next_to_the_field(client, zone, field):
    client.force_login(make_coordinator())
    response = client.post(reverse("missions:create"), mission_data(**{field: zone}))
    page = response.content.decode()
    assert response.status_code == 200
    assert f"“{zone}” is not a known IANA time zone" in page
    assert f'id="error_1_id_{field}"' in page
    assert Mission.objects.count() == 0


@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/Argentina/Buenos_Aires", "UTC"])
def test_places_and_utc_are_accepted(client, zone):
    client.force_login(make_coordinator())
    response = client.post(
        reverse("missions:create"), mission_data(timezone=zone, home_timezone=zone)
    )
    assert response.status_code == 302
    assert Mission.objects.get().timezone == zone


def test_the_suggestions_offer_places_only(client):
    client.force_login(make_coordinator())
    page = client.get(reverse("missions:create")).content.decode()
    assert '<option value="Europe/Berlin">' in page
    assert '<option value="UTC">' in page
    for name in ("localtime", "Factory", "US/Eastern", "Etc/GMT+12", "CET", "Zulu"):
        assert f'<option value="{name}">' not in page


def test_markup_in_the_title_is_no_part_of_the_web_address(client):
    client.force_login(make_coordinator())
    client.post(reverse("missions:create"), mission_data(title="<b>VTM</b> Torino 2026"))
    assert Mission.objects.get().slug == "vtm-torino-2026"


def test_markup_in_the_title_of_a_copy_is_no_part_of_its_web_address(client):
    source = make_mission()
    client.force_login(make_coordinator(source))
    client.post(
        reverse("missions:clone", args=[source.slug]),
        {
            "title": "<i>VTM</i> copy",
            "slug": "",
            "start_date": "2026-05-04",
            "end_date": "2026-05-05",
        },
    )
    assert Mission.objects.filter(slug="vtm-copy").exists()


def test_a_taken_web_address_says_so_in_the_words_of_the_form(client):
    make_mission(slug="vtm-torino-2026")
    client.force_login(make_coordinator())
    response = client.post(reverse("missions:create"), mission_data(slug="vtm-torino-2026"))
    page = response.content.decode()
    assert "Another mission already uses this web address." in page
    assert "Slug" not in page
    assert Mission.objects.count() == 1


def test_a_taken_web_address_while_editing_says_so_too(client):
    make_mission(slug="vtm-torino-2026")
    mission = make_mission(timezone="Europe/Rome")
    client.force_login(make_coordinator(mission))
    response = client.post(
        reverse("missions:edit", args=[mission.slug]), mission_data(slug="vtm-torino-2026")
    )
    assert "Another mission already uses this web address." in response.content.decode()


def test_the_admin_says_web_address_too(client):
    taken = make_mission(slug="vtm-torino-2026")
    mission = make_mission()
    client.force_login(make_user(is_superuser=True, is_staff=True))
    page = client.get(reverse("admin:missions_mission_change", args=[mission.pk])).content
    assert "Web address" in page.decode()
    mission.slug = taken.slug
    with pytest.raises(Exception) as error:
        mission.full_clean()
    assert error.value.message_dict["slug"] == ["Another mission already uses this web address."]
