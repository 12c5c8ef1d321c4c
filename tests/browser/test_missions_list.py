"""The missions list in Chromium: running, upcoming and past missions with their coordinators,
search, a filter; then a colleague added and removed on the Coordinators page, and leaving a
mission. Screenshots: screenshots/missions-list.png (desktop), missions-list-phone.png,
missions-coordinators.png."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import Browser, expect

from meetings.models import Meeting
from missions.models import Mission
from tests.browser.test_csp import Watch
from tests.builders import make_meeting, make_member, make_mission, make_person

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Langhe-Roero-2026"
SCREENSHOTS = Path(settings.BASE_DIR) / "screenshots"


def _world():
    users = get_user_model().objects
    giulia = users.create_user(
        "giulia", "giulia@ceipiemonte.it", PASSWORD, first_name="Giulia", last_name="Ferrero"
    )
    marco = users.create_user(
        "marco", "marco@ceipiemonte.it", PASSWORD, first_name="Marco", last_name="Bianchi"
    )
    chiara = users.create_user(
        "chiara", "chiara@ceipiemonte.it", PASSWORD, first_name="Chiara", last_name="Rinaldi"
    )
    now = timezone.now()

    def today_in(zone: str):
        return Mission(timezone=zone).local_today(now)

    def mission(title, city, region, country, zone, first, days, coordinators, **fields):
        return make_mission(
            title=title,
            slug=title.lower().replace(" ", "-"),
            city=city,
            region=region,
            country=country,
            timezone=zone,
            start_date=first,
            end_date=first + timedelta(days=days - 1),
            coordinators=coordinators,
            **fields,
        )

    tokyo = today_in("Asia/Tokyo")
    nagoya = mission(
        "Automotive Dialogue Japan",
        "Nagoya",
        "Aichi",
        "Japan",
        "Asia/Tokyo",
        tokyo - timedelta(days=1),
        4,
        [giulia, marco],
    )
    hannover = mission(
        "Hannover Messe",
        "Hannover",
        "Lower Saxony",
        "Germany",
        "Europe/Berlin",
        today_in("Europe/Berlin") + timedelta(days=12),
        5,
        [giulia, chiara],
        status=Mission.Status.DRAFT,
    )
    mission(
        "Aerospace Meetings Seattle",
        "Seattle",
        "Washington",
        "United States",
        "America/Los_Angeles",
        today_in("America/Los_Angeles") + timedelta(days=61),
        3,
        [giulia],
        status=Mission.Status.DRAFT,
    )
    michigan = mission(
        "VTM Michigan",
        "Pontiac",
        "Michigan",
        "United States",
        "America/Detroit",
        today_in("America/Detroit") - timedelta(days=200),
        3,
        [giulia, marco, chiara],
        status=Mission.Status.ARCHIVED,
    )
    for target, people, meetings in ((nagoya, 4, 6), (michigan, 5, 9), (hannover, 3, 0)):
        members = [
            make_member(target, make_person(first_name="Delegate", last_name=f"N{n}"))
            for n in range(people)
        ]
        first = target.starts_at() + timedelta(hours=9)
        for n in range(meetings):
            start = first + timedelta(days=n // 3, hours=2 * (n % 3))
            make_meeting(
                target,
                start,
                start + timedelta(hours=1),
                title=f"Meeting {n}",
                attendees=members[:2],
                status=Meeting.Status.TENTATIVE if n == 4 else Meeting.Status.CONFIRMED,
            )
    # Two overlapping meetings in Nagoya: the card says so.
    make_meeting(
        nagoya,
        nagoya.starts_at() + timedelta(hours=9, minutes=30),
        nagoya.starts_at() + timedelta(hours=10, minutes=30),
        title="Toyota Boshoku",
        attendees=list(nagoya.members.all()[:1]),
    )
    return giulia, nagoya


def test_the_list_shows_where_each_mission_stands_and_who_coordinates_it(
    browser: Browser, live_server
):
    giulia, nagoya = _world()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    watch = Watch(page)
    page.goto(f"{live_server.url}/")
    page.get_by_label("Username").fill("giulia")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Missions", level=1)).to_be_visible()
    headings = page.locator("h2.phase-heading")
    expect(headings).to_have_text(["Running now", "Upcoming", "Past"])
    running = page.locator("article.phase-running")
    expect(running).to_have_count(1)
    expect(running).to_contain_text("Automotive Dialogue Japan")
    expect(running).to_contain_text("Day 2 of 4")
    expect(running).to_contain_text("Coordinators: Giulia Ferrero (you), Marco Bianchi")
    expect(page.locator("article.phase-upcoming").first).to_contain_text("in 12 days")
    watch.assert_clean("missions list")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "missions-list.png", full_page=True)

    # Search, then a filter that keeps the search.
    page.get_by_role("searchbox", name="Search missions").fill("united states")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("article.mission-card")).to_have_count(2)
    page.get_by_role("link", name="Past 1").click()
    expect(page.locator("article.mission-card")).to_have_count(1)
    expect(page.locator("article.mission-card")).to_contain_text("VTM Michigan")
    page.get_by_role("link", name="Clear").click()
    expect(page.locator("article.mission-card")).to_have_count(1)
    page.get_by_role("link", name="All 4").click()
    expect(page.locator("article.mission-card")).to_have_count(4)

    # The Coordinators page: Chiara added by e-mail, Marco removed.
    running.get_by_role("link", name="Coordinators").click()
    expect(page.get_by_role("heading", name="Add a coordinator")).to_be_visible()
    page.get_by_label("Username or e-mail address").fill("Chiara@Ceipiemonte.it")
    page.get_by_role("button", name="Add coordinator").click()
    expect(
        page.get_by_text("Chiara Rinaldi now coordinates “Automotive Dialogue Japan”.")
    ).to_be_visible()
    page.get_by_role("button", name="Remove Marco Bianchi").click()
    expect(page.get_by_text("Marco Bianchi no longer coordinates")).to_be_visible()
    expect(page.locator(".coordinator-list li")).to_have_count(2)
    watch.assert_clean("coordinators page")
    page.screenshot(path=SCREENSHOTS / "missions-coordinators.png", full_page=True)

    # Leaving asks first; then the mission has left Giulia's list.
    page.get_by_role("link", name="Leave this mission…").click()
    expect(page.get_by_role("heading", name="Leave “Automotive Dialogue Japan”?")).to_be_visible()
    page.get_by_role("button", name="Leave the mission").click()
    expect(page.get_by_text("You no longer coordinate “Automotive Dialogue Japan”")).to_be_visible()
    expect(page.locator("article.mission-card")).to_have_count(3)
    assert list(nagoya.coordinators.values_list("username", flat=True)) == ["chiara"]
    watch.assert_clean("after leaving")

    # On a phone: one column, nothing wider than the screen.
    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, storage_state=context.storage_state()
    )
    small = phone.new_page()
    small.goto(f"{live_server.url}/")
    expect(small.locator("article.mission-card")).to_have_count(3)
    assert small.evaluate("document.documentElement.scrollWidth") <= 390
    small.screenshot(path=SCREENSHOTS / "missions-list-phone.png", full_page=True)
