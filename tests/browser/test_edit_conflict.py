"""Two coordinators in two browsers save one meeting: the second sees what changed, keeps
what they typed, and saves it deliberately. Screenshot: screenshots/edit-conflict.png."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from meetings.models import Meeting
from tests.builders import local, make_meeting, make_member, make_mission, make_person

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Langhe-Roero-2026"
SCREENSHOTS = Path(settings.BASE_DIR) / "screenshots"


def coordinator_page(browser: Browser, base_url: str, username: str) -> Page:
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{base_url}/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Missions")).to_be_visible()
    return page


def test_the_second_to_save_sees_the_change_and_saves_theirs_deliberately(
    browser: Browser, live_server
):
    mission = make_mission(title="VTM Michigan 2025", slug="vtm-michigan-2025")
    people = [
        make_person(first_name=first, last_name=last)
        for first, last in (("Andrea", "Tronzano"), ("Michela", "Favaro"), ("Stefano", "Geuna"))
    ]
    members = [make_member(mission, person) for person in people]
    meeting = make_meeting(
        mission,
        local(mission, 2025, 4, 22, 14),
        local(mission, 2025, 4, 22, 15),
        title="Meeting with Rivian",
        attendees=members,
    )
    users = get_user_model().objects
    for username, first, last in (("anna", "Anna", "Ferrero"), ("bruno", "Bruno", "Gallo")):
        user = users.create_user(username, password=PASSWORD, first_name=first, last_name=last)
        mission.coordinators.add(user)
    url = live_server.url + reverse("meetings:edit", args=[mission.slug, meeting.pk])

    anna = coordinator_page(browser, live_server.url, "anna")
    bruno = coordinator_page(browser, live_server.url, "bruno")
    anna.goto(url)
    bruno.goto(url)

    # Anna moves the meeting to 16:00 and takes Stefano Geuna off it.
    anna.get_by_label("Start time", exact=True).fill("16:00")
    anna.get_by_label("End time", exact=True).fill("17:00")
    anna.get_by_label("Stefano Geuna", exact=True).uncheck()
    anna.get_by_role("button", name="Save meeting").click()
    expect(anna.get_by_text("“Meeting with Rivian” saved.")).to_be_visible()

    # Bruno, from the page he opened before, writes the description.
    bruno.get_by_label("Public description").fill("Rivian will visit Turin in June.")
    bruno.get_by_role("button", name="Save meeting").click()

    panel = bruno.get_by_role("alert").filter(has_text="while you were editing")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("Anna Ferrero saved this meeting at")
    rows = panel.locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Starts")
    expect(rows.nth(0)).to_contain_text("Tue 22 Apr 2025 16:00")
    expect(rows.nth(2)).to_contain_text("Andrea Tronzano, Michela Favaro")
    described = bruno.get_by_label("Public description")
    expect(described).to_have_value("Rivian will visit Turin in June.")
    SCREENSHOTS.mkdir(exist_ok=True)
    bruno.screenshot(path=SCREENSHOTS / "edit-conflict.png")
    assert Meeting.objects.get(pk=meeting.pk).description == ""

    # He takes Anna's time and attendees into his form, then saves his version.
    bruno.get_by_label("Start time", exact=True).fill("16:00")
    bruno.get_by_label("End time", exact=True).fill("17:00")
    bruno.get_by_label("Stefano Geuna", exact=True).uncheck()
    panel.get_by_role("button", name="Save my version").click()
    expect(bruno.get_by_text("“Meeting with Rivian” saved.")).to_be_visible()

    stored = Meeting.objects.get(pk=meeting.pk)
    assert stored.local_start.hour == 16
    assert stored.description == "Rivian will visit Turin in June."
    assert sorted(m.person.last_name for m in stored.attendees.all()) == ["Favaro", "Tronzano"]
