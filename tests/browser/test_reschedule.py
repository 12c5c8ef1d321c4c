"""A Tokyo mission whose zone was wrong is corrected to Berlin in the browser: the preview
shows each meeting before and after in both zones, the save moves them. Screenshot:
screenshots/reschedule-preview.png."""

from datetime import date, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import Browser, expect

from meetings.models import Meeting
from tests.builders import local, make_meeting, make_member, make_mission, make_person

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Langhe-Roero-2026"
SCREENSHOTS = Path(settings.BASE_DIR) / "screenshots"


def test_correcting_the_zone_shows_the_preview_and_moves_the_meetings(
    browser: Browser, live_server
):
    mission = make_mission(
        title="Stuttgart 2027",
        slug="stuttgart-2027",
        city="Stuttgart",
        country="Germany",
        timezone="Asia/Tokyo",
        start_date=date(2027, 3, 26),
        end_date=date(2027, 3, 30),
    )
    member = make_member(
        mission,
        make_person(first_name="Michela", last_name="Favaro"),
        arrival=local(mission, 2027, 3, 25, 18),
        departure=local(mission, 2027, 3, 31, 9),
    )
    for day, title in ((26, "Bosch"), (29, "Porsche"), (30, "Mercedes-Benz")):
        make_meeting(
            mission,
            local(mission, 2027, 3, day, 10),
            local(mission, 2027, 3, day, 11, 30),
            title=title,
            attendees=[member],
        )
    user = get_user_model().objects.create_user("anna", password=PASSWORD)
    mission.coordinators.add(user)

    page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/")
    page.get_by_label("Username").fill("anna")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(live_server.url + reverse("missions:edit", args=[mission.slug]))
    page.locator("#id_timezone").fill("Europe/Berlin")
    page.get_by_role("button", name="Save mission").click()

    preview = page.locator("#reschedule-preview")
    expect(preview).to_contain_text("The time zone changes from Asia/Tokyo to Europe/Berlin.")
    expect(page.get_by_label("Keep the local clock times (the zone was wrong)")).to_be_checked()
    porsche = preview.locator("tr", has_text="Porsche")
    expect(porsche).to_contain_text("Mon 29 Mar 2027, 17:00–18:30")
    expect(porsche.locator("td").nth(3)).to_have_text("Mon 29 Mar 2027, 10:00–11:30")
    SCREENSHOTS.mkdir(exist_ok=True)
    preview.screenshot(path=SCREENSHOTS / "reschedule-preview.png")

    page.get_by_role("button", name="Save the mission and move 4 meetings and stays").click()
    expect(page.get_by_text("Mission saved; 4 meetings and stays moved with it.")).to_be_visible()
    porsche = Meeting.objects.get(title="Porsche")
    assert porsche.start == datetime(2027, 3, 29, 8, tzinfo=porsche.start.tzinfo)
