"""Issue 8, finding 8: a mission over New Year shows both years wherever its days are shown."""

from datetime import date

import pytest
from django.urls import reverse

from tests.builders import make_coordinator, make_member, make_mission, make_person

pytestmark = pytest.mark.django_db

ACROSS = (
    '<time datetime="2026-12-20">20 Dec 2026</time>–<time datetime="2027-01-05">5 Jan 2027</time>'
)


@pytest.fixture
def new_year():
    return make_mission(start_date=date(2026, 12, 20), end_date=date(2027, 1, 5))


def test_the_missions_list_shows_both_years(client, new_year):
    client.force_login(make_coordinator(new_year))
    assert ACROSS in client.get(reverse("missions:list")).content.decode()


def test_the_mission_header_shows_both_years(client, new_year):
    client.force_login(make_coordinator(new_year))
    for url in (
        reverse("meetings:agenda", args=[new_year.slug]),
        reverse("missions:edit", args=[new_year.slug]),
    ):
        assert ACROSS in client.get(url).content.decode()


def test_the_delegate_page_shows_both_years(client, new_year):
    member = make_member(new_year, make_person(preferred_language="en"))
    page = client.get(reverse("public:delegate_page", args=[member.token])).content.decode()
    assert ACROSS in page


def test_a_delegate_reading_italian_sees_both_years_too(client, new_year):
    member = make_member(new_year, make_person(preferred_language="it"))
    page = client.get(reverse("public:delegate_page", args=[member.token])).content.decode()
    assert '>20 Dic 2026</time>–<time datetime="2027-01-05">5 Gen 2027</time>' in page


def test_within_one_year_the_year_is_said_once(client):
    mission = make_mission(start_date=date(2025, 4, 22), end_date=date(2025, 4, 24))
    client.force_login(make_coordinator(mission))
    page = client.get(reverse("missions:list")).content.decode()
    assert (
        '<time datetime="2025-04-22">22</time>–<time datetime="2025-04-24">24 Apr 2025</time>'
        in page
    )


def test_across_months_the_first_month_is_said_too(client):
    mission = make_mission(start_date=date(2025, 4, 30), end_date=date(2025, 5, 2))
    client.force_login(make_coordinator(mission))
    page = client.get(reverse("missions:list")).content.decode()
    assert (
        '<time datetime="2025-04-30">30 Apr</time>–<time datetime="2025-05-02">2 May 2025</time>'
        in page
    )


def test_a_recently_deleted_mission_shows_both_years(client, new_year):
    client.force_login(make_coordinator(new_year))
    response = client.post(reverse("missions:delete", args=[new_year.slug]), follow=True)
    assert "Recently deleted" in response.content.decode()
    assert ACROSS in response.content.decode()
