"""Issue 8, findings 10 and 11: a meeting past midnight says so on the agenda, the delegate
page and the printed programme; print shows the home time's weekday; empty days take a line."""

import re

import pytest
from django.urls import reverse

from tests.builders import local, make_coordinator, make_meeting, make_member, make_mission, publish
from tests.catalogue import italian_with_pending  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def world(client):
    # Detroit (EDT, UTC-4) with home in Rome (CEST, UTC+2); 22-24 April 2025 (Tue-Thu).
    mission = make_mission(slug="vtm-michigan", home_timezone="Europe/Rome")
    member = make_member(mission)
    # Tue 23:30 - Wed 03:30 Detroit; home: Wed 05:30.
    make_meeting(
        mission,
        local(mission, 2025, 4, 22, 23, 30),
        local(mission, 2025, 4, 23, 3, 30),
        title="Night shift at the plant",
        attendees=[member],
    )
    # Tue 17:00-18:00 Detroit is 23:00 Rome, same day: no marker, no badge.
    make_meeting(
        mission,
        local(mission, 2025, 4, 22, 17),
        local(mission, 2025, 4, 22, 18),
        title="Dinner",
        attendees=[member],
    )
    publish(mission)
    client.force_login(make_coordinator(mission))
    return mission, member


def test_agenda_marks_the_end_on_the_next_day(client, world):
    mission, _ = world
    text = text_of(client.get(reverse("meetings:agenda", args=[mission.slug]) + "?lang=en"))
    assert "23:30–03:30 (+1 day)" in text
    assert "17:00–18:00 (+1 day)" not in text
    assert "17:00–18:00" in text


def test_delegate_page_marks_the_end_on_the_next_day(client, world):
    _, member = world
    text = text_of(client.get(reverse("public:delegate_page", args=[member.token]) + "?lang=en"))
    assert "23:30–03:30 (+1 day)" in text
    assert "17:00–18:00 (Rome" in text


def test_print_marks_next_day_end_and_home_weekday(client, world):
    mission, _ = world
    text = text_of(client.get(reverse("meetings:agenda_print", args=[mission.slug]) + "?lang=en"))
    assert "23:30–03:30 (+1 day)" in text
    # The home time falls on Wednesday in Rome: its weekday is shown, as on the agenda.
    assert "05:30 Rome Wed" in text
    assert "23:00 Rome Wed" not in text
    assert "23:00 Rome" in text


def test_meeting_ending_at_midnight_has_no_marker(client, world):
    mission, _ = world
    make_meeting(
        mission,
        local(mission, 2025, 4, 23, 22),
        local(mission, 2025, 4, 24, 0),
        title="Late call",
    )
    text = text_of(client.get(reverse("meetings:agenda_print", args=[mission.slug]) + "?lang=en"))
    assert "22:00–00:00 (+1 day)" not in text
    assert "22:00–00:00" in text


def test_two_day_meeting_says_plus_two_days(client, world):
    mission, _ = world
    make_meeting(
        mission,
        local(mission, 2025, 4, 23, 22),
        local(mission, 2025, 4, 25, 1),
        title="Road trip",
    )
    text = text_of(client.get(reverse("meetings:agenda", args=[mission.slug]) + "?lang=en"))
    assert "22:00–01:00 (+2 days)" in text


@pytest.mark.usefixtures("italian_with_pending")
def test_next_day_marker_in_italian(client, world):
    mission, _ = world
    client.cookies["django_language"] = "it"
    text = text_of(client.get(reverse("meetings:agenda", args=[mission.slug])))
    assert "23:30–03:30 (+1 giorno)" in text


def test_print_lists_empty_days_on_one_line_not_a_page(client, world):
    mission, _ = world
    page = client.get(reverse("meetings:agenda_print", args=[mission.slug]) + "?lang=en")
    html = page.content.decode()
    text = text_of(page)
    # Only Tuesday has meetings: one section; Wednesday and Thursday are one line each.
    assert html.count('class="print-day"') == 1
    assert "Tuesday 22 April 2025" in text
    assert "Wed 23 Apr: no meetings" in text
    assert "Thu 24 Apr: no meetings" in text
    assert "Wednesday 23 April 2025" not in text


def test_print_day_heading_is_in_the_table_head(client, world):
    """Chromium repeats a table's thead on every printed page: the day's name lives there."""
    mission, _ = world
    html = client.get(reverse("meetings:agenda_print", args=[mission.slug]) + "?lang=en")
    html = html.content.decode()
    thead = re.search(r"<thead>(.*?)</thead>", html, flags=re.S).group(1)
    assert "Tuesday 22 April 2025" in thead
