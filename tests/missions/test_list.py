"""The missions list: search, running / upcoming / past by each mission's own calendar, the
coordinators of each, pages of 50, a constant number of queries; and the clone's choice of
coordinators."""

import re
from datetime import UTC, date, datetime
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from missions.models import Mission, Phase
from tests.builders import (
    make_coordinator,
    make_many_meetings,
    make_member,
    make_mission,
    make_user,
    make_venue,
)

pytestmark = pytest.mark.django_db

# 01:00 UTC on 22 April 2026: 10:00 on the 22nd in Tokyo, still 21:00 on the 21st in Detroit.
NOW = datetime(2026, 4, 22, 1, 0, tzinfo=UTC)


def text(response) -> str:
    """The page as a reader sees it: tags dropped, spaces collapsed."""
    html = response.content.decode()
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def titles(response) -> list[str]:
    """The missions' titles on the page, in order."""
    html = response.content.decode()
    found = re.findall(r'<h3 class="h5 card-title[^"]*"><a [^>]*>([^<]*)<', html)
    return [unescape(title) for title in found]


@pytest.fixture
def at_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


@pytest.fixture
def giulia():
    return make_user(username="giulia", first_name="Giulia", last_name="Ferrero")


@pytest.fixture
def planner(client, giulia):
    client.force_login(giulia)
    return client


def mission(giulia, title, zone, start, end, **fields):
    return make_mission(
        title=title, timezone=zone, start_date=start, end_date=end, coordinators=[giulia], **fields
    )


# --- Where a mission stands, in its own zone -------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "start", "end", "phase"),
    [
        # The same dates, read on each side of the date line at the same instant.
        ("Asia/Tokyo", date(2026, 4, 22), date(2026, 4, 24), Phase.RUNNING),
        ("America/Detroit", date(2026, 4, 22), date(2026, 4, 24), Phase.UPCOMING),
        ("Asia/Tokyo", date(2026, 4, 19), date(2026, 4, 21), Phase.PAST),
        ("America/Detroit", date(2026, 4, 19), date(2026, 4, 21), Phase.RUNNING),
        ("Europe/Rome", date(2026, 4, 22), date(2026, 4, 22), Phase.RUNNING),
        ("Pacific/Pago_Pago", date(2026, 4, 21), date(2026, 4, 21), Phase.RUNNING),
        ("Pacific/Kiritimati", date(2026, 4, 21), date(2026, 4, 21), Phase.PAST),
    ],
)
def test_phase_is_read_in_the_missions_own_zone(zone, start, end, phase):
    assert Mission(timezone=zone, start_date=start, end_date=end).phase(NOW) == phase


def test_running_in_tokyo_while_detroit_is_still_on_the_day_before(planner, giulia, at_now):
    mission(giulia, "Tokyo fair", "Asia/Tokyo", date(2026, 4, 22), date(2026, 4, 24))
    mission(giulia, "Detroit fair", "America/Detroit", date(2026, 4, 22), date(2026, 4, 24))
    mission(giulia, "Osaka visit", "Asia/Tokyo", date(2026, 4, 19), date(2026, 4, 21))
    mission(giulia, "Chicago visit", "America/Chicago", date(2026, 4, 19), date(2026, 4, 21))

    running = planner.get(reverse("missions:list"), {"when": "running"})
    upcoming = planner.get(reverse("missions:list"), {"when": "upcoming"})
    past = planner.get(reverse("missions:list"), {"when": "past"})

    assert titles(running) == ["Chicago visit", "Tokyo fair"]  # the one ending first on top
    assert "Day 1 of 3" in text(running) and "Day 3 of 3" in text(running)
    assert titles(upcoming) == ["Detroit fair"]
    assert "starts tomorrow" in text(upcoming)
    assert titles(past) == ["Osaka visit"]
    # Each filter says how many the others hold.
    assert "All 4 Running 2 Upcoming 1 Past 1" in text(past)


def test_by_default_running_then_upcoming_then_past(planner, giulia, at_now):
    mission(giulia, "Past, older", "Europe/Rome", date(2025, 4, 22), date(2025, 4, 24))
    mission(giulia, "Upcoming, later", "Europe/Rome", date(2026, 9, 1), date(2026, 9, 3))
    mission(giulia, "Past, recent", "Europe/Rome", date(2026, 3, 1), date(2026, 3, 3))
    mission(giulia, "Running", "Europe/Rome", date(2026, 4, 20), date(2026, 4, 23))
    mission(giulia, "Upcoming, soon", "Europe/Rome", date(2026, 5, 2), date(2026, 5, 4))

    response = planner.get(reverse("missions:list"))

    assert titles(response) == [
        "Running",
        "Upcoming, soon",
        "Upcoming, later",
        "Past, recent",
        "Past, older",
    ]
    html = response.content.decode()
    headings = re.findall(r'<h2 [^>]*id="phase-(\w+)">\s*([^<]*?)\s*</h2>', html)
    assert headings == [("running", "Running now"), ("upcoming", "Upcoming"), ("past", "Past")]
    assert "in 10 days" in text(response)  # 2 May, from 22 April in Rome


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("torino", ["VTM Torino 2026"]),
        ("PONTIAC", ["VTM Michigan 2025"]),
        ("united states", ["VTM Michigan 2025"]),
        ("japan", ["Automotive Japan"]),
        ("vtm 2026", ["VTM Torino 2026"]),
        ("vtm", ["VTM Torino 2026", "VTM Michigan 2025"]),
        ("  ", ["VTM Torino 2026", "Automotive Japan", "VTM Michigan 2025"]),
    ],
)
def test_search_by_title_city_or_country(planner, giulia, at_now, query, found):
    mission(giulia, "VTM Michigan 2025", "America/Detroit", date(2025, 4, 22), date(2025, 4, 24))
    mission(
        giulia,
        "VTM Torino 2026",
        "Europe/Rome",
        date(2026, 3, 24),
        date(2026, 3, 25),
        city="Torino",
        region="Piemonte",
        country="Italy",
    )
    mission(
        giulia,
        "Automotive Japan",
        "Asia/Tokyo",
        date(2025, 11, 4),
        date(2025, 11, 6),
        city="Nagoya",
        region="",
        country="Japan",
    )
    response = planner.get(reverse("missions:list"), {"q": query})
    assert titles(response) == found


def test_search_without_a_match_says_so_and_offers_all(planner, giulia, at_now):
    mission(giulia, "VTM Michigan 2025", "America/Detroit", date(2025, 4, 22), date(2025, 4, 24))
    response = planner.get(reverse("missions:list"), {"q": "Stuttgart"})
    page = text(response)
    assert "No mission matches “Stuttgart”" in page
    assert 'value="Stuttgart"' in response.content.decode()
    assert "Show all missions" in page


def test_search_and_filter_together_and_the_filter_links_keep_the_search(planner, giulia, at_now):
    mission(giulia, "VTM Michigan 2025", "America/Detroit", date(2025, 4, 22), date(2025, 4, 24))
    mission(giulia, "VTM Michigan 2026", "America/Detroit", date(2026, 4, 21), date(2026, 4, 23))
    mission(giulia, "Hannover Messe", "Europe/Berlin", date(2026, 4, 20), date(2026, 4, 24))
    response = planner.get(reverse("missions:list"), {"q": "michigan", "when": "past"})
    assert titles(response) == ["VTM Michigan 2025"]
    html = response.content.decode()
    assert 'href="?q=michigan&amp;when=running"' in html
    assert '<input type="hidden" name="when" value="past">' in html
    assert "No running mission matches “2025”" in text(
        planner.get(reverse("missions:list"), {"q": "2025", "when": "running"})
    )
    upcoming = planner.get(reverse("missions:list"), {"when": "upcoming"})
    assert "No upcoming mission" in text(upcoming)


@pytest.mark.parametrize(
    "params",
    [{"when": "someday"}, {"when": "\x00"}, {"q": "x" * 500}, {"q": "a\x00"}, {"page": "-3"}],
)
def test_odd_parameters_show_every_mission_with_a_word_about_the_search(
    planner, giulia, at_now, params
):
    mission(giulia, "VTM Michigan 2025", "America/Detroit", date(2025, 4, 22), date(2025, 4, 24))
    response = planner.get(reverse("missions:list"), params)
    assert response.status_code == 200
    assert titles(response) == ["VTM Michigan 2025"]
    if "q" in params:
        assert "alert-warning" in response.content.decode()


def test_each_mission_shows_its_coordinators(planner, giulia):
    shared = make_mission(title="Shared fair", coordinators=[giulia])
    make_coordinator(shared, first_name="Marco", last_name="Bianchi")
    make_coordinator(shared, username="zeta")
    make_mission(title="Alone", coordinators=[giulia])
    page = text(planner.get(reverse("missions:list"))).replace(" ,", ",")
    assert "Coordinators: Giulia Ferrero (you), Marco Bianchi, zeta" in page
    assert "Coordinator: Giulia Ferrero (you)" in page


@pytest.mark.parametrize(
    ("start", "end", "shown"),
    [
        (date(2026, 12, 30), date(2027, 1, 2), "30 Dec 2026 – 2 Jan 2027"),
        (date(2026, 4, 30), date(2026, 5, 2), "30 Apr – 2 May 2026"),
        (date(2026, 4, 22), date(2026, 4, 24), "22 – 24 Apr 2026"),
        (date(2026, 4, 22), date(2026, 4, 22), "22 Apr 2026"),
    ],
)
def test_dates_show_both_years_when_they_differ(planner, giulia, start, end, shown):
    make_mission(title="Fair", start_date=start, end_date=end, coordinators=[giulia])
    assert f"{shown} " in text(planner.get(reverse("missions:list")))


def test_fifty_missions_a_page(planner, giulia, at_now):
    for n in range(51):
        start = date(2025, 1, 1 + n % 28)
        mission(giulia, f"Mission {n:02d}", "Europe/Rome", start, date(2025, 2, 1))
    first = planner.get(reverse("missions:list"))
    second = planner.get(reverse("missions:list"), {"page": 2})
    assert len(titles(first)) == 50
    assert "Page 1 of 2" in text(first)
    assert len(titles(second)) == 1
    assert set(titles(first)) | set(titles(second)) == {f"Mission {n:02d}" for n in range(51)}


@pytest.mark.parametrize("missions", [1, 6])
def test_list_query_count_does_not_grow_with_missions(
    planner, giulia, django_assert_num_queries, missions
):
    for n in range(missions):
        mission_ = make_mission(title=f"Fair {n}", coordinators=[giulia])
        mission_.coordinators.add(make_user(), make_user())
        members = [make_member(mission_), make_member(mission_)]
        make_many_meetings(mission_, 5, attendees=members, venue=make_venue(mission_))
    # 1 session, 2 user, 3 missions visible to the user, 4 their meetings,
    # 5 meeting attendees (through table), 6 delegation members with names,
    # 7 the missions' coordinators, 8 missions deleted recently (none here),
    # 9 the user's open follow-ups with their count (outcomes' start page card).
    with django_assert_num_queries(9):
        response = planner.get(reverse("missions:list"))
    assert len(titles(response)) == missions
    assert text(response).count("Coordinators: ") == missions


def test_searching_or_filtering_leaves_the_recently_deleted_out(planner, giulia, at_now):
    make_mission(title="Kept", coordinators=[giulia])
    make_mission(title="Gone", coordinators=[giulia]).delete()
    assert "Recently deleted Gone" in text(planner.get(reverse("missions:list")))
    assert "Recently deleted" not in text(planner.get(reverse("missions:list"), {"q": "kept"}))


# --- Clone: the co-coordinators are the cloner's choice ----------------------------------------


@pytest.fixture
def source(giulia):
    source = make_mission(title="VTM Michigan 2025", coordinators=[giulia])
    make_coordinator(source, username="marco", first_name="Marco", last_name="Bianchi")
    return source


def clone(client, source, **extra):
    data = {"title": "VTM Michigan 2026", "slug": "", "start_date": "2026-04-21"}
    data.update(end_date="2026-04-23", **extra)
    return client.post(reverse("missions:clone", args=[source.slug]), data)


def test_clone_offers_to_copy_the_other_coordinators_by_name(planner, source):
    page = text(planner.get(reverse("missions:clone", args=[source.slug])))
    assert "Make Marco Bianchi a coordinator of the copy too" in page


def test_clone_with_the_co_coordinators(planner, source):
    clone(planner, source, copy_coordinators="on")
    copy = Mission.objects.get(slug="vtm-michigan-2026")
    assert sorted(copy.coordinators.values_list("username", flat=True)) == ["giulia", "marco"]


def test_clone_without_the_co_coordinators(planner, source):
    clone(planner, source)
    copy = Mission.objects.get(slug="vtm-michigan-2026")
    assert list(copy.coordinators.values_list("username", flat=True)) == ["giulia"]


def test_clone_of_a_mission_one_coordinates_alone_asks_nothing(planner, giulia):
    alone = make_mission(coordinators=[giulia])
    page = text(planner.get(reverse("missions:clone", args=[alone.slug])))
    assert "coordinators of the copy" not in page
